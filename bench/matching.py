"""Matching under the attack of issue 14: how long one request takes, and whether the hub
answers anyone else meanwhile.

The benchmark starts a database (the embedded PostgreSQL in a throw-away folder, or the one
named by HUB_BENCH_DATABASE_URL) and `hub serve` with one server process, posts a need of 50
respirator items and an offer of 50 matching items, copies the offer in SQL (`--pending` copies
left PENDING, as anyone may post them; `--verified` copies marked VERIFIED), then times:

- `matchingOffers` for the need, once cold and once after an unrelated write (a new data
  version: the answer is computed again, the parsed standards are kept);
- one request holding `--aliases` aliases of it (after another write);

and, during each, `GET /healthz` sent one after another: how many were answered and the
slowest, which shows whether the event loop stayed free. `--long-texts` gives every offered
item a 500-character spec and twenty 200-character certifications, as long as validation allows.
It never passes or fails on a figure; a request that takes longer than `--timeout` is reported
as such.

Run it from the repository root:

    .venv/bin/python bench/matching.py                        # 300 pending offers
    .venv/bin/python bench/matching.py --pending 0 --verified 300 --long-texts
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    HOST,
    TextReport,
    bench_database,
    free_port,
    log,
    migrate_dsn,
    run_main,
    spawn_hub,
    stop_process,
    wait_ready,
)

ITEMS = 50
SUBMIT = """
mutation($need: SubmitNeedInput!, $offer: SubmitOfferInput!) {
  submitNeed(input: $need) { need { id } userErrors { code } }
  submitOffer(input: $offer) { offer { id } userErrors { code } }
}"""
SUBMIT_NEED = (
    "mutation($need: SubmitNeedInput!) { submitNeed(input: $need) { userErrors { code } } }"
)
MATCH = "matchingOffers(needId: $id, first: 10) { score offer { id } }"
REGION = {"province": "湖北省", "city": "武汉市"}


def _need(n: int) -> dict[str, Any]:
    return {
        "organization": {"name": f"医院 {n}", "kind": "HOSPITAL", "region": REGION},
        "region": REGION,
        "urgency": "CRITICAL",
        "items": [
            {
                "categoryCode": "face.medical_respirator",
                "name": f"医用防护口罩 {i}",
                "spec": "GB 19083-2010",
                "quantity": 1000,
                "unit": "ITEM",
            }
            for i in range(ITEMS)
        ],
        "contacts": [{"phone": "13800001234"}],
    }


def _offer(long_texts: bool) -> dict[str, Any]:
    spec = ("GB 19083 " + "x" * 491) if long_texts else "GB 19083-2010"
    certifications = ["y" * 200] * 20 if long_texts else ["GB 19083-2010"]
    return {
        "providerName": "某工厂",
        "region": REGION,
        "items": [
            {
                "categoryCode": "face.medical_respirator",
                "name": f"口罩 {i}",
                "spec": spec,
                "quantity": 2000,
                "unit": "ITEM",
                "certifications": certifications,
            }
            for i in range(ITEMS)
        ],
        "canDeliver": True,
        "isFree": True,
        "contacts": [{"phone": "13900002222"}],
    }


async def _clone(conn: asyncpg.Connection, source: Any, copies: int, verification: str) -> None:
    """`copies` copies of the offer `source` and its items under new ids (one statement)."""
    columns: dict[str, list[str]] = {}
    for table in ("entry", "offer", "entry_item"):
        rows = await conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $1 "
            "AND is_generated = 'NEVER' ORDER BY ordinal_position",
            table,
        )
        columns[table] = [r["column_name"] for r in rows]

    def cols(table: str, prefix: str = "") -> str:
        return ", ".join(prefix + c for c in columns[table])

    # Column names from the catalogue, not from input.
    sql = f"""
        WITH copies AS (SELECT gen_random_uuid() AS id, g FROM generate_series(1, $2) g),
        entries AS (
            INSERT INTO entry ({cols("entry")})
            SELECT {cols("entry", "r.")} FROM entry e0, copies c, jsonb_populate_record(
                NULL::entry, to_jsonb(e0) || jsonb_build_object('id', c.id,
                'verification_status', $3::text,
                'updated_at', e0.updated_at - make_interval(secs => c.g))) r
            WHERE e0.id = $1
        ), offers AS (
            INSERT INTO offer ({cols("offer")})
            SELECT {cols("offer", "r.")} FROM offer o0, copies c, jsonb_populate_record(
                NULL::offer, to_jsonb(o0) || jsonb_build_object('entry_id', c.id)) r
            WHERE o0.entry_id = $1
        )
        INSERT INTO entry_item ({cols("entry_item")})
        SELECT {cols("entry_item", "r.")} FROM entry_item i0, copies c, jsonb_populate_record(
            NULL::entry_item, to_jsonb(i0) || jsonb_build_object('id', gen_random_uuid(),
            'entry_id', c.id)) r
        WHERE i0.entry_id = $1
        """  # noqa: S608
    await conn.execute(sql, source, copies, verification)


@dataclass
class Timed:
    """One measured request and the health checks answered while it ran."""

    seconds: float | None
    healthz_answered: int
    healthz_slowest_ms: float
    outcome: str


async def _timed(client: httpx.AsyncClient, body: dict[str, Any], limit: float) -> Timed:
    async def request() -> str:
        response = await client.post("/graphql", json=body, timeout=limit)
        data = response.json()
        if data.get("errors"):
            return f"errors: {data['errors'][0].get('extensions', {}).get('code')}"
        found = sum(len(v) for v in (data.get("data") or {}).values())
        notice = (data.get("extensions") or {}).get("matching")
        return f"{found} suggestions" + (f", cut short {notice}" if notice else "")

    started = time.perf_counter()
    task = asyncio.create_task(request())
    answered, slowest = 0, 0.0
    async with httpx.AsyncClient(base_url=str(client.base_url), timeout=limit) as health:
        while not task.done():
            sent = time.perf_counter()
            try:
                await asyncio.wait_for(health.get("/healthz"), timeout=limit)
            except (TimeoutError, httpx.HTTPError):
                break
            slowest = max(slowest, (time.perf_counter() - sent) * 1000)
            answered += 1
    try:
        outcome = await task
        seconds: float | None = time.perf_counter() - started
    except (TimeoutError, httpx.HTTPError) as error:
        outcome, seconds = f"gave up after {limit:.0f} s ({type(error).__name__})", None
    return Timed(seconds, answered, slowest, outcome)


async def _run(dsn: str, base_url: str, args: argparse.Namespace) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base_url, timeout=args.timeout) as client:
        posted = (
            await client.post(
                "/graphql",
                json={
                    "query": SUBMIT,
                    "variables": {"need": _need(0), "offer": _offer(args.long_texts)},
                },
            )
        ).json()["data"]
        assert not posted["submitNeed"]["userErrors"]
        assert not posted["submitOffer"]["userErrors"]
        need_id = posted["submitNeed"]["need"]["id"]
        conn = await asyncpg.connect(dsn)
        try:
            source = await conn.fetchval("SELECT id FROM entry WHERE kind = 'OFFER'")
            await _clone(conn, source, args.pending, "PENDING")
            await _clone(conn, source, args.verified, "VERIFIED")
            await conn.execute("DELETE FROM entry WHERE id = $1", source)
            await conn.execute("VACUUM (ANALYZE)")
        finally:
            await conn.close()
        log(f"seeded {args.pending} pending and {args.verified} verified offers of {ITEMS} items")
        one = {"query": f"query($id: ID!) {{ {MATCH} }}", "variables": {"id": need_id}}
        aliases = " ".join(f"m{n}: {MATCH}" for n in range(args.aliases))
        many = {"query": f"query($id: ID!) {{ {aliases} }}", "variables": {"id": need_id}}
        figures: dict[str, Any] = {}
        for n, (name, body) in enumerate(
            (
                ("one call, cold", one),
                ("one call, after a write", one),
                (f"{args.aliases} aliases, after a write", many),
            )
        ):
            if n:  # a new data version: nothing kept from the call before answers this one
                await client.post(
                    "/graphql", json={"query": SUBMIT_NEED, "variables": {"need": _need(n)}}
                )
            log(f"timing: {name}")
            figures[name] = await _timed(client, body, args.timeout)
        return figures


def run(args: argparse.Namespace) -> TextReport:
    with bench_database("hub-bench-matching-") as database:
        asyncio.run(migrate_dsn(database.dsn))
        port = free_port()
        log_path = database.workdir / "hub.log"
        env = {
            "HUB_DATABASE_URL": database.dsn,
            "HUB_HOST": HOST,
            "HUB_WORKERS": "1",
            "HUB_READ_CACHE_SECONDS": "0",
            "HUB_MAX_BODY_BYTES": str(8 << 20),
        }
        process = spawn_hub(port, log_path, env)
        try:
            base_url = f"http://{HOST}:{port}"
            wait_ready(process, base_url, log_path)
            figures = asyncio.run(_run(database.dsn, base_url, args))
        finally:
            stop_process(process)
    return Report(args.pending, args.verified, args.long_texts, figures)


@dataclass
class Report:
    """The seeded attack and each measured request."""

    pending: int
    verified: int
    long_texts: bool
    figures: dict[str, Timed]

    def text(self) -> str:
        """The report as aligned lines."""
        lines = [
            f"matching: {self.pending} pending + {self.verified} verified offers x {ITEMS} items"
            f"{' (long texts)' if self.long_texts else ''}, need of {ITEMS} items"
        ]
        for name, t in self.figures.items():
            took = f"{t.seconds:.2f} s" if t.seconds is not None else "-"
            lines.append(
                f"  {name:<28} {took:>9}  healthz answered meanwhile: {t.healthz_answered:>4} "
                f"(slowest {t.healthz_slowest_ms:.0f} ms)  {t.outcome}"
            )
        return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pending", type=int, default=300)
    parser.add_argument("--verified", type=int, default=0)
    parser.add_argument("--aliases", type=int, default=30)
    parser.add_argument("--long-texts", action="store_true")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--json", action="store_true")
    return parser


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.pending < 0 or args.verified < 0 or args.aliases < 1:
        parser.error("--pending and --verified must be >= 0, --aliases >= 1")


if __name__ == "__main__":
    raise SystemExit(run_main(_parser(), _check, run, None))
