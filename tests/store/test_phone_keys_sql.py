"""The SQL phone_keys (migration 0032) and hub/domain/contact_keys.py read phones alike: the
scan finds entries of other provinces by the SQL keys and compares them by the Python ones."""

from __future__ import annotations

from hub.domain.contact_keys import phone_keys
from hub.store.db import Database

SHAPES = [
    "13800001234",
    "138 0000 1234",
    "139 0000 1234;180 0000 1234",
    "13900001234 18000001234",
    "027-87654321/027-87654322",
    "027-87654321\n027-87654322",
    "王老师 13800001234",
    "张13800001234",
    "86-633-1234567",
    "（+86）19900001234",
    "+86 199 0000 1234",
    "0086 27 8765 4321",
    "0719—8123456",
    "0719－8123456",
    "４００１２３４５６７转０",
    "4001234567 ext 12",
    "余主任13900001234，周科长13900001235，医院总值班027-87654321（24小时值守）",
    "13800001234或13800001235",
    "87654321",
    "120",
    "12345",
    "",
    "no phone",
]


async def test_sql_and_python_phone_keys_agree(db: Database) -> None:
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT s, phone_keys(s) AS keys FROM unnest($1::text[]) AS s", SHAPES
        )
    by_shape = {r["s"]: frozenset(r["keys"]) for r in rows}
    assert {s: phone_keys(s) for s in SHAPES} == by_shape
    assert by_shape[
        "余主任13900001234，周科长13900001235，医院总值班027-87654321（24小时值守）"
    ] == {
        "13900001234",
        "13900001235",
        "2787654321",
    }
