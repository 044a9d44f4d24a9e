"""Pooled connections go back to the pool without asyncpg's reset query (hub/store/db.py
`_keep_session`), so no code may leave session state on one: a session-level SET, LISTEN,
advisory lock or held cursor would leak into the next request that gets the connection."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hub.store.db import Database

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(ROOT / "hub").rglob("*.py"), *(ROOT / "workers").rglob("*.py")])
# Session state as SQL text writes it; SET LOCAL and transaction-level locks end with the
# transaction and are fine.
SESSION_STATE = [
    re.compile(r"""["'(]\s*SET\s+(?!LOCAL\b)(SESSION\s+)?\w+\s*(=|TO\b)""", re.IGNORECASE),
    re.compile(r"""(execute|fetch\w*)\(\s*f?["']+\s*(LISTEN|UNLISTEN)\s""", re.IGNORECASE),
    re.compile(r"pg_advisory_lock(_shared)?\s*\(", re.IGNORECASE),
    re.compile(r"WITH\s+HOLD", re.IGNORECASE),
    re.compile(r"set_config\s*\([^)]*false\s*\)", re.IGNORECASE),
]
# The migration runner's lock is taken and released on a pool of its own, closed right after.
ALLOWED = {("hub/store/migrate.py", "pg_advisory_lock")}
# The hub makes no temporary tables either: they would outlive the request too (checked here
# with SESSION_STATE's scan: "TEMP" tables appear in no source file).
SESSION_STATE.append(re.compile(r"CREATE\s+(TEMP|TEMPORARY)\b", re.IGNORECASE))


def test_no_code_leaves_session_state_on_a_pooled_connection() -> None:
    found = []
    for path in SOURCES:
        relative = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for pattern in SESSION_STATE:
                match = pattern.search(line)
                if match and not any(relative == where and what in line for where, what in ALLOWED):
                    found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "session state on pooled connections:\n" + "\n".join(found)


def test_the_scan_would_see_each_kind_of_session_state() -> None:
    # The patterns themselves, on lines such code would have.
    leaks = [
        'await conn.execute("SET statement_timeout = 0")',
        "await conn.execute('LISTEN hub_live')",
        'await conn.execute("SELECT pg_advisory_lock($1)", key)',
        'await conn.execute("DECLARE c CURSOR WITH HOLD FOR SELECT 1")',
        "await conn.execute(\"SELECT set_config('a.b', 'c', false)\")",
    ]
    for line in leaks:
        assert any(p.search(line) for p in SESSION_STATE), line
    assert not any(
        p.search('await conn.execute("SET LOCAL plan_cache_mode = x")') for p in SESSION_STATE
    )


async def test_a_transaction_left_open_is_rolled_back_before_reuse(db: Database) -> None:
    # asyncpg rolls back what a released connection left open, with or without a reset query:
    # a request cancelled inside a transaction leaves nothing for the next one.
    async with db.connection() as conn:
        first = await conn.fetchval("SELECT pg_backend_pid()")
        await conn.execute("BEGIN")
        await conn.execute("CREATE TABLE left_open (n int)")
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT pg_backend_pid()") == first  # the same session
        assert await conn.fetchval("SELECT to_regclass('left_open')") is None
        assert await conn.fetchval("SHOW application_name") == "crisis-hub"


@pytest.mark.parametrize("setting", ["plan_cache_mode"])
async def test_set_local_ends_with_its_transaction(db: Database, setting: str) -> None:
    async with db.transaction() as conn:
        default = await conn.fetchval(f"SHOW {setting}")
        await conn.execute(f"SET LOCAL {setting} = force_custom_plan")
    async with db.connection() as conn:
        assert await conn.fetchval(f"SHOW {setting}") == default
