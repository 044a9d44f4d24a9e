"""Posting an entry of any kind: the form made from the kind's declaration, then the submit
mutation."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from hub.domain.kinds import Kind, kind_by_slug
from hub.web import documents as doc
from hub.web.api import call, page_language
from hub.web.entry_view import entry_response
from hub.web.form_layout import KindForm
from hub.web.forms import FORM_DEFAULTS, MAX_ITEMS_IN_FORM, entry_input, not_numbers
from hub.web.i18n import translator
from hub.web.render import field_errors, first_message, render
from hub.web.security import CSRF_FIELD, csrf_ok

# The post form of each kind is entry_form.html but for donation channels, whose form asks for
# the organization and the official notice first and has no items.
FORM_TEMPLATES = {"donation-channels": "channel_form.html"}


async def _entry_form(
    request: Request,
    kind: Kind,
    form: FormData | dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    data = await call(request, doc.FORM_DATA)
    return await render(
        request,
        FORM_TEMPLATES.get(kind.slug, "entry_form.html"),
        status_code=status_code,
        kind_list=kind.slug,
        kind_form=KindForm(kind),
        organization_kinds=[k.value for k in kind.organization_kinds],
        form=form if form is not None else FORM_DEFAULTS,
        errors=errors or {},
        categories=data.data.get("supplyCategories") or [],
        units=data.data.get("units") or [],
        item_rows=range(MAX_ITEMS_IN_FORM),
    )


async def new_entry(request: Request) -> Response:
    """The form to post an entry of the path's kind; on POST, the submit mutation, with its
    userErrors shown beside their inputs; then the entry's page, with the edit code and the
    private link, once."""
    kind = kind_by_slug(str(request.path_params["kind"]))
    if kind is None:
        return await render(request, "not_found.html", status_code=404)
    if request.method == "GET":
        return await _entry_form(request, kind)
    form = await request.form()
    t = translator(page_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await _entry_form(request, kind, form, {"": t("form.csrf")}, status_code=400)
    value = entry_input(form, kind)
    wrong = not_numbers(value, kind, t)
    if wrong:
        return await _entry_form(request, kind, form, wrong, status_code=400)
    result = await call(request, doc.submit_document(kind), {"input": value})
    payload = result.data.get(f"submit{kind.type_name}") or {}
    errors = payload.get("userErrors") or []
    if not result.ok or errors or not payload.get(kind.payload_field):
        shown = field_errors(errors) or {"": first_message(result, errors, t)}
        return await _entry_form(request, kind, form, shown, status_code=400)
    request.scope["path_params"] = {"entry_id": payload[kind.payload_field]["id"]}
    state: Any = request.app.state
    return await entry_response(
        request,
        "entry.html",
        posted=True,
        edit_token=payload.get("editToken"),
        reconfirmation_token=payload.get("reconfirmationToken"),
        reconfirmation_days=state.settings.reconfirmation_days,
        # A phone split into contacts or kept as written: the poster should check it.
        warnings=[w["message"] for w in payload.get("warnings") or []],
    )
