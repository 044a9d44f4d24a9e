"""A fuzz run: seeded targets, the mix of operations, sending them, and the report."""

from __future__ import annotations

import asyncio
import heapq
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
import hypothesis_graphql

from tests.fuzz.attacks import HOSTILE_MAKERS, INVALID_MAKERS, Targets
from tests.fuzz.invariants import DROPPED, TIMEOUT, Findings, Observed, check_response
from tests.fuzz.operations import (
    INVALID,
    VALID,
    Operation,
    load_schema,
    schema_documents,
    schema_operations,
)
from tests.fuzz.seed import Secrets

ENTRY_LISTS = ("needs", "offers", "logisticsOffers", "lodgings", "donationChannels")
ALL_STATES = "[PENDING, IN_REVIEW, VERIFIED, NEEDS_CHANGES, REJECTED, EXPIRED]"
# Shares of the run: generated from the schema (valid, then one violation each), hand-made
# invalid requests, hostile ones.
SLOWEST_KEPT = 8
MIX = {"schema-valid": 0.45, "schema-invalid": 0.15, "invalid": 0.15, "hostile": 0.25}


@dataclass
class Report:
    """What a run sent and saw."""

    sent: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    observed: Observed = field(default_factory=Observed)
    findings: Findings = field(default_factory=Findings)
    # Seconds spent per label, and the slowest operations (seconds, request).
    seconds_by_label: Counter[str] = field(default_factory=Counter)
    slowest: list[tuple[float, str]] = field(default_factory=list)
    # Requests sent a second time after the server closed an idle kept-alive connection.
    retries: int = 0
    generation_seconds: float = 0.0
    sending_seconds: float = 0.0

    @property
    def total(self) -> int:
        """Operations sent."""
        return sum(self.sent.values())

    def text(self) -> str:
        """The report as lines of text."""
        counts = self.findings.counts
        lines = [
            f"operations sent: {self.total} in {self.sending_seconds:.1f} s "
            f"(generated in {self.generation_seconds:.1f} s)",
            "by class: " + _pairs(self.sent),
            "by label: " + _pairs(self.labels),
            "statuses: " + _pairs(self.observed.statuses),
            "extensions.code seen: " + _pairs(self.observed.codes),
            "userErrors codes seen: " + _pairs(self.observed.user_codes),
            f"5xx: {counts['5xx']}  tracebacks in answers: {counts['traceback']}  "
            f"tracebacks in the server log: {counts['log-traceback']}  leaks: {counts['leak']}  "
            f"errors without a code: {counts['missing-code']}  not JSON: {counts['not-json']}  "
            f"INTERNAL_SERVER_ERROR: {counts['internal-error']}  timeouts: {counts['timeout']}  "
            f"connections dropped: {counts['dropped']}  (retried on a fresh connection: "
            f"{self.retries})",
        ]
        busiest = sorted(self.seconds_by_label.items(), key=lambda pair: -pair[1])[:8]
        lines.append("seconds by label: " + ", ".join(f"{k}={v:.1f}" for k, v in busiest))
        lines.append("slowest operations:")
        lines.extend(f"  {seconds:.2f} s {request[:300]}" for seconds, request in self.slowest)
        for kind, examples in sorted(self.findings.examples.items()):
            lines.append(f"--- {kind} ({counts[kind]}), first examples:")
            lines.extend(examples)
        return "\n".join(lines)


def _pairs(counter: Counter[str] | Counter[int]) -> str:
    return ", ".join(f"{key}={value}" for key, value in sorted(counter.items(), key=str)) or "-"


async def fetch_targets(client: httpx.AsyncClient, rng: random.Random) -> Targets:
    """The seeded entries' and organizations' ids, read as any client would."""
    entries: dict[str, list[str]] = {}
    for field_name in ENTRY_LISTS:
        query = f"""{{ {field_name}(first: 100, filter: {{verificationStatuses: {ALL_STATES}}})
            {{ edges {{ node {{ __typename id }} }} }} }}"""
        body = (await client.post("/graphql", json={"query": query})).json()
        for edge in body["data"][field_name]["edges"]:
            entries.setdefault(edge["node"]["__typename"], []).append(edge["node"]["id"])
    body = (
        await client.post(
            "/graphql", json={"query": "{ organizations(first: 100) { edges { node { id } } } }"}
        )
    ).json()
    organizations = [edge["node"]["id"] for edge in body["data"]["organizations"]["edges"]]
    return Targets(rng, entries, organizations)


def _cycled(documents: list[str], count: int) -> list[str]:
    """`count` documents, going round `documents` (none when there are none)."""
    return [documents[i % len(documents)] for i in range(count)] if documents else []


