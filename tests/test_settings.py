"""Settings come from HUB_* variables, typed, with clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.domain.enums import EntryKind
from hub.settings import Settings, SettingsError


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.database_url is None
    assert settings.data_dir == Path(".hub-data")
    assert (settings.host, settings.port, settings.max_page_size) == ("127.0.0.1", 8000, 100)
    assert settings.entry_lifetimes()[EntryKind.NEED] == 72
    with pytest.raises(SettingsError):
        settings.dsn()


def test_values_are_read_and_checked() -> None:
    settings = Settings.from_env(
        {
            "HUB_DATABASE_URL": "postgresql://x@db/hub",
            "HUB_DATA_DIR": "/srv/hub",
            "HUB_PORT": "9000",
            "HUB_DEFAULT_LANGUAGE": "EN",
            "HUB_NEED_LIFETIME_HOURS": "24",
        }
    )
    assert settings.dsn() == "postgresql://x@db/hub"
    assert settings.data_dir == Path("/srv/hub")
    assert settings.port == 9000
    assert settings.default_language == "en"
    assert settings.entry_lifetimes()[EntryKind.NEED] == 24


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HUB_PORT", "x"),
        ("HUB_MAX_PAGE_SIZE", "0"),
        ("HUB_DEFAULT_LANGUAGE", "fr"),
        ("HUB_MAX_BODY_BYTES", "10"),
    ],
)
def test_bad_values_are_refused(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})
