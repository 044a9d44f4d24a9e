"""The search contract's data set: the same entries for every backend."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from hub.domain.search import SearchDocument
from hub.graphql.ids import parse_global_id
from hub.search.backend import SearchBackend
from hub.search.meili import MeiliSearch
from hub.search.postgres import PostgresSearch
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import (
    CLOSE_NEED,
    LODGING,
    OFFER,
    SUBMIT_LODGING,
    SUBMIT_NEED,
    SUBMIT_OFFER,
    need_input,
    verify_all,
)
from workers.search_indexer import index_round

UNION_FIELDS = """
    __typename
    ... on Need { id urgency organization { name } }
    ... on Offer { id }
    ... on Lodging { id }
    ... on LogisticsOffer { id }
    ... on Organization { id name }
"""
SEARCH = f"""
query($q: String!, $kinds: [EntryKind!], $filter: SearchFilter, $first: Int, $after: String) {{
  search(query: $q, kinds: $kinds, filter: $filter, first: $first, after: $after) {{
    totalCount backend
    pageInfo {{ hasNextPage hasPreviousPage endCursor }}
    edges {{ cursor score highlights {{ field snippet ranges }} node {{ {UNION_FIELDS} }} }}
    facets {{ kinds {{ value count }} provinces {{ value count }} cities {{ value count }}
              categories {{ value count }} urgencies {{ value count }}
              verificationStatuses {{ value count }} }}
  }}
}}"""


def _need(name: str, region: dict[str, str], urgency: str, items: list[dict[str, Any]]) -> Any:
    value = need_input(urgency=urgency, items=items, region=region, notes="急需，请尽快联系")
    value["organization"] = {**value["organization"], "name": name, "region": region}
    return value


WUHAN = {"province": "湖北省", "city": "武汉市"}
XIAOGAN = {"province": "湖北省", "city": "孝感市"}
RESPIRATORS = {
    "categoryCode": "face.medical_respirator",
    "name": "医用防护口罩 N95",
    "quantity": 5000,
    "unit": "ITEM",
}
COVERALLS = {"categoryCode": "body.protective_coverall", "name": "医用防护服", "quantity": 800,
             "unit": "GARMENT"}  # fmt: skip
VENTILATORS = {"categoryCode": "devices.ventilator", "name": "无创呼吸机", "quantity": 4,
               "unit": "ITEM"}  # fmt: skip
GOGGLES = {"categoryCode": "face.goggles", "name": "防雾护目镜", "quantity": 300, "unit": "ITEM"}


VERSION = "query($id: ID!) { node(id: $id) { ... on Need { version } } }"


@dataclass
class Corpus:
    """Global ids of the contract's entries, by role."""

    union: str  # 武汉协和医院: N95 respirators and coveralls, critical
    union_organization: str
    xiaogan: str  # 孝感市中心医院: ventilators, high
    kn95_offer: str  # a factory in Shenzhen: KN95 masks
    goggles_offer: str  # a factory in Wuhan: goggles
    lodging: str  # a hotel in Wuhan
    pending: str  # not verified: not found unless asked for
    closed: str  # closed: never in the index

    def role(self, subject_id: UUID) -> str:
        """Which entry of the data set a hit is (its field name), or "other"."""
        for name, global_id in self.__dict__.items():
            parsed = parse_global_id(global_id)
            if parsed is not None and parsed[1] == subject_id:
                return name
        return "other"


async def _submit(gql: GraphQLClient, document: str, field: str, value: Any) -> dict[str, Any]:
    payload = (await gql.data(document, {"input": value}))[field]
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


