"""Hand-made invalid and hostile operations: what a schema-driven generator does not send.

Each maker takes the run's `Targets` (a random generator and the seeded ids) and returns one
Operation; the run cycles through them, so even a short run sends each at least once.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from tests.fuzz.operations import HOSTILE, INVALID, JSON, Operation, get, post


@dataclass(frozen=True)
class Targets:
    """What operations aim at: ids of seeded entries (by GraphQL type) and organizations."""

    rng: random.Random
    entries: dict[str, list[str]]
    organizations: list[str]

    def entry(self, type_name: str | None = None) -> str:
        """A seeded entry's global id (of `type_name`, or of any kind)."""
        pool = (
            self.entries[type_name] if type_name else [i for v in self.entries.values() for i in v]
        )
        return self.rng.choice(pool)

    def any_id(self) -> str:
        """Any seeded id, entry or organization."""
        return self.rng.choice(
            [*self.organizations, *(i for v in self.entries.values() for i in v)]
        )


Maker = Callable[[Targets], Operation]
CONTACTS = "contacts { id name phone otherChannel visibility redacted }"
ODD_TEXT = [
    "\u0000",
    "a\u0000b",
    "\u202eevil\u202c",
    "\u200b\u200c\u200d\ufeff",
    "e\u0301\u0301\u0301\u0301",
    "\U0001f4a9" * 50,
    "𝕳𝖊𝖑𝖑𝖔",
    "\uffff\ufffe",
    "' OR 1=1 --",
    "%00%0d%0a",
    "${jndi:ldap://x}",
    "<script>alert(1)</script>",
    "口罩" * 400,
    "\r\n\r\nHTTP/1.1 200 OK",
]


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


# ---------------------------------------------------------------------------------------------
# Invalid: requests a client should never send
# ---------------------------------------------------------------------------------------------


def broken_json(t: Targets) -> Operation:
    bodies = [
        b'{"query": "{ latestEventId }"',
        b"{",
        b"",
        b"null",
        b"[]",
        b'"{ latestEventId }"',
        b"42",
        b'{"query": 5}',
        b'{"query": null}',
        b'{"query": ["{ units { code } }"]}',
        b'{"query": "{ latestEventId }", "variables": "x"}',
        b'{"query": "{ latestEventId }", "variables": [1]}',
        b'{"query": "{ latestEventId }", "operationName": 7}',
        b'{"query": "{ latestEventId }", "extensions": "x"}',
        b'{"query": "{ latestEventId }", "query": "{ units { code } }"}',
        b'{"query": "{ latestEventId }\xff\xfe"}',
        b"\xef\xbb\xbf" + b'{"query": "{ latestEventId }"}',
        b'{"query": "{ latestEventId }", "variables": {"a": NaN}}',
        b'{"query": "{ latestEventId }", "variables": {"a": 1e999999}}',
        b'{"query": "{ latestEventId }", "variables": {"a": 123456789012345678901234567890}}',
        b'{"query": "\\ud800{ latestEventId }"}',
        b'{"query": "{ latestEventId }"} trailing',
    ]
    return Operation(
        INVALID, "broken-json", content=t.rng.choice(bodies), headers={"content-type": JSON}
    )


def wrong_content_type(t: Targets) -> Operation:
    body = json.dumps({"query": "{ units { code } }"}).encode()
    content_type = t.rng.choice(
        [
            "text/plain",
            "application/xml",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "multipart/form-data",
            "application/graphql",
            "application/json; charset=latin-1",
            "application/json; charset=utf-16",
            "image/png",
            "",
        ]
    )
    return Operation(INVALID, "content-type", content=body, headers={"content-type": content_type})


