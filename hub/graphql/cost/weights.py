"""What fields cost, declared in one place.

A field costs 1 unless declared here; a list multiplies what each of its elements selects by
how many elements it may hold: the page size asked for (`first`, or the server's default),
the length of an argument (`nodes(ids:)`), or the most it can hold (`LIST_SIZES`). The
weights say how much more than a plain field a resolver costs: a query of its own, a count,
CPU work. They are estimates of work, not of time; the budgets (HUB_QUERY_COST_*) are set
against the hub's own pages (tests/graphql/test_query_cost.py).
"""

from __future__ import annotations

from hub.domain.pledges import MAX_LINES
from hub.domain.validation import MAX_CONTACTS, MAX_ITEMS

# Any type: a field that does the same work wherever it appears.
ANY = "*"

# Extra cost of a field, on top of what it selects.
FIELD_WEIGHTS: dict[tuple[str, str], int] = {
    # Scores up to 300 candidates, each item against each item (services/matching.py).
    ("Query", "matchingOffers"): 50_000,
    ("Query", "matchingNeeds"): 50_000,
    # A full-text query; its count and facets are extra statements over every match.
    ("Query", "search"): 15_000,
    ("SearchResults", "totalCount"): 5_000,
    ("SearchResults", "facets"): 30_000,
    # A count statement of the whole filtered list.
    (ANY, "totalCount"): 20,
    # Audit trails: every record of a subject, decoded.
    ("Query", "entryHistory"): 100,
    ("Pledge", "history"): 20,
    # The stamping lock (hub/store/live.py), taken once per request.
    ("Query", "latestEventId"): 50,
    # Reads every pledge of the need.
    ("Need", "priority"): 10,
    # A similarity query per entry.
    (ANY, "possibleDuplicates"): 20,
    # The schema's description, read from memory: its size is the schema's, whatever the data,
    # and its nesting is bounded by the depth limit. Its lists count once (list_size).
    ("Query", "__schema"): 1_000,
    ("Query", "__type"): 100,
    # Mutations write, audit and notify: a transaction each.
    ("Mutation", ANY): 100,
}

# The most elements a list without `first` may hold (what validation allows).
LIST_SIZES: dict[tuple[str, str], int] = {
    (ANY, "items"): MAX_ITEMS,
    (ANY, "contacts"): MAX_CONTACTS,
    ("Pledge", "items"): MAX_LINES,
    ("OfferMatch", "lines"): MAX_ITEMS,
    ("NeedMatch", "lines"): MAX_ITEMS,
    (ANY, "possibleDuplicates"): 10,
    ("Verification", "reviews"): 10,
    ("Pledge", "shipments"): 10,
    ("Pledge", "history"): 20,
    ("Shipment", "updates"): 20,
    ("Query", "entryHistory"): 100,
}

# A list's size when nothing above says otherwise.
DEFAULT_LIST_SIZE = 10

# The page size of lists whose `first` defaults to something else than connections' 20.
PAGE_DEFAULTS: dict[tuple[str, str], int] = {
    (ANY, "pledges"): 50,
}

# Lists whose size is the length of one of their arguments.
SIZE_ARGUMENTS: dict[tuple[str, str], str] = {
    ("Query", "nodes"): "ids",
}


def field_weight(type_name: str, field_name: str) -> int:
    """The extra cost of `type_name.field_name` (1 for a plain field)."""
    for key in ((type_name, field_name), (ANY, field_name), (type_name, ANY)):
        weight = FIELD_WEIGHTS.get(key)
        if weight is not None:
            return weight
    return 1


def page_default(type_name: str, field_name: str, default: int) -> int:
    """The page size of `type_name.field_name` when `first` is not given."""
    for key in ((type_name, field_name), (ANY, field_name)):
        size = PAGE_DEFAULTS.get(key)
        if size is not None:
            return size
    return default


def list_size(type_name: str, field_name: str) -> int:
    """How many elements `type_name.field_name` may hold, for a list without `first`."""
    if type_name.startswith("__"):
        # Introspection: charged by the weight of `__schema` and `__type`.
        return 1
    for key in ((type_name, field_name), (ANY, field_name)):
        size = LIST_SIZES.get(key)
        if size is not None:
            return size
    return DEFAULT_LIST_SIZE
