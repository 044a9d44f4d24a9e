"""`hub serve --workers N`: one server process per core, all on one port.

Each process binds its own listening socket with SO_REUSEPORT, so the kernel spreads incoming
connections over the processes (one shared socket would wake them all for every connection).
The parent only supervises: it starts the processes, restarts one that dies, and on SIGTERM or
SIGINT asks them to stop (each closes its WebSockets with 1001 and drains, as one process does)
before the caller stops the embedded database. Background jobs run in process 0 only.
The processes keep their metrics in one folder (hub.observability.multiprocess), so that a
scrape of /metrics, whichever process answers it, counts them all.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import time
from multiprocessing.process import BaseProcess
from types import FrameType

from hub.observability.json_logs import configure_logging
from hub.observability.multiprocess import process_exited, shared_metrics
from hub.settings import Settings

log = logging.getLogger(__name__)
# A process that dies this soon after starting is not restarted at once: a crash loop (a bad
# setting, the database gone) would otherwise spin.
RESTART_BACKOFF_SECONDS = 1.0
# What the children are started with: a clean interpreter, not a fork of the parent's state.
_CONTEXT = multiprocessing.get_context("spawn")


def default_workers() -> int:
    """The number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _bound(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port that other processes may bind too (SO_REUSEPORT)."""
    sock = _bound(host, port)
    sock.listen(2048)
    return sock


def reserve_port(host: str, port: int) -> socket.socket:
    """A socket bound to host:port (a free one for port 0) that never listens: it holds the
    port for the server processes, which bind it too, and the kernel gives connections only
    to listening sockets."""
    return _bound(host, port)


def _serve_child(settings: Settings, index: int, jobs: bool) -> None:
    """One server process: the app on its own SO_REUSEPORT socket."""
    from hub.app import create_app
    from hub.http.server import server_for

    logging.basicConfig(level=logging.INFO, format=f"%(levelname)s [{index}] %(message)s")
    background = None
    if jobs and index == 0:
        from workers.run import run_forever

        background = run_forever
    app = create_app(settings, run_migrations=False, background=background)
    sock = reuse_port_socket(settings.host, settings.port)
    server_for(app, settings).run(sockets=[sock])


class Supervisor:
    """Keeps `count` server processes running until stopped."""

    def __init__(self, settings: Settings, count: int, jobs: bool) -> None:
        self._settings = settings
        self._count = count
        self._jobs = jobs
        self._children: dict[int, BaseProcess] = {}
        self._started: dict[int, float] = {}
        self._stopping = False

    def _start(self, index: int) -> None:
        child = _CONTEXT.Process(
            target=_serve_child,
            args=(self._settings, index, self._jobs),
            name=f"hub-serve-{index}",
        )
        child.start()
        self._children[index] = child
        self._started[index] = time.monotonic()

    def stop(self, signum: int = signal.SIGTERM, frame: FrameType | None = None) -> None:
        """Ask every process to stop (uvicorn's graceful shutdown on SIGTERM)."""
        self._stopping = True
        for child in self._children.values():
            if child.is_alive() and child.pid is not None:
                os.kill(child.pid, signal.SIGTERM)

    def run(self) -> None:
        """Start the processes and restart any that exits, until `stop`."""
        for index in range(self._count):
            self._start(index)
        while not self._stopping:
            for index, child in list(self._children.items()):
                child.join(timeout=0.5 / self._count)
                if self._stopping or child.is_alive():
                    continue
                log.warning("server process %d exited (%s); restarting", index, child.exitcode)
                if child.pid is not None:
                    process_exited(child.pid)
                lived = time.monotonic() - self._started[index]
                if lived < RESTART_BACKOFF_SECONDS:
                    time.sleep(RESTART_BACKOFF_SECONDS - lived)
                self._start(index)
        grace = self._settings.shutdown_grace_seconds + 5
        deadline = time.monotonic() + grace
        for child in self._children.values():
            child.join(timeout=max(0.0, deadline - time.monotonic()))
            if child.is_alive():
                log.warning("server process %s did not stop in %d s; killing it", child.pid, grace)
                child.kill()
                child.join()


def serve_processes(settings: Settings, count: int, jobs: bool) -> None:
    """Serve with `count` processes on settings.host:settings.port (a port reserve_port holds)
    until SIGTERM or SIGINT; returns once every process has stopped."""
    # The supervisor's own lines (a process restarted) in the servers' format.
    configure_logging(settings.log_format)
    supervisor = Supervisor(settings, count, jobs)
    previous = {s: signal.signal(s, supervisor.stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        with shared_metrics(settings.metrics_dir):
            supervisor.run()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