def wrong_method(t: Targets) -> Operation:
    method = t.rng.choice(["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
    return Operation(INVALID, "method", method=method, content=b'{"query": "{ latestEventId }"}')


def bad_get(t: Targets) -> Operation:
    params = t.rng.choice(
        [
            {},
            {"query": ""},
            {"query": "{ latestEventId }", "variables": "{not json"},
            {"query": "{ latestEventId }", "variables": "[]"},
            {
                "query": 'mutation { flagEntry(input: {entryId: "x", reason: FAKE}) { entry { id } } }'
            },
            {"query": "{ latestEventId }", "extensions": "{bad"},
            {"query": "{ latestEventId }", "operationName": "Nope"},
            {"variables": "{}"},
        ]
    )
    return get(INVALID, "bad-get", params)


def unknown_fields(t: Targets) -> Operation:
    query = t.rng.choice(
        [
            "{ nope }",
            "{ needs { edges { node { id password } } } }",
            "{ __typename ...on Nope { id } }",
            "query Q($x: Nope) { latestEventId }",
            "{ needs(nope: 1) { totalCount } }",
            "{ node(id: 1) { id } }",
            "subscription { nope }",
            "{ latestEventId @nope }",
            "{ latestEventId } { units { code } }",
            "query A { latestEventId } query A { latestEventId }",
            "{",
            "}}}}",
            '{ needs(first: "x") { totalCount } }',
        ]
    )
    return post(INVALID, "unknown-fields", {"query": query})


def bad_global_ids(t: Targets) -> Operation:
    real = t.entry()
    decoded = base64.urlsafe_b64decode(real + "=" * (-len(real) % 4)).decode()
    type_name, _, uuid = decoded.partition(":")
    bad = t.rng.choice(
        [
            "",
            "x",
            "=" * 10,
            _b64("Need:not-a-uuid"),
            _b64(f"Organization:{uuid}"),
            _b64(f"Nope:{uuid}"),
            _b64(f"{type_name}:{uuid}:extra"),
            _b64(f"{type_name}:00000000-0000-0000-0000-000000000000"),
            _b64(f"{type_name}:{uuid}".upper()),
            _b64("\u0000:\u0000"),
            real + "!",
            real[:-2],
            "A" * 10_000,
            _b64("Need:" + "f" * 5000),
            _b64(f"{type_name}:{uuid}") + "\u202e",
        ]
    )
    query = t.rng.choice(
        [
            "query($id: ID!) { node(id: $id) { id } }",
            "query($id: ID!) { nodes(ids: [$id, $id]) { id } }",
            "query($id: ID!) { entryHistory(entryId: $id) { action } }",
            "query($id: ID!) { matchingOffers(needId: $id) { score } }",
            "query($id: ID!) { pledge(id: $id) { id } }",
            "mutation($id: ID!) { revealContact(contactId: $id) { contact { phone } } }",
            "mutation($id: ID!) { flagEntry(input: {entryId: $id, reason: FAKE}) { entry { id } } }",
        ]
    )
    return post(INVALID, "bad-id", {"query": query, "variables": {"id": bad}})


def bad_cursors(t: Targets) -> Operation:
    cursor = t.rng.choice(
        [
            "",
            "x",
            _b64("{}"),
            _b64("[]"),
            _b64('["a", 1]'),
            _b64("null"),
            _b64('[1e999, "2020-01-01", "x"]'),
            _b64("\u0000"),
            "%%%",
            "A" * 5000,
            _b64(
                json.dumps([10**30, "2020-13-45T99:99:99", "00000000-0000-0000-0000-000000000000"])
            ),
        ]
    )
    field = t.rng.choice(["needs", "offers", "lodgings", "organizations", "logisticsOffers"])
    order = t.rng.choice(
        ["", ", orderBy: URGENCY", ", orderBy: NAME", ", orderBy: RECENTLY_UPDATED"]
    )
    if field == "organizations":
        order = ""
    query = f"query($c: String) {{ {field}(first: 5, after: $c{order}) {{ totalCount edges {{ cursor }} }} }}"
    return post(INVALID, "bad-cursor", {"query": query, "variables": {"c": cursor}})


def bad_page_sizes(t: Targets) -> Operation:
    first = t.rng.choice([-1, 0, 101, 2**31 - 1, 2**31, -(2**31) - 1, 10**20])
    query = "query($n: Int) { needs(first: $n) { totalCount } }"
    return post(INVALID, "bad-page-size", {"query": query, "variables": {"n": first}})


def odd_unicode(t: Targets) -> Operation:
    text = t.rng.choice(ODD_TEXT)
    query = t.rng.choice(
        [
            "query($q: String!) { search(query: $q) { totalCount } }",
            "query($q: String!) { supplyCategories(groupCode: $q) { code } }",
            "query($q: String!) { inbox(token: $q) { __typename } }",
            "query($q: String) { needs(first: 1, after: $q) { totalCount } }",
        ]
    )
    # Lone surrogates can only travel as JSON escapes.
    body = json.dumps({"query": query, "variables": {"q": text}})
    if t.rng.random() < 0.3:
        body = body.replace('"q": "', '"q": "\\ud800\\udfff\\udc00', 1)
    return Operation(INVALID, "unicode", content=body.encode(), headers={"content-type": JSON})


def persisted_queries(t: Targets) -> Operation:
    query = "{ units { code } }"
    digest = hashlib.sha256(query.encode()).hexdigest()
    extensions = t.rng.choice(
        [
            {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}},
            {"persistedQuery": {"version": 1, "sha256Hash": digest}},
            {"persistedQuery": {"version": 1, "sha256Hash": "zz"}},
            {"persistedQuery": {"version": 2, "sha256Hash": digest}},
            {"persistedQuery": {"version": 1, "sha256Hash": 5}},
            {"persistedQuery": {"version": 1}},
            {"persistedQuery": "x"},
            {"persistedQuery": {"version": 1, "sha256Hash": digest.upper()}},
            {"persistedQuery": {"version": 1, "sha256Hash": "f" * 20_000}},
        ]
    )
    choice = t.rng.random()
    if choice < 0.4:
        return get(INVALID, "persisted-get", {"extensions": json.dumps(extensions)})
    if choice < 0.7:
        # A hash with a document it does not name.
        payload = {"query": "{ latestEventId }", "extensions": extensions}
        return post(INVALID, "persisted-mismatch", payload)
    return post(INVALID, "persisted-post", {"extensions": extensions})


def batches(t: Targets) -> Operation:
    one = {"query": "{ latestEventId }"}
    payload = t.rng.choice([[one, one], [one] * 200, [], [1, "x", None], [[one]]])
    return post(INVALID, "batch", payload)


def oversized_body(t: Targets) -> Operation:
    size = t.rng.choice([1_100_000, 3_000_000])
    padding = " " * size
    return post(INVALID, "oversized", {"query": "{ latestEventId " + padding + "}"})


# ---------------------------------------------------------------------------------------------
# Hostile: valid-looking requests meant to hurt
# ---------------------------------------------------------------------------------------------


def alias_flood(t: Targets) -> Operation:
    count = t.rng.choice([29, 30, 31, 100, 1000])
    field = t.rng.choice(
        [
            f'matchingOffers(needId: "{t.entry("Need")}", first: 10) {{ score }}',
            f'matchingNeeds(offerId: "{t.entry("Offer")}", first: 10) {{ score }}',
            "latestEventId",
            'search(query: "口罩") { totalCount }',
            f'node(id: "{t.entry()}") {{ ... on Entry {{ {CONTACTS} }} }}',
            f'entryHistory(entryId: "{t.entry()}") {{ action }}',
        ]
    )
    query = "{ " + " ".join(f"a{i}: {field}" for i in range(count)) + " }"
    if count <= 100 and t.rng.random() < 0.3:
        return get(HOSTILE, "aliases-get", {"query": query})
    return post(HOSTILE, "aliases", {"query": query})


def fragment_cycle(t: Targets) -> Operation:
    query = t.rng.choice(
        [
            "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
            "query { ...A } fragment A on Query { latestEventId ...A }",
            "query { needs { edges { node { ...N } } } } fragment N on Need { organization { id } ...N }",
        ]
    )
    return post(HOSTILE, "fragment-cycle", {"query": query})


def fragment_explosion(t: Targets) -> Operation:
    # Each fragment spreads the one before it twice: 2**levels fields once expanded.
    levels = t.rng.choice([10, 20, 40])
    parts = ["fragment F0 on Query { latestEventId __typename }"]
    parts += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels)]
    query = f"query {{ ...F{levels - 1} }} " + " ".join(parts)
    return post(HOSTILE, "fragment-explosion", {"query": query})


