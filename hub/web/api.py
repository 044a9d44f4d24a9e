"""The pages' only way to data: the public GraphQL schema, with the visitor's own context.

Pages run the same documents a third-party client could send, through the same permissions,
limits and error codes; there is no back door into services or SQL from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hub.web.i18n import LANGUAGE_COOKIE, pick_page_language


@dataclass
class ApiResult:
    """The data of an operation, and the codes of its errors (if any)."""

    data: dict[str, Any] = field(default_factory=dict)
    error_codes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No GraphQL errors."""
        return not self.error_codes


def page_language(request: Request) -> str:
    """The page's language: ?lang= first (a switch), then the cookie, then Accept-Language."""
    state: Any = request.app.state
    return pick_page_language(
        request.query_params.get("lang"),
        request.cookies.get(LANGUAGE_COOKIE),
        request.headers.get("accept-language"),
        state.settings.default_language,
    )


async def call(
    request: Request,
    document: str,
    variables: dict[str, Any] | None = None,
    response: Response | None = None,
) -> ApiResult:
    """Execute `document` as the visitor (their session cookie); cookies the operation sets
    (sign-in, sign-out) go onto `response`."""
    state: Any = request.app.state
    context = await state.graphql.get_context(request, response)
    # The API answers in the page's language (userErrors, match explanations), which a
    # visitor may have chosen with ?lang= against their browser's Accept-Language.
    context.language = page_language(request)
    # The public lists a page shows are answered by the compiled path, as over HTTP.
    compiled = state.graphql.compiled
    if compiled is not None:
        data = await compiled.execute(document, variables, None, context)
        if data is not None:
            return ApiResult(data)
    result = await state.graphql.schema.execute(
        document, variable_values=variables, context_value=context
    )
    codes = [
        str((e.extensions or {}).get("code", "INTERNAL_SERVER_ERROR")) for e in result.errors or []
    ]
    waits = [
        int(wait)
        for e in result.errors or []
        if isinstance(wait := (e.extensions or {}).get("retryAfter"), int)
    ]
    if waits:
        # The page rendered for this request is the refusal: 429 with Retry-After (render).
        request.state.retry_after = max(waits)
    return ApiResult(dict(result.data or {}), codes)


def retry_after(request: Request) -> int | None:
    """Seconds to wait, when an operation of this request was refused by a rate limit."""
    wait = getattr(request.state, "retry_after", None)
    return wait if isinstance(wait, int) else None
