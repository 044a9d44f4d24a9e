"""deploy/backup-loop.sh, compose's backup service: a real pg_dump of a migrated database into
the backup folder, old dumps pruned, and the healthcheck that watches the newest dump's age."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from hub.embedded import find_bin_dir
from tests.deploy.files import DEPLOY

SCRIPT = DEPLOY / "backup-loop.sh"
DAY = 86_400


def _environment(dsn: str, folder: Path) -> dict[str, str]:
    parts = urlsplit(dsn)
    return {
        "PATH": f"{find_bin_dir()}:/usr/bin:/bin",
        "PGHOST": parts.hostname or "127.0.0.1",
        "PGPORT": str(parts.port or 5432),
        "PGUSER": unquote(parts.username or ""),
        "PGPASSWORD": unquote(parts.password or ""),
        "PGDATABASE": parts.path.lstrip("/"),
        "BACKUP_DIR": str(folder),
        "BACKUP_INTERVAL_SECONDS": "3600",
        "BACKUP_KEEP_DAYS": "14",
    }


def _check(folder: Path) -> int:
    env = {"PATH": "/usr/bin:/bin", "BACKUP_DIR": str(folder), "BACKUP_INTERVAL_SECONDS": "3600"}
    return subprocess.run(["/bin/sh", str(SCRIPT), "--check"], env=env, check=False).returncode


def _plant_earlier_dumps(folder: Path) -> tuple[Path, Path]:
    """A dump past BACKUP_KEEP_DAYS and one within it."""
    old, recent = folder / "hub-20200101T000000Z.dump", folder / "hub-recent.dump"
    for path, age_days in ((old, 20), (recent, 3)):
        path.write_bytes(b"an earlier dump")
        then = time.time() - age_days * DAY
        os.utime(path, (then, then))
    return old, recent


def _inspect(folder: Path, old: Path, recent: Path) -> None:
    dumps = sorted(p.name for p in folder.iterdir())
    assert old.name not in dumps and recent.name in dumps
    (new,) = [folder / name for name in dumps if name != recent.name]
    assert not new.name.startswith(".partial-")
    assert oct(new.stat().st_mode & 0o777) == "0o600"
    listed = subprocess.run(
        [str(find_bin_dir() / "pg_restore"), "--list", str(new)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "TABLE public audit_log" in listed.stdout
    assert "TABLE public schema_migration" in listed.stdout


async def test_a_dump_is_written_whole_and_old_ones_are_pruned(
    fresh_dsn: str, tmp_path: Path
) -> None:
    old, recent = await asyncio.to_thread(_plant_earlier_dumps, tmp_path)
    loop = await asyncio.create_subprocess_exec(
        "/bin/sh", str(SCRIPT), env=_environment(fresh_dsn, tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert loop.stdout is not None
        # The script says so once the dump has its final name and older ones are pruned.
        line = await asyncio.wait_for(loop.stdout.readline(), timeout=60)
    finally:
        loop.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(loop.communicate(), timeout=30)
    assert line.startswith(b"backup: ") and b"1 older than 14 days deleted" in line, line + stderr
    assert loop.returncode == 0, stderr
    await asyncio.to_thread(_inspect, tmp_path, old, recent)


@pytest.mark.parametrize(("age_hours", "healthy"), [(1, True), (49, False)])
def test_the_healthcheck_watches_the_newest_dumps_age(
    tmp_path: Path, age_hours: int, healthy: bool
) -> None:
    dump = tmp_path / "hub-20261203T000000Z.dump"
    dump.write_bytes(b"a dump")
    then = time.time() - age_hours * 3600
    os.utime(dump, (then, then))
    assert (_check(tmp_path) == 0) is healthy


def test_the_healthcheck_fails_before_the_first_dump(tmp_path: Path) -> None:
    (tmp_path / ".partial-hub-20261203T000000Z.dump").write_bytes(b"half a dump")
    assert _check(tmp_path) != 0
