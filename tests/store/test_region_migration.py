"""Migration 0030: regions stored before issue 17, as typed, come out in canonical form."""

from __future__ import annotations

import uuid

from hub.store.db import Database
from hub.store.migrate import load_migrations, migrate

REGIONS = 30


async def test_stored_regions_are_normalised_and_coded(empty_dsn: str) -> None:
    db = await Database.connect(empty_dsn, min_size=1, max_size=1)
    try:
        async with db.connection() as conn:
            before = [m for m in load_migrations() if m.version < REGIONS]
            await migrate(conn, before)
            written = {
                # province as typed, city, district -> expected after the migration
                ("湖北", "武汉", None): ("湖北省", "武汉市", None, "420100"),
                ("武汉", None, None): ("湖北省", "武汉市", None, "420100"),
                ("上海", "上海市", "市辖区"): ("上海市", "上海市", None, "310000"),
                ("北京", None, None): ("北京市", "北京市", None, "110000"),
                ("北京市", "朝阳区", None): ("北京市", "北京市", "朝阳区", "110105"),
                ("Sichuan", None, None): ("四川省", None, None, "510000"),
                ("全国各地", "武汉", None): ("全国", None, None, "100000"),
                ("火星省", "某市", None): ("火星省", "某市", None, None),
                ("湖北省", "恩施州", None): ("湖北省", "恩施土家族苗族自治州", None, "422800"),
            }
            # Written with plain SQL at the schema before 0030, so that later migrations
            # (and the store code that follows them) do not change what this test writes.
            ids = {}
            for province, city, district in written:
                entry_id = uuid.uuid4()
                await conn.execute(
                    "INSERT INTO entry (id, kind, province, city, district, provider_name) "
                    "VALUES ($1, 'LOGISTICS_OFFER', $2, $3, $4, '某物流')",
                    entry_id,
                    province,
                    city,
                    district,
                )
                await conn.execute(
                    "INSERT INTO logistics_offer (entry_id, destination_province, "
                    "destination_city, vehicle_type, cold_chain, is_free) "
                    "VALUES ($1, '湖北', '武汉', 'TRUCK', false, true)",
                    entry_id,
                )
                ids[entry_id] = written[(province, city, district)]
            organization = uuid.uuid4()
            await conn.execute(
                "INSERT INTO organization (id, name, kind, province, city) "
                "VALUES ($1, '某医院', 'HOSPITAL', 'Hubei', 'Wuhan')",
                organization,
            )
            owner, webhook = uuid.uuid4(), uuid.uuid4()
            await conn.execute(
                "INSERT INTO app_user (id, email, handle, password_hash) "
                "VALUES ($1, 'dev@example.org', 'dev', 'x')",
                owner,
            )
            await conn.execute(
                "INSERT INTO webhook (id, owner_id, url, secret, filter, position) "
                "VALUES ($1, $2, 'https://example.org/hook', 's', $3::jsonb, 0)",
                webhook,
                owner,
                {"provinces": ["湖北", "Sichuan", "火星"], "cities": ["武汉"], "kinds": ["NEED"]},
            )
            await migrate(conn)
            rows = await conn.fetch(
                "SELECT e.id, e.province, e.city, e.district, e.admin_code, "
                "l.destination_province, l.destination_city, l.destination_admin_code "
                "FROM entry e JOIN logistics_offer l ON l.entry_id = e.id"
            )
            assert len(rows) == len(written)
            for row in rows:
                assert (row[1], row[2], row[3], row[4]) == ids[row[0]], row
                assert (row[5], row[6], row[7]) == ("湖北省", "武汉市", "420100")
            org = await conn.fetchrow(
                "SELECT province, city, admin_code FROM organization WHERE id = $1", organization
            )
            assert org is not None
            assert tuple(org) == ("湖北省", "武汉市", "420100")
            stored = await conn.fetchval("SELECT filter FROM webhook WHERE id = $1", webhook)
            assert sorted(stored["provinces"]) == sorted(["湖北省", "四川省", "火星"])
            assert stored["cities"] == ["武汉市"]
            assert stored["kinds"] == ["NEED"]
    finally:
        await db.close()