def deep_nesting(t: Targets) -> Operation:
    depth = t.rng.choice([13, 30, 200, 3000])
    kind = t.rng.random()
    if kind < 0.4:
        inner = "name"
        for _ in range(depth):
            inner = f"ofType {{ {inner} }}"
        query = f'{{ __type(name: "Need") {{ fields {{ type {{ {inner} }} }} }} }}'
    elif kind < 0.7:
        query = "{" * depth + "latestEventId" + "}" * depth
    else:
        # A variable nested deeper than any parser's recursion limit.
        nested = "[" * depth + "]" * depth
        body = (
            '{"query": "query($x: [ID!]) { nodes(ids: []) { id } }", "variables": {"x": '
            + nested
            + "}}"
        )
        return Operation(
            HOSTILE, "deep-json", content=body.encode(), headers={"content-type": JSON}
        )
    return post(HOSTILE, "deep-document", {"query": query})


def introspection_abuse(t: Targets) -> Operation:
    query = t.rng.choice(
        [
            "{ __schema { types { name fields { name args { name type { name } } type { name fields { name type { name fields { name } } } } } } } }",
            "{ "
            + " ".join(f'a{i}: __type(name: "Need") {{ fields {{ name }} }}' for i in range(30))
            + " }",
            "{ __schema { queryType { fields { name } } mutationType { fields { name args { name } } } } }",
            "{ __typename " * 1 + "__schema { directives { name args { name } } } }",
        ]
    )
    return post(HOSTILE, "introspection", {"query": query})


