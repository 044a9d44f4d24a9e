"""The short fuzz run (`pytest -m fuzz`): a few hundred generated operations, valid, invalid
and hostile, against `hub serve` on the test database; bench/fuzz.py runs the full one.

No answer may be a 5xx, carry a traceback or an exception's name, show a protected phone
number or e-mail address, or hold an error without `extensions.code`; the server may log no
traceback.
"""

from __future__ import annotations

import time

import pytest

from hub.settings import Settings
from tests.fuzz.config import FUZZ_ENV
from tests.fuzz.invariants import check_log
from tests.fuzz.runner import run
from tests.fuzz.seed import seed
from tests.live.conftest import HubProcess

SHORT_RUN = 300
# Distinct documents drawn from the schema: drawing them is the slow part of a run.
SHORT_DOCUMENTS = 80


@pytest.mark.fuzz
async def test_a_short_fuzz_run_finds_nothing(fresh_dsn: str, fuzz_redis_url: str | None) -> None:
    started = time.monotonic()
    secrets = await seed(fresh_dsn, Settings(database_url=fresh_dsn))
    assert len(secrets.canary_phones) == 20 and len(secrets.phones) > 40
    env = {**FUZZ_ENV, "HUB_DATABASE_URL": fresh_dsn}
    if fuzz_redis_url:
        env["HUB_REDIS_URL"] = fuzz_redis_url
    hub = HubProcess(env)
    hub.start()
    print(f"seeded and started in {time.monotonic() - started:.1f} s")
    try:
        report = await run(hub.http_url, secrets, SHORT_RUN, unique_documents=SHORT_DOCUMENTS)
    finally:
        hub.stop()
    check_log("".join(hub.output), report.findings)
    print(report.text())
    assert report.total == SHORT_RUN
    assert set(report.sent) == {"valid", "invalid", "hostile"}
    assert report.findings.failures() == {}, report.text()
    # The hub refused things, with codes: the run reached its guards.
    assert {"GRAPHQL_VALIDATION_FAILED", "INVALID_ID"} <= set(report.observed.codes)
