"""Operations of the fuzz run: what one HTTP request sends, and the ones generated from the
schema by hypothesis-graphql (valid by construction, or with one violation each)."""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import graphql
import hypothesis_graphql
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

SDL = Path(__file__).resolve().parents[2] / "schema" / "hub.graphql"
JSON = "application/json"

VALID = "valid"
INVALID = "invalid"
HOSTILE = "hostile"


@dataclass(frozen=True)
class Operation:
    """One HTTP request of the run: its class (valid, invalid, hostile), what it tries, and
    what goes over the wire."""

    kind: str
    label: str
    method: str = "POST"
    path: str = "/graphql"
    # Bytes for values that are not ASCII, which some clients send all the same.
    headers: dict[str, str | bytes] = field(default_factory=dict)
    content: bytes | None = None

    def describe(self) -> str:
        """The request, short enough for a report."""
        body = (self.content or b"")[:600].decode("utf-8", "replace")
        return f"[{self.kind}/{self.label}] {self.method} {self.path[:600]} {body}"


def post(kind: str, label: str, payload: object, **headers: str) -> Operation:
    """A POST of `payload` as JSON (json.dumps: ASCII with escapes, as many clients send)."""
    return Operation(
        kind, label, content=json.dumps(payload).encode(), headers={"content-type": JSON, **headers}
    )


def get(kind: str, label: str, params: dict[str, str]) -> Operation:
    """A GET of /graphql with `params` in the query string."""
    return Operation(kind, label, method="GET", path="/graphql?" + urlencode(params))


def load_schema() -> graphql.GraphQLSchema:
    """The checked-in SDL, which tests/test_schema_snapshot.py holds equal to the served one."""
    return graphql.build_schema(SDL.read_text())


def _datetimes() -> st.SearchStrategy[graphql.ValueNode]:
    return st.datetimes(timezones=st.just(None)).map(
        lambda moment: graphql.StringValueNode(value=moment.isoformat() + "Z")
    )


# An Upload is only ever null in a JSON request (multipart maps files onto it).
CUSTOM_SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "DateTime": _datetimes(),
    "Upload": st.just(graphql.NullValueNode()),
}


def schema_documents(
    schema: graphql.GraphQLSchema, count: int, rng_seed: int, mode: hypothesis_graphql.Mode
) -> list[str]:
    """`count` documents (queries and mutations) generated from `schema` in `mode`."""
    strategy = st.one_of(
        hypothesis_graphql.queries(schema, custom_scalars=CUSTOM_SCALARS, mode=mode),
        hypothesis_graphql.mutations(schema, custom_scalars=CUSTOM_SCALARS, mode=mode),
    )
    documents: list[str] = []

    # Hypothesis draws the examples; only its generation phase runs (nothing is "failing" to
    # shrink), and no example database is written.
    @hypothesis_seed(rng_seed)
    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def collect(document: str) -> None:
        documents.append(document)

    collect()
    return documents[:count]


IdPicker = Callable[[], str]


def with_variables(
    schema: graphql.GraphQLSchema, document: str, pick_id: IdPicker, rng: random.Random
) -> tuple[str, dict[str, Any]]:
    """`document` with every argument given as a variable of the argument's type, as clients
    send them; ids are replaced, half of the time, with ids of the seeded entries so that the
    operations reach past the id check. Arguments whose literal cannot be turned into a value
    (a negative document's violation) stay literal."""
    ast = graphql.parse(document)
    type_info = graphql.TypeInfo(schema)
    definitions: list[graphql.VariableDefinitionNode] = []
    values: dict[str, Any] = {}

    class Lift(graphql.Visitor):
        def enter_argument(self, node: graphql.ArgumentNode, *_: Any) -> Any:
            argument = type_info.get_argument()
            if (
                argument is None
                or graphql.value_from_ast(node.value, argument.type) is graphql.Undefined
            ):
                return None
            name = f"v{len(definitions)}"
            value = graphql.value_from_ast_untyped(node.value)
            values[name] = _real_ids(value, argument.type, pick_id, rng)
            definitions.append(
                graphql.VariableDefinitionNode(
                    variable=graphql.VariableNode(name=graphql.NameNode(value=name)),
                    type=graphql.parse_type(str(argument.type)),
                )
            )
            return graphql.ArgumentNode(
                name=node.name, value=graphql.VariableNode(name=graphql.NameNode(value=name))
            )

    lifted = graphql.visit(ast, graphql.TypeInfoVisitor(type_info, Lift()))
    operation = lifted.definitions[0]
    assert isinstance(operation, graphql.OperationDefinitionNode)
    document_node = graphql.DocumentNode(
        definitions=(
            graphql.OperationDefinitionNode(
                operation=operation.operation,
                name=operation.name,
                variable_definitions=tuple(definitions),
                directives=operation.directives,
                selection_set=operation.selection_set,
            ),
            *lifted.definitions[1:],
        )
    )
    return graphql.print_ast(document_node), values


def _real_ids(
    value: Any, type_: graphql.GraphQLInputType, pick_id: IdPicker, rng: random.Random
) -> Any:
    """`value` with the strings in ID positions replaced by seeded ids half of the time."""
    named = graphql.get_nullable_type(type_)
    if value is None:
        return None
    if isinstance(named, graphql.GraphQLList):
        items = value if isinstance(value, list) else [value]
        return [_real_ids(item, named.of_type, pick_id, rng) for item in items]
    if isinstance(named, graphql.GraphQLInputObjectType) and isinstance(value, dict):
        return {
            key: _real_ids(item, named.fields[key].type, pick_id, rng)
            if key in named.fields
            else item
            for key, item in value.items()
        }
    if named is graphql.GraphQLID and isinstance(value, str) and rng.random() < 0.5:
        return pick_id()
    return value


def is_mutation(document: str) -> bool:
    """Whether the document's first operation is a mutation."""
    return document.lstrip().startswith("mutation")


def schema_operations(
    schema: graphql.GraphQLSchema,
    documents: Sequence[str],
    kind: str,
    pick_id: IdPicker,
    rng: random.Random,
) -> list[Operation]:
    """Requests for generated documents: mostly with variables, queries also over GET,
    some with their literals as generated."""
    operations: list[Operation] = []
    for document in documents:
        query, variables = document, {}
        if rng.random() < 0.8:
            # A negative document that does not even parse is sent as it is.
            with contextlib.suppress(graphql.GraphQLError):
                query, variables = with_variables(schema, document, pick_id, rng)
        label = "mutation" if is_mutation(document) else "query"
        if not is_mutation(document) and rng.random() < 0.25:
            params = {"query": query, "variables": json.dumps(variables)}
            operations.append(get(kind, f"schema-{label}-get", params))
        else:
            payload = {"query": query, "variables": variables}
            operations.append(post(kind, f"schema-{label}", payload))
    return operations
