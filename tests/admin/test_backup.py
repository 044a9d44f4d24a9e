"""`hub backup` and `hub restore`: every entry and an intact audit trail come back."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from hub.admin.backup import BackupError, Target, dump, find_tool, tool_major
from hub.cli import main
from hub.embedded import EmbeddedPostgres, find_bin_dir
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, need_input


async def _entries(dsn: str) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT id::text FROM entry ORDER BY id")
    finally:
        await conn.close()
    return [row["id"] for row in rows]


async def _hub(args: list[str]) -> int:
    """A `hub` command, as from the console (its own event loop, in a thread)."""
    return await asyncio.to_thread(main, args)


async def test_a_backup_restores_into_a_fresh_data_folder(
    gql: GraphQLClient,
    fresh_dsn: str,
    shared_tmp_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for _ in range(3):
        created = await gql.data(SUBMIT_NEED, {"input": need_input()})
        assert created["submitNeed"]["userErrors"] == []
    entries = await _entries(fresh_dsn)
    assert len(entries) == 3

    backup = shared_tmp_dir / "nightly.dump"
    backup.write_bytes(b"yesterday's")  # replaced whole, never half
    monkeypatch.setenv("HUB_DATABASE_URL", fresh_dsn)
    assert await _hub(["backup", str(backup)]) == 0
    assert "backup written to" in capsys.readouterr().out
    assert backup.read_bytes()[:5] == b"PGDMP"  # the custom format's magic

    monkeypatch.delenv("HUB_DATABASE_URL")
    monkeypatch.setenv("HUB_DATA_DIR", str(shared_tmp_dir / "fresh"))
    garbage = shared_tmp_dir / "not-a-backup.dump"
    garbage.write_text("hello")
    assert await _hub(["restore", str(garbage)]) == 1
    assert "not a backup pg_restore can read" in capsys.readouterr().err
    assert await _hub(["restore", str(shared_tmp_dir / "missing.dump")]) == 1
    assert "no such backup file" in capsys.readouterr().err

    assert await _hub(["restore", str(backup)]) == 0
    assert await _hub(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "audit trail intact" in out
    # Into a database that holds data: refused, unless --force.
    assert await _hub(["restore", str(backup)]) == 1
    assert "--force" in capsys.readouterr().err
    assert await _hub(["restore", "--force", str(backup)]) == 0

    with EmbeddedPostgres(shared_tmp_dir / "fresh") as restored:
        assert await _entries(restored.dsn) == entries
        conn = await asyncpg.connect(restored.app_dsn)
        try:
            assert await conn.fetchval("SELECT count(*) FROM audit_log") >= 3
            # Owners and grants came back: the app role still cannot rewrite the trail.
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute("DELETE FROM audit_log")
        finally:
            await conn.close()


async def test_restore_into_an_external_database(
    fresh_dsn: str,
    empty_dsn: str,
    shared_tmp_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup = shared_tmp_dir / "hub.dump"
    monkeypatch.setenv("HUB_DATABASE_URL", fresh_dsn)
    assert await _hub(["backup", str(backup)]) == 0
    monkeypatch.setenv("HUB_DATABASE_URL", empty_dsn)
    assert await _hub(["restore", str(backup)]) == 0
    assert await _migrations(empty_dsn) == await _migrations(fresh_dsn)
    assert await _hub(["audit", "verify"]) == 0


async def _migrations(dsn: str) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT version::text FROM schema_migration ORDER BY version")
    finally:
        await conn.close()
    return [row["version"] for row in rows]


def test_passwords_never_reach_the_command_line() -> None:
    target = Target.of("postgresql://hub:s%40cret@127.0.0.1:5432/hub?sslmode=disable")
    assert target.url == "postgresql://hub@127.0.0.1:5432/hub?sslmode=disable"
    assert target.password == "s@cret"
    assert target.env()["PGPASSWORD"] == "s@cret"


def test_tools_of_another_major_version_are_refused() -> None:
    with pytest.raises(BackupError, match="no pg_dump of PostgreSQL 99"):
        find_tool("pg_dump", 99)


def test_a_failed_backup_leaves_the_previous_one_whole(shared_tmp_dir: Path) -> None:
    wheel_pg_dump = find_bin_dir() / "pg_dump"
    major = tool_major(wheel_pg_dump)
    assert major is not None
    previous = shared_tmp_dir / "nightly.dump"
    previous.write_bytes(b"PGDMP yesterday")
    # Nothing listens on port 1: pg_dump fails; no partial file may stay, nor replace the old.
    with pytest.raises(BackupError, match="pg_dump failed"):
        dump(find_tool("pg_dump", major), "postgresql://hub:x@127.0.0.1:1/hub", previous)
    assert previous.read_bytes() == b"PGDMP yesterday"
    assert sorted(p.name for p in shared_tmp_dir.iterdir()) == ["nightly.dump"]
