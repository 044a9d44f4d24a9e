"""Who may call which mutation: the one place where roles are checked.

Every mutation carries `permission_classes=[Authorized]`, which looks its rule up here by field
name; a mutation without a rule is refused (fail closed). Record-level rules (only the holder of
an edit token, the submitter or a coordinator may change an entry) live in hub.domain.accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, TypeVar

import strawberry
from graphql import OperationType
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.extensions.field_extension import AsyncExtensionResolver
from strawberry.permission import BasePermission

from hub.domain.accounts import Role, Viewer
from hub.domain.kinds import KINDS
from hub.graphql.context import Info
from hub.graphql.errors import ErrorCode, hub_error, refused_as
from hub.graphql.throttle import Throttled

_T = TypeVar("_T")


@dataclass(frozen=True)
class Rule:
    """Who may call a mutation: anyone, any signed-in user, or a role and those above it."""

    role: Role | None = None
    signed_in: bool = False
    # Vouched for by a coordinator (coordinators and admins count as vouched for).
    approved: bool = False


ANYONE = Rule()
SIGNED_IN = Rule(signed_in=True)

MUTATION_RULES: dict[str, Rule] = {
    # Anyone may publish and, with the edit token, change what they published (issue 2); the
    # rules of the entries' mutations are made from the kinds, at the end of this module.
    "registerOrganization": ANYONE,
    "updateOrganization": ANYONE,
    # Edits of a verified organization by its staff wait for this (issue 14).
    "verifyOrganization": Rule(role=Role.REVIEWER),
    "signUp": ANYONE,
    "signIn": ANYONE,
    "signOut": ANYONE,
    "signOutEverywhere": SIGNED_IN,
    "createApiToken": SIGNED_IN,
    "revokeApiToken": SIGNED_IN,
    "setUserRole": Rule(role=Role.COORDINATOR),
    "approveUser": Rule(role=Role.COORDINATOR),
    "claimReview": Rule(role=Role.REVIEWER),
    "releaseReview": Rule(role=Role.REVIEWER),
    "reviewEntry": Rule(role=Role.REVIEWER),
    "revealContact": Rule(role=Role.VOLUNTEER, approved=True),
    "flagEntry": ANYONE,
    "reconfirmEntry": ANYONE,
    "mergeEntries": Rule(role=Role.COORDINATOR),
    "mergeOrganizations": Rule(role=Role.COORDINATOR),
    "claimOrganization": SIGNED_IN,
    "decideOrganizationClaim": Rule(role=Role.COORDINATOR),
    # A spreadsheet import writes many entries at once (issue 7).
    "importEntries": Rule(role=Role.COORDINATOR),
    # Anyone may pledge or message; who may move a pledge on is a record-level rule
    # (hub.domain.pledges: donor, receiver, carrier, coordinator).
    "pledge": ANYONE,
    "setPledgeStatus": ANYONE,
    "assignCarrier": ANYONE,
    "updateShipment": ANYONE,
    "sendMessage": ANYONE,
    # A webhook is its signed-in owner's (admins may see and switch off anyone's).
    "createWebhook": SIGNED_IN,
    "updateWebhook": SIGNED_IN,
    "deleteWebhook": SIGNED_IN,
    "rotateWebhookSecret": SIGNED_IN,
}
# Queries are open to anyone unless listed here.
QUERY_RULES: dict[str, Rule] = {
    "reviewQueue": Rule(role=Role.REVIEWER),
    "organizationClaims": Rule(role=Role.COORDINATOR),
    # The accounts coordinators approve and give roles to (approveUser, setUserRole).
    "accounts": Rule(role=Role.COORDINATOR),
    "webhooks": SIGNED_IN,
    "webhook": SIGNED_IN,
}


class Authorized(BasePermission):
    """Applies MUTATION_RULES, refusing with UNAUTHENTICATED or FORBIDDEN."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        """True, or raises the refusal with its extensions.code."""
        viewer = info.context.viewer
        mutation = info.operation.operation is OperationType.MUTATION
        rule = (MUTATION_RULES if mutation else QUERY_RULES).get(info.field_name)
        if rule is None:
            raise hub_error(ErrorCode.FORBIDDEN, f"{info.field_name} has no access rule.")
        if mutation and not viewer.may_write:
            raise hub_error(ErrorCode.FORBIDDEN, "This API token may only read.")
        if (rule.signed_in or rule.role) and not viewer.signed_in:
            raise hub_error(ErrorCode.UNAUTHENTICATED, "Sign in to do this.")
        if rule.role is not None and not viewer.has(rule.role):
            raise hub_error(
                ErrorCode.FORBIDDEN, f"This needs the {rule.role.value} role or a higher one."
            )
        if rule.approved and not (viewer.approved or viewer.has(Role.COORDINATOR)):
            raise hub_error(ErrorCode.FORBIDDEN, "This needs approval by a coordinator.")
        return True


Refusal = Callable[[], AbstractContextManager[None]]


class _Refusing(FieldExtension):
    """Turns the services' Forbidden, raised while a mutation runs, into `refusal`'s error."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__()
        self.refusal = refusal

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: Info, **kwargs: Any
    ) -> Any:
        with self.refusal():
            return await next_(source, info, **kwargs)


