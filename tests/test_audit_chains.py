"""The audit trail's subject chains and signed checkpoints (issue 14).

One global lock used to order every audited write in the hub; now each subject has its own
chain and lock, and checkpoints of every chain's head, signed with HUB_SECRET_KEY, cover what
links cannot show (a subject's whole chain or its newest records deleted).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest

from hub.cli import main
from hub.domain.accounts import Viewer
from hub.domain.audit import (
    GENESIS,
    AuditRecord,
    Checkpoint,
    chain_hash,
    from_published,
    published,
)
from hub.services.audit import (
    TrailBroken,
    audit,
    latest_checkpoint,
    take_checkpoint,
    verify_chain,
)
from hub.store.db import Connection, Database, before_commit
from hub.store.migrate import load_migrations, migrate
from tests.imports.helpers import run_import
from tests.imports.test_batches import sheet

KEY = "test-secret-key-for-checkpoints"


async def _write(db: Database, subject: UUID, action: str = "test.write") -> None:
    async with db.transaction() as conn:
        await audit(conn, Viewer(handle="writer"), action, "NEED", subject)


async def _seqs(db: Database, subject: UUID) -> list[int]:
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT seq FROM audit_log WHERE subject_id = $1 ORDER BY seq", subject
        )
    return [r["seq"] for r in rows]


async def _tamper(db: Database, *statements: str) -> None:
    # Someone with the owner's powers switches the guards off: the chains still tell.
    async with db.transaction() as conn:
        await conn.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
        await conn.execute(
            "ALTER TABLE audit_checkpoint DISABLE TRIGGER audit_checkpoint_no_change"
        )
        for sql in statements:
            await conn.execute(sql)
        await conn.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change")
        await conn.execute("ALTER TABLE audit_checkpoint ENABLE TRIGGER audit_checkpoint_no_change")


async def _waiting_on_a_lock(db: Database) -> bool:
    async with db.connection() as conn:
        waiting: bool = await conn.fetchval(
            "SELECT count(*) > 0 FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND datname = current_database()"
        )
    return waiting


async def test_transactions_about_different_entries_are_past_their_append_at_once(
    db: Database,
) -> None:
    first_subject, second_subject = uuid4(), uuid4()
    appended, release = asyncio.Event(), asyncio.Event()
    appended_in_first: list[int] = []

    async def first() -> None:
        async with db.transaction() as conn:
            await audit(conn, Viewer(handle="a"), "test.write", "NEED", first_subject)

            async def hold(c: Connection) -> None:
                # After the audit step: the record is written, the subject's lock held.
                appended_in_first.append(
                    await c.fetchval(
                        "SELECT count(*) FROM audit_log WHERE subject_id = $1", first_subject
                    )
                )
                appended.set()
                await release.wait()

            before_commit(conn, hold, last=True)

    holder = asyncio.create_task(first())
    await asyncio.wait_for(appended.wait(), 10)
    assert appended_in_first == [1]
    # The other transaction appends and commits while the first is still open past its
    # append; under the old global lock it waited for the first's COMMIT.
    await asyncio.wait_for(_write(db, second_subject), 10)
    assert not holder.done()
    assert await _seqs(db, second_subject)
    release.set()
    await holder
    report = await verify_chain(db)
    assert report.intact
    assert (report.records, report.chains) == (2, 2)


async def test_transactions_about_one_entry_queue_and_chain_in_commit_order(db: Database) -> None:
    subject = uuid4()
    appended, release = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with db.transaction() as conn:
            await audit(conn, Viewer(handle="a"), "test.first", "NEED", subject)

            async def hold(_c: Connection) -> None:
                appended.set()
                await release.wait()

            before_commit(conn, hold, last=True)

    holder = asyncio.create_task(first())
    await asyncio.wait_for(appended.wait(), 10)
    second = asyncio.create_task(_write(db, subject, "test.second"))
    async with asyncio.timeout(10):
        # PostgreSQL tells no one when a backend starts waiting: ask until it says so.
        while not await _waiting_on_a_lock(db):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    assert not second.done()
    release.set()
    await asyncio.wait_for(asyncio.gather(holder, second), 10)
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT action, prev_hash, hash FROM audit_log WHERE subject_id = $1 ORDER BY seq",
            subject,
        )
    assert [r["action"] for r in rows] == ["test.first", "test.second"]
    assert rows[1]["prev_hash"] == rows[0]["hash"]
    assert (await verify_chain(db)).intact


@pytest.fixture
async def trail(db: Database) -> tuple[UUID, UUID]:
    """Two subjects: one with three records, one with two; a signed checkpoint after them."""
    long, short = uuid4(), uuid4()
    for subject in (long, short, long, short, long):
        await _write(db, subject)
    await take_checkpoint(db, KEY)
    report = await verify_chain(db, KEY)
    assert report.intact and report.checkpoints_checked == 1 and not report.warnings
    return long, short


async def _broken_at(db: Database) -> int | None:
    report = await verify_chain(db, KEY)
    assert not report.intact, "the tampering went unnoticed"
    return report.first_broken


async def test_an_edited_record_is_detected(db: Database, trail: tuple[UUID, UUID]) -> None:
    long, _ = trail
    middle = (await _seqs(db, long))[1]
    await _tamper(db, f"UPDATE audit_log SET actor_label = 'mallory' WHERE seq = {middle}")
    assert await _broken_at(db) == middle


async def test_a_deleted_record_is_detected(db: Database, trail: tuple[UUID, UUID]) -> None:
    long, _ = trail
    _first, second, third = await _seqs(db, long)
    await _tamper(db, f"DELETE FROM audit_log WHERE seq = {second}")
    assert await _broken_at(db) == third


async def test_a_deleted_tail_is_detected(db: Database, trail: tuple[UUID, UUID]) -> None:
    long, _ = trail
    newest = (await _seqs(db, long))[-1]
    await _tamper(db, f"DELETE FROM audit_log WHERE seq = {newest}")
    # Every remaining link holds: only the checkpoint knows the chain was longer.
    report = await verify_chain(db, KEY)
    assert not report.intact
    assert report.problem is not None and "checkpoint" in report.problem


async def test_a_deleted_subject_chain_is_detected(db: Database, trail: tuple[UUID, UUID]) -> None:
    _, short = trail
    await _tamper(db, f"DELETE FROM audit_log WHERE subject_id = '{short}'")
    report = await verify_chain(db, KEY)
    assert not report.intact
    assert report.problem is not None and "checkpoint" in report.problem


async def test_reordered_records_are_detected(db: Database, trail: tuple[UUID, UUID]) -> None:
    long, _ = trail
    first, second, _third = await _seqs(db, long)
    await _tamper(
        db,
        f"UPDATE audit_log SET seq = -1 WHERE seq = {first}",
        f"UPDATE audit_log SET seq = {first} WHERE seq = {second}",
        f"UPDATE audit_log SET seq = {second} WHERE seq = -1",
    )
    assert await _broken_at(db) == first


async def test_a_record_moved_to_another_chain_is_detected(
    db: Database, trail: tuple[UUID, UUID]
) -> None:
    long, short = trail
    newest = (await _seqs(db, long))[-1]
    await _tamper(db, f"UPDATE audit_log SET chain = '{short}' WHERE seq = {newest}")
    assert await _broken_at(db) == newest


async def test_a_changed_checkpoint_fails_its_signature(
    db: Database, trail: tuple[UUID, UUID]
) -> None:
    await _tamper(db, "UPDATE audit_checkpoint SET chains = chains + 1")
    report = await verify_chain(db, KEY)
    assert not report.intact
    assert report.problem is not None and "signed" in report.problem


async def test_a_copy_kept_elsewhere_outlives_the_checkpoints(
    db: Database, trail: tuple[UUID, UUID]
) -> None:
    long, _ = trail
    # What an outsider kept of GET /audit/head.
    copy = from_published(json.loads(json.dumps(published(await _latest(db)))))
    newest = (await _seqs(db, long))[-1]
    # The tail and every checkpoint go: the database alone can no longer tell...
    await _tamper(db, f"DELETE FROM audit_log WHERE seq = {newest}", "DELETE FROM audit_checkpoint")
    alone = await verify_chain(db, KEY)
    assert alone.intact
    assert any("no checkpoint" in w for w in alone.warnings)
    # ...but the copy someone kept can.
    report = await verify_chain(db, KEY, [copy])
    assert not report.intact


async def _latest(db: Database) -> Checkpoint:
    checkpoint = await latest_checkpoint(db)
    assert checkpoint is not None
    return checkpoint


async def test_no_checkpoint_is_signed_over_a_broken_trail(
    db: Database, trail: tuple[UUID, UUID]
) -> None:
    _, short = trail
    await _tamper(db, f"DELETE FROM audit_log WHERE subject_id = '{short}'")
    await _write(db, uuid4())
    with pytest.raises(TrailBroken):
        await take_checkpoint(db, KEY)


async def test_checkpoints_without_a_key_are_unsigned_and_said_so(db: Database) -> None:
    await _write(db, uuid4())
    checkpoint = await take_checkpoint(db, None)
    assert checkpoint.signature is None
    report = await verify_chain(db, None)
    assert report.intact and report.checkpoints_checked == 1
    assert any("unsigned" in w for w in report.warnings)
    # Signed with one key, checked with another: not accepted as checked, said so.
    await _write(db, uuid4())
    await take_checkpoint(db, KEY)
    other = await verify_chain(db, "another-key")
    assert any("another key" in w or "other than" in w for w in other.warnings)


async def test_nothing_new_means_no_new_checkpoint(db: Database) -> None:
    await _write(db, uuid4())
    first = await take_checkpoint(db, KEY)
    assert await take_checkpoint(db, KEY) == first
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM audit_checkpoint") == 1


async def test_the_head_is_published(db: Database, app_client: httpx.AsyncClient) -> None:
    assert (await app_client.get("/audit/head")).status_code == 404
    await _write(db, uuid4())
    checkpoint = await take_checkpoint(db, KEY)
    response = await app_client.get("/audit/head")
    assert response.status_code == 200
    body = response.json()
    assert body == published(checkpoint)
    assert body["signature"] and body["algorithm"] == "HMAC-SHA256"
    assert from_published(body) == checkpoint


def test_hub_audit_checkpoint_and_verify_a_copy(
    fresh_dsn: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("HUB_DATABASE_URL", fresh_dsn)
    monkeypatch.setenv("HUB_SECRET_KEY", KEY)
    assert main(["audit", "checkpoint"]) == 0
    copy = tmp_path / "head.json"
    copy.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["audit", "verify", "--checkpoint", str(copy)]) == 0
    assert "2 checkpoints checked" in capsys.readouterr().out
    forged = json.loads(copy.read_text(encoding="utf-8"))
    forged["chains"] = 7
    copy.write_text(json.dumps(forged), encoding="utf-8")
    assert main(["audit", "verify", "--checkpoint", str(copy)]) == 1
    assert "BROKEN" in capsys.readouterr().err


async def test_records_from_before_subject_chains_stay_verified(empty_dsn: str) -> None:
    """The single chain written before migration 0026 is verified as it was, and new records
    go on subject chains after it."""
    migrations = load_migrations()
    conn = await asyncpg.connect(empty_dsn)
    try:
        await migrate(conn, [m for m in migrations if m.version < 26])
        prev = GENESIS
        at = await conn.fetchval("SELECT date_trunc('milliseconds', now())")
        subject = uuid4()
        for seq in (1, 2, 3):
            record = AuditRecord(None, "system", f"old.{seq}", "NEED", subject)
            link = chain_hash(prev, seq, at, record)
            await conn.execute(
                """INSERT INTO audit_log (seq, at, actor_label, action, subject_kind,
                   subject_id, changes, prev_hash, hash)
                   VALUES ($1, $2, 'system', $3, 'NEED', $4, '{}', $5, $6)""",
                seq, at, f"old.{seq}", subject, prev, link,
            )  # fmt: skip
            prev = link
        await migrate(conn, migrations)
    finally:
        await conn.close()
    db = await Database.connect(empty_dsn, min_size=1, max_size=2)
    try:
        await _write(db, subject)
        await _write(db, uuid4())
        report = await verify_chain(db)
        assert report.intact, report.problem
        # The legacy chain, the subject's new chain, another subject's.
        assert (report.records, report.chains) == (5, 3)
        assert (await _seqs(db, subject)) == [1, 2, 3, 4]
        await take_checkpoint(db, KEY)
        assert (await verify_chain(db, KEY)).intact
        await _tamper(db, "DELETE FROM audit_log WHERE seq = 2")
        report = await verify_chain(db, KEY)
        assert report.first_broken == 3
    finally:
        await db.close()


async def test_a_dry_run_import_takes_no_lock(db: Database) -> None:
    """A dry run waits for no one: not for a whole-trail lock, nor for the window of the
    province it reads, held by another transaction that is slow to commit."""
    from hub.domain.enums import EntryKind
    from hub.store import audit as audit_store
    from hub.store import duplicates

    async with db.transaction() as blocker:
        await audit_store.lock_chain(blocker)
        await duplicates.lock_windows(blocker, [(EntryKind.NEED, "湖北省")])
        data = sheet(("武汉市第一医院", "中山大道215号"), ("武汉协和医院", "解放大道1277号"))
        report = await asyncio.wait_for(run_import(db, data, "needs", dry_run=True), 30)
        assert report.valid == 2 and report.imported == 0


async def test_the_background_jobs_sign_checkpoints(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workers.audit_checkpoint import AuditCheckpointJob
    from workers.run import configured_jobs

    monkeypatch.setenv("HUB_SECRET_KEY", KEY)
    monkeypatch.setenv("HUB_AUDIT_CHECKPOINT_MINUTES", "5")
    async with configured_jobs() as jobs:
        job, interval = jobs["audit-checkpoint"]
    assert isinstance(job, AuditCheckpointJob) and interval == 300.0
    await _write(db, uuid4())
    await job(db)
    checkpoint = await _latest(db)
    assert checkpoint.signature is not None
    assert (await verify_chain(db, KEY)).checkpoints_checked == 1


async def test_appends_and_checkpoints_at_once_neither_deadlock_nor_break(db: Database) -> None:
    subjects = [uuid4() for _ in range(4)]

    async def writer(n: int) -> None:
        async with db.transaction() as conn:
            # Two subjects each, in either order: the locks still go in one order.
            for subject in (subjects[n % 4], subjects[(n * 3 + 1) % 4]):
                await audit(conn, Viewer(handle=f"w{n}"), "test.write", "NEED", subject)

    async def checkpoints() -> None:
        for _ in range(3):
            await take_checkpoint(db, KEY)

    await asyncio.wait_for(
        asyncio.gather(*(writer(n) for n in range(24)), checkpoints()), timeout=60
    )
    await take_checkpoint(db, KEY)
    report = await verify_chain(db, KEY)
    assert report.intact, report.problem
    assert (report.records, report.chains) == (48, 4)
