"""The LLM label stage through the official Anthropic and OpenAI SDKs against local servers speaking
their wire formats: one call per document for what the dictionary and embeddings left open, every
call recorded, failures readable, and no call at all without a key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.ies.extract import extract
from pipelines.ies.mapping_llm import KEYS
from pipelines.llm import LlmCall, llm_from_env
from tests.ies_llm.conftest import API_KEY, Standin, label_calls, label_requests, label_responder, labels_in

# "Tenant Utility Billbacks" and "Roof Replacement Reserve Fund" are beyond the embedding stage (measured
# similarity under its threshold); "Qwerty Flibbertigibbet" is beyond everyone but the LLM stand-in here.
STATEMENT = """Account,2025,2024
INCOME,,
Gross Potential Rent,1000,900
Tenant Utility Billbacks,40,30
Income from Laundry Machines,10,10
Total Income,1050,940
OPERATING EXPENSES,,
Repairs & Maintenance,100,90
Qwerty Flibbertigibbet,25,20
Total Operating Expenses,125,110
Net Operating Income,925,830
"""
ANSWERS = {"Tenant Utility Billbacks": "other_income", "Qwerty Flibbertigibbet": "other_operating_expenses"}


@pytest.fixture
def statement(tmp_path: Path) -> Path:
    path = tmp_path / "maple.csv"
    path.write_text(STATEMENT)
    return path


def test_open_labels_go_to_the_llm_in_one_call_and_are_recorded(llm_standin: Standin, statement: Path) -> None:
    llm_standin.answer(label_responder(ANSWERS))
    calls: list[LlmCall] = []
    result = extract(statement, llm=llm_from_env(sink=calls.append))

    assert len(label_requests(llm_standin)) == 1  # one call for the whole document's labels
    body = label_requests(llm_standin)[0]
    asked = sorted(item["label"] for item in labels_in_body(llm_standin, body))
    # the dictionary and the embedding stage took the rest
    assert asked == ["Qwerty Flibbertigibbet", "Tenant Utility Billbacks"]
    canon = {i["label"]: (i["canonical"], i["confidence"]) for i in result["line_items"]}
    assert canon["Tenant Utility Billbacks"][0] == "other_income"
    assert canon["Qwerty Flibbertigibbet"][0] == "other_operating_expenses"
    assert canon["Qwerty Flibbertigibbet"][1] <= 0.85  # an LLM's answer is never as sure as the dictionary
    assert canon["Income from Laundry Machines"][0] == "other_income"  # the embedding stage, before the LLM
    default_model = "claude-haiku-4-5" if llm_standin.provider == "anthropic" else "gpt-4.1-mini"
    assert result["method"] == f"layout+embeddings+llm:{llm_standin.provider}:{default_model}"
    assert result["status"] == "extracted", result["warnings"]

    [call] = label_calls(calls)
    assert (call.provider, call.model, call.purpose, call.status) == (llm_standin.provider, default_model,
                                                                      "ies_label_mapping", "ok")
    assert call.document_id == result["document_id"]
    assert call.input_tokens > 100 and call.output_tokens > 10 and call.latency_ms >= 0
    rates = {"anthropic": (1.0, 5.0), "openai": (0.4, 1.6)}[llm_standin.provider]
    assert call.cost_usd == pytest.approx((call.input_tokens * rates[0] + call.output_tokens * rates[1]) / 1e6)


def labels_in_body(standin: Standin, body: dict) -> list[dict]:
    """What the request carried, read from the wire body as each API puts it."""
    from brainops.standins import anthropic, openai

    module = anthropic if standin.provider == "anthropic" else openai
    return labels_in(module._parse(body))


def test_the_tool_schema_constrains_the_answer_to_chart_keys(llm_standin: Standin, statement: Path) -> None:
    llm_standin.answer(label_responder(ANSWERS))
    extract(statement, llm=llm_from_env(sink=lambda call: None))
    body = llm_standin.requests[0]
    if llm_standin.provider == "anthropic":
        [tool] = body["tools"]
        assert body["tool_choice"] == {"type": "tool", "name": "map_labels"}
        schema = tool["input_schema"]
    else:
        [tool] = body["tools"]
        assert body["tool_choice"] == {"type": "function", "function": {"name": "map_labels"}}
        assert tool["function"]["strict"] is True
        schema = tool["function"]["parameters"]
    item = schema["properties"]["mappings"]["items"]
    assert item["properties"]["canonical"]["enum"] == [*KEYS, None]
    assert item["additionalProperties"] is False and set(item["required"]) == set(item["properties"])


def test_an_answer_outside_the_schema_is_refused_and_keywords_map(llm_standin: Standin, statement: Path) -> None:
    llm_standin.answer(label_responder({"Qwerty Flibbertigibbet": "snacks"}))
    calls: list[LlmCall] = []
    result = extract(statement, llm=llm_from_env(sink=calls.append))
    assert calls[0].status == "error" and "against its schema" in calls[0].error
    assert any("The LLM could not map 2 label(s)" in w for w in result["warnings"])
    item = next(i for i in result["line_items"] if i["label"] == "Qwerty Flibbertigibbet")
    assert item["canonical"] == "other_operating_expenses" and item["confidence"] < 0.7  # the keyword catch-all


def test_a_rate_limit_is_retried_by_the_sdk(llm_standin: Standin, statement: Path) -> None:
    llm_standin.answer(label_responder(ANSWERS))
    llm_standin.control.fail_next(429)
    calls: list[LlmCall] = []
    result = extract(statement, llm=llm_from_env(sink=calls.append))
    assert len(label_requests(llm_standin)) == 2  # the 429, then the retry (after retry-after-ms)
    assert [c.status for c in label_calls(calls)] == ["ok"]
    assert next(i for i in result["line_items"] if i["label"] == "Tenant Utility Billbacks")["canonical"] == \
        "other_income"


def test_a_lasting_rate_limit_fails_readably_and_extraction_goes_on(llm_standin: Standin, statement: Path) -> None:
    llm_standin.control.fail_next(*[429] * 10)
    calls: list[LlmCall] = []
    result = extract(statement, llm=llm_from_env(sink=calls.append))
    assert len(label_requests(llm_standin)) == 4  # the first try and the SDK's three retries
    [call] = label_calls(calls)
    label = "Anthropic" if llm_standin.provider == "anthropic" else "OpenAI"
    assert call.status == "error" and call.input_tokens is None and call.cost_usd is None
    assert call.error == (f"{label} rate-limited the request (HTTP 429) after 4 attempts; wait a minute and "
                          "extract again, or raise the account's rate limit.")
    assert any(call.error in w and "keyword rules mapped them instead" in w for w in result["warnings"])
    assert result["status"] in ("extracted", "needs_review") and result["line_items"]


@pytest.mark.parametrize("fault", ["5xx", "timeout"])
def test_a_failing_or_silent_provider_leaves_the_labels_to_the_keyword_rules(
        llm_standin: Standin, statement: Path, monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    from brainops.settings import get_settings

    monkeypatch.setenv("LLM_TIMEOUT_SECONDS", "0.5")
    monkeypatch.setenv("LLM_MAX_RETRIES", "1")
    get_settings.cache_clear()
    try:
        llm = llm_from_env(sink=(calls := []).append)
    finally:
        get_settings.cache_clear()
    if fault == "5xx":
        llm_standin.control.fail_next(500, 500)
    else:
        llm_standin.control.delay_next(3, times=2)
    result = extract(statement, llm=llm)
    assert len(label_requests(llm_standin)) == 2  # the first try and the one retry LLM_MAX_RETRIES allows
    [call] = label_calls(calls)
    assert call.status == "error"
    assert ("(HTTP 500) after 2 attempts" if fault == "5xx" else "did not answer within 0.5 s") in call.error
    assert any(call.error in w and "keyword rules mapped them instead" in w for w in result["warnings"])
    assert result["status"] in ("extracted", "needs_review") and result["line_items"]  # the document goes on
    item = next(i for i in result["line_items"] if i["label"] == "Qwerty Flibbertigibbet")
    assert item["canonical"] == "other_operating_expenses"  # the keyword catch-all, not the LLM


def test_a_wrong_key_says_which_variable_to_check(llm_standin: Standin, statement: Path, monkeypatch) -> None:
    variable = "ANTHROPIC_API_KEY" if llm_standin.provider == "anthropic" else "OPENAI_API_KEY"
    monkeypatch.setenv(variable, "sk-wrong")
    calls: list[LlmCall] = []
    extract(statement, llm=llm_from_env(sink=calls.append))
    assert len(llm_standin.requests) == 0  # refused before the request was logged
    assert calls[0].status == "error" and calls[0].error.endswith(f"(HTTP 401); check {variable}.")


def test_the_model_is_configurable(anthropic_server: Standin, statement: Path, monkeypatch) -> None:
    monkeypatch.setenv("IES_LLM_MODEL", "claude-opus-4-5-20251101")
    anthropic_server.answer(label_responder(ANSWERS))
    calls: list[LlmCall] = []
    result = extract(statement, llm=llm_from_env(sink=calls.append))
    assert anthropic_server.requests[0]["model"] == calls[0].model == "claude-opus-4-5-20251101"
    # a dated snapshot is priced as its alias
    assert calls[0].cost_usd == pytest.approx((calls[0].input_tokens * 5 + calls[0].output_tokens * 25) / 1e6)
    assert "llm:anthropic:claude-opus-4-5-20251101" in result["method"]


def test_anthropic_is_preferred_when_both_keys_are_set(anthropic_server: Standin, openai_server: Standin,
                                                       statement: Path, monkeypatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", anthropic_server.url)
    anthropic_server.answer(label_responder(ANSWERS))
    llm = llm_from_env(sink=lambda call: None)
    assert llm is not None and llm.provider == "anthropic"
    extract(statement, llm=llm)
    assert len(label_requests(anthropic_server)) == 1 and openai_server.requests == []


def test_without_a_key_nothing_calls_out(llm_standin: Standin, statement: Path, monkeypatch, capfd) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert llm_from_env() is None
    result = extract(statement)  # the default: whatever the environment configures, here nothing
    assert llm_standin.requests == []
    assert "llm" not in result["method"] and "llm_call" not in capfd.readouterr().err
    item = next(i for i in result["line_items"] if i["label"] == "Qwerty Flibbertigibbet")
    assert item["canonical"] == "other_operating_expenses"  # keywords, as before the LLM stage existed


def test_the_cli_logs_each_call_as_json_on_stderr(anthropic_server: Standin, statement: Path) -> None:
    import json
    import subprocess
    import sys

    anthropic_server.answer(label_responder(ANSWERS))
    done = subprocess.run([str(Path(sys.executable).parent / "brainops"), "ies", "extract", str(statement), "--json"],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    logged = [json.loads(line)["llm_call"] for line in done.stderr.splitlines() if line.startswith('{"llm_call"')]
    assert [c["purpose"] for c in logged] == ["ies_label_mapping", "ies_second_reading"]
    assert logged[0]["status"] == "ok"
    assert logged[0]["input_tokens"] > 0 and logged[0]["cost_usd"] > 0
    assert json.loads(done.stdout)["method"].endswith("llm:anthropic:claude-haiku-4-5")


def test_with_a_key_from_the_environment_each_request_waits_at_most_the_document_limit(
        llm_standin: Standin, statement: Path, monkeypatch) -> None:
    from pipelines.ies.extract import _bounded
    from pipelines.ies.limits import Deadline

    monkeypatch.setenv("IES_DOCUMENT_TIMEOUT_SECONDS", "7")
    llm = _bounded(llm_from_env(sink=lambda call: None), Deadline.from_env())
    assert llm is not None and llm.client.timeout == 7  # the SDK's own request timeout, minutes by default
    llm_standin.answer(label_responder(ANSWERS))
    # The bounded client still works; the document itself gets room (a cold embedding model can take seconds
    # to load on a busy machine, which is not what this test is about).
    monkeypatch.setenv("IES_DOCUMENT_TIMEOUT_SECONDS", "120")
    result = extract(statement, llm=llm)
    assert result["status"] == "extracted" and len(label_requests(llm_standin)) == 1
