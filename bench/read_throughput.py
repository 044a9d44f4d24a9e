"""Read throughput of the hub's `needs` query over real HTTP.

The benchmark starts a database (the embedded PostgreSQL in a throw-away folder, or the one
named by HUB_BENCH_DATABASE_URL), applies the migrations, seeds a realistic set of needs with
plain SQL, starts `hub serve` as a subprocess on a free loopback port, and then drives
`POST /graphql` from a pool of concurrent httpx clients for a fixed time after a warm-up.
It prints requests, failures, requests per second and latency percentiles; it never passes
or fails on a figure.

Run it from the repository root:

    .venv/bin/python bench/read_throughput.py            # 10,000 needs, 32 workers, 15 s
    .venv/bin/python bench/read_throughput.py --json     # the same report as one JSON object

Only 127.0.0.1 is contacted, and every loop is bounded by time or by a count.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx

# Run as a script, bench/ is on the path already; put it there for any other way in as well.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    HOST,
    Category,
    bench_database,
    copy_and_analyze,
    fetch_categories,
    free_port,
    log,
    migrate_empty,
    percentile,
    run_main,
    spawn_hub,
    stop_process,
    wait_ready,
)

# Every verification state: the seed mixes them, and public lists default to VERIFIED only.
QUERY = (
    "query Bench($order: NeedOrder!) { needs(first: 20, orderBy: $order, "
    "filter: {verificationStatuses: [PENDING, IN_REVIEW, "
    "VERIFIED, NEEDS_CHANGES, REJECTED, EXPIRED]}) { totalCount edges { cursor node { id "
    "urgency status "
    "region { province city } organization { id name kind region { city } } "
    "items { categoryCode name quantity unit category { code name } } } } } }"
)
PAGE_SIZE = 20
# One slow request must not stall a worker past the end of the run for long.
REQUEST_TIMEOUT_S = 10.0
# The pool size `hub serve` uses unless HUB_DB_POOL_MAX says otherwise (hub.settings).
DEFAULT_POOL_MAX = 10


# ---------------------------------------------------------------------------------------------
# Seed data: Hubei hospitals and their needs
# ---------------------------------------------------------------------------------------------

PROVINCE = "湖北省"


@dataclass(frozen=True)
class City:
    """A prefecture-level city of Hubei: its districts (with GB/T 2260 codes) and where it is."""

    name: str
    area_code: str
    latitude: float
    longitude: float
    districts: tuple[tuple[str, str], ...]
    # Wuhan was where most requests came from; the weights shape the spread of organizations.
    weight: int


CITIES: tuple[City, ...] = (
    City(
        "武汉市",
        "027",
        30.59,
        114.31,
        (
            ("江岸区", "420102"),
            ("江汉区", "420103"),
            ("硚口区", "420104"),
            ("汉阳区", "420105"),
            ("武昌区", "420106"),
            ("青山区", "420107"),
            ("洪山区", "420111"),
            ("东西湖区", "420112"),
            ("蔡甸区", "420114"),
            ("江夏区", "420115"),
            ("黄陂区", "420116"),
            ("新洲区", "420117"),
        ),
        40,
    ),
    City(
        "黄冈市",
        "0713",
        30.45,
        114.87,
        (
            ("黄州区", "421102"),
            ("红安县", "421122"),
            ("麻城市", "421181"),
        ),
        8,
    ),
    City(
        "孝感市",
        "0712",
        30.92,
        113.92,
        (
            ("孝南区", "420902"),
            ("应城市", "420981"),
            ("汉川市", "420984"),
        ),
        8,
    ),
    City(
        "荆州市",
        "0716",
        30.33,
        112.24,
        (
            ("沙市区", "421002"),
            ("荆州区", "421003"),
            ("洪湖市", "421083"),
        ),
        7,
    ),
    City("宜昌市", "0717", 30.69, 111.29, (("西陵区", "420502"), ("夷陵区", "420506")), 5),
    City("襄阳市", "0710", 32.01, 112.12, (("襄城区", "420602"), ("樊城区", "420606")), 5),
    City("十堰市", "0719", 32.63, 110.80, (("茅箭区", "420302"), ("张湾区", "420303")), 4),
    City("随州市", "0722", 31.69, 113.38, (("曾都区", "421303"), ("广水市", "421381")), 5),
    City("咸宁市", "0715", 29.84, 114.32, (("咸安区", "421202"), ("赤壁市", "421281")), 4),
    City("鄂州市", "0711", 30.39, 114.89, (("鄂城区", "420704"),), 3),
    City("荆门市", "0724", 31.04, 112.20, (("东宝区", "420802"), ("京山市", "420882")), 4),
    City("黄石市", "0714", 30.20, 115.04, (("黄石港区", "420202"), ("大冶市", "420281")), 4),
)

# (name suffix, organization kind, weight): mostly hospitals, some clinics and health centres.
ORG_PATTERNS: tuple[tuple[str, str, int], ...] = (
    ("人民医院", "HOSPITAL", 10),
    ("第二人民医院", "HOSPITAL", 5),
    ("第三人民医院", "HOSPITAL", 3),
    ("中医医院", "HOSPITAL", 6),
    ("中西医结合医院", "HOSPITAL", 3),
    ("妇幼保健院", "HOSPITAL", 4),
    ("传染病医院", "HOSPITAL", 2),
    ("精神卫生中心", "HOSPITAL", 1),
    ("疾病预防控制中心", "GOVERNMENT", 2),
    ("中心卫生院", "CLINIC", 4),
    ("社区卫生服务中心", "CLINIC", 5),
)
ROADS = ("解放大道", "中山大道", "建设大道", "人民路", "胜利街", "友谊路", "和平大道", "民主路")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
ROLES = ("医生", "护士长", "主任", "老师", "科长", "干事")
DEPARTMENTS = ("后勤处", "设备科", "院办", "感染科", "采购中心", "物资组")
NOTES = (
    None,
    None,
    "仅接收符合国标的物资，请附检验报告。",
    "请先电话联系再发货，夜间有专人收货。",
    "急需，可分批送达。",
    "接收个人捐赠，请备注捐赠人。",
)
SPECS = {"GARMENT": ("L码", "XL码", "XXL码"), "PAIR": ("M号", "L号")}

URGENCIES = (("CRITICAL", 15), ("HIGH", 35), ("MEDIUM", 35), ("LOW", 15))
STATUSES = (("OPEN", 75), ("PARTIALLY_FULFILLED", 15), ("FULFILLED", 7), ("CLOSED", 3))
VERIFICATIONS = (("VERIFIED", 70), ("PENDING", 25), ("NEEDS_CHANGES", 5))
# Masks and gowns dominated the lists of 2020; the weights by group say so.
GROUP_WEIGHTS = {
    "face": 10,
    "body": 8,
    "feet": 3,
    "disinfection": 5,
    "devices": 3,
    "diagnostics": 2,
    "living": 2,
    "other": 1,
}
# Typical requested amounts by unit (low, high, rounding step).
QUANTITY_RANGES = {
    "ITEM": (500, 50_000, 100),
    "GARMENT": (50, 5_000, 50),
    "PAIR": (100, 10_000, 100),
    "BOTTLE": (10, 500, 10),
    "DEVICE": (1, 20, 1),
    "PIECE": (10, 500, 10),
    "BOX": (5, 200, 5),
    "CARTON": (5, 200, 5),
}
# Package units need a package size (how many pieces a carton or box holds).
PACKAGE_SIZES = {"BOX": (20, 48, 50), "CARTON": (12, 24, 48)}


@dataclass(frozen=True)
class SeedRows:
    """Rows ready for COPY, one list per table."""

    organizations: list[tuple[Any, ...]] = field(default_factory=list)
    entries: list[tuple[Any, ...]] = field(default_factory=list)
    items: list[tuple[Any, ...]] = field(default_factory=list)
    contacts: list[tuple[Any, ...]] = field(default_factory=list)


ORG_COLUMNS = (
    "id",
    "name",
    "kind",
    "province",
    "city",
    "district",
    "admin_code",
    "address",
    "latitude",
    "longitude",
    "verification_status",
    "created_at",
    "updated_at",
)
ENTRY_COLUMNS = (
    "id",
    "kind",
    "organization_id",
    "province",
    "city",
    "district",
    "admin_code",
    "address",
    "notes",
    "source_note",
    "urgency",
    "status",
    "verification_status",
    "close_reason",
    "created_at",
    "updated_at",
    "verified_at",
    "expires_at",
)
ITEM_COLUMNS = (
    "id",
    "entry_id",
    "position",
    "category_code",
    "name",
    "spec",
    "quantity",
    "unit",
    "package_size",
    "fulfilled_quantity",
    "certifications",
)
CONTACT_COLUMNS = (
    "id",
    "organization_id",
    "entry_id",
    "position",
    "name",
    "phone",
    "other_channel",
    "visibility",
)


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([value for value, _ in weighted], [w for _, w in weighted])[0]


def _uuid(rng: random.Random) -> uuid.UUID:
    # From the seeded generator, not uuid4(), so that two runs seed the same ids.
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _quantity(rng: random.Random, unit: str) -> Decimal:
    low, high, step = QUANTITY_RANGES.get(unit, (1, 100, 1))
    return Decimal(rng.randrange(low, high + 1, step))


def build_seed(
    rng: random.Random, categories: list[Category], needs: int, organizations: int, now: datetime
) -> SeedRows:
    """Generate organizations, needs, their items and contacts, deterministically from `rng`."""
    rows = SeedRows()
    org_meta: list[tuple[uuid.UUID, City, str, str, str]] = []
    used_names: set[str] = set()
    city_weights = [city.weight for city in CITIES]
    pattern_weights = [weight for _, _, weight in ORG_PATTERNS]
    for index in range(organizations):
        city = rng.choices(CITIES, city_weights)[0]
        district, admin_code = rng.choice(city.districts)
        suffix, kind, _ = rng.choices(ORG_PATTERNS, pattern_weights)[0]
        name = f"{city.name}{district}{suffix}"
        if name in used_names:
            # Real lists have branches; a numbered branch keeps names unique without a retry loop.
            name = f"{name}（第{index}分院）"
        used_names.add(name)
        org_id = _uuid(rng)
        address = f"{city.name}{district}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
        created = now - timedelta(days=rng.uniform(21, 30))
        rows.organizations.append(
            (
                org_id,
                name,
                kind,
                PROVINCE,
                city.name,
                district,
                admin_code,
                address,
                round(city.latitude + rng.uniform(-0.15, 0.15), 5),
                round(city.longitude + rng.uniform(-0.15, 0.15), 5),
                "VERIFIED" if rng.random() < 0.9 else "PENDING",
                created,
                created,
            )
        )
        # Every organization has its switchboard as a public contact.
        rows.contacts.append(
            (
                _uuid(rng),
                org_id,
                None,
                0,
                f"{name}总机",
                f"{city.area_code}-8000{rng.randint(0, 9999):04d}",
                None,
                "PUBLIC",
            )
        )
        org_meta.append((org_id, city, district, admin_code, address))

    group_weights = [GROUP_WEIGHTS.get(category.group, 1) for category in categories]
    for _ in range(needs):
        org_id, city, district, admin_code, address = rng.choice(org_meta)
        entry_id = _uuid(rng)
        status = _pick(rng, STATUSES)
        verification = _pick(rng, VERIFICATIONS)
        created = now - timedelta(hours=rng.uniform(0, 21 * 24))
        updated = created + timedelta(
            hours=rng.uniform(0, min(72.0, (now - created) / timedelta(hours=1)))
        )
        rows.entries.append(
            (
                entry_id,
                "NEED",
                org_id,
                PROVINCE,
                city.name,
                district,
                admin_code,
                address,
                rng.choice(NOTES),
                "志愿者电话核实",
                _pick(rng, URGENCIES),
                status,
                verification,
                "已由政府统一调配" if status == "CLOSED" else None,
                created,
                updated,
                updated if verification == "VERIFIED" else None,
                updated + timedelta(hours=72),
            )
        )
        # Distinct categories per need: a need lists each supply once.
        chosen: list[Category] = []
        wanted = rng.randint(1, 4)
        for candidate in rng.choices(categories, group_weights, k=wanted * 3):
            if candidate not in chosen:
                chosen.append(candidate)
            if len(chosen) == wanted:
                break
        for position, category in enumerate(chosen):
            # About one request in twenty says "as many as possible" (NULL quantity).
            quantity = None if rng.random() < 0.05 else _quantity(rng, category.unit)
            fulfilled = Decimal(0)
            if quantity is not None and status == "PARTIALLY_FULFILLED":
                fulfilled = (quantity * Decimal(rng.uniform(0.1, 0.9))).quantize(Decimal(1))
            elif quantity is not None and status == "FULFILLED":
                fulfilled = quantity
            specs = SPECS.get(category.unit)
            rows.items.append(
                (
                    _uuid(rng),
                    entry_id,
                    position,
                    category.code,
                    category.name,
                    rng.choice(specs) if specs and rng.random() < 0.5 else None,
                    quantity,
                    category.unit,
                    rng.choice(PACKAGE_SIZES[category.unit])
                    if category.unit in PACKAGE_SIZES
                    else None,
                    fulfilled,
                    list(category.standards) if rng.random() < 0.5 else [],
                )
            )
        for position in range(rng.randint(1, 2)):
            surname = rng.choice(SURNAMES)
            person = (
                f"{surname}{rng.choice(ROLES)}"
                if rng.random() < 0.6
                else f"{rng.choice(DEPARTMENTS)}{surname}{rng.choice(ROLES)}"
            )
            rows.contacts.append(
                (
                    _uuid(rng),
                    None,
                    entry_id,
                    position,
                    person,
                    f"1380000{rng.randint(0, 9999):04d}",
                    f"微信 wx{rng.randint(100000, 999999)}" if rng.random() < 0.2 else None,
                    "PUBLIC" if rng.random() < 0.2 else "PROTECTED",
                )
            )
    return rows


async def prepare_database(dsn: str, needs: int, organizations: int, seed: int) -> dict[str, Any]:
    """Migrate, refuse a database that already holds entries, seed it; return facts about it."""
    conn = await asyncpg.connect(dsn)
    try:
        await migrate_empty(conn)
        categories = await fetch_categories(conn)
        started = time.perf_counter()
        seed_rows = build_seed(
            random.Random(seed), categories, needs, organizations, datetime.now(UTC)
        )
        # COPY: tens of thousands of rows in well under a second.
        await copy_and_analyze(
            conn,
            (
                ("organization", seed_rows.organizations, ORG_COLUMNS),
                ("entry", seed_rows.entries, ENTRY_COLUMNS),
                ("entry_item", seed_rows.items, ITEM_COLUMNS),
                ("contact", seed_rows.contacts, CONTACT_COLUMNS),
            ),
        )
        seconds = time.perf_counter() - started
        return {
            "postgresql": await conn.fetchval("SHOW server_version"),
            "seed_seconds": round(seconds, 3),
            "organizations": len(seed_rows.organizations),
            "needs": len(seed_rows.entries),
            "items": len(seed_rows.items),
            "contacts": len(seed_rows.contacts),
        }
    finally:
        await conn.close()


# ---------------------------------------------------------------------------------------------
# The hub under test
# ---------------------------------------------------------------------------------------------


def start_hub(dsn: str, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    """Start `hub serve` on 127.0.0.1:`port` against `dsn`, its output going to `log_path`."""
    return spawn_hub(port, log_path, {"HUB_DATABASE_URL": dsn, "HUB_HOST": HOST})


# ---------------------------------------------------------------------------------------------
# Load
# ---------------------------------------------------------------------------------------------


@dataclass
class Samples:
    """What the workers measured during the timed window (warm-up requests are not here)."""

    latencies_ms: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)


def _failure(response: httpx.Response, expected_total: int) -> str | None:
    """Why a response is not a good answer to QUERY, or None when it is."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    try:
        body = response.json()
    except ValueError:
        return "body is not JSON"
    if body.get("errors"):
        return f"GraphQL error: {str(body['errors'][0].get('message'))[:80]}"
    needs = (body.get("data") or {}).get("needs") or {}
    if needs.get("totalCount") != expected_total or len(needs.get("edges", ())) != min(
        PAGE_SIZE, expected_total
    ):
        return "unexpected page"
    return None


