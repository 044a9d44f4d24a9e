"""The audience policy classifies every field, fails closed, and keeps viewer data uncached."""

from __future__ import annotations

import inspect

import pytest
from graphql import GraphQLInterfaceType, GraphQLObjectType, build_schema, parse

from hub.graphql import audience
from hub.graphql.audience import Audience, field_audience, is_public_document, unclassified_fields
from hub.graphql.schema import build_schema as build_hub_schema

SCHEMA = build_hub_schema()._schema
# What a resolver that depends on who asks says in its body.
VIEWER_WORDS = ("viewer", "sees_", "for_reviewers")


def test_every_field_of_the_schema_is_classified() -> None:
    assert unclassified_fields(SCHEMA) == []


def test_a_field_nobody_classified_is_refused() -> None:
    tiny = build_schema("type Query { needs: Int brandNewField: Int } type Mystery { x: Int }")
    assert field_audience("Query", "brandNewField") is None
    assert field_audience("Mystery", "x") is None
    assert unclassified_fields(tiny) == ["Mystery.x", "Query.brandNewField"]
    assert is_public_document(tiny, parse("{ needs }"))
    assert not is_public_document(tiny, parse("{ needs brandNewField }"))


def test_a_field_dropped_from_the_policy_makes_documents_uncacheable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = parse("{ supplyCategoryGroups { code } }")
    assert is_public_document(SCHEMA, document)
    monkeypatch.delitem(audience.FIELD_AUDIENCE, ("Query", "supplyCategoryGroups"))
    assert field_audience("Query", "supplyCategoryGroups") is None
    assert not is_public_document(SCHEMA, document)


@pytest.mark.parametrize(
    "document",
    [
        "{ me { id } }",
        "{ reviewQueue { totalCount } }",
        "{ webhooks { id } }",
        "{ latestEventId }",
        "{ needs(first: 1) { edges { node { possibleDuplicates { score } } } } }",
        # Hidden in a fragment, or in an inline fragment on an interface.
        "{ needs(first: 1) { edges { node { ...D } } } } fragment D on Need { id "
        "verification { flags { note } } }",
        '{ node(id: "x") { ... on DonationChannel { accountNumber } } }',
        '{ node(id: "x") { ... on DonationChannel { accountNumberChange { after } } } }',
        "mutation { signOut { signedOut } }",
        "subscription { entryEvents { id } }",
        # One public operation beside one that is not: the whole document is refused.
        "query A { units { unit } } query B { me { id } }",
        "{ unknownField }",
    ],
)
def test_documents_with_viewer_fields_are_not_public(document: str) -> None:
    assert not is_public_document(SCHEMA, parse(document))


@pytest.mark.parametrize(
    "document",
    [
        "{ needs(first: 20) { totalCount edges { cursor node { id urgency contacts { phone } "
        "organization { name } items { category { name } } } } } }",
        "{ __typename units { unit name } }",
        "{ __schema { queryType { name } } }",
        '{ search(query: "口罩") { totalCount } }',
        '{ node(id: "x") { id ... on Need { urgency } } }',
    ],
)
def test_public_documents(document: str) -> None:
    assert is_public_document(SCHEMA, parse(document))


def test_resolvers_that_look_at_the_viewer_are_never_public() -> None:
    """A safety net under the policy: a field whose resolver reads the viewer or a role, or
    that carries permission classes, must not be PUBLIC."""
    suspicious: list[str] = []
    for name, graphql_type in SCHEMA.type_map.items():
        if name.startswith("__") or not isinstance(
            graphql_type, GraphQLObjectType | GraphQLInterfaceType
        ):
            continue
        for field_name, field in graphql_type.fields.items():
            definition = (field.extensions or {}).get("strawberry-definition")
            if definition is None:
                continue
            resolver = getattr(definition, "base_resolver", None)
            source = inspect.getsource(resolver.wrapped_func) if resolver is not None else ""
            reads_viewer = any(word in source for word in VIEWER_WORDS)
            if (reads_viewer or definition.permission_classes) and field_audience(
                name, field_name
            ) is Audience.PUBLIC:
                suspicious.append(f"{name}.{field_name}")
    assert suspicious == []
