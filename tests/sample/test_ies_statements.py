"""The sample IES statements: deterministic files of the right kinds, PDFs whose text layer carries
the truth's figures, truth that ties out exactly when it says so, and spreadsheets the truth points into."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pdfplumber
import pytest

from brainops.paths import PROJECT_ROOT
from brainops.sample.ies_statements import generate_ies

AS_OF = datetime(2026, 11, 1, tzinfo=UTC)
CHART = PROJECT_ROOT / "pipelines" / "ies" / "contract" / "ies_chart_of_accounts.md"
INCOME = ("gross_potential_rent", "vacancy_credit_loss", "concessions", "revenue", "other_income")
OPEX = ("payroll", "repairs_maintenance", "utilities", "insurance", "property_taxes", "management_fees",
        "professional_fees", "marketing", "general_administrative", "rent_expense", "other_operating_expenses")
BELOW_NOI = ("interest_expense", "depreciation_amortization", "debt_service", "capital_expenditures",
             "replacement_reserves", "income_taxes")


@pytest.fixture(scope="module")
def ies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ies")
    counts = generate_ies(out, scale=0.4, seed=5, as_of=AS_OF)
    assert counts == {"ies/files": 20, "ies/pdf": 10, "ies/xlsx": 6, "ies/csv": 4}
    return out


@pytest.fixture(scope="module")
def truths(ies: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((ies / "truth" / "ies").glob("*.json"))]


def cents(amount: float) -> int:
    return round(amount * 100)


def tie_out_failures(truth: dict) -> list[str]:
    """The chart of accounts' arithmetic, per period, on the truth's canonical values (in cents)."""
    values = {k: {p: cents(v) for p, v in by.items()} for k, by in truth["values"].items()}
    failures = []
    for period in (p["key"] for p in truth["periods"]):
        def get(key: str, period: str = period) -> int:
            return values.get(key, {}).get(period, 0)

        def check(name: str, printed_key: str, expected: int, period: str = period) -> None:
            if printed_key in values and values[printed_key][period] != expected:
                failures.append(f"{name} {period}: {values[printed_key][period]} != {expected}")

        check("total_income", "total_income", sum(get(k) for k in INCOME))
        check("gross_profit", "gross_profit", get("total_income") - get("cost_of_goods_sold"))
        check("total_operating_expenses", "total_operating_expenses", sum(get(k) for k in OPEX))
        check("net_operating_income", "net_operating_income",
              get("total_income") - get("cost_of_goods_sold") - get("total_operating_expenses"))
        check("net_income", "net_income", get("net_operating_income") - sum(get(k) for k in BELOW_NOI))
    months = [p["key"] for p in truth["periods"] if p["months"] == 1]
    t12 = next((p["key"] for p in truth["periods"] if p["key"].startswith("T12-")), None)
    if t12:
        for row in truth["rows"]:
            if row["values"][t12] != pytest.approx(sum(row["values"][m] for m in months), abs=0.001):
                failures.append(f"T-12 column of {row['label']}")
    return failures


def test_same_seed_gives_byte_identical_files(tmp_path: Path, ies: Path) -> None:
    generate_ies(tmp_path, scale=0.4, seed=5, as_of=AS_OF)
    ours = sorted(p.relative_to(ies) for p in ies.rglob("*") if p.is_file())
    theirs = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert ours == theirs
    for rel in ours:
        assert (ies / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


def test_file_types_by_magic_bytes(ies: Path, truths: list[dict]) -> None:
    for truth in truths:
        data = (ies / "ies" / truth["file"]).read_bytes()
        if truth["format"] == "pdf":
            assert data.startswith(b"%PDF-") and truth["file"].endswith(".pdf")
        elif truth["format"] == "xlsx":
            assert data.startswith(b"PK\x03\x04") and truth["file"].endswith(".xlsx")
            assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
        else:
            assert not data.startswith((b"%PDF", b"PK")) and truth["file"].endswith(".csv")
            rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
            assert len(rows) > 8


def test_truth_follows_the_contract(truths: list[dict]) -> None:
    keys = set(re.findall(r"^\| (\w+) \|", CHART.read_text(), flags=re.M)) - {"key"}
    for truth in truths:
        assert truth["statement_type"] in ("property_operating", "business_pnl")
        assert truth["unit_multiplier"] in (1, 1000)
        assert set(truth["values"]) <= keys
        period_keys = [p["key"] for p in truth["periods"]]
        assert all(set(by) == set(period_keys) for by in truth["values"].values())
        assert all(v > 0 for v in truth["values"]["total_income"].values())
        for key in ("vacancy_credit_loss", "concessions"):
            assert all(v <= 0 for v in truth["values"].get(key, {}).values())
        for key in OPEX + BELOW_NOI:
            assert all(v >= 0 for v in truth["values"].get(key, {}).values())
        if truth["debt_service"] is not None:
            assert "debt_service" in truth["values"]


def test_truth_ties_out_exactly_when_it_says_so(truths: list[dict]) -> None:
    assert any(not t["ties_out"] for t in truths)
    for truth in truths:
        failures = tie_out_failures(truth)
        if truth["ties_out"]:
            assert failures == [], truth["file"]
        else:
            assert failures and truth["tie_out_errors"], truth["file"]


def printed(amount: float, truth: dict) -> str:
    decimals = truth["layout"]["decimals"]
    return f"{abs(amount) / truth['unit_multiplier']:,.{decimals}f}"


def test_pdf_text_layer_carries_the_figures(ies: Path, truths: list[dict]) -> None:
    pdfs = [t for t in truths if t["format"] == "pdf"]
    assert any(t["scanned"] for t in pdfs) and any(not t["scanned"] for t in pdfs)
    for truth in pdfs:
        with pdfplumber.open(ies / "ies" / truth["file"]) as pdf:
            assert len(pdf.pages) == truth["pages"]
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
            if truth["scanned"]:
                assert text.strip() == ""
                assert all(page.images for page in pdf.pages)
                continue
        assert truth["entity_name"] in text
        words = set(text.split())
        for period in truth["periods"]:  # long column headings wrap onto two lines
            assert set(period["label"].split()) <= words, period["label"]
        for row in truth["rows"]:
            assert row["label"] in text
            for amount in row["values"].values():
                if amount:
                    assert printed(amount, truth) in text, (truth["file"], row["label"], amount)


def test_spreadsheet_sources_point_at_the_figures(ies: Path, truths: list[dict]) -> None:
    for truth in truths:
        path = ies / "ies" / truth["file"]
        keys = [p["key"] for p in truth["periods"]]
        if truth["format"] == "xlsx":
            sheets = openpyxl.load_workbook(path)
            for row in truth["rows"]:
                ws = sheets[row["source"]["sheet"]]
                cells = [c for c in ws[row["source"]["row"]] if c.value not in (None, "")]
                assert any(str(c.value).strip() == row["label"] for c in cells)
                if truth["layout"]["numbers_as_text"]:
                    continue
                numbers = [c.value for c in cells if isinstance(c.value, int | float)][-len(keys) - 1:]
                expected = [row["printed_sign"] * row["values"][k] / truth["unit_multiplier"] for k in keys]
                assert any(numbers[i:i + len(keys)] == pytest.approx(expected, abs=0.006) for i in range(2)) or \
                    all(v == 0 for v in expected), (truth["file"], row["label"])
        elif truth["format"] == "csv":
            lines = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
            for row in truth["rows"]:
                assert row["label"] in [cell.strip() for cell in lines[row["source"]["row"] - 1]]


def test_scale_1_mix(tmp_path: Path) -> None:
    counts = generate_ies(tmp_path, scale=1, seed=42, as_of=AS_OF)
    assert counts == {"ies/files": 50, "ies/pdf": 25, "ies/xlsx": 15, "ies/csv": 10}
    truths = [json.loads(p.read_text()) for p in (tmp_path / "truth" / "ies").glob("*.json")]
    assert 2 <= sum(t["scanned"] for t in truths) <= 3
    assert sum(not t["ties_out"] for t in truths) == 5
    layouts = {t["layout"]["period_layout"] for t in truths}
    assert layouts == {"single", "multi_year", "t12"}
    assert {t["statement_type"] for t in truths} == {"property_operating", "business_pnl"}
    assert any(t["unit_multiplier"] == 1000 for t in truths)
    assert any(t["pages"] and t["pages"] > 1 for t in truths if t["layout"]["period_layout"] == "t12")
    assert {t["layout"]["neg"] for t in truths} == {"parens", "minus", "trailing"}
    assert any(t["debt_service"] for t in truths)
