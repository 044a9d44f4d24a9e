"""nginx from Debian in front of the hub replicas, started by a test as the current user."""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

# The header the test's nginx adds to every answer: which replica (host:port) served it.
UPSTREAM_HEADER = "x-hub-upstream"
# How long nginx may take to listen (a bound, not a speed target).
START_DEADLINE_SECONDS = 15.0

_CONFIG = """\
{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    # WebSocket upgrade for /graphql subscriptions; plain requests keep upstream keep-alive.
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        '' '';
    }}
    upstream hub {{
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://hub;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # Subscriptions stay open for hours; the hub's keep-alives travel every few seconds.
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
            add_header X-Hub-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def served_by(headers: Mapping[str, str]) -> str:
    """The replica that answered: nginx lists every one it tried ("a:1, b:2" when a refused
    the connection), and the last one gave the answer."""
    return headers.get(UPSTREAM_HEADER, "").split(",")[-1].strip()


def nginx_binary() -> str | None:
    """Debian's nginx (scripts/test-services installs it), or None."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def config_text(folder: Path, port: int, upstreams: list[int]) -> str:
    """nginx.conf for a load balancer on `port` in front of the loopback `upstreams`."""
    servers = "\n".join(
        # A replica that refuses a connection is skipped for 2 s, as in production.
        f"        server 127.0.0.1:{upstream} max_fails=1 fail_timeout=2s;"
        for upstream in upstreams
    )
    # As root, nginx would hand its workers to `nobody`; keep them as the user running the test.
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    return _CONFIG.format(user=user, folder=folder, port=port, servers=servers)


class Nginx:
    """An nginx master process of the test's own, with a generated config in `folder`."""

    def __init__(self, binary: str, folder: Path, upstreams: list[int]) -> None:
        self.binary = binary
        self.folder = folder
        self.upstreams = upstreams
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    def start(self) -> None:
        """Write the config, start nginx in the foreground and wait until it listens."""
        conf = self.folder / "nginx.conf"
        conf.write_text(config_text(self.folder, self.port, self.upstreams))
        self.process = subprocess.Popen(
            [self.binary, "-p", str(self.folder), "-c", str(conf), "-g", "daemon off;"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # nginx says nothing when it listens: poll the port, with a deadline.
        deadline = time.monotonic() + START_DEADLINE_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.process.returncode}:\n{self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"nginx did not listen in time:\n{self.log()}")

    def log(self) -> str:
        """nginx's error log (what it said about the upstreams)."""
        path = self.folder / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Stop nginx at once (SIGTERM: fast shutdown)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
