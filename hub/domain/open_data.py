"""The columns of the hub's open data: one contract shared by exports and imports.

Every exported file (CSV, HXL-tagged CSV, JSON) and every import's default column mapping is
built from these tables, so that `export` followed by `import` round-trips the public data.
Needs and offers are written one row per supply item (the entry's own columns repeat on each
of its rows; rows sharing an `id` are one entry). Protected contacts are never a column: the
contact columns hold PUBLIC contacts only.

HXL hashtags follow the Humanitarian Exchange Language 1.1 core (#org, #adm1, #adm2, #item,
#status, #date, ...); attributes (+name, +code, +num, +unit) say which part of the thing a column
holds. `#value` is money in HXL, so supply quantities are `#item+num` and their units
`#item+unit`. An administrative code is tagged by its level (`#adm1+code` a province's,
`#adm2+code` a prefecture's, `#adm3+code` a county's): one column holds codes of every level, so
the code is also split into one column per level (`admin_levels`). A tag must be unique within
one kind's columns, since an import reads columns by tag; the tags of earlier releases are still
read (`LEGACY_HXL`).
"""

from __future__ import annotations

from enum import Enum

from hub.domain.columns import Column
from hub.domain.enums import EntryKind
from hub.domain.kinds import KINDS, kind_by_slug
from hub.domain.kinds.spec import Kind

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


class Dataset(Enum):
    """What can be exported or imported: the kinds of entry and organizations."""

    NEEDS = "needs"
    OFFERS = "offers"
    LOGISTICS = "logistics"
    LODGING = "lodging"
    ORGANIZATIONS = "organizations"
    DONATION_CHANNELS = "donation-channels"

    @property
    def kind(self) -> Kind | None:
        """The declaration of the kind of entry the dataset holds (its slug); None for
        organizations."""
        return kind_by_slug(self.value)

    @property
    def has_items(self) -> bool:
        """Whether the dataset's rows are supply items (needs and offers)."""
        kind = self.kind
        return kind is not None and kind.has_items

    @property
    def entry_kind(self) -> EntryKind | None:
        """The entry kind the dataset holds; None for organizations."""
        kind = self.kind
        return kind.kind if kind else None


# Where an entry or an organization is.
_PLACE = (
    Column("province", "省份", "#adm1+name"),
    Column("city", "城市", "#adm2+name"),
    Column("district", "区县", "#adm3+name"),
    # The code as stored, at whatever level (6, 9 or 12 digits of GB/T 2260): `#loc+code`, the
    # code of the place itself; then the same code split by level, for joins by level.
    Column("admin_code", "行政区划代码", "#loc+code"),
    Column("adm1_code", "省级代码", "#adm1+code"),
    Column("adm2_code", "地级代码", "#adm2+code"),
    Column("adm3_code", "县级代码", "#adm3+code"),
    Column("address", "地址", "#loc+address"),
)
# PUBLIC contacts only, several joined with "; ".
_CONTACTS = (
    Column("contact_name", "联系人", "#contact+name"),
    Column("contact_phone", "联系电话", "#contact+phone"),
)
# Columns every entry has, in export order.
_ENTRY_HEAD = (
    Column("id", "编号", "#meta+id"),
    Column("organization_id", "机构编号", "#org+id"),
    Column("organization", "机构名称", "#org+name"),
    # An individual donor or driver with no organization.
    Column("provider", "提供者", "#org+name+provider"),
    *_PLACE,
)
_ENTRY_TAIL = (
    Column("status", "状态", "#status"),
    Column("verification", "核实状态", "#status+verification"),
    Column("verified_at", "核实时间", "#date+verified"),
    Column("created_at", "发布时间", "#date+created"),
    Column("updated_at", "更新时间", "#date+updated"),
    Column("expires_at", "有效期至", "#date+expires"),
    Column("source_url", "来源链接", "#meta+source+url"),
    Column("source_note", "来源", "#meta+source"),
    Column("notes", "备注", "#description"),
    *_CONTACTS,
)
# One supply line of a need or an offer.
ITEM_COLUMNS = (
    Column("category", "物资类别", "#item+code"),
    Column("item", "物资名称", "#item+name"),
    Column("spec", "规格", "#item+spec"),
    Column("certifications", "认证", "#item+certification"),
    # Empty: "as many as possible" / not known. (`#value` is money in HXL: not these.)
    Column("quantity", "数量", "#item+num"),
    Column("unit", "单位", "#item+unit"),
    Column("package_size", "每箱数量", "#item+num+package"),
    Column("fulfilled", "已满足数量", "#item+num+fulfilled"),
)
# The hashtags earlier releases wrote, still read by imports (one release; hashtags of files
# exported before issue 17). The old `#adm3+code` column held codes of any level: it is now the
# county column's tag, and an import takes the most specific code it finds (`admin_code_of`).
LEGACY_HXL = {
    "quantity": ("#value",),
    "unit": ("#value+unit",),
    "package_size": ("#value+package",),
    "fulfilled": ("#value+fulfilled",),
}


