"""The audit trail: every step recorded, append-only, tamper-evident, redacted."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from hub.cli import main
from hub.domain.accounts import Role, Viewer
from hub.services.audit import audit, take_checkpoint, verify_chain
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.graphql.test_reviews import CLAIM, auth, submit, verify
from tests.helpers import HOSPITAL, SUBMIT_NEED, UPDATE_NEED, need_input

HISTORY = """query($e: ID!) { entryHistory(entryId: $e) {
    action actor changedFields decision method reason } }"""


async def test_an_entry_history_tells_who_did_what(gql: GraphQLClient, db: Database) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "ivan")
    need = await submit(gql)
    await gql.data(
        UPDATE_NEED,
        {
            "input": {
                "id": need["id"],
                "version": 1,
                "editToken": need["editToken"],
                "urgency": "HIGH",
            }
        },
    )
    await gql.data(CLAIM, {"e": need["id"]}, **auth(reviewer))
    await verify(gql, reviewer, need["id"])
    history = (await gql.data(HISTORY, {"e": need["id"]}))["entryHistory"]
    assert [(h["action"], h["actor"]) for h in history] == [
        ("entry.submitted", "anonymous"),
        ("entry.updated", "edit-token"),
        ("review.claimed", "ivan"),
        ("review.decided", "ivan"),
    ]
    assert history[1]["changedFields"] == ["details.urgency"]
    assert (history[3]["decision"], history[3]["method"]) == ("VERIFY", "PHONE_CALL")
    assert (await verify_chain(db)).intact


async def test_protected_values_never_reach_the_trail(gql: GraphQLClient, db: Database) -> None:
    need = await submit(gql)
    await gql.data(
        UPDATE_NEED,
        {
            "input": {
                "id": need["id"],
                "version": 1,
                "editToken": need["editToken"],
                "contacts": [{"name": "赵护士", "phone": "13911112222", "visibility": "PROTECTED"}],
            }
        },
    )
    async with db.connection() as conn:
        trail = await conn.fetchval("SELECT string_agg(changes::text, ' ') FROM audit_log")
    for secret in ("13911112222", "赵护士", "13800001234", "王小明"):
        assert secret not in trail
    assert "[protected]" in trail


async def test_rows_cannot_be_changed_or_deleted(gql: GraphQLClient, db: Database) -> None:
    await submit(gql)
    async with db.connection() as conn:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("UPDATE audit_log SET actor_label = 'someone else'")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("DELETE FROM audit_log")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("TRUNCATE audit_log")


async def _tamper(db: Database, sql: str) -> None:
    # Someone with the owner's powers switches the guard off: the chain still tells.
    async with db.transaction() as conn:
        await conn.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
        await conn.execute(sql)
        await conn.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change")


@pytest.mark.parametrize(
    ("sql", "seq"),
    [
        ("UPDATE audit_log SET actor_label = 'mallory' WHERE seq = 2", 2),
        # Each submission's records are the only ones of their subjects: deleting one deletes
        # a whole subject chain, which only the checkpoint (taken at record 6) shows.
        ("DELETE FROM audit_log WHERE seq = 3", 6),
        ("UPDATE audit_log SET changes = '{}' WHERE seq = 4", 4),
    ],
)
async def test_tampering_is_detected(gql: GraphQLClient, db: Database, sql: str, seq: int) -> None:
    for n in range(3):
        # An organization and a need each: six records (three hospitals: one submitted again
        # would be reused, issue 17).
        hospital = {**HOSPITAL, "name": f"武汉市第{n + 1}医院"}
        result = await gql.data(SUBMIT_NEED, {"input": need_input(organization=hospital)})
        assert result["submitNeed"]["userErrors"] == []
    await take_checkpoint(db, "test-secret-key")
    assert (await verify_chain(db, "test-secret-key")).intact
    await _tamper(db, sql)
    report = await verify_chain(db, "test-secret-key")
    assert not report.intact
    assert report.first_broken == seq


async def test_concurrent_appends_keep_one_chain(db: Database) -> None:
    async def one(n: int) -> None:
        async with db.transaction() as conn:
            await audit(conn, Viewer(handle=f"writer{n}"), "test.write", "TEST", None)

    await asyncio.gather(*(one(n) for n in range(20)))
    report = await verify_chain(db)
    assert report.intact
    # Records about no one thing share their kind's chain: one chain, twenty links.
    assert (report.records, report.chains) == (20, 1)


def test_hub_audit_verify(
    fresh_dsn: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUB_DATABASE_URL", fresh_dsn)
    assert main(["audit", "verify"]) == 0
    assert "audit trail intact: 0 records in 0 chains" in capsys.readouterr().out


async def test_an_app_role_that_is_not_superuser_cannot_touch_audit_rows(
    gql: GraphQLClient, db: Database, fresh_dsn: str
) -> None:
    """What a real deployment's app role (not a superuser) may do with the trail."""
    await submit(gql)
    async with db.connection() as conn:
        await conn.execute("DROP ROLE IF EXISTS hub_app_probe")
        await conn.execute("CREATE ROLE hub_app_probe LOGIN PASSWORD 'probe-password-1'")
        await conn.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO hub_app_probe")
        await conn.execute("GRANT USAGE ON SCHEMA public TO hub_app_probe")
        owner = await conn.fetchval(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log'"
        )
    assert owner == "hub_audit_owner"
    parts = urlsplit(fresh_dsn)
    netloc = f"hub_app_probe:probe-password-1@{parts.hostname}:{parts.port}"
    dsn = urlunsplit(parts._replace(netloc=netloc))
    app = await asyncpg.connect(dsn)
    try:
        assert await app.fetchval("SELECT count(*) FROM audit_log") > 0
        for statement in (
            "UPDATE audit_log SET actor_label = 'x'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await app.execute(statement)
    finally:
        await app.close()
        async with db.connection() as conn:
            await conn.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM hub_app_probe")
            await conn.execute("REVOKE ALL ON SCHEMA public FROM hub_app_probe")
            await conn.execute("DROP OWNED BY hub_app_probe")
            await conn.execute("DROP ROLE hub_app_probe")