async def drive(
    base_url: str,
    concurrency: int,
    warmup_s: float,
    seconds: float,
    expected_total: int,
    order: str = "PRIORITY",
) -> tuple[Samples, float, int]:
    """Run `concurrency` workers for warm-up plus `seconds`; return samples, window, warm-ups."""
    payload = {"query": QUERY, "operationName": "Bench", "variables": {"order": order}}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    samples = Samples()
    warmups = 0
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=REQUEST_TIMEOUT_S
    ) as client:
        # One request first: a wrong seed or a broken query should stop the run, not be
        # reported as fifteen seconds of failures.
        first = await client.post("/graphql", json=payload)
        reason = _failure(first, expected_total)
        if reason is not None:
            raise SystemExit(f"bench: the first request failed ({reason}): {first.text[:500]}")

        loop = asyncio.get_running_loop()
        measure_from = loop.time() + warmup_s
        stop_at = measure_from + seconds

        async def worker() -> None:
            nonlocal warmups
            # Bounded by time: no request starts after stop_at, and each lasts at most
            # REQUEST_TIMEOUT_S.
            while (begun := loop.time()) < stop_at:
                start = time.perf_counter()
                try:
                    response = await client.post("/graphql", json=payload)
                    reason = _failure(response, expected_total)
                except httpx.HTTPError as error:
                    reason = type(error).__name__
                elapsed_ms = (time.perf_counter() - start) * 1000
                if begun < measure_from:
                    warmups += 1
                elif reason is None:
                    samples.latencies_ms.append(elapsed_ms)
                else:
                    samples.failures[reason] += 1

        # A hard ceiling as well, in case a request hangs past its own timeout.
        async with asyncio.timeout(warmup_s + seconds + REQUEST_TIMEOUT_S + 30):
            await asyncio.gather(*(worker() for _ in range(concurrency)))
        # The window runs until the last timed request has finished, so that requests in
        # flight at stop_at are neither dropped nor counted against a shorter window.
        window = loop.time() - measure_from
    return samples, window, warmups