def long_strings(t: Targets) -> Operation:
    size = t.rng.choice([10_000, 200_000, 900_000])
    text = t.rng.choice(["A", "口", "\u0000", "9"]) * size
    query = t.rng.choice(
        [
            "query($q: String!) { search(query: $q) { totalCount } }",
            "query($q: String!) { inbox(token: $q) { __typename } }",
            "mutation($q: String!) { signIn(input: {email: $q, password: $q}) { userErrors { code } } }",
            f'mutation($q: String!) {{ flagEntry(input: {{entryId: "{t.entry()}", reason: OTHER, note: $q}}) {{ userErrors {{ code }} }} }}',
        ]
    )
    return post(HOSTILE, "long-string", {"query": query, "variables": {"q": text}})


def null_bytes(t: Targets) -> Operation:
    query = t.rng.choice(
        [
            "query($q: String!) { search(query: $q) { totalCount } }",
            "query($q: ID!) { node(id: $q) { id } }",
            "query($q: String!) { organizations(filter: {nameContains: $q}) { totalCount } }",
            "mutation($q: String!) { signUp(input: {email: $q, handle: $q, password: $q}) { userErrors { code } } }",
        ]
    )
    payload = {"query": query, "variables": {"q": "abc\u0000def"}, "operationName": None}
    if t.rng.random() < 0.3:
        payload = {"query": query + "\u0000", "variables": {"q": "x"}}
    return post(HOSTILE, "null-bytes", payload)


def directive_flood(t: Targets) -> Operation:
    count = t.rng.choice([100, 2000])
    query = "{ latestEventId " + "@include(if: true) " * count + "}"
    return post(HOSTILE, "directives", {"query": query})


def huge_variables(t: Targets) -> Operation:
    ids = [t.any_id() for _ in range(t.rng.choice([101, 5000]))]
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    return post(HOSTILE, "huge-list", {"query": query, "variables": {"ids": ids}})


def many_operations(t: Targets) -> Operation:
    count = t.rng.choice([50, 500])
    query = " ".join(f"query Q{i} {{ latestEventId }}" for i in range(count))
    return post(HOSTILE, "many-operations", {"query": query, "operationName": f"Q{count - 1}"})


def contact_fishing(t: Targets) -> Operation:
    """Every way an anonymous caller could ask for a protected contact."""
    entry = t.entry()
    query = t.rng.choice(
        [
            f'{{ node(id: "{entry}") {{ ... on Entry {{ {CONTACTS} organization {{ {CONTACTS} }} }} }} }}',
            f'{{ nodes(ids: ["{entry}"]) {{ ... on Entry {{ {CONTACTS} }} }} }}',
            f"{{ needs(first: 100, filter: {{verificationStatuses: [PENDING, VERIFIED, IN_REVIEW, REJECTED, EXPIRED, NEEDS_CHANGES]}}) {{ edges {{ node {{ {CONTACTS} }} }} }} }}",
            f"{{ organizations(first: 100) {{ edges {{ node {{ {CONTACTS} }} }} }} }}",
            f'{{ entryHistory(entryId: "{entry}") {{ action changedFields reason actor }} }}',
            f'{{ search(query: "Fuzz canary") {{ edges {{ node {{ ... on Entry {{ {CONTACTS} notes }} }} }} }} }}',
            f'{{ matchingOffers(needId: "{t.entry("Need")}") {{ offer {{ {CONTACTS} }} }} }}',
            'mutation { signIn(input: {email: "reviewer@demo.crisis-hub.invalid", password: "x"}) { userErrors { code message } } }',
        ]
    )
    return post(HOSTILE, "contact-fishing", {"query": query})


