"""Row label → canonical key: an ordered chain of mappers, each asked in turn until one answers.

The chain: the curated dictionary; nearest neighbour on a local embedding model for wording it has
never seen (pipelines/ies/mapping_embeddings.py); an LLM for what is still open, only when an API key
is set (pipelines/ies/mapping_llm.py); then section keyword rules. A mapper answers None when it has
no opinion.

Stages that work best in batches say so with two optional methods: `prepare(labels)` is called with
a document's labels before mapping (the embedding stage embeds them in one go), and `pending()` /
`resolve()` let a stage defer: it answers None on a first pass while noting the label, then resolves
everything noted in one call, and the rows are mapped again (the LLM stage: one call per document)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from pipelines.ies.chart import HEADINGS, KNOWN_UNMAPPED, SECTION_OF, SECTION_TOTAL, TOTAL_KEYS, VOCABULARY

# Abbreviations spelled out before lookup; applied to the vocabulary too, so both sides agree.
_PHRASES = [
    (r"\br and m\b", "repairs and maintenance"), (r"\bg and a\b", "general and administrative"),
    (r"\bd and a\b", "depreciation and amortization"), (r"\bp and i\b", "principal and interest"),
    (r"\bsg and a\b", "selling general and administrative"), (r"\bnon operating\b", "nonoperating"),
    (r"\bon site\b", "onsite"), (r"\bmake ready\b", "make ready"),
]
_PHRASE_PATTERNS = [(re.compile(pattern), spelled) for pattern, spelled in _PHRASES]
_WORDS = {
    "maint": "maintenance", "mgmt": "management", "mgt": "management", "misc": "miscellaneous",
    "exp": "expenses", "exps": "expenses", "expense": "expenses", "admin": "administrative",
    "re": "real estate", "opex": "operating expenses", "capex": "capital expenditures",
    "egi": "effective gross income", "gpr": "gross potential rent", "noi": "net operating income",
    "cogs": "cost of goods sold", "ins": "insurance", "util": "utilities", "utils": "utilities",
    "adv": "advertising", "svc": "services", "svcs": "services", "tel": "telephone", "prof": "professional",
    "depr": "depreciation", "amort": "amortization", "int": "interest", "wc": "workers compensation",
    "comp": "compensation", "acctg": "accounting", "mtg": "mortgage", "rev": "revenue", "sal": "salaries",
    "bldg": "building", "ttl": "total", "tot": "total", "oper": "operating", "reimb": "reimbursements",
}
_LESS = re.compile(r"^\s*(less|minus)\b[:\s]*", re.IGNORECASE)
_PARENTHESES = re.compile(r"\([^)]*\)")
_APOSTROPHES = re.compile(r"['\u2019`]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_LEADING_CODE = re.compile(r"^\s*\d{3,6}(\.\d+)?\s*[-:\u00b7.]?\s+(?=[A-Za-z])")


@lru_cache(maxsize=65_536)
def normalize(label: str, *, drop_parentheses: bool = False) -> str:
    """Lower case, '&' as 'and', punctuation and leading GL numbers gone, abbreviations spelled out. Cached: a
    statement's labels are normalised many times over (every mapper, every section)."""
    text = _LEADING_CODE.sub("", label)
    text = _LESS.sub("", text)
    if drop_parentheses:
        text = _PARENTHESES.sub(" ", text)
    text = text.lower().replace("&", " and ").replace("+", " and ")
    text = _APOSTROPHES.sub("", text)
    text = _NOT_WORD.sub(" ", text).strip()
    for pattern, spelled in _PHRASE_PATTERNS:
        text = pattern.sub(spelled, text)
    return " ".join(_WORDS.get(word, word) for word in text.split())


def says_less(label: str) -> bool:
    """'Less: Vacancy' prints a deduction as a positive figure."""
    return bool(_LESS.match(label))


def classify_heading(label: str) -> str | None:
    """The section a heading row opens, or None when it names none."""
    for variant in (normalize(label), normalize(label, drop_parentheses=True)):
        if variant in _HEADINGS:
            return _HEADINGS[variant]
    text = normalize(label)
    if "income" in text and "expenses" in text:
        return "below_noi"
    if "cost of" in text or "direct cost" in text:
        return "cost_of_sales"
    if "expenses" in text:
        return "operating_expense"
    if re.search(r"\b(income|revenue|revenues|sales)\b", text):
        return "income"
    return None


def is_heading_wording(label: str) -> bool:
    return normalize(label) in _HEADINGS or normalize(label, drop_parentheses=True) in _HEADINGS


