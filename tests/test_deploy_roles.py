"""The deployment's roles (deploy/roles.sql, as compose.yaml runs it): migrations run as an
owner that is no superuser, and the app's role cannot change the audit trail.

Compose used to run the hub as the PostgreSQL superuser, which may switch any trigger off and
so voided the audit table's protections.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import asyncpg
import pytest

from hub.domain.accounts import Viewer
from hub.embedded import find_bin_dir
from hub.services.audit import audit, take_checkpoint, verify_chain
from hub.store.db import Database
from hub.store.migrate import migrate_database
from tests.conftest import scratch_database
from tests.deploy.files import load_yaml

ROLES_SQL = Path(__file__).parents[1] / "deploy" / "roles.sql"


def _as(dsn: str, role: str, password: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(netloc=f"{role}:{password}@{parts.hostname}:{parts.port}"))


@pytest.fixture
async def deployed(pg_server_dsn: str) -> AsyncIterator[tuple[str, str]]:
    """An empty database set up by deploy/roles.sql and migrated by its owner role: the
    (owner, app) URLs."""
    suffix = f"{os.getpid()}_{uuid4().hex[:6]}"
    owner, app = f"hub_owner_{suffix}", f"hub_app_{suffix}"
    try:
        async with scratch_database(pg_server_dsn, "hub_roles", None) as dsn:
            psql = [
                str(find_bin_dir() / "psql"), dsn, "-X", "-q", "-f", str(ROLES_SQL),
                "-v", f"owner_role={owner}", "-v", f"app_role={app}",
                "-v", "owner_password=owner-password-1", "-v", "app_password=app-password-1",
            ]  # fmt: skip
            done = await asyncio.create_subprocess_exec(
                *psql, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
            )
            _, stderr = await done.communicate()
            assert done.returncode == 0, stderr.decode()
            owner_dsn = _as(dsn, owner, "owner-password-1")
            assert await migrate_database(owner_dsn)
            yield owner_dsn, _as(dsn, app, "app-password-1")
    finally:
        admin = await asyncpg.connect(pg_server_dsn)
        try:
            for role in (app, owner):
                await admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        finally:
            await admin.close()


async def test_the_owner_migrates_without_being_superuser(deployed: tuple[str, str]) -> None:
    owner_dsn, _ = deployed
    conn = await asyncpg.connect(owner_dsn)
    try:
        assert not await conn.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        owners = {
            r["tablename"]: r["tableowner"]
            for r in await conn.fetch(
                "SELECT tablename, tableowner FROM pg_tables WHERE tablename LIKE 'audit_%'"
            )
        }
        assert owners == {"audit_log": "hub_audit_owner", "audit_checkpoint": "hub_audit_owner"}
    finally:
        await conn.close()


async def test_the_app_role_writes_the_trail_and_cannot_change_it(
    deployed: tuple[str, str],
) -> None:
    _, app_dsn = deployed
    # `hub serve` checks the migrations at its start as this role: nothing left to do.
    assert await migrate_database(app_dsn) == []
    db = await Database.connect(app_dsn, min_size=1, max_size=2)
    try:
        # What the hub does as this role works: audit records, checkpoints, verification.
        async with db.transaction() as conn:
            await audit(conn, Viewer(handle="nurse"), "test.write", "NEED", uuid4())
        await take_checkpoint(db, "deploy-test-key")
        assert (await verify_chain(db, "deploy-test-key")).intact
        async with db.connection() as conn:
            assert not await conn.fetchval(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
            )
            for statement in (
                "UPDATE audit_log SET actor_label = 'mallory'",
                "DELETE FROM audit_log",
                "TRUNCATE audit_log",
                "UPDATE audit_checkpoint SET chains = 0",
                "DELETE FROM audit_checkpoint",
                "TRUNCATE audit_checkpoint",
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
                "ALTER TABLE audit_checkpoint DISABLE TRIGGER audit_checkpoint_no_change",
                "SELECT setval('audit_log_seq', 1)",
                "SET session_replication_role = replica",
                "CREATE TABLE mine (id int)",
                "DROP TABLE entry",
            ):
                with pytest.raises(asyncpg.InsufficientPrivilegeError):
                    await conn.execute(statement)
            assert await conn.fetchval("SELECT count(*) FROM audit_log") == 1
    finally:
        await db.close()


def test_compose_serves_as_the_app_role_and_migrates_as_the_owner() -> None:
    deploy = Path(__file__).parents[1] / "deploy"
    services = load_yaml(deploy / "compose.yaml")["services"]
    assert services["migrate"]["environment"]["HUB_DATABASE_URL"].startswith(
        "postgresql://hub_owner:"
    )
    for service in ("hub", "worker"):
        url = services[service]["environment"]["HUB_DATABASE_URL"]
        assert url.startswith("postgresql://hub_app:"), service
    assert "./roles.sql:/hub/roles.sql:ro" in services["postgres"]["volumes"]
    assert "-f /hub/roles.sql" in (deploy / "initdb-roles.sh").read_text(encoding="utf-8")
