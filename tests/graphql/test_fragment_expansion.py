"""Documents whose fragments expand exponentially are refused at once (TOO_MANY_TOKENS).

Found by the fuzz suite (tests/fuzz): twenty fragments, each spreading the one before it twice
(1.4 KB), held the event loop for over ten seconds in strawberry's depth and alias limiters,
which walk every expansion; each further level doubled it.
"""

from __future__ import annotations

import graphql

from hub.graphql.expansion import expanded_fields
from tests.conftest import GraphQLClient


def doubling_fragments(levels: int) -> str:
    """A query spreading F{levels-1}, where every F{i} spreads F{i-1} twice."""
    parts = ["fragment F0 on Query { latestEventId __typename }"]
    parts += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels)]
    return f"query {{ ...F{levels - 1} }} " + " ".join(parts)


def test_the_expanded_size_is_counted_once_per_fragment() -> None:
    # 2**99 expansions: counting them one by one would never end.
    assert expanded_fields(graphql.parse(doubling_fragments(100))) == 2 * 2**99
    assert expanded_fields(graphql.parse("{ a { b c } ...F } fragment F on Q { d }")) == 4
    # Cycles and unknown fragments count nothing (graphql-core's rules refuse them).
    cyclic = "{ ...A ...Nope } fragment A on Q { x ...B } fragment B on Q { y ...A }"
    assert expanded_fields(graphql.parse(cyclic)) == 2


async def test_a_fragment_explosion_is_refused(gql: GraphQLClient) -> None:
    body = await gql.post(doubling_fragments(40))
    assert "data" not in body or body["data"] is None
    codes = [error["extensions"]["code"] for error in body["errors"]]
    assert codes == ["TOO_MANY_TOKENS"]
    assert "fragments are spread out" in body["errors"][0]["message"]


async def test_fragments_reused_within_the_bound_still_run(gql: GraphQLClient) -> None:
    data = await gql.data(doubling_fragments(8))
    assert data["__typename"] == "Query"
    assert isinstance(data["latestEventId"], str)
