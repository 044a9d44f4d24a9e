"""Accounts over GraphQL: sign up, in and out, `me`, API tokens, roles."""

from __future__ import annotations

from datetime import datetime, timedelta

import strawberry

from hub.domain.accounts import Role, TokenScope
from hub.domain.errors import ErrorCode as UserErrorCode
from hub.graphql.common import UserError
from hub.graphql.connections import page_size
from hub.graphql.context import Info
from hub.graphql.errors import ErrorCode, hub_error, signed_in_only
from hub.graphql.ids import node_id
from hub.graphql.payloads import on_node, payload
from hub.graphql.permissions import guarded_field, guarded_mutation
from hub.graphql.views import view_of
from hub.services import accounts as service
from hub.store.accounts import ApiTokenRecord, UserRecord

strawberry.enum(Role, name="Role")
strawberry.enum(TokenScope, name="TokenScope")


@strawberry.type(description="A signed-in user, as they see themselves or as coordinators do.")
class User:
    id: strawberry.ID
    handle: str = strawberry.field(description="Shown publicly, e.g. as an entry's reviewer.")
    email: str
    role: Role
    approved: bool = strawberry.field(
        description="Vouched for by a coordinator (needed to reveal protected contacts)."
    )
    created_at: datetime

    @classmethod
    def of(cls, user: UserRecord) -> User:
        """The GraphQL view of a user."""
        return view_of(cls, user, id=node_id("User", user.id))


@strawberry.type(description="An API token's public facts; the secret is shown only once.")
class ApiToken:
    id: strawberry.ID
    name: str
    scope: TokenScope
    created_at: datetime
    revoked_at: datetime | None
    expires_at: datetime = strawberry.field(
        description="After this the token is refused (UNAUTHENTICATED); make a new one."
    )

    @classmethod
    def of(cls, token: ApiTokenRecord) -> ApiToken:
        """The GraphQL view of a token."""
        return view_of(cls, token, id=node_id("ApiToken", token.id))


@strawberry.input
class SignUpInput:
    email: str
    handle: str = strawberry.field(description="Public name, 2-30 letters, digits, _ - or .")
    password: str = strawberry.field(description="At least 10 characters.")


@strawberry.input
class SignInInput:
    email: str
    password: str


@strawberry.input
class CreateApiTokenInput:
    name: str = strawberry.field(description="What the token is for, e.g. 'hospital dashboard'.")
    scope: TokenScope = TokenScope.READ
    expires_in_days: int | None = strawberry.field(
        default=None,
        description="Days until the token expires: 1 to the hub's maximum "
        "(HUB_API_TOKEN_MAX_DAYS, 90 unless configured), which is also the default.",
    )


@strawberry.type
class AuthPayload:
    user: User | None
    user_errors: list[UserError]


@strawberry.type
class SignOutPayload:
    signed_out: bool


@strawberry.type
class SignOutEverywherePayload:
    sessions_ended: int = strawberry.field(description="Browser sessions ended, this one too.")


@strawberry.type
class CreateApiTokenPayload:
    token: str | None = strawberry.field(
        description="Send it as `Authorization: Bearer <token>`. Shown only once."
    )
    api_token: ApiToken | None
    user_errors: list[UserError]


@strawberry.type
class RevokeApiTokenPayload:
    revoked: bool
    user_errors: list[UserError]


@strawberry.type
class UserPayload:
    user: User | None
    user_errors: list[UserError]


def _require_cookies(info: Info) -> None:
    """Refuse to open a session that could not be handed over (over a WebSocket, say)."""
    if info.context.cookies is None:
        raise hub_error(
            ErrorCode.BAD_USER_INPUT,
            "Sign up and sign in over HTTP: the session is a cookie. Over WebSockets, send a "
            "token in connection_init.",
        )


async def _start_session(info: Info, user: UserRecord) -> None:
    ctx = info.context
    session = await service.open_session(
        ctx.db,
        user,
        timedelta(days=ctx.settings.session_days),
        idle=timedelta(hours=ctx.settings.session_idle_hours),
        keep=ctx.settings.max_sessions,
    )
    if ctx.cookies is not None:
        ctx.cookies.set_session(session.token, session.expires_at)


@strawberry.type
class AccountQuery:
    @strawberry.field(description="The signed-in user, or null.")
    async def me(self, info: Info) -> User | None:
        viewer = info.context.viewer
        if viewer.user_id is None:
            return None
        found = await service.user(info.context.db, viewer.user_id)
        return User.of(found) if found else None

    @guarded_field(
        "Accounts, newest first, for coordinators and admins to approve and give roles to; "
        "with pending: true only those not approved yet."
    )
    async def accounts(
        self, info: Info, pending: bool = False, first: int | None = 50
    ) -> list[User]:
        ctx = info.context
        size = page_size(first, ctx.settings.max_page_size)
        return [User.of(u) for u in await service.users(ctx.db, pending=pending, limit=size)]


