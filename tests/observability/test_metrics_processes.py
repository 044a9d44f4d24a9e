"""One scrape counts every process's metrics (prometheus-client's multiprocess mode).

The short test runs the mechanism with small processes; the long one (about 25 s on two busy
cores, most of it two server processes importing the hub) runs `hub serve --workers 2` and is
run with `-m processes`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import urllib.request
from multiprocessing import get_context
from pathlib import Path

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from hub.observability.multiprocess import process_exited, scrape_registry, shared_metrics
from tests.observability.conftest import METRICS_TOKEN, value
from tests.observability.spawned import serve_some

HEALTH_CALLS = 40


def test_processes_add_up_in_one_scrape(tmp_path: Path) -> None:
    spawn = get_context("spawn")
    # A previous run's counts are forgotten; the operator's other files are left alone.
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "counter_99999.db").write_bytes(b"old run")
    (tmp_path / "metrics" / "notes.txt").write_text("keep me")
    with shared_metrics(tmp_path / "metrics") as folder:
        assert not (folder / "counter_99999.db").exists()
        assert (folder / "notes.txt").exists()
        children = [spawn.Process(target=serve_some, args=(n, n * 10)) for n in (3, 4)]
        for child in children:
            child.start()
        for child in children:
            child.join(timeout=60)
            assert child.exitcode == 0
        text = generate_latest(scrape_registry()).decode()
        assert value(text, "hub_http_requests_total", operation="GET /healthz", status="2xx") == 7
        assert value(text, "hub_live_subscribers") == 70
        # A process gone: its gauges go with it, its counts stay counted.
        assert children[0].pid is not None
        process_exited(children[0].pid)
        text = generate_latest(scrape_registry()).decode()
        assert value(text, "hub_live_subscribers") == 40
        assert value(text, "hub_http_requests_total", operation="GET /healthz", status="2xx") == 7
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ
    # A folder of the operator's is kept (emptied of a run's files at the next start).
    assert folder.is_dir()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> bytes:
    # A new connection per call: SO_REUSEPORT spreads connections, not requests.
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        body: bytes = response.read()
    return body


def _healthz_count(text: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "hub_http_requests_total" and sample.labels == {
                "operation": "GET /healthz",
                "status": "2xx",
            }:
                return float(sample.value)
    return 0.0


@pytest.mark.processes
def test_one_scrape_sees_every_process(request: pytest.FixtureRequest) -> None:
    if "processes" not in request.config.option.markexpr:
        pytest.skip("long (about 25 s): run with -m processes")
    fresh_dsn: str = request.getfixturevalue("fresh_dsn")
    port = _free_port()
    env = {
        **os.environ,
        "HUB_DATABASE_URL": fresh_dsn,
        "HUB_IN_PROCESS_JOBS": "false",
        "HUB_METRICS_TOKEN": METRICS_TOKEN,
        "HUB_LOG_FORMAT": "json",
        "HUB_SHUTDOWN_GRACE_SECONDS": "1",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-m", "hub.cli", "serve", "--port", str(port), "--workers", "2"]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as hub:
        lines: list[str] = []
        try:
            assert hub.stdout is not None
            listening = 0
            for line in hub.stdout:
                lines.append(line)
                listening += "Uvicorn running on" in line
                if listening == 2:
                    break
            else:
                raise AssertionError("hub serve exited early:\n" + "".join(lines))
            drain = threading.Thread(target=lambda: lines.extend(hub.stdout or ()), daemon=True)
            drain.start()
            answered = {json.loads(_get(port, "/healthz"))["process"] for _ in range(HEALTH_CALLS)}
            assert len(answered) == 2, "the kernel sent every connection to one process"
            auth = {"authorization": f"Bearer {METRICS_TOKEN}"}
            # Whichever process answers the scrape counts both processes' requests.
            for _ in range(4):
                text = _get(port, "/metrics", auth).decode()
                assert _healthz_count(text) == HEALTH_CALLS
        finally:
            hub.terminate()
            hub.wait(timeout=60)
    served = [line for line in lines if "Uvicorn running on" in line]
    # The server processes log JSON lines.
    assert all(json.loads(line)["logger"] == "uvicorn.error" for line in served), served
