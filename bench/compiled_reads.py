"""The compiled read path against strawberry's execution, in one process, without HTTP.

Seeds the database read_throughput.py seeds (10,000 needs by default), opens the app as
`hub serve` would, and runs each document `--requests` times one after the other through the
compiled path (hub/graphql/compiled) and through strawberry's `schema.execute`, with a fresh
context each time (as over HTTP). It prints milliseconds per request for each path (wall
clock, database included: the statements run on the same machine) and checks once that both
answer the same data. It never passes or fails on a figure; HTTP, JSON encoding and the
client are left out, so the figures say what the execution itself costs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_database, log, run_main
from read_throughput import prepare_database

from hub.app import create_app
from hub.graphql.context import Context
from hub.graphql.loaders import make_loaders
from hub.settings import Settings

ALL_STATES = "[PENDING, IN_REVIEW, VERIFIED, NEEDS_CHANGES, REJECTED, EXPIRED]"
NODE = (
    "edges { cursor node { id urgency status region { province city } "
    "organization { id name kind region { city } } "
    "items { categoryCode name quantity unit category { code name } } } }"
)
DOCUMENTS = {
    "urgency+total": "query Bench($since: DateTime!) { needs(first: 20, orderBy: URGENCY, "
    f"filter: {{updatedSince: $since, verificationStatuses: {ALL_STATES}}}) "
    f"{{ totalCount {NODE} }} }}",
    "urgency": "query Bench($since: DateTime!) { needs(first: 20, orderBy: URGENCY, "
    f"filter: {{updatedSince: $since, verificationStatuses: {ALL_STATES}}}) {{ {NODE} }} }}",
    "priority+total": "query Bench($since: DateTime!) { needs(first: 20, "
    f"filter: {{updatedSince: $since, verificationStatuses: {ALL_STATES}}}) "
    f"{{ totalCount {NODE} }} }}",
}


@dataclass
class Report:
    """Milliseconds per request, by document and path."""

    needs: int
    requests: int
    rows: list[dict[str, Any]] = field(default_factory=list)

    def text(self) -> str:
        """The report as aligned lines."""
        lines = [
            f"Compiled reads against strawberry, in process, {self.needs} needs, "
            f"{self.requests} sequential requests each",
            "",
            f"  {'document':<16}{'strawberry ms':>15}{'compiled ms':>13}{'speed-up':>10}",
        ]
        for row in self.rows:
            lines.append(
                f"  {row['document']:<16}{row['strawberry_ms']:>15.2f}{row['compiled_ms']:>13.2f}"
                f"{row['strawberry_ms'] / row['compiled_ms']:>9.1f}x"
            )
        lines.append("  note          medians of per-request wall time; same data, same answers")
        return "\n".join(lines)


async def _context(app: Any) -> Context:
    state = app.state
    return Context(
        db=state.db,
        settings=state.settings,
        language="zh",
        loaders=make_loaders(state.db),
        categories=await state.taxonomy.categories(),
    )


async def _measure(dsn: str, args: argparse.Namespace) -> Report:
    app = create_app(Settings(database_url=dsn, db_pool_max=4))
    report = Report(args.needs, args.requests)
    async with app.router.lifespan_context(app):
        view = app.state.graphql
        compiled = view.compiled
        schema = view.schema
        variables = {"since": "2000-01-01T00:00:00Z"}
        for name, document in DOCUMENTS.items():
            reference = await schema.execute(
                document, variable_values=variables, context_value=await _context(app)
            )
            answer = await compiled.execute(document, variables, None, await _context(app))
            if answer is None or reference.errors:
                raise SystemExit(f"{name}: the compiled path did not answer")
            if name.startswith("urgency") and answer != reference.data:
                raise SystemExit(f"{name}: the two paths disagree")
            timings: dict[str, list[float]] = {"strawberry": [], "compiled": []}
            for _ in range(args.requests):
                context = await _context(app)
                started = time.perf_counter()
                await schema.execute(document, variable_values=variables, context_value=context)
                timings["strawberry"].append(time.perf_counter() - started)
                context = await _context(app)
                started = time.perf_counter()
                await compiled.execute(document, variables, None, context)
                timings["compiled"].append(time.perf_counter() - started)
            report.rows.append(
                {
                    "document": name,
                    "strawberry_ms": statistics.median(timings["strawberry"]) * 1000,
                    "compiled_ms": statistics.median(timings["compiled"]) * 1000,
                }
            )
            log(f"{name} done")
    return report


def _run(args: argparse.Namespace) -> Report:
    with bench_database("hub-compiled-bench-") as database:
        log(f"migrating and seeding {args.needs} needs")
        asyncio.run(prepare_database(database.dsn, args.needs, args.organizations, args.seed))
        return asyncio.run(_measure(database.dsn, args))


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.needs < 1 or args.requests < 1:
        parser.error("--needs and --requests must be at least 1")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=10_000, help="needs to seed (10000)")
    parser.add_argument("--organizations", type=int, default=300, help="organizations (300)")
    parser.add_argument("--requests", type=int, default=100, help="requests per path (100)")
    parser.add_argument("--seed", type=int, default=2020, help="random seed of the data (2020)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    return run_main(parser, _check, _run, argv)


if __name__ == "__main__":
    sys.exit(main())
