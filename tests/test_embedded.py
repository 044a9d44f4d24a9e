"""The embedded PostgreSQL: UTF-8 for Chinese, one owner per folder, no orphan after a crash."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import pytest

import hub.embedded
from hub.embedded import EmbeddedPostgres, EmbeddedPostgresError, find_bin_dir


@pytest.fixture
def data_dir(shared_tmp_dir: Path) -> Path:
    return shared_tmp_dir / "data"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _postmaster_pid(server_dir: Path) -> int:
    return int((server_dir / "postgres" / "postmaster.pid").read_text().splitlines()[0])


def _wait_until_gone(pid: int, timeout: float = 30.0) -> bool:
    # Waits on the event (the process exiting), polling its existence; no fixed sleep.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return True
        time.sleep(0.05)
    return False


async def test_cluster_is_utf8_and_pg_trgm_sees_chinese(data_dir: Path) -> None:
    with EmbeddedPostgres(data_dir, durable=False) as server:
        conn = await asyncpg.connect(server.dsn)
        try:
            assert await conn.fetchval("SHOW server_encoding") == "UTF8"
            assert (
                await conn.fetchval(
                    "SELECT datctype FROM pg_database WHERE datname = current_database()"
                )
                == "C.UTF-8"
            )
            await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            trigrams = await conn.fetchval("SELECT show_trgm('协和医院 N95口罩')")
            # Under the plain C locale only the trigrams of "n95" would be kept.
            assert len(trigrams) > 5
        finally:
            await conn.close()


async def test_restart_keeps_data(data_dir: Path) -> None:
    with EmbeddedPostgres(data_dir, durable=False) as server:
        conn = await asyncpg.connect(server.dsn)
        await conn.execute("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('口罩')")
        await conn.close()
    with EmbeddedPostgres(data_dir, durable=False) as server:
        conn = await asyncpg.connect(server.dsn)
        assert await conn.fetchval("SELECT note FROM kept") == "口罩"
        await conn.close()


def test_a_data_folder_has_one_owner(data_dir: Path) -> None:
    with (
        EmbeddedPostgres(data_dir, durable=False),
        pytest.raises(EmbeddedPostgresError, match="another hub process"),
    ):
        EmbeddedPostgres(data_dir, durable=False).start()


def test_stop_leaves_no_server(data_dir: Path) -> None:
    server = EmbeddedPostgres(data_dir, durable=False)
    server.start()
    pid = _postmaster_pid(data_dir)
    server.stop()
    assert not _pid_alive(pid)


def test_a_crashed_hub_leaves_no_orphan(data_dir: Path) -> None:
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from hub.embedded import EmbeddedPostgres\n"
        f"server = EmbeddedPostgres(Path({str(data_dir)!r}), durable=False)\n"
        "server.start()\n"
        "print('ready', flush=True)\n"
        "sys.stdin.read()\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as hub:
        try:
            assert hub.stdout is not None
            assert hub.stdout.readline().strip() == "ready"
            pid = _postmaster_pid(data_dir)
            assert _pid_alive(pid)
            hub.send_signal(signal.SIGKILL)
            hub.wait()
            assert _wait_until_gone(pid), "the server outlived the hub that started it"
        finally:
            if hub.poll() is None:
                hub.kill()
    # The folder is free again for the next hub.
    with EmbeddedPostgres(data_dir, durable=False):
        pass


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as another user")
async def test_a_data_folder_private_to_root_still_works() -> None:
    private = Path(tempfile.mkdtemp(prefix="hub-private-"))  # mode 0700: root's alone
    try:
        server = EmbeddedPostgres(private / "data", durable=False)
        with server:
            assert not server.pgdata.is_relative_to(private)
            conn = await asyncpg.connect(server.dsn)
            assert await conn.fetchval("SELECT 1") == 1
            await conn.close()
        assert oct(os.stat(private).st_mode & 0o777) == "0o700"  # nothing was loosened
        shutil.rmtree(server.pgdata.parent, ignore_errors=True)
    finally:
        shutil.rmtree(private, ignore_errors=True)


def test_the_shared_copy_of_the_binaries_loads_its_libraries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A checkout below /root (scripts/serve from a clone in root's home) runs the server from
    # this copy; a copy of the install tree alone left initdb without libpq ("error while
    # loading shared libraries"), because the wheel's RPATH points beside the package.
    monkeypatch.setattr(hub.embedded, "SHARED_DIR", tmp_path / "shared")
    copied = hub.embedded._shared_copy_of(find_bin_dir().parent)
    assert copied.is_relative_to(tmp_path / "shared")
    ran = subprocess.run([copied / "bin" / "initdb", "--version"], capture_output=True, check=False)
    assert ran.returncode == 0, ran.stderr.decode(errors="replace")
    assert b"PostgreSQL" in ran.stdout


async def test_the_hub_serves_as_an_unprivileged_role(data_dir: Path) -> None:
    from hub.store.migrate import migrate

    with EmbeddedPostgres(data_dir, durable=False) as server:
        admin = await asyncpg.connect(server.dsn)
        try:
            await migrate(admin)
        finally:
            await admin.close()
        app = await asyncpg.connect(server.app_dsn)
        try:
            assert (
                await app.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                is False
            )
            assert await app.fetchval("SELECT count(*) FROM supply_category") >= 30
            await app.execute("INSERT INTO taxonomy_version VALUES (99, now(), 'app may write')")
            for statement in (
                "UPDATE audit_log SET actor_label = 'x'",
                "DELETE FROM audit_log",
                "TRUNCATE audit_log",
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
                "CREATE TABLE sneaky (id int)",
            ):
                with pytest.raises(asyncpg.InsufficientPrivilegeError):
                    await app.execute(statement)
        finally:
            await app.close()
    # A restart keeps the role and its password working.
    with EmbeddedPostgres(data_dir, durable=False) as server:
        app = await asyncpg.connect(server.app_dsn)
        await app.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as another user")
async def test_a_venv_private_to_root_serves_from_the_shared_copy(
    shared_tmp_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The wheel as pip lays it out in a venv below /root: the package and its bundled
    # libraries side by side, in a folder the server's user cannot enter.
    private = Path(tempfile.mkdtemp(prefix="hub-private-venv-"))
    try:
        package = find_bin_dir().parents[1]
        libs = package.with_name(package.name + ".libs")
        shutil.copytree(package, private / package.name, symlinks=True)
        shutil.copytree(libs, private / libs.name, symlinks=True)
        private_bin = private / package.name / "pginstall" / "bin"
        shared = shared_tmp_dir / "shared"
        monkeypatch.setattr(hub.embedded, "SHARED_DIR", shared)
        monkeypatch.setattr(hub.embedded, "find_bin_dir", lambda: private_bin)
        with EmbeddedPostgres(shared_tmp_dir / "data", durable=False) as server:
            copied_initdb = server._bin / "initdb"
            assert copied_initdb.is_relative_to(shared)
            conn = await asyncpg.connect(server.dsn)
            try:
                # An extension's library loads from the copy too.
                await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                assert await conn.fetchval("SELECT similarity('口罩', '口罩')") == 1
            finally:
                await conn.close()
        # The copy's binaries load the copy's libraries, not the private folder's.
        ldd = shutil.which("ldd")
        assert ldd is not None, "ldd (libc-bin) is part of every Debian system"
        linked = await asyncio.to_thread(
            subprocess.run, [ldd, copied_initdb], capture_output=True, text=True, check=False
        )
        libpq = [line for line in linked.stdout.splitlines() if "libpq" in line]
        assert libpq, linked.stdout
        assert all(str(shared) in line for line in libpq), libpq
        assert "not found" not in linked.stdout
        # The server's user runs the copied initdb itself, as the hub does.
        user = hub.embedded._ensure_system_user()
        ran = await asyncio.to_thread(
            subprocess.run,
            [copied_initdb, "--version"],
            capture_output=True,
            user=user.pw_uid,
            check=False,
        )
        assert ran.returncode == 0, ran.stderr.decode(errors="replace")
        assert oct(os.stat(private).st_mode & 0o777) == "0o700"  # nothing was loosened
    finally:
        shutil.rmtree(private, ignore_errors=True)


def test_the_shared_copy_is_made_again_for_another_wheel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub.embedded, "SHARED_DIR", tmp_path / "shared")
    install_dir = find_bin_dir().parent
    first = hub.embedded._shared_copy_of(install_dir)
    made = (first / "bin" / "initdb").stat().st_ino
    # The same wheel: the copy is reused, not made again.
    assert hub.embedded._shared_copy_of(install_dir) == first
    assert (first / "bin" / "initdb").stat().st_ino == made
    # An upgraded (or rebuilt) wheel: a copy of its own.
    monkeypatch.setattr(hub.embedded, "_wheel_identity", lambda: "99.0-0123456789ab")
    upgraded = hub.embedded._shared_copy_of(install_dir)
    assert upgraded != first
    assert (upgraded / "bin" / "initdb").exists()
    assert [path.name for path in (tmp_path / "shared").iterdir() if ".partial-" in path.name] == []
