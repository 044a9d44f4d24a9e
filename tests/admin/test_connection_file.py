"""The connection file: what a command trusts, and what it refuses, before connecting."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from hub.embedded_connection import (
    CONNECTION_FILE,
    NoRunningServer,
    remove_connection_file,
    running_server,
    write_connection_file,
)


def _passwords(folder: Path) -> None:
    (folder / "postgres.password").write_text("owner-secret\n")
    (folder / "postgres.app-password").write_text("app-secret\n")


def test_written_private_and_whole_then_removed(tmp_path: Path) -> None:
    write_connection_file(tmp_path, 5432)
    path = tmp_path / CONNECTION_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {
        "host": "127.0.0.1", "port": 5432, "database": "hub", "pid": os.getpid(),
    }  # fmt: skip
    assert [p.name for p in tmp_path.iterdir()] == [CONNECTION_FILE]  # no partial file left
    remove_connection_file(tmp_path)
    remove_connection_file(tmp_path)  # twice is fine
    assert not path.exists()


def test_a_file_left_by_a_dead_process_is_not_trusted(tmp_path: Path) -> None:
    _passwords(tmp_path)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    (tmp_path / CONNECTION_FILE).write_text(json.dumps({"port": 1, "pid": gone.pid}))
    with pytest.raises(NoRunningServer, match="offers no database"):
        running_server(tmp_path, timeout=0)


def test_a_half_written_or_missing_file_is_waited_for_then_refused(tmp_path: Path) -> None:
    _passwords(tmp_path)
    with pytest.raises(NoRunningServer):
        running_server(tmp_path, timeout=0)
    (tmp_path / CONNECTION_FILE).write_text('{"port": ')
    with pytest.raises(NoRunningServer):
        running_server(tmp_path, timeout=0.2)