def guarded_mutation(description: str, refused: Refusal | None = None) -> Any:
    """A mutation whose access MUTATION_RULES decides (use it for every mutation).

    `refused` says what the services' record-level Forbidden means for it (edit_refused, say).
    """
    extensions: list[FieldExtension] = [] if refused is None else [_Refusing(refused)]
    # Counted against its rate limit (hub.graphql.throttle) once access is granted.
    extensions.append(Throttled())
    return strawberry.mutation(
        permission_classes=[Authorized], description=description, extensions=extensions
    )


def guarded_field(description: str) -> Any:
    """A query field whose access QUERY_RULES decides."""
    return strawberry.field(permission_classes=[Authorized], description=description)


class RejectBadCredentials(SchemaExtension):
    """A request with an unknown or revoked bearer token is refused, not served as anonymous."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if getattr(context, "bad_credentials", False):
            raise hub_error(ErrorCode.UNAUTHENTICATED, "The API token is unknown or revoked.")
        yield


# Review and webhooks

# Flag notes, review notes and evidence links may name people and private sources.
REVIEW_NOTES_ROLE = Role.REVIEWER
# webhooks(allUsers: true): every user's webhooks, to find and switch off a misbehaving one.
EVERYONES_WEBHOOKS_ROLE = Role.ADMIN


def for_reviewers(info: Info, value: _T | None) -> _T | None:
    """`value` for reviewers and above; None for everyone else (REVIEW_NOTES_ROLE)."""
    return value if info.context.viewer.has(REVIEW_NOTES_ROLE) else None


def require_everyones_webhooks(info: Info) -> None:
    """Refuse (FORBIDDEN) a viewer below EVERYONES_WEBHOOKS_ROLE asking for every webhook."""
    if not info.context.viewer.has(EVERYONES_WEBHOOKS_ROLE):
        raise hub_error(ErrorCode.FORBIDDEN, "Only admins see everyone's webhooks.")


# Entries

# A refused change of an entry or an organization (the record-level rule of hub.domain.accounts).
FORBIDDEN_EDIT = "Only its editToken, its signed-in author or a coordinator may change this."


def edit_refused() -> AbstractContextManager[None]:
    """The services' Forbidden of a change of an entry or an organization as FORBIDDEN_EDIT."""
    return refused_as(ErrorCode.FORBIDDEN, FORBIDDEN_EDIT)


def entry_mutations(type_name: str) -> tuple[str, str, str]:
    """The names of a kind's submit, update and close mutations (submitNeed, updateNeed...)."""
    return f"submit{type_name}", f"update{type_name}", f"close{type_name}"


# Anyone may publish an entry of any kind and, with its edit token, change or close it.
MUTATION_RULES.update({name: ANYONE for kind in KINDS for name in entry_mutations(kind.type_name)})


def sees_undisclosed(viewer: Viewer) -> bool:
    """Whether the viewer sees what is withheld from the public until an entry is verified
    (a donation channel's full account number): reviewers, who check it."""
    return viewer.has(Role.REVIEWER)


def sees_possible_duplicates(viewer: Viewer) -> bool:
    """Whether the viewer is shown an entry's likely duplicates: reviewers, who merge them."""
    return viewer.has(Role.REVIEWER)


def sees_account_changes(viewer: Viewer) -> bool:
    """Whether the viewer is shown a donation channel's account number before and after its
    latest change: reviewers, who check it against the notice."""
    return viewer.has(Role.REVIEWER)
