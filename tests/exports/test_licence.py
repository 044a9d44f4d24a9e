"""The licence of the open data is a setting (HUB_EXPORT_LICENCE, HUB_EXPORT_LICENCE_URL)."""

from __future__ import annotations

import httpx
import pytest

from hub.settings import Settings

ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"


@pytest.fixture
def settings(fresh_dsn: str) -> Settings:
    """A hub publishing under ODbL."""
    return Settings(database_url=fresh_dsn, export_licence="ODbL 1.0", export_licence_url=ODBL)


async def test_the_configured_licence_is_named_everywhere(app_client: httpx.AsyncClient) -> None:
    index = await app_client.get("/export")
    assert (index.json()["licence"], index.json()["licenceUrl"]) == ("ODbL 1.0", ODBL)
    data = await app_client.get("/export/needs.json")
    assert (data.json()["licence"], data.json()["licenceUrl"]) == ("ODbL 1.0", ODBL)
    for response in (index, data, await app_client.get("/export/needs.csv")):
        assert response.headers["link"] == f'<{ODBL}>; rel="license"'


def test_the_licence_is_read_from_the_environment() -> None:
    settings = Settings.from_env({"HUB_EXPORT_LICENCE": "CC0", "HUB_EXPORT_LICENCE_URL": ODBL})
    assert (settings.export_licence, settings.export_licence_url) == ("CC0", ODBL)
    assert Settings.from_env({}).export_licence == "CC BY 4.0"