@dataclass(frozen=True)
class LabelContext:
    """Where a label sits: the section its heading opened (None before any), and the statement kind."""

    section: str | None
    statement_type: str = "unknown"  # property_operating | business_pnl | unknown


@dataclass(frozen=True)
class LabelMatch:
    canonical: str | None
    section: str
    is_total: bool
    confidence: float
    mapper: str
    known: bool = True  # False: no mapper recognised the label


class LabelMapper(Protocol):
    """One stage of the chain. `name` goes into the result's `method` when the stage mapped a row."""

    name: str

    def map(self, label: str, context: LabelContext) -> LabelMatch | None: ...


def _is_subtotal(norm: str) -> bool:
    return norm.startswith("total ") or norm.endswith(" total")


def _match(key: str | None, norm: str, section: str, confidence: float, mapper: str) -> LabelMatch:
    if key is None:
        return LabelMatch(None, section, True, confidence, mapper)
    is_total = key in TOTAL_KEYS or _is_subtotal(norm)
    return LabelMatch(key, SECTION_OF[key], is_total, confidence, mapper)


def _normalized_vocabulary() -> dict[str, dict[str, str]]:
    return {section: {normalize(k): v for k, v in words.items()} for section, words in VOCABULARY.items()}


_VOCAB = _normalized_vocabulary()
_HEADINGS = {normalize(k): v for k, v in HEADINGS.items()}
_KNOWN_UNMAPPED = {normalize(k) for k in KNOWN_UNMAPPED}
# Wording that names its own section wherever it is printed (the lone "Cost of Goods Sold" line after
# total income, totals): found outside the current section's words too.
_SELF_NAMING = {
    normalize(k): v for k, v in {
        **{w: "cost_of_goods_sold" for w in ("cost of goods sold", "cost of sales", "direct job costs",
                                             "cost of revenue", "cost of revenues", "direct costs", "job costs",
                                             "total cost of goods sold", "total cost of sales", "total direct costs",
                                             "total job costs", "total cost of revenue")},
        **{w: key for w, key in VOCABULARY["income"].items() if key == "total_income"},
        **{w: key for w, key in VOCABULARY["operating_expense"].items() if key == "total_operating_expenses"},
    }.items()
}


class DictionaryMapper:
    """The curated dictionary: exact normalised wording, looked up in the label's own section first."""

    name = "dictionary"

    def map(self, label: str, context: LabelContext) -> LabelMatch | None:
        for variant in dict.fromkeys((normalize(label), normalize(label, drop_parentheses=True))):
            if not variant:
                continue
            if variant in _KNOWN_UNMAPPED:
                return LabelMatch(None, "summary", True, 0.9, self.name)
            found = self._lookup(variant, context)
            if found:
                key, confidence = found
                return _match(key, variant, context.section or SECTION_OF[key], confidence, self.name)
        return None

    @staticmethod
    def _lookup(norm: str, context: LabelContext) -> tuple[str, float] | None:
        section = context.section
        if section in _VOCAB and norm in _VOCAB[section]:
            return _VOCAB[section][norm], 0.95
        if norm in _VOCAB["summary"]:
            return _VOCAB["summary"][norm], 0.95
        if norm in _SELF_NAMING:
            return _SELF_NAMING[norm], 0.9
        if section is None or section == "summary":  # before any heading: the first section that knows it
            for words in _VOCAB.values():
                if norm in words:
                    return words[norm], 0.8
        return None


_KEYWORDS: dict[str, list[tuple[str, str]]] = {
    "income": [
        (r"vacan|credit loss|bad debt|collection loss|write off", "vacancy_credit_loss"),
        (r"concession|free rent|discount|special", "concessions"),
        (r"(potential|scheduled|gross).*rent|rent.*(potential|scheduled)", "gross_potential_rent"),
        (r"reimburse|recover|fee|laundry|parking|vending|interest|late|pet|storage|misc|other|gain|rebate",
         "other_income"),
        (r"rent", "gross_potential_rent"),
        (r"revenue|sales|roofing|contract|service|install|job|construction", "revenue"),
    ],
    "operating_expense": [
        (r"salar|wage|payroll|benefit|compensation|personnel|401k|staff", "payroll"),
        (r"repair|maint|landscap|janitor|clean|pest|snow|turnover|make ready|ground|elevator|hvac|paint",
         "repairs_maintenance"),
        (r"electric|\bgas\b|water|sewer|trash|utilit|refuse|garbage", "utilities"),
        (r"insurance", "insurance"),
        (r"\btax", "property_taxes"),
        (r"management", "management_fees"),
        (r"legal|accounting|professional|consult|audit", "professional_fees"),
        (r"advertis|marketing|promotion|leasing", "marketing"),
        (r"office|administrative|telephone|phone|software|bank|postage|supplies|computer|subscription|internet",
         "general_administrative"),
        (r"\brent\b|lease", "rent_expense"),
    ],
    "below_noi": [
        (r"interest", "interest_expense"),
        (r"depreciation|amortization", "depreciation_amortization"),
        (r"debt service|mortgage|loan|principal", "debt_service"),
        (r"capital|improvement", "capital_expenditures"),
        (r"reserve", "replacement_reserves"),
        (r"tax", "income_taxes"),
    ],
}


