"""Background jobs: run by `hub worker`, or inside the server on the embedded database."""

from __future__ import annotations

import asyncio
from functools import partial

from hub.app import create_app
from hub.cli import in_process_jobs
from hub.settings import Settings
from hub.store.db import Database
from tests.helpers import SUBMIT_NEED, need_input
from workers.run import JOBS, run_forever, run_round


async def _overdue_verified_need(db: Database, settings: Settings) -> None:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        import httpx

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
            body = await http.post(
                "/graphql", json={"query": SUBMIT_NEED, "variables": {"input": need_input()}}
            )
            assert body.json()["data"]["submitNeed"]["need"]
    async with db.connection() as conn:
        await conn.execute(
            "UPDATE entry SET verification_status = 'VERIFIED', "
            "verified_at = now() - interval '4 days', "
            "expires_at = now() - interval '1 day'"
        )


async def _status(db: Database) -> str:
    async with db.connection() as conn:
        status: str = await conn.fetchval("SELECT verification_status FROM entry")
    return status


def test_jobs_are_registered() -> None:
    assert "expire-verifications" in JOBS


def test_jobs_run_in_process_only_on_the_embedded_database() -> None:
    assert in_process_jobs(Settings())
    assert not in_process_jobs(Settings(database_url="postgresql://db/hub"))
    assert in_process_jobs(Settings(database_url="postgresql://db/hub", in_process_jobs=True))


async def test_a_worker_round_expires_overdue_verifications(
    db: Database, settings: Settings
) -> None:
    await _overdue_verified_need(db, settings)
    assert await run_round(db) == []
    assert await _status(db) == "EXPIRED"


async def test_the_server_runs_jobs_in_process(db: Database, settings: Settings) -> None:
    await _overdue_verified_need(db, settings)
    expired = asyncio.Event()

    def on_round(job: str) -> None:
        if job == "expire-verifications":
            expired.set()

    app = create_app(settings, background=partial(run_forever, on_round=on_round))
    async with app.router.lifespan_context(app):
        await asyncio.wait_for(expired.wait(), timeout=10)
    assert await _status(db) == "EXPIRED"
