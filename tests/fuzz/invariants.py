"""What every answer of the fuzzed hub must satisfy, and the findings when one does not."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_plus

import asyncpg
import graphql
import httpx
import strawberry

import hub.app
from tests.fuzz.operations import Operation
from tests.fuzz.seed import Secrets

SERVER_ERROR = "5xx"
TRACEBACK = "traceback"
LEAK = "leak"
MISSING_CODE = "missing-code"
NOT_JSON = "not-json"
INTERNAL = "internal-error"
TIMEOUT = "timeout"
DROPPED = "dropped"
LOG_TRACEBACK = "log-traceback"
# Every finding is a failure of the short run, except timeouts on a loaded machine (reported).
FAILURES = (SERVER_ERROR, TRACEBACK, LEAK, MISSING_CODE, NOT_JSON, INTERNAL, LOG_TRACEBACK, DROPPED)
EXAMPLES_KEPT = 5

_SOURCE_ROOTS = {str(Path(hub.app.__file__).resolve().parents[1]), "site-packages"}
_TRACEBACK_MARKERS = ("Traceback (most recent call last)", '.py", line ', *_SOURCE_ROOTS)


def _exception_names() -> frozenset[str]:
    """Names of the exception classes the hub's process knows (Python's, asyncpg's,
    graphql-core's, strawberry's, the hub's own): none may appear in an answer."""
    assert asyncpg and graphql and strawberry  # imported for their exception classes
    names: set[str] = set()
    pending: list[type[BaseException]] = [BaseException]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if (
            re.fullmatch(r"[A-Z]\w*(Error|Exception|Violation)", cls.__name__)
            and len(cls.__name__) >= 7
        ):
            names.add(cls.__name__)
    return frozenset(names)


_EXCEPTION_NAME = re.compile(r"\b(" + "|".join(sorted(_exception_names())) + r")\b")


@dataclass
class Findings:
    """Counts per kind of finding, with the first few examples of each."""

    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, example: str) -> None:
        """Count one finding of `kind`."""
        self.counts[kind] += 1
        kept = self.examples.setdefault(kind, [])
        if len(kept) < EXAMPLES_KEPT:
            kept.append(example)

    def failures(self) -> dict[str, int]:
        """The findings that fail a run."""
        return {kind: self.counts[kind] for kind in FAILURES if self.counts[kind]}


@dataclass
class Observed:
    """What the answers held besides findings: statuses and codes."""

    statuses: Counter[int] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    user_codes: Counter[str] = field(default_factory=Counter)


def check_response(
    operation: Operation,
    response: httpx.Response,
    secrets: Secrets,
    observed: Observed,
    findings: Findings,
) -> None:
    """Record `response`'s status and codes, and a finding for each invariant it breaks."""
    text = response.text
    example = f"{operation.describe()}\n  -> {response.status_code} {text[:800]}"
    observed.statuses[response.status_code] += 1
    if response.status_code >= 500:
        findings.add(SERVER_ERROR, example)
    if any(marker in text for marker in _TRACEBACK_MARKERS) or _EXCEPTION_NAME.search(text):
        findings.add(TRACEBACK, example)
    # An answer that echoes what the caller itself sent (a random id that happens to hold six
    # digits of a canary, quoted back in "Not a valid node id") discloses nothing.
    sent = set(secrets.leaks(_sent(operation)))
    leaked = [secret for secret in secrets.leaks(text) if secret not in sent]
    if leaked:
        findings.add(LEAK, f"{leaked} in {example}")
    if not operation.path.startswith("/graphql") or operation.method in ("HEAD", "OPTIONS"):
        return
    if response.status_code == 405 and operation.method not in ("GET", "POST"):
        return  # starlette's plain "Method Not Allowed" for a method /graphql never serves
    if operation.method == "GET" and response.headers.get("content-type", "").startswith(
        "text/html"
    ):
        return  # GraphiQL, for a GET without a query
    try:
        body = json.loads(text)
    except ValueError:
        findings.add(NOT_JSON, example)
        return
    for error in _errors(body):
        code = error.get("extensions", {}).get("code") if isinstance(error, dict) else None
        if isinstance(code, str):
            observed.codes[code] += 1
            if code == "INTERNAL_SERVER_ERROR":
                findings.add(INTERNAL, example)
        else:
            findings.add(MISSING_CODE, example)
    for code in _user_error_codes(body):
        observed.user_codes[code] += 1


def _sent(operation: Operation) -> str:
    """Everything the request carried: its path with the query string, decoded, and its body."""
    body = (operation.content or b"").decode("utf-8", "replace")
    return f"{unquote_plus(operation.path)} {operation.path} {body}"


def _errors(body: object) -> Iterator[object]:
    for result in body if isinstance(body, list) else [body]:
        if isinstance(result, dict) and isinstance(result.get("errors"), list):
            yield from result["errors"]


def _user_error_codes(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "userErrors" and isinstance(item, list):
                yield from (e["code"] for e in item if isinstance(e, dict) and "code" in e)
            else:
                yield from _user_error_codes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _user_error_codes(item)


def check_log(log: str, findings: Findings) -> None:
    """A finding per traceback the server logged, with the line that names the exception."""
    lines = log.splitlines()
    for index, line in enumerate(lines):
        if "Traceback (most recent call last)" in line:
            tail = next(
                (later for later in lines[index + 1 : index + 200] if not later.startswith(" ")),
                "",
            )
            context = "\n".join(lines[max(0, index - 3) : index + 1])
            findings.add(LOG_TRACEBACK, f"{context}\n  ... {tail}")
