"""Live shapes: one execution of a subscription's document per event for all who share it.

Subscribers sending the same document with the same variables (those the event's selection
uses; a filter or a resume point does not change what an event looks like), in the same
language and for the same audience are sent the same bytes for an event. A shape executes the
document once per event with the batch's shared DataLoaders and encodes the answer once;
hub.live.fanout groups the subscribers, and the transport wraps the bytes in each one's
envelope.
"""

from __future__ import annotations

import json
import logging
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Hashable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    VariableNode,
    Visitor,
    visit,
)
from graphql.execution import Executor, execute_subscription_event

from hub.graphql.audience import is_public_event_selection
from hub.graphql.context import Context, Info
from hub.graphql.encoding import json_bytes
from hub.graphql.errors import ErrorCode, classify
from hub.graphql.execution_context import HubExecutionContext
from hub.graphql.live.events import batch_loaders, event_of
from hub.live.cohorts import Rendered
from hub.live.fanout import Delivery

log = logging.getLogger(__name__)

# What a subscriber is sent when its shape could not be rendered at all (a bug): an error with
# a code rather than silence, so that the client knows an event was there.
_BROKEN = json_bytes(
    {
        "data": None,
        "errors": [
            {
                "message": "Internal server error.",
                "extensions": {"code": ErrorCode.INTERNAL_SERVER_ERROR.value},
            }
        ],
    }
)


@dataclass(frozen=True, slots=True)
class ShapeKey:
    """What decides the bytes an event is rendered as."""

    document: str
    operation_name: str | None
    # JSON of the variables the event's selection uses, keys sorted.
    variables: str
    language: str
    # Who the answer is for: everyone, or one viewer when the selection depends on who asks.
    audience: Hashable


class _Variables(Visitor):
    """The variables and fragments a selection uses."""

    def __init__(self) -> None:
        super().__init__()
        self.variables: set[str] = set()
        self.fragments: set[str] = set()

    def enter_variable(self, node: VariableNode, *_args: object) -> None:
        self.variables.add(node.name.value)

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_args: object) -> None:
        self.fragments.add(node.name.value)


def selection_variables(
    root: FieldNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> frozenset[str]:
    """The variables used inside the root field's selection (its arguments left out), through
    fragments too: those change what an event looks like."""
    found = _Variables()
    pending: list[Any] = [*(root.directives or ()), root.selection_set]
    done: set[str] = set()
    while pending:
        node = pending.pop()
        if node is None:
            continue
        visit(node, found)
        for name in found.fragments - done:
            done.add(name)
            fragment = fragments.get(name)
            if fragment is not None:
                pending.append(fragment)
    return frozenset(found.variables)


class LiveShape:
    """Executes one subscription document per event, for every subscriber of its key.

    `shape_for` hands out one object per key while any subscriber holds it, so the fanout
    groups by the object itself, and 5,000 subscribers of a page hold one executor, not 5,000.
    """

    __slots__ = ("__weakref__", "_context", "_executor", "key")

    def __init__(self, key: ShapeKey, executor: Executor[Context], context: Context) -> None:
        self.key = key
        self._executor = executor
        self._context = context

    async def render(self, delivery: Delivery) -> Rendered:
        """The event as this shape's subscribers see it: `{"data": ..., "errors": [...]}`."""
        context = self._context
        # One shape renders one event at a time (the fanout delivers in order), so its own
        # context can take the batch's loaders and the event's clock.
        context.loaders = batch_loaders(context.db, delivery)
        context.now = datetime.now(UTC)
        context.notices = {}
        try:
            event = event_of(delivery, context.may_see_protected_contacts)
            outcome = execute_subscription_event(self._executor.build_per_event_executor(event))
            result = await outcome if isinstance(outcome, Awaitable) else outcome
            payload: dict[str, object] = {"data": result.data}
            if result.errors:
                payload["errors"] = [classify(error).formatted for error in result.errors]
            if context.notices:
                payload["extensions"] = dict(context.notices)
            return Rendered(json_bytes(payload))
        except Exception:
            log.exception("a live shape failed to render event %s", delivery.event.position)
            return Rendered(_BROKEN)


# One shape per key while anyone holds it.
_SHAPES: weakref.WeakValueDictionary[ShapeKey, LiveShape] = weakref.WeakValueDictionary()


@dataclass(frozen=True, slots=True)
class _DocumentFacts:
    """What a subscription document's text decides about its shape, worked out once."""

    public: bool
    variables: frozenset[str]


# By (document, operation name): 10,000 browsers of one page send one document.
_FACTS: OrderedDict[tuple[str, str | None], _DocumentFacts] = OrderedDict()
_FACTS_SIZE = 256


def _facts(
    text: str,
    name: str | None,
    schema: GraphQLSchema,
    document: DocumentNode,
    root: FieldNode,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> _DocumentFacts:
    key = (text, name)
    found = _FACTS.get(key)
    if found is None:
        found = _DocumentFacts(
            is_public_event_selection(schema, document), selection_variables(root, fragments)
        )
        _FACTS[key] = found
        if len(_FACTS) > _FACTS_SIZE:
            _FACTS.popitem(last=False)
    return found


def shape_for(info: Info, variables: Mapping[str, object] | None) -> LiveShape | None:
    """The shape of the subscription `info` resolves, from the raw `variables` the client sent;
    None when the document cannot be shared (then its own execution renders each event)."""
    raw = info._raw_info
    text = info.query
    root = raw.field_nodes[0] if len(raw.field_nodes) == 1 else None
    if text is None or root is None:
        return None
    context = info.context
    operation: OperationDefinitionNode = raw.operation
    name = operation.name.value if operation.name else None
    document = DocumentNode(definitions=(operation, *raw.fragments.values()))
    schema = raw.schema
    facts = _facts(text, name, schema, document, root, raw.fragments)
    audience: Hashable = "public" if facts.public else ("viewer", context.viewer)
    given = dict(variables or {})
    try:
        chosen = json.dumps(
            {name: given[name] for name in sorted(facts.variables) if name in given},
            sort_keys=True,
            ensure_ascii=False,
        )
    except (TypeError, ValueError):
        return None
    key = ShapeKey(text, name, chosen, context.language, audience)
    known = _SHAPES.get(key)
    if known is not None:
        return known
    # Its own context: it outlives no subscriber of it, but must not share the connection's.
    own = replace(context, connection=None, notices={})
    # The schema's own execution context: each event gets memos of its own (see there).
    executor = HubExecutionContext.build(
        schema, document, context_value=own, raw_variable_values=given, operation_name=name
    )
    if isinstance(executor, list):
        # The variables were coerced once already for the subscription; never here.
        _log_refusal(executor)
        return None
    shape = LiveShape(key, executor, own)
    _SHAPES[key] = shape
    return shape


def _log_refusal(errors: list[GraphQLError]) -> None:
    log.warning("a live shape could not be built: %s", "; ".join(e.message for e in errors))
