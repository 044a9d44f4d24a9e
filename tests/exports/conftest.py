"""Published, verified entries of every kind and an organization, posted through the API."""

from __future__ import annotations

import copy
import io
import zipfile
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest

from hub.domain.open_data import Dataset
from hub.graphql.ids import parse_global_id
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import (
    LODGING,
    LOGISTICS,
    OFFER,
    REGISTER_ORGANIZATION,
    SUBMIT_LODGING,
    SUBMIT_LOGISTICS,
    SUBMIT_NEED,
    SUBMIT_OFFER,
    need_input,
    verify_all,
)

# What must never leave the hub in an export: protected names and numbers, as sent and as
# stored (hub/domain/phones.py's display form).
PROTECTED = (
    *("王小明", "13800001234", "13900002222", "13700003333", "赵秘书", "13911112222"),
    *("138 0000 1234", "139 0000 2222", "137 0000 3333", "139 1111 2222"),
)
# What must: public contacts of an entry and of organizations, in their display form.
PUBLIC = ("后勤处", "027-8765 0000", "医务科", "027-8765 4321", "前台", "027-8555 0000")
DATASETS = tuple(d.value for d in Dataset)
FORMATS = ("csv", "hxl.csv", "json", "xlsx")


def readable(path: str, content: bytes) -> bytes:
    """A file's bytes as text can be looked for in them: an XLSX file's parts unzipped."""
    if not path.endswith(".xlsx"):
        return content
    with zipfile.ZipFile(io.BytesIO(content)) as workbook:
        return b"".join(workbook.read(name) for name in workbook.namelist())


def local_id(global_id: str) -> UUID:
    """The UUID inside an API id (exports write UUIDs)."""
    parsed = parse_global_id(global_id)
    assert parsed is not None
    return parsed[1]


@dataclass(frozen=True)
class Published:
    """The ids (UUIDs, as exports write them) and edit tokens of what was posted."""

    need: UUID
    hospital: UUID
    offer: UUID
    logistics: UUID
    lodging: UUID
    hotel: UUID
    charity: UUID
    edit_tokens: tuple[str, ...]


async def _submit(gql: GraphQLClient, document: str, name: str, value: dict[str, Any]) -> Any:
    payload = (await gql.data(document, {"input": value}))[name]
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


async def publish(gql: GraphQLClient, db: Database) -> Published:
    """A need with two items, an offer, a logistics offer, a lodging and a charity, each with
    protected and public contacts, all verified."""
    need_value = need_input()
    need_value["contacts"] = [
        *need_value["contacts"],
        {"name": "后勤处", "phone": "027-87650000", "visibility": "PUBLIC"},
    ]
    need = await _submit(gql, SUBMIT_NEED, "submitNeed", need_value)
    offer = await _submit(gql, SUBMIT_OFFER, "submitOffer", copy.deepcopy(OFFER))
    logistics = await _submit(
        gql, SUBMIT_LOGISTICS, "submitLogisticsOffer", copy.deepcopy(LOGISTICS)
    )
    lodging = await _submit(gql, SUBMIT_LODGING, "submitLodging", copy.deepcopy(LODGING))
    charity = await _submit(
        gql,
        REGISTER_ORGANIZATION,
        "registerOrganization",
        {
            "name": "武汉志愿者协会",
            "kind": "CHARITY",
            "region": {"province": "湖北省", "city": "武汉市"},
            "contacts": [{"name": "赵秘书", "phone": "13911112222", "visibility": "PROTECTED"}],
        },
    )
    await verify_all(db)
    return Published(
        need=local_id(need["need"]["id"]),
        hospital=local_id(need["need"]["organization"]["id"]),
        offer=local_id(offer["offer"]["id"]),
        logistics=local_id(logistics["logisticsOffer"]["id"]),
        lodging=local_id(lodging["lodging"]["id"]),
        hotel=local_id(lodging["lodging"]["organization"]["id"]),
        charity=local_id(charity["organization"]["id"]),
        edit_tokens=(
            need["editToken"],
            offer["editToken"],
            logistics["editToken"],
            lodging["editToken"],
            charity["editToken"],
        ),
    )


@pytest.fixture
async def published(gql: GraphQLClient, db: Database) -> Published:
    """Every kind of entry and an organization, published and verified."""
    return await publish(gql, db)
