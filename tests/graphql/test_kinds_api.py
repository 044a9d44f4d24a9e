"""Every kind in the registry has its whole API, derived from its declaration."""

from __future__ import annotations

from graphql import (
    GraphQLInputObjectType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
)

from hub.domain.kinds import KINDS
from hub.graphql.permissions import MUTATION_RULES
from hub.graphql.schema import build_schema


def _schema() -> GraphQLSchema:
    schema: GraphQLSchema = build_schema()._schema  # type: ignore[attr-defined]
    return schema


def test_every_kind_has_its_type_inputs_payloads_mutations_and_list() -> None:
    schema = _schema()
    query, mutation = schema.query_type, schema.mutation_type
    assert query is not None and mutation is not None
    for kind in KINDS:
        output = schema.get_type(kind.type_name)
        assert isinstance(output, GraphQLObjectType)
        assert [i.name for i in output.interfaces] == ["Entry", "Node"]
        submit = schema.get_type(f"Submit{kind.type_name}Input")
        update = schema.get_type(f"Update{kind.type_name}Input")
        assert isinstance(submit, GraphQLInputObjectType)
        assert isinstance(update, GraphQLInputObjectType)
        for spec in kind.fields:
            name = spec.public_name
            assert isinstance(output.fields[name].type, GraphQLNonNull) is not spec.optional
            field = submit.fields[name]
            required = isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
            assert required is not spec.has_input_default, (kind.type_name, name)
            # Everything may be left out of an update.
            assert not isinstance(update.fields[name].type, GraphQLNonNull)
        assert kind.region_name in submit.fields and kind.region_name in update.fields
        assert ("items" in output.fields) is kind.has_items
        assert ("providerName" in submit.fields) is kind.individuals_may_post
        payload_field = kind.payload_field
        for payload in (f"Submit{kind.type_name}Payload", f"{kind.type_name}Payload"):
            found = schema.get_type(payload)
            assert isinstance(found, GraphQLObjectType)
            assert payload_field in found.fields
        for verb in ("submit", "update", "close"):
            name = f"{verb}{kind.type_name}"
            assert name in mutation.fields and name in MUTATION_RULES
        listed = query.fields[kind.list_field]
        assert listed.args["filter"].type.name == kind.filter_type  # type: ignore[attr-defined]
