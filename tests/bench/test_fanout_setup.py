"""bench/fanout.py's setup: its hubs admit all of its subscribers, and a too-low open-file
limit is refused before anything starts."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

import pytest

from hub.settings import Settings

# bench/ is not a package: its scripts import each other by name. It is on the path for these
# imports only, so that its module names shadow nothing afterwards.
_PATH = list(sys.path)
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from fanout import (  # noqa: E402
    FD_MARGIN,
    PROCESSES,
    Delivery,
    Writes,
    fds_needed,
    hub_environment,
    in_order_verdict,
    raise_fd_limit,
)
from fanout_client import Subscriber  # noqa: E402

sys.path[:] = _PATH


@pytest.mark.parametrize("subscribers", [200, 10_000, 20_000])
def test_the_hubs_admit_every_subscriber_from_one_address(subscribers: int) -> None:
    # Read as the hub reads its environment: a renamed or misspelt variable would leave the
    # default cap (20 sockets per client) in place, and this fails.
    settings = Settings.from_env(hub_environment(subscribers))
    per_hub = -(-subscribers // PROCESSES)
    assert settings.workers == 1
    assert settings.rate_limit_scale == 0
    assert settings.live_max_sockets_per_client >= per_hub
    assert settings.live_max_sockets >= per_hub
    assert settings.http_limit_concurrency > per_hub


def test_ten_thousand_subscribers_fit_the_reference_machines_open_file_limit() -> None:
    # 10,000 client sockets over two receiving processes, 5,000 per hub, each process with
    # its margin; the reference machine's hard limit is 20,000.
    assert fds_needed(10_000, 2) == 5_000 + FD_MARGIN
    assert fds_needed(10_000, 1) == 10_000 + FD_MARGIN
    assert fds_needed(10_000, 1) <= 20_000


def test_a_hard_limit_too_low_is_refused_before_anything_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limits: list[tuple[int, int]] = []
    monkeypatch.setattr(resource, "getrlimit", lambda _: (1024, 4096))
    monkeypatch.setattr(resource, "setrlimit", lambda _, value: limits.append(value))
    with pytest.raises(SystemExit, match="hard limit is 4096"):
        raise_fd_limit(fds_needed(10_000, 2))
    assert limits == []
    # Within the hard limit, the soft limit is raised to what is needed.
    assert raise_fd_limit(3000) == (3000, 4096)
    assert limits == [(3000, 4096)]


def test_the_verdict_is_no_with_its_reasons() -> None:
    writes = Writes(committed={"need-1": 1.0, "need-2": 2.0})
    subs = [Subscriber(0, 0, subscribed=True), Subscriber(1, 1, subscribed=True)]
    assert in_order_verdict(2, subs, Delivery(expected=4, delivered=4), True, writes) == (
        True,
        "",
    )
    late = Delivery(expected=4, delivered=3, missing=1, out_of_order=1)
    assert in_order_verdict(3, subs, late, False, writes) == (
        False,
        "1 subscribers not connected, 1 missing, 1 out of order",
    )
    assert in_order_verdict(2, subs, Delivery(expected=4, delivered=4), False, writes) == (
        False,
        "not drained",
    )
