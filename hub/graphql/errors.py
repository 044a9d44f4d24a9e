"""GraphQL errors with stable `extensions.code`s, and the extension that gives every error one."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from enum import Enum

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

from hub.services.outcome import Forbidden

log = logging.getLogger("hub.graphql")


class ErrorCode(Enum):
    """`extensions.code` of GraphQL errors (refusals of a whole request or field)."""

    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    INVALID_ID = "INVALID_ID"
    INVALID_CURSOR = "INVALID_CURSOR"
    PAGE_SIZE_EXCEEDED = "PAGE_SIZE_EXCEEDED"
    QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
    TOO_MANY_TOKENS = "TOO_MANY_TOKENS"
    TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
    # The operation's estimated cost is above the caller's budget (hub/graphql/cost).
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    # The request body did not arrive whole in time (HUB_HTTP_BODY_TIMEOUT_MS).
    REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
    # A multipart request (a file upload) without a header a cross-site form cannot send.
    CSRF_REFUSED = "CSRF_REFUSED"
    RATE_LIMITED = "RATE_LIMITED"
    # A subscription resumed from an event older than the replay window: refetch instead.
    REPLAY_WINDOW_EXCEEDED = "REPLAY_WINDOW_EXCEEDED"
    # No search index can answer (or the database's locale would make Chinese search blind).
    SEARCH_UNAVAILABLE = "SEARCH_UNAVAILABLE"
    MATCHING_BUSY = "MATCHING_BUSY"
    # Automatic persisted queries: the hash is unknown (send the query with it), or the query
    # sent is not the one the hash names.
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
    # A request /graphql cannot read: its body is not a JSON object, its content type is one
    # the endpoint does not serve, its variables are not an object, it is a batch, or it is
    # a mutation sent over GET.
    BAD_REQUEST = "BAD_REQUEST"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


def hub_error(code: ErrorCode, message: str, **extensions: object) -> GraphQLError:
    """A GraphQL error carrying `code` (and any other `extensions`) in its extensions."""
    return GraphQLError(message, extensions={"code": code.value, **extensions})


@contextlib.contextmanager
def refused_as(code: ErrorCode, message: str) -> Iterator[None]:
    """Turn the services' Forbidden, raised inside the block, into the error `code`."""
    try:
        yield
    except Forbidden:
        raise hub_error(code, message) from None


def signed_in_only() -> contextlib.AbstractContextManager[None]:
    """For services that refuse anonymous callers: their Forbidden means "sign in"."""
    return refused_as(ErrorCode.UNAUTHENTICATED, "Sign in to do this.")


# Strawberry's limiters report plain errors; these message fragments identify them.
_LIMIT_MESSAGES = (
    ("exceeds maximum operation depth", ErrorCode.QUERY_TOO_DEEP),
    ("aliases found. Allowed", ErrorCode.TOO_MANY_ALIASES),
    ("Document contains more than", ErrorCode.TOO_MANY_TOKENS),
)


def classify(error: GraphQLError) -> GraphQLError:
    """`error` with an `extensions.code`; an unexpected exception becomes INTERNAL_SERVER_ERROR
    (logged here, once) and the client learns nothing of it but that it happened."""
    extensions = dict(error.extensions or {})
    if "code" in extensions:
        return error
    original = error.original_error
    if original is not None and not isinstance(original, GraphQLError):
        # An unexpected exception: the client learns nothing of it but that it happened.
        log.error("unexpected error in %s", error.path, exc_info=original)
        return GraphQLError(
            "Internal server error.",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": ErrorCode.INTERNAL_SERVER_ERROR.value},
        )
    code = ErrorCode.GRAPHQL_VALIDATION_FAILED
    if isinstance(original, GraphQLSyntaxError) or isinstance(error, GraphQLSyntaxError):
        code = ErrorCode.GRAPHQL_PARSE_FAILED
    for fragment, limit_code in _LIMIT_MESSAGES:
        if fragment in error.message:
            code = limit_code
    if error.path is not None and code is ErrorCode.GRAPHQL_VALIDATION_FAILED:
        code = ErrorCode.BAD_USER_INPUT
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**extensions, "code": code.value},
    )


class ErrorCodes(SchemaExtension):
    """Give every error an `extensions.code` and hide unexpected exceptions from clients."""

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLError as error:
            # A parse error raised inside ParserCache escapes the operation instead of becoming
            # its result; it leaves as the error we raise here.
            raise classify(error) from None
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [classify(error) for error in errors]