class KeywordMapper:
    """Last resort before giving up: keywords within the label's section (lower confidence), and a
    section's catch-all where the chart has one (other operating expenses, cost of goods sold)."""

    name = "keywords"

    def map(self, label: str, context: LabelContext) -> LabelMatch | None:
        norm = normalize(label, drop_parentheses=True)
        section = context.section
        if not norm or section is None:
            return None
        if _is_subtotal(norm):
            rest = re.sub(r"^total |\btotal$", "", norm).strip()
            inner = DictionaryMapper().map(rest, context) if rest else None
            if inner and inner.canonical and inner.canonical not in TOTAL_KEYS:
                return LabelMatch(inner.canonical, inner.section, True, 0.75, self.name)
            if section in SECTION_TOTAL:
                return _match(SECTION_TOTAL[section], norm, section, 0.7, self.name)
            return None
        if section == "cost_of_sales":
            return _match("cost_of_goods_sold", norm, section, 0.75, self.name)
        for pattern, key in _KEYWORDS.get(section, []):
            if re.search(pattern, norm):
                if key == "revenue" and context.statement_type == "property_operating":
                    key = "other_income"
                return _match(key, norm, section, 0.7, self.name)
        if section == "operating_expense":
            return _match("other_operating_expenses", norm, section, 0.6, self.name)
        if section == "income":  # revenue or other income? a guess a reviewer should confirm
            key = "revenue" if context.statement_type == "business_pnl" else "other_income"
            return _match(key, norm, section, 0.45, self.name)
        return None


class MapperChain:
    """Asks each mapper in order; a label none of them knows comes back unmapped, with low confidence."""

    def __init__(self, mappers: list[LabelMapper]) -> None:
        self.mappers = mappers

    def map(self, label: str, context: LabelContext) -> LabelMatch:
        for mapper in self.mappers:
            match = mapper.map(label, context)
            if match is not None:
                return match
        return LabelMatch(None, context.section or "other", _is_subtotal(normalize(label)), 0.3, "none", known=False)

    def warm(self) -> None:
        """Stages with a slow start (a model to load) begin it now, while the document is read."""
        for mapper in self.mappers:
            warm = getattr(mapper, "warm", None)
            if warm:
                warm()

    def prepare(self, labels: list[str]) -> None:
        """A document's labels, before any is mapped: stages that batch get them all at once."""
        for mapper in self.mappers:
            prepare = getattr(mapper, "prepare", None)
            if prepare:
                prepare(labels)

    def resolve(self) -> bool:
        """Let the first stage holding deferred labels answer them in one batch; True when one did, and
        the rows should be mapped again."""
        for mapper in self.mappers:
            pending = getattr(mapper, "pending", None)
            if pending and pending():
                mapper.resolve()  # type: ignore[attr-defined]
                return True
        return False

    def warnings(self) -> list[str]:
        """What stages want a reviewer to know (an LLM call that failed, say)."""
        return [w for mapper in self.mappers for w in getattr(mapper, "warnings", [])]


def default_chain(*, llm=None, document_id: str | None = None, embeddings: bool = True) -> MapperChain:
    """Dictionary → embeddings → LLM (only with a client, i.e. when an API key is set) → keywords."""
    mappers: list[LabelMapper] = [DictionaryMapper()]
    if embeddings:
        from pipelines.ies.mapping_embeddings import EmbeddingMapper

        mappers.append(EmbeddingMapper())
    if llm is not None:
        from pipelines.ies.mapping_llm import LlmLabelMapper

        mappers.append(LlmLabelMapper(llm, document_id=document_id))
    mappers.append(KeywordMapper())
    return MapperChain(mappers)