@strawberry.type
class AccountMutation:
    @guarded_mutation("Create an account (VOLUNTEER) and sign in.")
    async def sign_up(self, info: Info, input: SignUpInput) -> AuthPayload:
        ctx = info.context
        _require_cookies(info)
        outcome = await service.create_user(
            ctx.db, input.email, input.handle, input.password, Role.VOLUNTEER, hashing=ctx.hashing
        )
        if outcome.value is not None:
            await _start_session(info, outcome.value)
        return payload(AuthPayload, info, outcome, user=User.of)

    @guarded_mutation(
        "Sign in; the session lives in an HTTP-only cookie. It ends after HUB_SESSION_DAYS, or "
        "sooner when unused for HUB_SESSION_IDLE_HOURS; beyond HUB_MAX_SESSIONS sessions, "
        "signing in ends the least recently used."
    )
    async def sign_in(self, info: Info, input: SignInInput) -> AuthPayload:
        ctx = info.context
        _require_cookies(info)
        user = await service.sign_in(ctx.db, input.email, input.password, ctx.hashing)
        if user is None:
            return AuthPayload(
                user=None,
                user_errors=UserError.single(
                    "email", UserErrorCode.INVALID_CREDENTIALS, ctx.language
                ),
            )
        await _start_session(info, user)
        return AuthPayload(user=User.of(user), user_errors=[])

    @guarded_mutation("End this session.")
    async def sign_out(self, info: Info) -> SignOutPayload:
        ctx = info.context
        if ctx.session_token:
            await service.sign_out(ctx.db, ctx.session_token)
        if ctx.cookies is not None:
            ctx.cookies.clear_session()
        return SignOutPayload(signed_out=True)

    @guarded_mutation(
        "End every browser session of your account, this one too (a lost phone, a shared "
        "computer). API tokens are revoked one by one with revokeApiToken."
    )
    async def sign_out_everywhere(self, info: Info) -> SignOutEverywherePayload:
        ctx = info.context
        with signed_in_only():
            ended = await service.sign_out_everywhere(ctx.db, ctx.viewer)
        if ctx.cookies is not None and ctx.session_token:
            ctx.cookies.clear_session()
        return SignOutEverywherePayload(sessions_ended=ended)

    @guarded_mutation(
        "A bearer token for scripts and apps (READ or WRITE).",
    )
    async def create_api_token(
        self, info: Info, input: CreateApiTokenInput
    ) -> CreateApiTokenPayload:
        ctx = info.context
        with signed_in_only():
            outcome = await service.create_api_token(
                ctx.db,
                ctx.viewer,
                input.name,
                input.scope,
                input.expires_in_days,
                ctx.settings.api_token_max_days,
            )
        if outcome.value is None:
            return CreateApiTokenPayload(
                token=None,
                api_token=None,
                user_errors=UserError.list_of(outcome.errors, ctx.language),
            )
        token, record = outcome.value
        return CreateApiTokenPayload(token=token, api_token=ApiToken.of(record), user_errors=[])

    @guarded_mutation("Revoke one of your API tokens.")
    async def revoke_api_token(self, info: Info, id: strawberry.ID) -> RevokeApiTokenPayload:
        ctx = info.context
        outcome = await on_node(
            id, "ApiToken", "id", lambda token: service.revoke_api_token(ctx.db, ctx.viewer, token)
        )
        return RevokeApiTokenPayload(
            revoked=bool(outcome.value), user_errors=UserError.list_of(outcome.errors, ctx.language)
        )

    @guarded_mutation(
        "Give a user a role (coordinators: up to REVIEWER).",
    )
    async def set_user_role(self, info: Info, user_id: strawberry.ID, role: Role) -> UserPayload:
        ctx = info.context
        outcome = await on_node(
            user_id, "User", "userId", lambda user: service.set_role(ctx.db, ctx.viewer, user, role)
        )
        return payload(UserPayload, info, outcome, user=User.of)

    @guarded_mutation(
        "Vouch for a user (needed to reveal protected contacts).",
    )
    async def approve_user(self, info: Info, user_id: strawberry.ID) -> UserPayload:
        ctx = info.context
        outcome = await on_node(
            user_id, "User", "userId", lambda user: service.approve_user(ctx.db, ctx.viewer, user)
        )
        return payload(UserPayload, info, outcome, user=User.of)
