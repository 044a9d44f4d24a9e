"""Installing the hub: a complete wheel, `hub --version`, and serving from outside a checkout.

The default run builds the wheel and reads its file list (a few seconds). The long tests, marked
`install`, install that wheel into a clean venv, or run scripts/bootstrap in a checkout private
to root, and serve from there; they run only when asked for: `pytest -m install`.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub import schema_files
from hub.cli import main

ROOT = Path(__file__).resolve().parents[1]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
# The folders of the checkout the running hub reads, and where the wheel puts them.
RUN_TIME_FOLDERS = {
    "schema": "hub/schema_data",
    "hub/web/templates": "hub/web/templates",
    "hub/web/static": "hub/web/static",
    "hub/web/catalogue": "hub/web/catalogue",
    "hub/http/static": "hub/http/static",
}
_SERVE_TIMEOUT_S = 120.0


def _tracked_files(folder: str) -> list[str]:
    """The files git tracks under `folder`, relative to it."""
    done = subprocess.run(
        ["git", "ls-files", "-z", "--", folder],  # noqa: S607 - git from PATH, as a developer
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    prefix = folder.rstrip("/") + "/"
    return [name.removeprefix(prefix) for name in done.stdout.decode().split("\0") if name]


def _skip_when_offline(done: subprocess.CompletedProcess[str]) -> None:
    """Skips the test when pip failed only because it could not reach a package index."""
    if done.returncode != 0 and (
        "No matching distribution found" in done.stderr
        or "Could not find a version that satisfies" in done.stderr
    ):
        pytest.skip(f"pip reaches no package index for the build or install:\n{done.stderr}")


def _copy_checkout(target: Path) -> None:
    """The tracked files of this checkout (links kept as links), as a fresh clone has them."""
    for name in _tracked_files("."):
        source = ROOT / name
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            destination.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, destination)


@pytest.fixture(scope="module")
def wheel() -> Iterator[Path]:
    """The hub's wheel, built from a copy of the tracked files (no build/ left in the checkout)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to know which files are the project's")
    work = Path(tempfile.mkdtemp(prefix="hub-wheel-"))
    try:
        source = work / "source"
        _copy_checkout(source)
        # Build isolation, as `pip wheel .` and `python -m build` do for a user.
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q"]
        built = subprocess.run(
            [*command, "-w", str(work / "dist"), str(source)],
            capture_output=True,
            text=True,
            check=False,
        )
        _skip_when_offline(built)
        assert built.returncode == 0, built.stderr
        (found,) = (work / "dist").glob("crisis_hub-*.whl")
        yield found
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_the_wheel_holds_what_the_hub_reads_at_run_time(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = archive.read(f"crisis_hub-{VERSION}.dist-info/entry_points.txt").decode()
    missing = [
        f"{folder}/{name}"
        for folder, installed in RUN_TIME_FOLDERS.items()
        for name in _tracked_files(folder)
        if f"{installed}/{name}" not in names
    ]
    assert missing == []
    for needed in ("migrations/0001_core.sql", "imports/default-mapping.json"):
        assert f"hub/schema_data/{needed}" in names
    assert "hub = hub.cli:main" in entry_points
    # Only the hub's own packages land in site-packages: no top-level schema/ or tests/.
    assert {name.split("/")[0] for name in names} == {"hub", "workers", wheel_dist_info(wheel)}


def wheel_dist_info(wheel: Path) -> str:
    """The wheel's .dist-info folder name."""
    name, version = wheel.name.split("-")[:2]
    return f"{name}-{version}.dist-info"


def test_schema_files_are_the_checkout_schema_folder() -> None:
    # From a checkout (and an editable install) the link leads to the top-level schema/.
    assert schema_files.migrations_dir() == ROOT / "schema" / "migrations"
    assert schema_files.default_import_mapping() == (
        ROOT / "schema" / "imports" / "default-mapping.json"
    )
    assert schema_files.search_settings() == ROOT / "schema" / "search" / "entries.json"
    assert schema_files.published_sdl() == ROOT / "schema" / "hub.graphql"


def test_hub_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"hub {VERSION}\n"


# -- the long tests: `pytest -m install` ---------------------------------------------------------


@pytest.fixture
def asked_for(request: pytest.FixtureRequest) -> None:
    """Skips a long install test unless the run selects the `install` marker."""
    if "install" not in (request.config.option.markexpr or ""):
        pytest.skip("long install test (one to four minutes): run it with `pytest -m install`")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without this checkout on the path and without the hub's settings."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTHONPATH", "VIRTUAL_ENV"} and not name.startswith("HUB_")
    }
    return {**env, **extra}


def _run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done


def _get(port: int, path: str) -> tuple[int, str]:
    url = f"http://127.0.0.1:{port}{path}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode()