def reveal_attempts(t: Targets) -> Operation:
    query = f'{{ node(id: "{t.entry()}") {{ ... on Entry {{ contacts {{ id }} }} }} }}'
    # The reveal itself needs a contact id; an anonymous caller is refused whatever it is.
    mutation = "mutation($id: ID!) { revealContact(contactId: $id) { contact { phone otherChannel } userErrors { code } } }"
    if t.rng.random() < 0.5:
        return post(HOSTILE, "reveal", {"query": query})
    return post(HOSTILE, "reveal", {"query": mutation, "variables": {"id": t.any_id()}})


def bogus_credentials(t: Targets) -> Operation:
    header = t.rng.choice(
        [
            "Bearer x",
            "Bearer " + "A" * 5000,
            "Basic YTpi",
            "Bearer",
            "bearer \u00e9",
            "Bearer \u00a0x",
        ]
    ).encode()
    query = f'{{ me {{ id }} node(id: "{t.entry()}") {{ ... on Entry {{ {CONTACTS} }} }} }}'
    body = json.dumps({"query": query}).encode()
    headers: dict[str, str | bytes] = {"content-type": JSON, "authorization": header}
    if t.rng.random() < 0.5:
        headers = {
            "content-type": JSON,
            "cookie": "hub_session=" + t.rng.choice(["x", "A" * 4000, "%00"]),
        }
    return Operation(HOSTILE, "bad-credentials", content=body, headers=headers)


def sign_in_burst(t: Targets) -> Operation:
    """Password guessing against one account: refusals (wrong password, rate limited) only."""
    guess = f"guess-{t.rng.randrange(10**9)}"
    query = "mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { userErrors { code } } }"
    variables = {"e": "reviewer@demo.crisis-hub.invalid", "p": guess}
    return post(HOSTILE, "sign-in-burst", {"query": query, "variables": variables})


def flag_burst(t: Targets) -> Operation:
    query = "mutation($id: ID!) { flagEntry(input: {entryId: $id, reason: FAKE}) { userErrors { code } } }"
    return post(HOSTILE, "flag-burst", {"query": query, "variables": {"id": t.entry()}})


def pages_and_exports(t: Targets) -> Operation:
    path = t.rng.choice(
        [
            "/",
            "/needs?page=-1",
            "/needs?after=%00",
            "/entries/" + t.entry(),
            "/entries/%00",
            "/entries/" + "A" * 3000,
            "/search?q=" + "%F0%9F%92%A9" * 50,
            "/exports/needs.csv?after=x",
            "/exports/nope.csv",
            "/graphql?" + urlencode({"query": "{ latestEventId }", "x": "\u0000"}),
            "/../../etc/passwd",
            "/static/graphiql/../../settings.py",
        ]
    )
    return Operation(HOSTILE, "pages", method="GET", path=path)


INVALID_MAKERS: tuple[Maker, ...] = (
    broken_json,
    wrong_content_type,
    wrong_method,
    bad_get,
    unknown_fields,
    bad_global_ids,
    bad_cursors,
    bad_page_sizes,
    odd_unicode,
    persisted_queries,
    batches,
    oversized_body,
)

HOSTILE_MAKERS: tuple[Maker, ...] = (
    alias_flood,
    fragment_cycle,
    fragment_explosion,
    deep_nesting,
    introspection_abuse,
    long_strings,
    null_bytes,
    directive_flood,
    huge_variables,
    many_operations,
    contact_fishing,
    reveal_attempts,
    bogus_credentials,
    sign_in_burst,
    flag_burst,
    pages_and_exports,
)
