"""What the observability middleware costs per request, in process (no network, no database).

Drives a trivial ASGI app (one 200 response) through hub.http.request_observer.RequestObserver
in three modes: metrics off (request ids only, the default), metrics on (HUB_METRICS_TOKEN
set), and metrics on with the JSON access log (HUB_LOG_FORMAT=json, written to /dev/null),
and the bare app for reference. Prints microseconds per request for each (the best of
--rounds rounds, as a noisy shared machine only ever adds time); never passes or fails.

    .venv/bin/python bench/request_observer.py            # 20,000 requests x 5 rounds
    .venv/bin/python bench/request_observer.py --json
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import run_main

from hub.http.request_observer import RequestObserver
from hub.observability.json_logs import json_handler


async def _app(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def _send(message: Any) -> None:
    return None


async def _receive() -> Any:
    return {"type": "http.request", "body": b"", "more_body": False}


def _scope() -> dict[str, Any]:
    return {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "headers": [(b"content-type", b"application/json"), (b"accept", b"*/*")],
        "client": ("203.0.113.1", 40000),
    }


async def _per_request_us(app: Any, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        await app(_scope(), _receive, _send)
    return (time.perf_counter() - started) / count * 1e6


@dataclass
class Report:
    """Microseconds per request, best of the rounds, by mode."""

    requests: int
    rounds: int
    us_per_request: dict[str, float] = field(default_factory=dict)

    def text(self) -> str:
        """The report for a terminal."""
        bare = self.us_per_request["bare app"]
        lines = [f"request_observer: {self.requests} requests x {self.rounds} rounds (best)"]
        for mode, us in self.us_per_request.items():
            lines.append(f"  {mode:<28} {us:7.2f} us/request  (+{us - bare:5.2f} us)")
        return "\n".join(lines)


def run(args: argparse.Namespace) -> Report:
    """Time every mode."""
    devnull = open(os.devnull, "w")  # noqa: SIM115 - closed below
    handler = json_handler(devnull)
    access = logging.getLogger("hub.access")
    modes = {
        "bare app": (_app, False),
        "request ids only (default)": (
            RequestObserver(_app, metrics=False, access_log=False),
            False,
        ),
        "metrics": (RequestObserver(_app, metrics=True, access_log=False), False),
        "metrics + JSON access log": (RequestObserver(_app, metrics=True, access_log=True), True),
    }
    report = Report(args.requests, args.rounds)
    best: dict[str, float] = {}
    try:
        # Modes interleaved within each round: a load that comes and goes weighs on all alike.
        for _ in range(args.rounds):
            for mode, (app, logs) in modes.items():
                if logs:
                    access.addHandler(handler)
                    access.setLevel(logging.INFO)
                    access.propagate = False
                us = asyncio.run(_per_request_us(app, args.requests))
                best[mode] = min(us, best.get(mode, us))
                if logs:
                    access.removeHandler(handler)
                    access.propagate = True
    finally:
        devnull.close()
    report.us_per_request = {mode: round(us, 2) for mode, us in best.items()}
    return report


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per mode (best kept)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.requests < 1 or args.rounds < 1:
        parser.error("--requests and --rounds must be at least 1")


if __name__ == "__main__":
    raise SystemExit(run_main(build_parser(), _check, run, None))
