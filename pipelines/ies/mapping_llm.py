"""The LLM stages of IES extraction, used only when an API key is set (pipelines/llm picks the provider):

- `LlmLabelMapper`: labels that the dictionary and the embedding stage left open are sent, all of a
  document's at once, in ONE call whose tool schema allows only chart keys (or null). It defers: on the
  first pass over the rows it notes the labels and answers nothing; the chain's `resolve()` makes the
  call; the rows are then mapped again with the answers.

Reading whole statements (a second reading, or where the layout reader cannot): pipelines/ies/llm_reader.py.

An LLM's answers are never as sure as the curated dictionary: confidence is capped below the
dictionary's, and a document read by an LLM is `extracted` only when its tie-outs pass.
"""

from __future__ import annotations

import json

from pipelines.ies.chart import SECTION_OF
from pipelines.ies.labels import LabelContext, LabelMatch, _match, normalize
from pipelines.llm import LlmClient, LlmError, Tool

LABEL_PURPOSE = "ies_label_mapping"
MAX_CONFIDENCE = 0.85  # below the dictionary's 0.9+: an LLM mapping is a good guess, not a curated fact

# pipelines/ies/contract/ies_chart_of_accounts.md, as the model needs it
MEANINGS: dict[str, str] = {
    "gross_potential_rent": "scheduled rent at full occupancy",
    "vacancy_credit_loss": "vacancy, credit loss, bad debt (a deduction from income)",
    "concessions": "free rent and other concessions (a deduction from income)",
    "revenue": "sales, service, contract or fee revenue of a business",
    "other_income": "parking, laundry, late fees, interest income, reimbursements, misc. income",
    "total_income": "effective gross income / total revenue / total income (a total)",
    "cost_of_goods_sold": "cost of sales, direct job costs, materials and subcontractors",
    "gross_profit": "total income minus cost of goods sold (a total)",
    "payroll": "salaries, wages, payroll taxes, benefits",
    "repairs_maintenance": "repairs, maintenance, turnover, landscaping, janitorial",
    "utilities": "electric, gas, water, sewer, trash",
    "insurance": "property, liability and other insurance",
    "property_taxes": "real estate taxes",
    "management_fees": "property or asset management fees",
    "professional_fees": "legal, accounting, consulting",
    "marketing": "advertising, marketing, leasing costs",
    "general_administrative": "office, admin, software, telephone, supplies, bank charges",
    "rent_expense": "rent or lease paid by a business",
    "other_operating_expenses": "anything operating that fits no key above",
    "total_operating_expenses": "total operating expenses, excluding cost of goods sold (a total)",
    "net_operating_income": "NOI / operating income (a total)",
    "interest_expense": "interest paid",
    "depreciation_amortization": "depreciation and amortization",
    "debt_service": "principal and interest payments (annual debt service)",
    "capital_expenditures": "capital improvements",
    "replacement_reserves": "reserves for replacement",
    "income_taxes": "income taxes",
    "net_income": "bottom line after everything below NOI (a total)",
}
KEYS = list(MEANINGS)
_CHART = "\n".join(f"- {key} ({SECTION_OF[key]}): {meaning}" for key, meaning in MEANINGS.items())

LABEL_TOOL = Tool(
    name="map_labels",
    description="Record, for every row label given, the chart-of-accounts key it belongs to.",
    input_schema={
        "type": "object",
        "properties": {"mappings": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "id": {"type": "integer", "description": "The id the label was given."},
                "canonical": {"type": ["string", "null"], "enum": [*KEYS, None],
                              "description": "The chart key, or null when the row belongs to none."},
                "is_total": {"type": "boolean", "description": "The row is a total or subtotal of rows above."},
                "confidence": {"type": "number", "description": "0 to 1: how sure the mapping is."},
            },
            "required": ["id", "canonical", "is_total", "confidence"],
            "additionalProperties": False,
        }}},
        "required": ["mappings"],
        "additionalProperties": False,
    },
)
LABEL_SYSTEM = (
    "You spread income & expense statements (property operating statements, business P&Ls, T-12s) for a "
    "lender. Map each row label onto exactly one key of this chart of accounts, or null when the row is a "
    "subtotal or line the chart has no key for. The section a row sits under (the heading above it) "
    "matters: 'Rent' under income is rent received, under expenses rent paid.\n" + _CHART +
    "\nAnswer with the map_labels tool, one mapping per label id.")


class LlmLabelMapper:
    """The LLM stage of the mapper chain: one call per document for the labels still open."""

    def __init__(self, llm: LlmClient, *, document_id: str | None = None) -> None:
        self.llm = llm
        self.name = f"llm:{llm.provider}:{llm.model}"
        self.document_id = document_id
        self.warnings: list[str] = []
        self.calls = 0
        self._pending: dict[str, tuple[str, LabelContext]] = {}
        self._answers: dict[str, tuple[str | None, bool, float] | None] = {}  # None: no answer for it

    def map(self, label: str, context: LabelContext) -> LabelMatch | None:
        norm = normalize(label)
        if not norm:
            return None
        if norm not in self._answers:
            self._pending.setdefault(norm, (label, context))
            return None
        answer = self._answers[norm]
        if answer is None:
            return None
        key, is_total, confidence = answer
        if key is None:  # a subtotal the chart has no key for: read, not mapped, not unknown
            return LabelMatch(None, "summary", True, confidence, self.name) if is_total else None
        match = _match(key, norm, context.section or SECTION_OF[key], confidence, self.name)
        return LabelMatch(key, match.section, match.is_total or is_total, confidence, self.name)

    def pending(self) -> int:
        return len(self._pending)

    def resolve(self) -> None:
        """One call for every label noted since the last one."""
        asked = list(self._pending.items())
        self._pending.clear()
        statement_type = next((ctx.statement_type for _, (_, ctx) in asked), "unknown")
        labels = [{"id": i, "label": label, "section_heading": ctx.section}
                  for i, (_, (label, ctx)) in enumerate(asked, start=1)]
        prompt = ("Statement type: " + statement_type + "\nRow labels (section_heading: the section the heading "
                  "above the row opened, null when none):\n" + json.dumps(labels, indent=1))
        self.calls += 1
        try:
            answer = self.llm.call_tool(system=LABEL_SYSTEM, prompt=prompt, tool=LABEL_TOOL, purpose=LABEL_PURPOSE,
                                        document_id=self.document_id, max_tokens=200 + 60 * len(labels))
        except LlmError as exc:
            for norm, _ in asked:
                self._answers[norm] = None
            self.warnings.append(f"The LLM could not map {len(asked)} label(s) ({exc}); keyword rules mapped "
                                 "them instead.")
            return
        by_id = {m["id"]: m for m in answer["mappings"]}
        for i, (norm, _) in enumerate(asked, start=1):
            found = by_id.get(i)
            if found is None or (found["canonical"] is not None and found["canonical"] not in MEANINGS):
                self._answers[norm] = None
                continue
            confidence = min(max(float(found["confidence"]), 0.0), MAX_CONFIDENCE)
            self._answers[norm] = (found["canonical"], bool(found["is_total"]), confidence)
        missing = sum(1 for norm, _ in asked if self._answers[norm] is None)
        if missing:
            self.warnings.append(f"The LLM gave no usable key for {missing} of {len(asked)} label(s); keyword "
                                 "rules mapped them instead.")
