"""Which rate limit every mutation counts against, and the refusal when one is reached.

Every mutation (guarded_mutation) carries the `Throttled` extension, which looks up the
mutation's limit here by field name and counts the call before the resolver runs; the limits
themselves, and their defaults, are in hub.limits.table. tests/limits/test_table.py
fails when a mutation of the schema has no entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import FieldExtension
from strawberry.extensions.field_extension import AsyncExtensionResolver

from hub.domain.kinds import KINDS
from hub.graphql.context import Context, Info
from hub.graphql.errors import ErrorCode, hub_error
from hub.limits.limiter import RateLimited
from hub.services.passwords import HashingBusy

# The limit counted when a mutation has no entry below (the test above keeps that from
# happening unnoticed).
FALLBACK_LIMIT = "edit"


@dataclass(frozen=True)
class Throttle:
    """A mutation's limit, and what it aims at (signIn: the e-mail), for the target scope."""

    limit: str
    target: Callable[[dict[str, Any]], str | None] | None = None


def _email(arguments: dict[str, Any]) -> str | None:
    given = getattr(arguments.get("input"), "email", None)
    return given.strip().lower() if isinstance(given, str) else None


SUBMIT = Throttle("submit")
EDIT = Throttle("edit")
SETTINGS = Throttle("settings")
REVIEW = Throttle("review")
PLEDGE_UPDATE = Throttle("pledge_update")

MUTATION_LIMITS: dict[str, Throttle] = {
    "registerOrganization": SUBMIT,
    "updateOrganization": EDIT,
    "signUp": Throttle("sign_up"),
    "signIn": Throttle("sign_in", target=_email),
    "signOut": Throttle("sign_out"),
    "signOutEverywhere": Throttle("sign_out"),
    "createApiToken": SETTINGS,
    "revokeApiToken": SETTINGS,
    "setUserRole": REVIEW,
    "approveUser": REVIEW,
    "claimReview": REVIEW,
    "releaseReview": REVIEW,
    "reviewEntry": REVIEW,
    "mergeEntries": REVIEW,
    "mergeOrganizations": REVIEW,
    "decideOrganizationClaim": REVIEW,
    "verifyOrganization": REVIEW,
    "revealContact": Throttle("reveal"),
    "flagEntry": Throttle("flag"),
    "reconfirmEntry": EDIT,
    "claimOrganization": SETTINGS,
    "importEntries": Throttle("import"),
    "pledge": Throttle("pledge"),
    "setPledgeStatus": PLEDGE_UPDATE,
    "assignCarrier": PLEDGE_UPDATE,
    "updateShipment": PLEDGE_UPDATE,
    "sendMessage": Throttle("message"),
    "createWebhook": SETTINGS,
    "updateWebhook": SETTINGS,
    "deleteWebhook": SETTINGS,
    "rotateWebhookSecret": SETTINGS,
}
for _kind in KINDS:
    MUTATION_LIMITS[f"submit{_kind.type_name}"] = SUBMIT
    MUTATION_LIMITS[f"update{_kind.type_name}"] = EDIT
    MUTATION_LIMITS[f"close{_kind.type_name}"] = EDIT


def rate_limited(ctx: Context, retry_after: int, message: str | None = None) -> GraphQLError:
    """The RATE_LIMITED error, with `retryAfter` in seconds (and the response's Retry-After)."""
    if ctx.retry_after is not None:
        ctx.retry_after(retry_after)
    return hub_error(
        ErrorCode.RATE_LIMITED,
        message or f"Too many requests; try again in {retry_after} seconds.",
        retryAfter=retry_after,
    )


async def count(ctx: Context, limit: str, target: str | None = None) -> None:
    """Count one `limit` for the request's caller (and `target`, digested); raises the
    RATE_LIMITED error when a window is full."""
    if ctx.limiter is None:
        return
    digested = None
    if target is not None:
        digested = ctx.identity.digest(limit, target) if ctx.identity else target
    try:
        await ctx.limiter.hit(limit, ctx.caller, digested)
    except RateLimited as refused:
        raise rate_limited(ctx, refused.retry_after) from None


class Throttled(FieldExtension):
    """Counts a mutation against its limit (MUTATION_LIMITS) before it runs."""

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: Info, **kwargs: Any
    ) -> Any:
        throttle = MUTATION_LIMITS.get(info.field_name, Throttle(FALLBACK_LIMIT))
        target = throttle.target(kwargs) if throttle.target else None
        await count(info.context, throttle.limit, target)
        try:
            return await next_(source, info, **kwargs)
        except HashingBusy:
            # Every argon2 slot stayed taken: as good as a limit reached.
            raise rate_limited(
                info.context, 1, "The server is busy; try again in a moment."
            ) from None
