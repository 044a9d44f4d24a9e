"""The fuzz run's checks themselves: each one catches what it is there for."""

from __future__ import annotations

import json

import httpx

from tests.fuzz.invariants import (
    LEAK,
    MISSING_CODE,
    NOT_JSON,
    SERVER_ERROR,
    TRACEBACK,
    Findings,
    Observed,
    check_log,
    check_response,
)
from tests.fuzz.operations import VALID, Operation
from tests.fuzz.seed import Secrets

SECRETS = Secrets(
    phones=frozenset({"13912345678", "13800001001"}),
    canary_phones=frozenset({"13912345678"}),
    texts=frozenset({"canary.abcdefghij@fuzz.invalid"}),
)
QUERY = Operation(VALID, "test")


def _findings(body: object, status: int = 200) -> Findings:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    response = httpx.Response(status, text=text, headers={"content-type": "application/json"})
    findings = Findings()
    check_response(QUERY, response, SECRETS, Observed(), findings)
    return findings


def test_a_protected_number_is_found_in_any_spelling() -> None:
    for shown in ("13912345678", "139 1234 5678", "139-1234-5678", "+86 (139) 1234.5678"):
        assert _findings({"data": {"phone": shown}}).counts[LEAK] == 1, shown
    # Six digits of a canary in a row are more than its masked form shows.
    assert _findings({"data": {"phone": "1391 2"}}).counts[LEAK] == 0
    assert _findings({"data": {"phone": "**1234 56**"}}).counts[LEAK] == 1
    assert _findings({"data": {"phone": "139****5678"}}).counts[LEAK] == 0
    assert _findings({"data": {"note": "CANARY.ABCDEFGHIJ@fuzz.invalid"}}).counts[LEAK] == 1


def test_tracebacks_exception_names_and_server_errors_are_found() -> None:
    assert _findings({"errors": [{"message": "KeyError: 'x'"}]}).counts[TRACEBACK] == 1
    assert _findings("Traceback (most recent call last):\n", 500).counts[SERVER_ERROR] == 1
    trace = 'File "/srv/site-packages/strawberry/x.py", line 3'
    assert _findings({"errors": [{"message": trace}]}).counts[TRACEBACK] == 1
    assert _findings({"data": {"x": "Validation of a document"}}).counts[TRACEBACK] == 0


def test_errors_need_a_code_and_answers_must_be_json() -> None:
    assert _findings({"errors": [{"message": "no code"}]}).counts[MISSING_CODE] == 1
    assert _findings([{"errors": [{"message": "x", "extensions": {}}]}]).counts[MISSING_CODE] == 1
    coded = {"errors": [{"message": "x", "extensions": {"code": "BAD_REQUEST"}}]}
    assert _findings(coded).counts == {}
    assert _findings("Unable to parse request body as JSON", 400).counts[NOT_JSON] == 1


def test_a_traceback_in_the_log_is_found_with_its_exception() -> None:
    findings = Findings()
    log = "INFO ok\nTraceback (most recent call last):\n  File 'x'\nTypeError: boom\nINFO ok\n"
    check_log(log, findings)
    assert findings.counts["log-traceback"] == 1
    assert "TypeError: boom" in findings.examples["log-traceback"][0]


def test_an_answer_echoing_the_callers_own_digits_is_no_leak() -> None:
    # A random id holding six digits of a canary, quoted back in the error message.
    echoed = {"errors": [{"message": "Not a valid node id: '99123456'", "extensions": {}}]}
    asked = Operation(
        VALID, "test", content=json.dumps({"query": '{ node(id: "99123456") { id } }'}).encode()
    )
    response = httpx.Response(200, text=json.dumps(echoed))
    findings = Findings()
    check_response(asked, response, SECRETS, Observed(), findings)
    assert LEAK not in findings.failures()
    # The same answer to a caller who never sent those digits is one.
    assert LEAK in _findings(echoed).failures()