def build_operations(
    total: int, targets: Targets, rng_seed: int, unique_documents: int
) -> list[Operation]:
    """`total` operations in the run's mix, shuffled; at most `unique_documents` of them are
    distinct documents drawn from the schema."""
    schema = load_schema()
    rng = targets.rng
    shares = {name: int(total * share) for name, share in MIX.items()}
    shares["hostile"] += total - sum(shares.values())
    # Hypothesis draws a document of this schema in 40 ms to 1 s (on a busy machine): at most
    # `unique_documents` are drawn, and each is sent several times, with other ids and
    # variables, over other methods.
    valid_unique = max(1, min(shares["schema-valid"], unique_documents * 3 // 4))
    invalid_unique = max(1, min(shares["schema-invalid"], unique_documents - valid_unique))
    positive = schema_documents(schema, valid_unique, rng_seed, hypothesis_graphql.Mode.POSITIVE)
    negative = schema_documents(
        schema, invalid_unique, rng_seed + 1, hypothesis_graphql.Mode.NEGATIVE
    )
    operations = schema_operations(
        schema, _cycled(positive, shares["schema-valid"]), VALID, targets.any_id, rng
    )
    operations += schema_operations(
        schema, _cycled(negative, shares["schema-invalid"]), INVALID, targets.any_id, rng
    )
    operations += [
        INVALID_MAKERS[i % len(INVALID_MAKERS)](targets) for i in range(shares["invalid"])
    ]
    operations += [
        HOSTILE_MAKERS[i % len(HOSTILE_MAKERS)](targets) for i in range(shares["hostile"])
    ]
    # Hypothesis may run out of distinct documents before `count`: hostile ones fill the rest.
    while len(operations) < total:
        operations.append(rng.choice(HOSTILE_MAKERS)(targets))
    rng.shuffle(operations)
    return operations


async def run(
    base_url: str,
    secrets: Secrets,
    total: int,
    *,
    rng_seed: int = 14,
    concurrency: int = 4,
    timeout_seconds: float = 30.0,
    unique_documents: int = 400,
) -> Report:
    """Send `total` operations to the hub at `base_url` and check every answer (the caller
    checks the server's log with `check_log` once the server has stopped)."""
    report = Report()
    rng = random.Random(rng_seed)
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout_seconds) as client:
        targets = await fetch_targets(client, rng)
        started = time.monotonic()
        operations = build_operations(total, targets, rng_seed, unique_documents)
        report.generation_seconds = time.monotonic() - started
        queue: asyncio.Queue[Operation] = asyncio.Queue()
        for operation in operations:
            queue.put_nowait(operation)

        async def worker() -> None:
            while not queue.empty():
                operation = queue.get_nowait()
                await _send(client, operation, secrets, report)

        started = time.monotonic()
        progress = asyncio.create_task(_progress(report, len(operations)))
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        report.sending_seconds = time.monotonic() - started
        progress.cancel()
    return report


async def _progress(report: Report, total: int) -> None:
    """A line on stderr every ten seconds: long runs show they are alive."""
    while True:
        await asyncio.sleep(10)
        print(f"[fuzz] {report.total}/{total} sent", file=sys.stderr, flush=True)


async def _request(client: httpx.AsyncClient, operation: Operation) -> httpx.Response:
    return await client.request(
        operation.method, operation.path, content=operation.content, headers=operation.headers
    )


async def _send(
    client: httpx.AsyncClient, operation: Operation, secrets: Secrets, report: Report
) -> None:
    report.sent[operation.kind] += 1
    report.labels[operation.label] += 1
    started = time.monotonic()
    try:
        try:
            response = await _request(client, operation)
        except (httpx.ReadError, httpx.RemoteProtocolError):
            # A kept-alive connection the server closed as it idled (uvicorn's keep-alive
            # timeout) fails on reuse: once more on a fresh one, which must answer.
            report.retries += 1
            response = await _request(client, operation)
    except httpx.TimeoutException:
        report.findings.add(TIMEOUT, operation.describe())
        return
    except httpx.TransportError as error:
        # The server closed the connection without an answer (or crashed).
        report.findings.add(DROPPED, f"{operation.describe()}\n  -> {error!r}")
        return
    finally:
        seconds = time.monotonic() - started
        report.seconds_by_label[operation.label] += seconds
        report.slowest.append((seconds, operation.describe()))
        report.slowest = heapq.nlargest(SLOWEST_KEPT, report.slowest)
    check_response(operation, response, secrets, report.observed, report.findings)