async def build_corpus(gql: GraphQLClient, db: Database) -> Corpus:
    """Post the data set over the API and verify it (but the pending and closed ones)."""
    union = await _submit(
        gql, SUBMIT_NEED, "submitNeed",
        _need("武汉协和医院", WUHAN, "CRITICAL", [RESPIRATORS, COVERALLS]),
    )  # fmt: skip
    xiaogan = await _submit(
        gql, SUBMIT_NEED, "submitNeed", _need("孝感市中心医院", XIAOGAN, "HIGH", [VENTILATORS])
    )
    kn95 = await _submit(gql, SUBMIT_OFFER, "submitOffer", OFFER)
    goggles_input = copy.deepcopy(OFFER)
    goggles_input.update(providerName="汉阳防护用品厂", region=WUHAN, items=[GOGGLES])
    goggles = await _submit(gql, SUBMIT_OFFER, "submitOffer", goggles_input)
    lodging = await _submit(gql, SUBMIT_LODGING, "submitLodging", LODGING)
    closed = await _submit(
        gql, SUBMIT_NEED, "submitNeed", _need("黄冈市第一医院", XIAOGAN, "LOW", [COVERALLS])
    )
    await verify_all(db)
    pending = await _submit(
        gql, SUBMIT_NEED, "submitNeed", _need("天门市人民医院", XIAOGAN, "MEDIUM", [RESPIRATORS])
    )
    version = (await gql.data(VERSION, {"id": closed["need"]["id"]}))["node"]["version"]
    close = {"id": closed["need"]["id"], "editToken": closed["editToken"], "version": version,
             "reason": "已收到"}  # fmt: skip
    answer = (await gql.data(CLOSE_NEED, {"input": close}))["closeNeed"]
    assert answer["userErrors"] == [], answer
    return Corpus(
        union=union["need"]["id"],
        union_organization=union["need"]["organization"]["id"],
        xiaogan=xiaogan["need"]["id"],
        kn95_offer=kn95["offer"]["id"],
        goggles_offer=goggles["offer"]["id"],
        lodging=lodging["lodging"]["id"],
        pending=pending["need"]["id"],
        closed=closed["need"]["id"],
    )


BACKENDS = ["postgres", "meilisearch"]


def meili_server() -> tuple[str, str | None]:
    """The test Meilisearch server (scripts/test starts one); skips the test without one."""
    url = os.environ.get("HUB_TEST_MEILI_URL", "")
    if not url:
        pytest.skip("HUB_TEST_MEILI_URL is not set: no Meilisearch server for this run")
    return url, os.environ.get("HUB_TEST_MEILI_KEY") or None


@asynccontextmanager
async def meili_backend(db: Database) -> AsyncIterator[MeiliSearch]:
    """A MeiliSearch on a new index of its own, set up from schema/search, deleted afterwards."""
    url, key = meili_server()
    backend = MeiliSearch(db, url, key, index=f"test_{uuid.uuid4().hex}")
    try:
        await backend.setup()
        yield backend
    finally:
        try:
            await backend.delete()
        finally:
            await backend.aclose()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that names `backend` runs against each backend in turn; one that only needs the
    corpus (the API tests, which search through the app and so through PostgreSQL) runs once,
    with the corpus indexed into PostgreSQL."""
    if "backend" in metafunc.fixturenames:
        named = "backend" in inspect.signature(metafunc.function).parameters
        metafunc.parametrize("backend", BACKENDS if named else ["postgres"], indirect=True)


@pytest.fixture
async def backend(request: pytest.FixtureRequest, db: Database) -> AsyncIterator[SearchBackend]:
    """Each backend in turn (the Meilisearch leg needs HUB_TEST_MEILI_URL)."""
    if getattr(request, "param", "postgres") == "meilisearch":
        async with meili_backend(db) as meili:
            yield meili
    else:
        yield PostgresSearch(db)


@pytest.fixture
async def corpus(gql: GraphQLClient, db: Database, backend: SearchBackend) -> Corpus:
    """The data set, posted and indexed into `backend`."""
    built = await build_corpus(gql, db)
    await index_round(db, backend)
    return built


def search_document(title: str, body: str = "", **changes: Any) -> SearchDocument:
    """A verified need's document in Wuhan with this text (`changes` replace other fields)."""
    document = SearchDocument(
        subject_id=uuid.uuid4(),
        kind="NEED",
        organization_id=None,
        province="湖北省",
        city="武汉市",
        category_codes=(),
        urgency="HIGH",
        verification_status="VERIFIED",
        title=title,
        body=body,
        updated_at=datetime.now(UTC),
    )
    return dataclasses.replace(document, **changes)
