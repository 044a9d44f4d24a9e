"""The declared limits, their overrides and scale, and that every mutation has one."""

from __future__ import annotations

import pytest

from hub.graphql.schema import build_schema
from hub.graphql.throttle import MUTATION_LIMITS
from hub.limits.table import DEFAULT_LIMITS, build_table
from hub.settings import Settings, SettingsError


def test_every_mutation_of_the_schema_has_a_declared_limit() -> None:
    schema = build_schema(Settings())
    mutation = schema._schema.mutation_type
    assert mutation is not None
    undeclared = [name for name in mutation.fields if name not in MUTATION_LIMITS]
    assert undeclared == [], "add them to hub.graphql.throttle.MUTATION_LIMITS"
    unknown = {t.limit for t in MUTATION_LIMITS.values()} - set(DEFAULT_LIMITS)
    assert unknown == set()
    # And each names at least one scope it counts in.
    table = build_table()
    assert all(table[t.limit].scopes for t in MUTATION_LIMITS.values())


def test_anonymous_writes_are_limited_per_client() -> None:
    table = build_table()
    for name, throttle in MUTATION_LIMITS.items():
        if name.startswith(("submit", "update", "close", "sign", "flag", "pledge", "send")):
            assert table[throttle.limit].of("client"), name


def test_defaults_let_a_hospital_post_ten_needs_in_a_minute() -> None:
    submit = build_table()["submit"].of("client")
    per_minute = [w for w in submit if w.get_expiry() == 60]
    assert per_minute and per_minute[0].amount >= 10


def test_scale_and_overrides() -> None:
    table = build_table(10, (("submit_client", "3/minute"), ("flag_everyone", "off")))
    assert [(w.amount, w.get_expiry()) for w in table["submit"].of("client")] == [(30, 60)]
    assert table["flag"].of("everyone") == ()
    assert build_table(0) == {}


def test_settings_read_and_check_the_limits() -> None:
    env = {"HUB_RATE_LIMITS": "off", "HUB_RATE_LIMIT_SIGN_IN_TARGET": "2/minute"}
    settings = Settings.from_env(env)
    assert settings.rate_limit_scale == 0
    assert settings.rate_limit_overrides == (("sign_in_target", "2/minute"),)
    assert Settings.from_env({"HUB_RATE_LIMITS": "x5"}).rate_limit_scale == 5
    with pytest.raises(SettingsError):
        Settings.from_env({"HUB_RATE_LIMIT_NOPE_CLIENT": "1/minute"})
    with pytest.raises(SettingsError):
        Settings.from_env({"HUB_RATE_LIMIT_SUBMIT_CLIENT": "lots"})
    with pytest.raises(SettingsError):
        Settings.from_env({"HUB_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"})
    assert Settings.from_env({"HUB_TRUSTED_PROXIES": "10.0.0.1, fd00::/8"}).trusted_proxies == (
        "10.0.0.1/32",
        "fd00::/8",
    )
