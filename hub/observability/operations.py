"""What a request is called in metrics, logs and traces: a bounded set of names, never a path.

Paths carry secrets (`/reconfirm/<token>`, `/edit/...`) and are chosen by whoever sends the
request, so a request is named by its route's template ("GET /entries/{entry_id}") or, on
/graphql, by its operation's type and name ("query NeedsList"). Operation names are the
client's choice too: a name is kept only if it is a valid GraphQL name and one of the first
MAX_OPERATION_NAMES distinct names this process saw; any other is "(other)". An attacker
sending random names therefore adds at most that many label values per process.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Distinct GraphQL operation names one process labels before bucketing the rest as "(other)":
# the hub's own pages use a few dozen, integrators a few more.
MAX_OPERATION_NAMES = 200
OTHER = "(other)"
UNNAMED = "(unnamed)"
UNMATCHED = "(unmatched)"
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
# The first operation of a document, after comments: its type and, if any, its name. A
# document starting with `{` is an unnamed query; fragments may come first.
_FIRST_OPERATION = re.compile(
    r"(?:^|[\s}])(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?|^\s*(\{)"
)
_COMMENT = re.compile(r"#[^\n]*")
# A route answers a method it does not serve with 405, and still names the route: methods are
# the client's to choose, so only these are labels.
_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))


class OperationNames:
    """The GraphQL operation names this process admitted as label values."""

    def __init__(self, limit: int = MAX_OPERATION_NAMES) -> None:
        self.limit = limit
        self._admitted: set[str] = set()

    def admit(self, name: str) -> bool:
        """Whether `name` may be a label value (admitting it if there is room)."""
        if name in self._admitted:
            return True
        if len(self._admitted) >= self.limit or _NAME.fullmatch(name) is None:
            return False
        self._admitted.add(name)
        return True

    def label(self, operation_name: object, document: object) -> str:
        """The label of a GraphQL request: "<type> <name>", "<type> (unnamed)" or "(other)".

        `operation_name` is the request's operationName; without one the document's first
        operation is meant (the only one, or the request is refused anyway)."""
        kind, found = _first_operation(document if isinstance(document, str) else "")
        name = operation_name if isinstance(operation_name, str) and operation_name else found
        if name is None:
            return f"{kind} {UNNAMED}" if kind else OTHER
        if not self.admit(name):
            return OTHER
        return f"{kind or 'query'} {name}"


def _first_operation(document: str) -> tuple[str | None, str | None]:
    # Only the head of a document is read: an operation's name comes early, and a megabyte
    # of text must not cost a megabyte of scanning on every request.
    head = _COMMENT.sub("", document[:4096])
    match = _FIRST_OPERATION.search(head)
    if match is None:
        return None, None
    if match.group(3):
        return "query", None
    return match.group(1), match.group(2)


def route_label(scope: Mapping[str, Any]) -> str:
    """ "METHOD /template" of the route that answered `scope` (Starlette records it in the
    scope), or "(unmatched)" when none did (a 404, a refusal before routing)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return UNMATCHED
    method = scope.get("method", "GET")
    return f"{method if method in _METHODS else 'OTHER'} {path or '/'}"


# One per process: the names are shared by every app the process serves.
GRAPHQL_OPERATIONS = OperationNames()
