"""The GraphQL endpoint: strawberry's ASGI app with the hub's per-request context."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from hub.domain.accounts import ANONYMOUS
from hub.domain.messages import pick_language
from hub.graphql.context import Context
from hub.graphql.loaders import make_loaders
from hub.http.cookies import SESSION_COOKIE, ResponseCookies
from hub.services.accounts import identify

STATIC_PREFIX = "/static/graphiql/"


def bearer_token(request: Request | WebSocket) -> str | None:
    """The token of an `Authorization: Bearer ...` header, if any."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


class HubGraphQL(GraphQL[Context, None]):
    """Builds a fresh Context (and fresh DataLoaders) for every request."""

    @property
    def graphql_ide_html(self) -> str:
        """GraphiQL loading its scripts from the hub itself (scripts/vendor-graphiql).

        A hub on a disaster-zone network may have no internet access; the page keeps its
        integrity hashes, so the browser still checks each file is the published one.
        """
        return super().graphql_ide_html.replace("https://unpkg.com/", STATIC_PREFIX)

    def encode_json(self, data: object) -> bytes:
        """UTF-8 JSON: Chinese text as itself, not as \\u escapes six times its size."""
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        state: Any = request.app.state
        language = pick_language(
            request.headers.get("accept-language"), state.settings.default_language
        )
        bearer = bearer_token(request)
        session_token = request.cookies.get(SESSION_COOKIE) if bearer is None else None
        viewer = await identify(state.db, session_token, bearer)
        return Context(
            db=state.db,
            settings=state.settings,
            language=language,
            loaders=make_loaders(state.db),
            categories=await state.taxonomy.categories(),
            viewer=viewer or ANONYMOUS,
            bad_credentials=bearer is not None and viewer is None,
            cookies=ResponseCookies(response, secure=state.settings.cookie_secure)
            if isinstance(response, Response)
            else None,
            session_token=session_token if viewer else None,
        )
