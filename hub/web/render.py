"""Rendering a page: its language, the template with what every page shows, its headers; and
the API's errors as the pages show them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from hub.domain.regions import NATIONWIDE_KINDS, provinces
from hub.http.cookies import secure_cookies
from hub.web import documents as doc
from hub.web.api import ApiResult, call, page_language, retry_after
from hub.web.facts import choices, facts, row_facts
from hub.web.i18n import (
    LANGUAGE_COOKIE,
    MESSAGES,
    age,
    format_quantity,
    labels,
    local_time,
    parse_time,
    translator,
)
from hub.web.live_pages import rank_of
from hub.web.security import (
    CSRF_FIELD,
    csrf_token,
    private,
    remember_csrf,
    shows_secrets,
    with_page_headers,
)

HERE = Path(__file__).resolve().parent
# autoescape: every value a visitor supplied is escaped (a need's notes may hold <script>).
templates = Jinja2Templates(
    env=Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
)
templates.env.filters["qty"] = format_quantity
templates.env.filters["local"] = local_time
templates.env.globals.update(choices=choices, facts=facts, row_facts=row_facts, rank_of=rank_of)
# The place pickers: the provinces, and the kinds that may be nationwide (hub/domain/regions.py).
templates.env.globals.update(
    region_provinces=[(d.name, d.code) for d in provinces()], nationwide_kinds=NATIONWIDE_KINDS
)
ACTION_KEYS = frozenset(k for k in MESSAGES if k.startswith("action."))


async def render(
    request: Request, template: str, status_code: int = 200, **values: Any
) -> Response:
    """`template` in the visitor's language, with the values every page uses."""
    language = page_language(request)
    t = translator(language)
    now = datetime.now(UTC)
    me = await call(request, doc.ME)
    refused_for = retry_after(request)
    if refused_for is not None:
        # What the page says (error.rate_limited) is a refusal; say so to machines too.
        status_code = 429
    response = templates.TemplateResponse(
        request,
        template,
        {
            "lang": language,
            "other_lang": "en" if language == "zh" else "zh",
            "t": t,
            "labels": labels(language),
            "csrf": csrf_token(request),
            "csrf_field": CSRF_FIELD,
            "me": me.data.get("me"),
            "ago": lambda value: age(parse_time(value), now, t),
            "action_keys": ACTION_KEYS,
            **values,
        },
        status_code=status_code,
    )
    if refused_for is not None:
        response.headers["retry-after"] = str(refused_for)
    state: Any = request.app.state
    remember_csrf(request, response, secure_cookies(request.scope, state.settings.cookie_secure))
    if request.query_params.get("lang") == language:
        response.set_cookie(LANGUAGE_COOKIE, language, samesite="lax", max_age=365 * 86400)
    with_page_headers(response)
    return private(response) if shows_secrets(values) else response


def fragment(request: Request, template: str, **values: Any) -> Response:
    """A piece of a page (`template` alone: a list row, the home page's counts) in the
    visitor's language, for a live page to put in place. No `me`, no forms: a fragment is the
    same for every visitor allowed to see it, so the page cache keeps it like a page."""
    language = page_language(request)
    t = translator(language)
    now = datetime.now(UTC)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "lang": language,
            "t": t,
            "labels": labels(language),
            "ago": lambda value: age(parse_time(value), now, t),
            **values,
        },
    )
    return with_page_headers(response)


def field_errors(errors: list[dict[str, Any]]) -> dict[str, str]:
    """userErrors by field, for messages beside the inputs."""
    found: dict[str, str] = {}
    for error in errors:
        found.setdefault(str(error.get("field") or ""), str(error["message"]))
    return found


def first_message(result: ApiResult, errors: list[dict[str, Any]], t: Any) -> str:
    """What to say when an operation failed: its first userError, or what its error code
    means (refused, rate-limited), never the server's own words."""
    if errors:
        return str(errors[0]["message"])
    if "FORBIDDEN" in result.error_codes or "UNAUTHENTICATED" in result.error_codes:
        return str(t("error.forbidden"))
    if "RATE_LIMITED" in result.error_codes:
        return str(t("error.rate_limited"))
    return str(t("error.generic"))
