"""The `hub` command end to end: `hub serve --demo` on the embedded database, then SIGTERM."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from hub.cli import main
from tests.helpers import SUBMIT_NEED, need_input


def test_schema_check_passes_on_the_checked_in_sdl(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


@pytest.fixture
def data_dir(shared_tmp_dir: Path) -> Path:
    return shared_tmp_dir / "data"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _post(port: int, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        body: dict[str, Any] = json.loads(response.read())
    return body


def test_serve_demo_then_sigterm_stops_everything(data_dir: Path) -> None:
    port = _free_port()
    env = {**os.environ, "HUB_DATA_DIR": str(data_dir)}
    env.pop("HUB_DATABASE_URL", None)
    with subprocess.Popen(
        [sys.executable, "-m", "hub.cli", "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as hub:
        try:
            assert hub.stdout is not None
            lines = []
            # Wait for uvicorn to say it listens: the event, not a sleep.
            for line in hub.stdout:
                lines.append(line)
                if "Uvicorn running on" in line:
                    break
            else:
                pytest.fail("hub serve exited early:\n" + "".join(lines))
            assert any("demo data loaded" in line for line in lines), lines
            body = _post(
                port,
                """{
                needs { totalCount }
                all: needs(filter: {verificationStatuses: [PENDING, IN_REVIEW, VERIFIED,
                                                           NEEDS_CHANGES, REJECTED, EXPIRED]}) {
                    totalCount }
                organizations { totalCount } }""",
            )
            data = body["data"]
            assert isinstance(data, dict)
            assert data["all"]["totalCount"] >= 40
            assert data["needs"]["totalCount"] >= 20  # the verified ones, shown by default
            assert data["organizations"]["totalCount"] >= 30
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=10) as r:
                assert json.loads(r.read()) == {"status": "ready"}
            postmaster = int((data_dir / "postgres" / "postmaster.pid").read_text().split()[0])
            hub.send_signal(signal.SIGTERM)
            assert hub.wait(timeout=60) == 0
        finally:
            if hub.poll() is None:
                hub.kill()
    with pytest.raises(ProcessLookupError):
        os.kill(postmaster, 0)


def _health(port: int) -> dict[str, object]:
    # A new connection per call: SO_REUSEPORT spreads connections, not requests.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
        body: dict[str, object] = json.loads(response.read())
    return body


def test_serve_with_two_processes_shares_one_port_and_one_database(data_dir: Path) -> None:
    port = _free_port()
    env = {**os.environ, "HUB_DATA_DIR": str(data_dir)}
    env.pop("HUB_DATABASE_URL", None)
    command = [sys.executable, "-m", "hub.cli", "serve", "--port", str(port), "--workers", "2"]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as hub:
        try:
            assert hub.stdout is not None
            lines: list[str] = []
            listening = 0
            for line in hub.stdout:
                lines.append(line)
                listening += "Uvicorn running on" in line
                if listening == 2:
                    break
            else:
                pytest.fail("hub serve exited early:\n" + "".join(lines))
            assert "2 processes" in "".join(lines)
            # The kernel picks a process per connection: both answer, well within 200 tries.
            answered = set()
            for _ in range(200):
                answered.add(_health(port)["process"])
                if len(answered) == 2:
                    break
            assert len(answered) == 2, answered
            assert hub.pid not in answered  # the parent only supervises
            # Background jobs run in one of them only.
            assert "".join(lines).count("background jobs run in this process") == 1
            # A write through one process is read back through either (one database).
            created = _post(port, SUBMIT_NEED, {"input": need_input()})
            assert created["data"]["submitNeed"]["userErrors"] == [], created
            pending = "{ needs(filter: {verificationStatuses: [PENDING]}) { totalCount } }"
            counts = {json.dumps(_post(port, pending)["data"]) for _ in range(10)}
            assert counts == {'{"needs": {"totalCount": 1}}'}
            postmaster = int((data_dir / "postgres" / "postmaster.pid").read_text().split()[0])
            hub.send_signal(signal.SIGTERM)
            assert hub.wait(timeout=60) == 0
            rest = hub.stdout.read()
        finally:
            if hub.poll() is None:
                hub.kill()
    assert rest.count("Application shutdown complete") == 2, rest
    with pytest.raises(ProcessLookupError):
        os.kill(postmaster, 0)


def test_migrate_demo_and_worker_on_an_external_database(
    empty_dsn: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUB_DATABASE_URL", empty_dsn)
    assert main(["migrate"]) == 0
    assert "0001_core" in capsys.readouterr().out
    assert main(["migrate"]) == 0
    assert "none (up to date)" in capsys.readouterr().out
    assert main(["demo"]) == 0
    assert "demo data loaded" in capsys.readouterr().out
    assert main(["demo"]) == 0
    assert "nothing loaded" in capsys.readouterr().out
    assert main(["worker", "--once"]) == 0


def test_bad_settings_are_reported_not_raised(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUB_PORT", "eighty")
    assert main(["migrate"]) == 2
    assert "HUB_PORT must be a whole number" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["migrate"], ["audit", "verify"], ["search", "reindex"]])
def test_an_unreachable_database_is_one_line_not_a_traceback(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    monkeypatch.setenv("HUB_DATABASE_URL", "postgresql://hub@127.0.0.1:1/hub")
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.startswith("hub: cannot reach the database:")
    assert "Traceback" not in err


def test_user_create_makes_an_approved_account(
    fresh_dsn: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUB_DATABASE_URL", fresh_dsn)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    args = [
        "user",
        "create",
        "--email",
        "admin@example.org",
        "--handle",
        "admin",
        "--role",
        "ADMIN",
        "--password-stdin",
    ]
    assert main(args) == 0
    assert "created ADMIN admin <admin@example.org>" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(args) == 1
    assert "email: An account with this e-mail address exists." in capsys.readouterr().err


def test_search_reindex_rebuilds_the_postgres_index(
    fresh_dsn: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUB_DATABASE_URL", fresh_dsn)
    monkeypatch.delenv("HUB_MEILI_URL", raising=False)
    assert main(["demo"]) == 0
    capsys.readouterr()
    assert main(["search", "setup"]) == 2  # Meilisearch is not configured
    assert "HUB_MEILI_URL" in capsys.readouterr().err

    async def rows() -> tuple[int, int, int]:
        conn = await asyncpg.connect(fresh_dsn)
        try:
            documents = await conn.fetchval("SELECT count(*) FROM search_document")
            stale = await conn.fetchval(
                "SELECT count(*) FROM search_document WHERE title = 'stale'"
            )
            position = await conn.fetchval(
                "SELECT coalesce(max(position), 0) FROM search_position WHERE backend = 'postgres'"
            )
        finally:
            await conn.close()
        return documents, stale, position

    async def add_a_stale_document() -> None:
        conn = await asyncpg.connect(fresh_dsn)
        try:
            await conn.execute(
                """INSERT INTO search_document (subject_id, kind, category_codes,
                       urgency_rank, verification_status, title, body, tokens, updated_at)
                   VALUES (gen_random_uuid(), 'OFFER', '{}', 4, 'VERIFIED', 'stale', '', '',
                       now())"""
            )
        finally:
            await conn.close()

    asyncio.run(add_a_stale_document())
    assert main(["search", "reindex"]) == 0  # postgres: the default without Meilisearch
    captured = capsys.readouterr()
    count = int(captured.out.split("index rebuilt with ")[1].split()[0])
    assert count >= 40  # the demo's entries and organizations
    assert "reindexing postgres [" in captured.err
    assert "(100%)" in captured.err
    documents, stale, position = asyncio.run(rows())
    assert (documents, stale) == (count, 0)
    assert position > 0  # the indexer replays from where the rebuild started
    assert main(["search", "reindex", "--backend", "postgres"]) == 0
    assert asyncio.run(rows())[0] == count
