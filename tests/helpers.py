"""GraphQL documents and inputs shared by the tests."""

from __future__ import annotations

import copy
from typing import Any

from hub.store.db import Database

ENTRY_FIELDS = """
    id kind status verificationStatus version createdAt updatedAt expiresAt closeReason
    providerName address notes source { url note }
    region { province city district adminCode }
    contacts { name phone otherChannel visibility redacted }
    organization { id name kind }
"""
ITEM_FIELDS = """
    categoryCode name spec quantity quantityUnknown unit packageSize fulfilledQuantity
    remainingQuantity baseQuantity baseUnit certifications category { code name }
"""
NEED_FIELDS = f"{ENTRY_FIELDS} urgency items {{ {ITEM_FIELDS} }}"
OFFER_FIELDS = f"{ENTRY_FIELDS} canDeliver isFree leadTimeDays priceNote items {{ {ITEM_FIELDS} }}"
LOGISTICS_FIELDS = f"""{ENTRY_FIELDS} origin {{ province city }} destination {{ province city }}
    vehicleType capacityKg capacityM3 coldChain isFree availableFrom availableUntil"""
LODGING_FIELDS = f"""{ENTRY_FIELDS} roomsAvailable eligibility isFree priceNote
    availableFrom availableUntil"""
USER_ERRORS = "userErrors { field code message }"

REGISTER_ORGANIZATION = f"""
mutation($input: OrganizationInput!) {{
  registerOrganization(input: $input) {{
    organization {{ id name kind version region {{ province city }}
                    contacts {{ name phone visibility redacted }} }}
    editToken {USER_ERRORS}
  }}
}}"""
SUBMIT_NEED = f"""
mutation($input: SubmitNeedInput!) {{
  submitNeed(input: $input) {{
    need {{ {NEED_FIELDS} }} editToken reconfirmationToken {USER_ERRORS}
  }}
}}"""
UPDATE_NEED = f"""
mutation($input: UpdateNeedInput!) {{
  updateNeed(input: $input) {{ need {{ {NEED_FIELDS} }} {USER_ERRORS} }}
}}"""
CLOSE_NEED = f"""
mutation($input: CloseEntryInput!) {{
  closeNeed(input: $input) {{ need {{ id status closeReason version }} {USER_ERRORS} }}
}}"""
SUBMIT_OFFER = f"""
mutation($input: SubmitOfferInput!) {{
  submitOffer(input: $input) {{ offer {{ {OFFER_FIELDS} }} editToken {USER_ERRORS} }}
}}"""
SUBMIT_LOGISTICS = f"""
mutation($input: SubmitLogisticsOfferInput!) {{
  submitLogisticsOffer(input: $input) {{
    logisticsOffer {{ {LOGISTICS_FIELDS} }} editToken {USER_ERRORS}
  }}
}}"""
SUBMIT_LODGING = f"""
mutation($input: SubmitLodgingInput!) {{
  submitLodging(input: $input) {{ lodging {{ {LODGING_FIELDS} }} editToken {USER_ERRORS} }}
}}"""

HOSPITAL: dict[str, Any] = {
    "name": "武汉市第七医院",
    "kind": "HOSPITAL",
    "region": {"province": "湖北省", "city": "武汉市", "district": "武昌区", "adminCode": "420106"},
    "address": "中南二路 12 号",
    "contacts": [{"name": "医务科", "phone": "027-87654321", "visibility": "PUBLIC"}],
}

NEED: dict[str, Any] = {
    "region": {"province": "湖北省", "city": "武汉市", "district": "武昌区"},
    "address": "中南二路 12 号 后勤楼",
    "urgency": "CRITICAL",
    "items": [
        {
            "categoryCode": "face.medical_respirator",
            "name": "医用防护口罩 N95",
            "spec": "GB 19083-2010",
            "quantity": 5000,
            "unit": "ITEM",
        },
        {
            "categoryCode": "body.protective_coverall",
            "name": "医用防护服",
            "quantityUnknown": True,
            "unit": "GARMENT",
        },
    ],
    "contacts": [{"name": "王小明", "phone": "13800001234", "visibility": "PROTECTED"}],
    "notes": "急需，越多越好",
    "source": {"url": "https://weibo.example.cn/post/1", "note": "医院官方微博 2020-01-25"},
}

OFFER: dict[str, Any] = {
    "providerName": "李先生（个人捐赠）",
    "region": {"province": "广东省", "city": "深圳市"},
    "items": [
        {
            "categoryCode": "face.kn95_respirator",
            "name": "KN95 口罩",
            "spec": "GB 2626-2019",
            "quantity": 20,
            "unit": "CARTON",
            "packageSize": 400,
            "certifications": ["GB 2626-2019", "CE"],
        }
    ],
    "canDeliver": True,
    "isFree": True,
    "leadTimeDays": 2,
    "contacts": [{"phone": "13900002222"}],
}

LOGISTICS: dict[str, Any] = {
    "providerName": "张师傅",
    "origin": {"province": "河南省", "city": "郑州市"},
    "destination": {"province": "湖北省", "city": "武汉市"},
    "vehicleType": "VAN",
    "capacityKg": 1500.5,
    "coldChain": False,
    "isFree": True,
    "availableFrom": "2020-01-26T08:00:00+00:00",
    "availableUntil": "2020-02-10T08:00:00+00:00",
    "contacts": [{"phone": "13700003333"}],
}

LODGING: dict[str, Any] = {
    "organization": {
        "name": "江城大酒店",
        "kind": "HOTEL",
        "region": {"province": "湖北省", "city": "武汉市"},
    },
    "region": {"province": "湖北省", "city": "武汉市", "district": "江汉区"},
    "roomsAvailable": 40,
    "eligibility": "援鄂医疗队及一线医护人员",
    "isFree": True,
    "contacts": [{"name": "前台", "phone": "027-85550000", "visibility": "PUBLIC"}],
}


CHANNEL: dict[str, Any] = {
    "organization": {
        "name": "武汉市慈善总会",
        "kind": "CHARITY",
        "region": {"province": "湖北省", "city": "武汉市"},
    },
    "region": {"province": "湖北省", "city": "武汉市"},
    "accountName": "武汉市慈善总会",
    "bank": "招商银行武汉分行营业部",
    "accountNumber": "2710 8060 9110 001",
    "remittanceNote": "防疫捐款",
    "purpose": "新冠肺炎疫情防控",
    "source": {"url": "https://www.wuhancf.example.cn/notice/2020-01-26", "note": "官方公告"},
}


def need_input(**overrides: Any) -> dict[str, Any]:
    """A valid need (with a new hospital), with `overrides` applied."""
    value = copy.deepcopy(NEED)
    value["organization"] = copy.deepcopy(HOSPITAL)
    value.update(overrides)
    return value


async def table_counts(db: Database) -> dict[str, int]:
    """Rows per table, to prove a rejected mutation wrote nothing."""
    counts = {}
    async with db.connection() as conn:
        for table in (
            "organization",
            "entry",
            "entry_item",
            "contact",
            "offer",
            "logistics_offer",
            "lodging",
            "entry_event",
        ):
            counts[table] = await conn.fetchval(f"SELECT count(*) FROM {table}")
    return counts


async def verify_all(db: Database) -> None:
    """Mark every entry VERIFIED, as reviewers would have (public lists show only those)."""
    async with db.connection() as conn:
        await conn.execute("UPDATE entry SET verification_status = 'VERIFIED', verified_at = now()")