def _entry_columns(kind: Kind) -> tuple[Column, ...]:
    details = tuple(column for spec in kind.export_fields for column in spec.export_columns)
    return (*_ENTRY_HEAD, *details, *(ITEM_COLUMNS if kind.has_items else ()), *_ENTRY_TAIL)


COLUMNS: dict[Dataset, tuple[Column, ...]] = {
    **{Dataset(kind.slug): _entry_columns(kind) for kind in KINDS},
    Dataset.ORGANIZATIONS: (
        Column("id", "编号", "#org+id"),
        Column("name", "机构名称", "#org+name"),
        Column("kind", "机构类型", "#org+type"),
        *_PLACE,
        Column("latitude", "纬度", "#geo+lat"),
        Column("longitude", "经度", "#geo+lon"),
        Column("website", "网站", "#meta+url"),
        Column("verification", "核实状态", "#status+verification"),
        Column("created_at", "登记时间", "#date+created"),
        Column("updated_at", "更新时间", "#date+updated"),
        *_CONTACTS,
    ),
}

# Values are written as the API writes them: enum names (HIGH, VERIFIED, TRUCK), units by
# their API name (PIECE, CARTON), booleans as "true"/"false", times as ISO 8601 with offset,
# quantities as plain decimals without trailing zeros.
# A spreadsheet runs a text cell starting with one of these as a formula ("=HYPERLINK(...)"):
# CSV exports put a quote before such text (hub/exports/cells.py) and imports take it off.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TRUE = "true"
FALSE = "false"
CONTACT_SEPARATOR = "; "


def column_keys(dataset: Dataset) -> tuple[str, ...]:
    """The keys of a dataset's columns, in order."""
    return tuple(column.key for column in COLUMNS[dataset])


def by_hxl(dataset: Dataset) -> dict[str, Column]:
    """A dataset's columns by HXL hashtag, as an HXL import reads them."""
    return {column.hxl: column for column in COLUMNS[dataset]}


# GB/T 2260 codes: 2 digits of province, 2 of prefecture, 2 of county; the statistical codes
# that extend them add 3 of township and 3 of village (9 and 12 digits).
_CODE_SEGMENTS = (2, 2, 2, 3, 3)
# 100000 is China itself (DataV and GB lists use it for the whole country): no province.
NATIONWIDE_CODE = "100000"
ADMIN_LEVEL_KEYS = ("adm1_code", "adm2_code", "adm3_code")


def admin_level(code: str) -> int:
    """The level of a GB/T 2260 code by its trailing zeros: 1 province (420000), 2 prefecture
    (420100), 3 county (420102), 4 township (420102001), 5 village (420102001001); 0 for the
    whole country or for what is no code."""
    digits = code.strip()
    if not digits.isdigit() or len(digits) not in (6, 9, 12) or digits == NATIONWIDE_CODE:
        return 0
    digits = digits.ljust(12, "0")
    level, start = 0, 0
    for index, width in enumerate(_CODE_SEGMENTS, start=1):
        if int(digits[start : start + width]):
            level = index
        start += width
    return level


def admin_levels(code: str | None) -> dict[str, str | None]:
    """The code split by level, as 6-digit codes: 420102 is in 420100, which is in 420000.
    Levels below the code's own are empty; a township's or village's code gives its county."""
    level = admin_level(code) if code else 0
    digits = (code or "").strip()
    return {
        "adm1_code": digits[:2] + "0000" if level >= 1 else None,
        "adm2_code": digits[:4] + "00" if level >= 2 else None,
        "adm3_code": digits[:6] if level >= 3 else None,
    }


def admin_code_of(values: dict[str, str | None]) -> str | None:
    """The code an imported row gives: `admin_code` if it has one, else the most specific of the
    per-level columns (files of earlier releases tagged every code `#adm3+code`)."""
    for key in ("admin_code", *reversed(ADMIN_LEVEL_KEYS)):
        value = values.get(key)
        if value:
            return value
    return None
