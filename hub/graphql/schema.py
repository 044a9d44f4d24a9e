"""Assembles the GraphQL schema with its limits and caches."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from hub.graphql.accounts.accounts import AccountMutation, AccountQuery
from hub.graphql.accounts.members import MemberMutation, MemberQuery
from hub.graphql.context import Context
from hub.graphql.cost.limit import QueryCostLimit
from hub.graphql.entries.mutations import EntryMutation
from hub.graphql.entries.queries import EntryQuery
from hub.graphql.entries.types import ENTRY_TYPES
from hub.graphql.errors import ErrorCode, ErrorCodes, hub_error
from hub.graphql.execution_context import HubExecutionContext
from hub.graphql.expansion import expansion_rule, within_expansion
from hub.graphql.imports.mutations import ImportMutation
from hub.graphql.live.subscriptions import LiveQuery, Subscription
from hub.graphql.loaders import make_loaders
from hub.graphql.organizations.mutations import OrganizationMutation
from hub.graphql.organizations.queries import OrganizationQuery
from hub.graphql.organizations.types import Organization
from hub.graphql.own_writes import MutationsMoveDataVersion
from hub.graphql.permissions import RejectBadCredentials
from hub.graphql.pledges.inbox import InboxMutation, InboxQuery
from hub.graphql.pledges.matching import MatchingQuery
from hub.graphql.pledges.pledges import PledgeMutation, PledgeQuery
from hub.graphql.pledges.shipments import ShipmentMutation
from hub.graphql.search.query import SearchQuery
from hub.graphql.taxonomy.queries import TaxonomyQuery
from hub.graphql.text_guard import RejectUnstorableText
from hub.graphql.trust.history import HistoryQuery
from hub.graphql.trust.privacy import PrivacyMutation
from hub.graphql.trust.reviews import MergeMutation, ReconfirmMutation, ReviewMutation, ReviewQuery
from hub.graphql.webhooks.mutations import WebhookMutation
from hub.graphql.webhooks.queries import WebhookQuery
from hub.settings import Settings

log = logging.getLogger("hub.graphql")
CACHE_SIZE = 512
Query = merge_types(
    "Query",
    (
        EntryQuery,
        OrganizationQuery,
        TaxonomyQuery,
        AccountQuery,
        ReviewQuery,
        HistoryQuery,
        MemberQuery,
        LiveQuery,
        SearchQuery,
        MatchingQuery,
        PledgeQuery,
        InboxQuery,
        WebhookQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        OrganizationMutation,
        EntryMutation,
        AccountMutation,
        ReviewMutation,
        ReconfirmMutation,
        MergeMutation,
        PrivacyMutation,
        MemberMutation,
        ImportMutation,
        PledgeMutation,
        ShipmentMutation,
        InboxMutation,
        WebhookMutation,
    ),
)


class FreshLoaders(SchemaExtension):
    """Fresh DataLoaders for every operation on a WebSocket.

    Over HTTP a context (and its loaders' caches) lives for one request; over a WebSocket it
    lives as long as the connection, and a query sent an hour later must not see the first
    query's cached rows. Subscriptions also swap loaders per event (hub.graphql.live.subscriptions).
    """

    def on_operation(self) -> Iterator[None]:
        """Replace the loaders before the operation runs."""
        context = self.execution_context.context
        if isinstance(context, Context) and context.connection is not None:
            context.loaders = make_loaders(context.db)
        yield


class SubscriptionsOverWebSockets(SchemaExtension):
    """A subscription sent over HTTP is refused with a code, not executed as a query."""

    def on_execute(self) -> Iterator[None]:
        """Refuse before execution starts."""
        context = self.execution_context.context
        subscription = self.execution_context.operation_type is OperationType.SUBSCRIPTION
        if subscription and isinstance(context, Context) and context.connection is None:
            raise hub_error(
                ErrorCode.BAD_USER_INPUT,
                "Subscriptions are served over WebSockets on this same URL "
                "(graphql-transport-ws or graphql-ws).",
            )
        yield


class Notices(SchemaExtension):
    """What resolvers asked to tell the client, in the response's `extensions`."""

    def get_results(self) -> dict[str, object]:
        """The context's notices (a search answered by the fallback index, say)."""
        context = self.execution_context.context
        return dict(context.notices) if isinstance(context, Context) else {}


class HubSchema(strawberry.Schema):
    """Strawberry's schema, logging only what is the server's fault.

    Strawberry logs every error with its stack trace; refusals and bad input are the client's
    business and are answered with a code. Unexpected exceptions are logged, once, by ErrorCodes.
    """

    # The validation rules added to graphql-core's (set by build_schema).
    validation_rules: tuple[type[ASTValidationRule], ...] = ()

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Keep a short debug line per refused request."""
        for error in errors:
            log.debug("refused: %s", error.message)


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The hub's schema; limits come from `settings`."""
    settings = settings or Settings()
    # The rule classes are made once: the validation cache is keyed by them, so rules made
    # afresh for every request (as QueryDepthLimiter() does) would never hit it.
    # Strawberry's limiters walk every expansion of every fragment: they run only on documents
    # whose expansion is bounded (hub/graphql/expansion.py).
    max_fields = settings.max_expanded_fields
    rules: list[type[ASTValidationRule]] = [
        expansion_rule(max_fields),
        within_expansion(depth_rule(settings.max_query_depth, None, None), max_fields),
        within_expansion(aliases_rule(settings.max_query_aliases), max_fields),
    ]
    max_tokens = settings.max_query_tokens
    schema = HubSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[*ENTRY_TYPES.values(), Organization],
        # Each subscription event memoizes on its own (graphql-core's memo grew per event).
        execution_context_class=HubExecutionContext,
        extensions=[
            ErrorCodes,
            QueryCostLimit,
            FreshLoaders,
            SubscriptionsOverWebSockets,
            Notices,
            MutationsMoveDataVersion,
            RejectBadCredentials,
            RejectUnstorableText,
            lambda: AddValidationRules(rules),
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            # Strawberry parses and validates every operation from scratch without these.
            lambda: ParserCache(maxsize=CACHE_SIZE),
            lambda: ValidationCache(maxsize=CACHE_SIZE),
        ],
    )
    # The compiled reads (hub/graphql/compiled) validate with the same rules.
    schema.validation_rules = tuple(rules)
    return schema


def export_sdl() -> str:
    """The schema as SDL, as checked in at schema/hub.graphql."""
    return build_schema().as_str() + "\n"