# ---------------------------------------------------------------------------------------------
# Report and main
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """The figures the benchmark prints."""

    requests: int
    failures: int
    requests_per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    seconds: float
    warmup_seconds: float
    warmup_requests: int
    concurrency: int
    needs: int
    organizations: int
    items: int
    seed_seconds: float
    hub_ready_seconds: float
    hub_db_pool_max: int
    database: str
    python: str
    postgresql: str
    cores: int | None
    failure_reasons: dict[str, int]

    def text(self) -> str:
        """The report as a few aligned lines."""
        lines = [
            "Crisis Hub read throughput: query needs(first: 20) over HTTP",
            f"  requests      {self.requests} in {self.seconds:.2f} s "
            f"(after {self.warmup_seconds:g} s warm-up, {self.warmup_requests} requests)",
            f"  failures      {self.failures}",
            f"  throughput    {self.requests_per_second:.1f} requests/s",
            f"  latency ms    p50 {self.p50_ms:.1f}  p90 {self.p90_ms:.1f}  "
            f"p99 {self.p99_ms:.1f}  max {self.max_ms:.1f}",
            f"  concurrency   {self.concurrency} client workers, one hub process "
            f"(database pool max {self.hub_db_pool_max})",
            f"  data          {self.needs} needs, {self.items} items, "
            f"{self.organizations} organizations (seeded in {self.seed_seconds:.2f} s)",
            f"  versions      Python {self.python}, PostgreSQL {self.postgresql} ({self.database})",
            f"  cores         {self.cores} (client and server share them)",
        ]
        for reason, count in sorted(self.failure_reasons.items(), key=lambda kv: -kv[1])[:5]:
            lines.append(f"  failure       {count} x {reason}")
        return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The command-line options."""
    parser = argparse.ArgumentParser(
        description="Measure read throughput of the hub's needs query over loopback HTTP."
    )
    parser.add_argument("--needs", type=int, default=10_000, help="needs to seed (10000)")
    parser.add_argument(
        "--organizations", type=int, default=300, help="organizations to seed (300)"
    )
    parser.add_argument("--concurrency", type=int, default=32, help="client workers (32)")
    parser.add_argument("--seconds", type=float, default=15.0, help="timed duration (15)")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds (3)")
    parser.add_argument("--seed", type=int, default=2020, help="random seed of the data (2020)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument(
        "--order",
        choices=("PRIORITY", "URGENCY", "RECENTLY_UPDATED", "NEWEST", "OLDEST"),
        default="PRIORITY",
        help="the needs order (PRIORITY, the API's default)",
    )
    return parser


def _check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.needs < 1 or args.organizations < 1:
        parser.error("--needs and --organizations must be at least 1")
    if not 1 <= args.concurrency <= 1000:
        parser.error("--concurrency must be between 1 and 1000")
    if args.seconds <= 0 or args.warmup < 0:
        parser.error("--seconds must be positive and --warmup not negative")


def run(args: argparse.Namespace) -> Report:
    """Set up database and hub, drive the load, tear everything down; return the figures."""
    with bench_database("hub-bench-") as database:
        dsn, workdir, external = database.dsn, database.workdir, database.external
        log(f"migrating and seeding {args.needs} needs")
        facts = asyncio.run(prepare_database(dsn, args.needs, args.organizations, args.seed))
        log(
            f"seeded {facts['needs']} needs, {facts['items']} items, {facts['contacts']} "
            f"contacts, {facts['organizations']} organizations in {facts['seed_seconds']} s"
        )

        port = free_port()
        base_url = f"http://{HOST}:{port}"
        log_path = workdir / "hub-serve.log"
        log(f"starting hub serve on {base_url}")
        hub = start_hub(dsn, port, log_path)
        try:
            ready_s = wait_ready(hub, base_url, log_path)
            log(
                f"hub ready in {ready_s:.2f} s; orderBy {args.order}; {args.warmup:g} s warm-up, "
                f"then {args.seconds:g} s"
            )
            samples, window, warmups = asyncio.run(
                drive(base_url, args.concurrency, args.warmup, args.seconds, args.needs, args.order)
            )
        finally:
            stop_process(hub)

    latencies = sorted(samples.latencies_ms)
    return Report(
        requests=len(latencies) + sum(samples.failures.values()),
        failures=sum(samples.failures.values()),
        # Only good answers count as throughput.
        requests_per_second=round(len(latencies) / window, 1) if window > 0 else 0.0,
        p50_ms=round(percentile(latencies, 50), 2),
        p90_ms=round(percentile(latencies, 90), 2),
        p99_ms=round(percentile(latencies, 99), 2),
        max_ms=round(latencies[-1], 2) if latencies else 0.0,
        seconds=round(window, 3),
        warmup_seconds=args.warmup,
        warmup_requests=warmups,
        concurrency=args.concurrency,
        needs=facts["needs"],
        organizations=facts["organizations"],
        items=facts["items"],
        seed_seconds=facts["seed_seconds"],
        hub_ready_seconds=round(ready_s, 2),
        hub_db_pool_max=int(os.environ.get("HUB_DB_POOL_MAX") or DEFAULT_POOL_MAX),
        database="external" if external else "embedded, fsync off",
        python=platform.python_version(),
        postgresql=facts["postgresql"],
        cores=os.cpu_count(),
        failure_reasons=dict(samples.failures),
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point: parse options, run, print the report."""
    return run_main(build_parser(), _check_args, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
