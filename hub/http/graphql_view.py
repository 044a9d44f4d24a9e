"""The GraphQL endpoint: strawberry's ASGI app with the hub's per-request context."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from hub.domain.messages import pick_language
from hub.graphql.context import Context
from hub.graphql.loaders import make_loaders

STATIC_PREFIX = "/static/graphiql/"


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
        return Context(
            db=state.db,
            settings=state.settings,
            language=language,
            loaders=make_loaders(state.db),
            categories=await state.taxonomy.categories(),
        )
