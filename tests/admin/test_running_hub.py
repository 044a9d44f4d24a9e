"""Operating a running embedded hub from the console: accounts, audit, reindex, backup, restore.

`hub serve` runs as a subprocess on a temporary HUB_DATA_DIR; the commands run meanwhile, and
must reach its database through the connection file instead of refusing for want of the lock.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from hub.admin.backup import check_dump, find_tool, server_major
from hub.cli import main
from hub.cli_support import database
from hub.domain.accounts import Role
from hub.embedded import DataFolderInUse
from hub.embedded_connection import CONNECTION_FILE, RunningServer, running_server
from hub.services import accounts
from hub.settings import Settings
from hub.store.db import Database
from tests.helpers import SUBMIT_NEED, need_input
from tests.imports.helpers import OFFERS_CSV

PASSWORD = "a long enough password"
NEW_PASSWORD = "another long password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _post(port: int, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        body: dict[str, Any] = json.loads(response.read())
    return body


@pytest.fixture
def serving(shared_tmp_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, int]]:
    """`hub serve` on its own data folder, until the test ends (then SIGTERM, checked)."""
    data_dir = shared_tmp_dir / "served"
    port = _free_port()
    env = {**os.environ, "HUB_DATA_DIR": str(data_dir), "HUB_SHUTDOWN_GRACE_SECONDS": "1"}
    env.pop("HUB_DATABASE_URL", None)
    monkeypatch.setenv("HUB_DATA_DIR", str(data_dir))
    monkeypatch.delenv("HUB_DATABASE_URL", raising=False)
    command = [sys.executable, "-m", "hub.cli", "serve", "--port", str(port), "--workers", "1"]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as hub:
        try:
            assert hub.stdout is not None
            lines = []
            for line in hub.stdout:  # wait for the event: uvicorn says it listens
                lines.append(line)
                if "Uvicorn running on" in line:
                    break
            else:
                pytest.fail("hub serve exited early:\n" + "".join(lines))
            yield data_dir, port
            hub.send_signal(signal.SIGTERM)
            assert hub.wait(timeout=60) == 0
        finally:
            if hub.poll() is None:
                hub.kill()
    # The connection file goes with the server.
    assert not (data_dir / CONNECTION_FILE).exists()


def _run(args: list[str], stdin: str | None = None) -> int:
    """A `hub` command in this process (as the console would run it)."""
    if stdin is not None:
        old, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        return main(args)
    finally:
        if stdin is not None:
            sys.stdin = old


async def _pending_user_with_a_session(server: RunningServer) -> None:
    db = await Database.connect(server.app_dsn, min_size=1, max_size=2)
    try:
        created = await accounts.create_user(
            db, "pending@example.org", "pending", PASSWORD, Role.VOLUNTEER
        )
        assert created.value is not None and not created.value.approved
        await accounts.open_session(db, created.value, timedelta(days=1))
    finally:
        await db.close()


async def _account_state(server: RunningServer) -> dict[str, Any]:
    db = await Database.connect(server.app_dsn, min_size=1, max_size=2)
    try:
        old = await accounts.sign_in(db, "pending@example.org", PASSWORD)
        new = await accounts.sign_in(db, "pending@example.org", NEW_PASSWORD)
    finally:
        await db.close()
    conn = await asyncpg.connect(server.dsn)
    try:
        user = await conn.fetchrow(
            "SELECT id, role, approved_at FROM app_user WHERE email = 'pending@example.org'"
        )
        sessions = await conn.fetchval(
            "SELECT count(*) FROM user_session WHERE user_id = $1", user["id"]
        )
        trail = await conn.fetch(
            "SELECT action, actor_label FROM audit_log WHERE subject_id = $1 ORDER BY seq",
            user["id"],
        )
        entries = await conn.fetch("SELECT id FROM entry ORDER BY id")
    finally:
        await conn.close()
    return {
        "role": user["role"],
        "approved": user["approved_at"] is not None,
        "sessions": sessions,
        "old_password_works": old is not None,
        "new_password_works": new is not None,
        "trail": [(row["action"], row["actor_label"]) for row in trail],
        "entries": [row["id"] for row in entries],
    }


def test_the_console_administers_a_running_hub_and_backs_it_up(
    serving: tuple[Path, int], shared_tmp_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, port = serving
    connection = data_dir / CONNECTION_FILE
    assert stat.S_IMODE(connection.stat().st_mode) == 0o600
    server = running_server(data_dir, timeout=0)
    for _ in range(3):
        created = _post(port, SUBMIT_NEED, {"input": need_input()})
        assert created["data"]["submitNeed"]["userErrors"] == [], created
    asyncio.run(_pending_user_with_a_session(server))

    # The first admin, without stopping the hub.
    assert _run(["user", "create", "--email", "admin@example.org", "--handle", "admin",
                 "--role", "ADMIN", "--password-stdin"], PASSWORD + "\n") == 0  # fmt: skip
    assert "created ADMIN admin" in capsys.readouterr().out
    assert _run(["user", "approve", "pending@example.org"]) == 0
    assert _run(["user", "role", "pending@example.org", "REVIEWER"]) == 0
    assert (
        _run(
            ["user", "password-reset", "pending@example.org", "--password-stdin"],
            NEW_PASSWORD + "\n",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "pending <pending@example.org> is approved" in out
    assert "is now REVIEWER" in out
    assert "has a new password" in out
    # Bad input: a clear message, no change.
    assert _run(["user", "role", "nobody@example.org", "ADMIN"]) == 1
    assert _run(["user", "password-reset", "pending@example.org", "--password-stdin"], "short\n")
    assert "at least 10 characters" in capsys.readouterr().err

    state = asyncio.run(_account_state(server))
    assert state["role"] == "REVIEWER" and state["approved"]
    assert state["sessions"] == 0
    assert (state["old_password_works"], state["new_password_works"]) == (False, True)
    console = next(label for action, label in state["trail"] if action == "user.approved")
    assert console.startswith("console (")
    assert [action for action, _ in state["trail"]] == [
        "user.created", "user.approved", "user.role_changed", "user.password_reset",
    ]  # fmt: skip
    assert len(state["entries"]) == 3
    assert json.loads(connection.read_text())["port"] == server.port

    assert _run(["audit", "verify"]) == 0
    assert "audit trail intact" in capsys.readouterr().out
    assert _run(["import", str(OFFERS_CSV), "--kind", "offers"]) == 0
    capsys.readouterr()
    assert _run(["search", "reindex", "--backend", "postgres"]) == 0
    assert "postgres: index rebuilt with" in capsys.readouterr().out
    offers = _post(port, "{ offers(filter: {verificationStatuses: [PENDING]}) { totalCount } }", {})
    assert offers["data"]["offers"]["totalCount"] > 0  # the running hub serves what was imported

    backup = shared_tmp_dir / "hub.dump"
    assert _run(["backup", str(backup)]) == 0
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert not list(shared_tmp_dir.glob(".hub.dump.partial-*"))
    # What must own the folder is still refused while the hub serves.
    assert _run(["restore", str(backup)]) == 2
    assert "another hub process is using" in capsys.readouterr().err
    with pytest.raises(DataFolderInUse), database(Settings.from_env(), share=False):
        pass  # what `hub serve` and `hub worker` ask for

    check_dump(find_tool("pg_restore", asyncio.run(server_major(server.dsn))), backup)
    # The restore into a fresh data folder: tests/admin/test_backup.py.
