"""Issue 17: an import stores an empty cell as unknown (NULL), never as an invented value
(urgency MEDIUM, vehicle OTHER, not free, no delivery, no eligibility, 0 rooms), and keeps
what a cell states as read. A need whose row lists no item is imported and marked."""

from __future__ import annotations

from hub.store.db import Database
from tests.imports.helpers import run_import

LODGING_CSV = """机构名称,省份,城市,可用房间数,入住条件,免费,联系电话
江城大酒店,湖北省,武汉市,,,,027-85550000
汉口宾馆,湖北省,武汉市,0,医护人员,否,027-85550001
"""
LOGISTICS_CSV = """提供者,省份,城市,车辆类型,免费,冷链,联系电话
张师傅,河南省,郑州市,,,,13800005555
李师傅,河南省,郑州市,冷藏车,是,,13800006666
"""
OFFERS_CSV = """机构名称,省份,城市,物资名称,数量,单位,可配送,免费,联系电话
明光医疗,广东省,深圳市,KN95 口罩,200,箱,,,13800007777
"""
NEEDS_CSV = """医院名称,省份,城市,紧急程度,物资名称,数量,联系电话
武汉市第五医院,湖北省,武汉市,,,,
武汉市第六医院,湖北省,武汉市,特急,医用外科口罩,2000,13800008888
"""


async def _one(db: Database, sql: str) -> list[tuple[object, ...]]:
    async with db.connection() as conn:
        return [tuple(r) for r in await conn.fetch(sql)]


async def test_empty_cells_are_stored_as_unknown(db: Database) -> None:
    for data, kind in (
        (LODGING_CSV, "lodging"),
        (LOGISTICS_CSV, "logistics"),
        (OFFERS_CSV, "offers"),
        (NEEDS_CSV, "needs"),
    ):
        report = await run_import(db, data.encode(), kind, file_name=f"{kind}.csv")
        assert report.rejected == [], (kind, report.rejected)
        assert report.imported == data.count("\n") - 1, kind

    lodging = await _one(
        db,
        """SELECT o.name, l.rooms_available, l.eligibility, l.is_free FROM lodging l
           JOIN entry e ON e.id = l.entry_id JOIN organization o ON o.id = e.organization_id
           ORDER BY o.name""",
    )
    assert sorted(lodging) == sorted(
        [("江城大酒店", None, None, None), ("汉口宾馆", 0, "医护人员", False)]
    )
    carriers = await _one(
        db,
        """SELECT e.provider_name, l.vehicle_type, l.is_free, l.cold_chain FROM logistics_offer l
           JOIN entry e ON e.id = l.entry_id ORDER BY e.provider_name""",
    )
    assert sorted(carriers) == sorted(
        [("张师傅", None, None, False), ("李师傅", "REFRIGERATED_TRUCK", True, True)]
    )
    assert await _one(db, "SELECT can_deliver, is_free FROM offer") == [(None, None)]
    needs = await _one(
        db,
        """SELECT o.name, e.urgency, (SELECT count(*) FROM entry_item i WHERE i.entry_id = e.id),
                  (SELECT count(*) FROM contact c WHERE c.entry_id = e.id)
           FROM entry e JOIN organization o ON o.id = e.organization_id
           WHERE e.kind = 'NEED'""",
    )
    assert sorted(needs) == sorted(
        [("武汉市第五医院", None, 0, 0), ("武汉市第六医院", "CRITICAL", 1, 1)]
    )
