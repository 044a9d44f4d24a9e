"""The plain rules: signatures, backoff, giving up and disabling, filters, ids, settings."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from hub.domain.enums import EntryKind, EventType, Urgency
from hub.domain.live import EventFilter
from hub.domain.webhooks import (
    DeliveryOutcome,
    RetryPolicy,
    after_failure,
    filter_from_json,
    filter_to_json,
    retry_delay,
    signature,
    verify_signature,
)
from hub.settings import Settings, SettingsError

POLICY = RetryPolicy(
    first_delay=10,
    longest_delay=3600,
    max_attempts=8,
    disable_after_failures=5,
    disable_after=timedelta(hours=24),
)
NOW = datetime(2020, 2, 1, tzinfo=UTC)


def test_the_signature_is_hmac_sha256_of_timestamp_and_body() -> None:
    body = '{"id":"1","entry":{"notes":"急需"}}'.encode()
    header = signature("s3cret", 1580515200, body)
    expected = hmac.new(b"s3cret", b"1580515200." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1580515200,v1={expected}"
    assert verify_signature("s3cret", header, body, 1580515200 + 299)
    assert not verify_signature("s3cret", header, body, 1580515200 + 301)
    assert not verify_signature("s3cret", header, body + b" ", 1580515200)
    assert not verify_signature(
        "s3cret", header.replace("t=1580515200", "t=1580515201"), body, 1580515200
    )
    for broken in ("", "t=x,v1=00", "v1=" + expected, "t=1580515200"):
        assert not verify_signature("s3cret", broken, body, 1580515200)


def test_retries_back_off_three_times_longer_each_time_with_jitter_and_a_cap() -> None:
    middle = [retry_delay(POLICY, attempt, 0.5) for attempt in range(1, 8)]
    assert middle == [10, 30, 90, 270, 810, 2430, 3600]
    assert retry_delay(POLICY, 1, 0.0) == 7.5
    assert retry_delay(POLICY, 1, 0.999999) == pytest.approx(12.5)
    assert retry_delay(POLICY, 30, 0.999) == 3600


def test_after_the_last_attempt_the_event_is_given_up_and_repeated_failures_disable() -> None:
    retry = after_failure(POLICY, 1, 0, None, NOW, 0.5)
    assert (retry.outcome, retry.next_attempt_at, retry.failing_since) == (
        DeliveryOutcome.RETRYING,
        NOW + timedelta(seconds=10),
        NOW,
    )
    assert retry.disable_reason is None
    given_up = after_failure(POLICY, 8, 3, NOW, NOW, 0.5)
    assert (given_up.outcome, given_up.consecutive_failures, given_up.next_attempt_at) == (
        DeliveryOutcome.FAILED,
        4,
        None,
    )
    assert given_up.disable_reason is None
    fifth = after_failure(POLICY, 8, 4, NOW, NOW, 0.5)
    assert fifth.disable_reason == "5 events in a row could not be delivered"


def test_a_webhook_failing_for_too_long_is_disabled_at_once() -> None:
    since = NOW - timedelta(hours=24)
    verdict = after_failure(POLICY, 2, 0, since, NOW, 0.5)
    assert verdict.outcome is DeliveryOutcome.FAILED
    assert verdict.disable_reason is not None and "24 hours" in verdict.disable_reason
    assert (
        after_failure(POLICY, 2, 0, since + timedelta(minutes=1), NOW, 0.5).disable_reason is None
    )


def test_filters_survive_storage() -> None:
    wanted = EventFilter(
        kinds=(EntryKind.NEED,),
        event_types=(EventType.CREATED, EventType.VERIFIED),
        provinces=("湖北省",),
        urgencies=(Urgency.CRITICAL,),
        entry_ids=(uuid4(),),
    )
    stored = filter_to_json(wanted)
    assert stored["kinds"] == ["NEED"] and "cities" not in stored
    assert filter_from_json(stored) == wanted
    assert filter_from_json({}) == EventFilter()


def test_webhook_settings_are_read_and_checked() -> None:
    defaults = Settings.from_env({})
    assert (defaults.webhook_timeout_seconds, defaults.webhook_max_attempts) == (10.0, 8)
    assert (defaults.webhook_allow_private, defaults.webhook_allow_http) == (False, False)
    settings = Settings.from_env(
        {
            "HUB_WEBHOOK_TIMEOUT_MS": "2500",
            "HUB_WEBHOOK_RETRY_FIRST_MS": "50",
            "HUB_WEBHOOK_RETRY_MAX_MS": "1000",
            "HUB_WEBHOOK_MAX_ATTEMPTS": "3",
            "HUB_WEBHOOK_DISABLE_AFTER_FAILURES": "2",
            "HUB_WEBHOOK_DISABLE_AFTER_HOURS": "6",
            "HUB_WEBHOOK_ALLOW_PRIVATE": "true",
            "HUB_WEBHOOK_ALLOW_HTTP": "yes",
            "HUB_WEBHOOK_MAX_PER_USER": "3",
            "HUB_WEBHOOK_CONCURRENCY": "2",
            "HUB_WEBHOOK_LOG_DAYS": "7",
        }
    )
    assert settings.webhook_timeout_seconds == 2.5
    assert (settings.webhook_retry_first_seconds, settings.webhook_retry_max_seconds) == (0.05, 1)
    assert (settings.webhook_max_attempts, settings.webhook_disable_after_failures) == (3, 2)
    assert settings.webhook_disable_after_hours == 6
    assert settings.webhook_allow_private and settings.webhook_allow_http
    assert (settings.webhook_max_per_user, settings.webhook_concurrency) == (3, 2)
    assert settings.webhook_log_days == 7
    for name, value in (("HUB_WEBHOOK_MAX_ATTEMPTS", "0"), ("HUB_WEBHOOK_ALLOW_HTTP", "maybe")):
        with pytest.raises(SettingsError, match=name):
            Settings.from_env({name: value})


def test_the_readme_snippet_verifies_the_hubs_signatures() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Webhooks", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - our own README
    body = '{"id":"5","entry":{"notes":"急需"}}'.encode()
    header = signature("s3cret", int(time.time()), body)
    assert namespace["verify"]("s3cret", header, body)
    assert not namespace["verify"]("s3cret", header, body + b"x")
    assert not namespace["verify"]("other", header, body)
    old = signature("s3cret", int(time.time()) - 3600, body)
    assert not namespace["verify"]("s3cret", old, body)