def _graphql(port: int, query: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        body: dict[str, Any] = json.loads(response.read())
    return body


class _Served:
    """`hub serve` as a child process, its output read by a thread, until it listens."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [*command, "serve", "--port", str(self.port), "--workers", "1"],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line)
        self._queue.put(None)

    def wait_listening(self) -> None:
        """Wait for uvicorn's line saying it listens: the event itself, with a deadline."""
        deadline = time.monotonic() + _SERVE_TIMEOUT_S
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                pytest.fail("hub serve exited early:\n" + "".join(self.lines))
            self.lines.append(line)
            if "Uvicorn running on" in line:
                return
        pytest.fail("hub serve did not listen in time:\n" + "".join(self.lines))

    def stop(self) -> int:
        """SIGTERM, as an operator or systemd stops it; its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
        code = self.process.wait()
        # The reader ends at the end of the output; then the pipe can be closed.
        self._reader.join(timeout=30)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return code


def _assert_serves_pages_and_api(port: int) -> None:
    assert _get(port, "/healthz")[0] == 200
    assert json.loads(_get(port, "/readyz")[1]) == {"status": "ready"}
    status, page = _get(port, "/")
    assert status == 200
    assert "<html" in page
    assert "/assets/web.css" in page  # the template rendered, with its link to the styles
    status, css = _get(port, "/assets/web.css")
    assert status == 200
    assert css.strip()
    body = _graphql(port, "{ needs { totalCount } organizations { totalCount } }")
    assert body.get("errors") is None, body
    assert body["data"]["needs"]["totalCount"] == 0  # migrated, empty: no demo asked for


@pytest.mark.install
def test_the_wheel_installs_in_a_clean_venv_and_serves_from_an_empty_folder(
    asked_for: None, wheel: Path
) -> None:
    # mkdtemp makes folders private to their user: as root this is the "venv below /root"
    # case, whose PostgreSQL binaries the server's user cannot reach.
    private = Path(tempfile.mkdtemp(prefix="hub-venv-"))
    empty = Path(tempfile.mkdtemp(prefix="hub-empty-"))
    empty.chmod(0o755)
    served: _Served | None = None
    try:
        venv = private / "venv"
        _run([sys.executable, "-m", "venv", str(venv)], env=_clean_env())
        # Without the checkout on PYTHONPATH: its egg-info would pass for an installed hub.
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
        installed = subprocess.run(
            [*pip, str(wheel)], capture_output=True, text=True, check=False, env=_clean_env()
        )
        _skip_when_offline(installed)
        assert installed.returncode == 0, installed.stderr
        hub = venv / "bin" / "hub"
        where = _run(
            [str(venv / "bin" / "python"), "-c", "import hub; print(hub.__file__)"],
            cwd=empty,
            env=_clean_env(),
        )
        assert Path(where.stdout.strip()).is_relative_to(venv)  # not this checkout
        assert _run([str(hub), "--version"], cwd=empty, env=_clean_env()).stdout == (
            f"hub {VERSION}\n"
        )
        served = _Served([str(hub)], cwd=empty, env=_clean_env())
        served.wait_listening()
        _assert_serves_pages_and_api(served.port)
        assert served.stop() == 0
        # The embedded default keeps its data in the folder the hub was started from.
        assert (empty / ".hub-data" / "postgres" / "PG_VERSION").exists()
    finally:
        if served is not None:
            served.stop()
        shutil.rmtree(private, ignore_errors=True)
        shutil.rmtree(empty, ignore_errors=True)


@pytest.mark.install
@pytest.mark.skipif(os.geteuid() != 0, reason="only root has a home folder others cannot enter")
def test_bootstrap_and_serve_from_a_checkout_private_to_root(asked_for: None) -> None:
    from hub.embedded import SHARED_DIR

    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to know which files are the project's")
    private = Path(tempfile.mkdtemp(prefix="hub-home-"))  # 0700, as /root is
    checkout = private / "crisis-hub"
    served: _Served | None = None
    data = checkout / ".hub-data"
    # Where the hub puts the cluster of a data folder the server's user cannot reach.
    cluster = SHARED_DIR / "clusters" / hashlib.sha256(str(data).encode()).hexdigest()[:16]
    try:
        _copy_checkout(checkout)
        _run([str(checkout / "scripts" / "bootstrap")], cwd=checkout, env=_clean_env())
        served = _Served([str(checkout / ".venv" / "bin" / "hub")], cwd=checkout, env=_clean_env())
        served.wait_listening()
        _assert_serves_pages_and_api(served.port)
        assert served.stop() == 0
        assert oct(private.stat().st_mode & 0o777) == "0o700"  # nothing was loosened
        assert (cluster / "postgres" / "PG_VERSION").exists()
    finally:
        if served is not None:
            served.stop()
        shutil.rmtree(private, ignore_errors=True)
        shutil.rmtree(cluster, ignore_errors=True)
