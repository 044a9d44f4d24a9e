"""Changing or closing an entry: with its edit code, or as its signed-in submitter or a
coordinator (the API decides who may)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from hub.domain.enums import EntryKind
from hub.domain.kinds import kind_of
from hub.web import documents as doc
from hub.web.api import call, page_language
from hub.web.contact_forms import contact_rows, contacts_change, renumbered
from hub.web.entry_view import entry_response
from hub.web.form_layout import KindForm
from hub.web.forms import MAX_ITEMS_IN_FORM, changes_from_form, not_numbers, prefill
from hub.web.i18n import translator
from hub.web.render import field_errors, first_message, render
from hub.web.security import CSRF_FIELD, csrf_ok


async def _edit_form(
    request: Request,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    form: FormData | None = None,
    contact_lines: object = None,
) -> Response:
    entry_id = str(request.path_params["entry_id"])
    result = await call(request, doc.EDITABLE, {"id": entry_id})
    entry = result.data.get("node")
    if not entry:
        return await render(request, "not_found.html", status_code=404)
    kind = kind_of(EntryKind(entry["kind"]))
    values: Any = form if form is not None else prefill(entry, kind)
    items = entry.get("items")
    contacts = entry.get("contacts") or []
    return await render(
        request,
        "edit.html",
        entry=entry,
        kind_list=kind.slug,
        kind_form=KindForm(kind),
        editing=True,
        form=values,
        errors=errors or {},
        categories=result.data.get("supplyCategories") or [],
        units=result.data.get("units") or [],
        item_rows=range(max(MAX_ITEMS_IN_FORM, len(items or []))) if items is not None else (),
        contact_rows=range(
            contact_rows(len(contacts), contact_lines or values.get("contact_rows"))
        ),
        status_code=status_code,
    )


def _version(form: FormData, current: dict[str, Any]) -> int:
    """The version the form was made from (so that a change made meanwhile is a CONFLICT)."""
    sent = str(form.get("version") or "")
    return int(sent) if sent.isdigit() and len(sent) < 10 else int(current["version"])


async def edit_entry(request: Request) -> Response:
    """Change an entry (its progress, notes, specifics and contacts), or close it: with the
    edit code, or as its signed-in submitter or a coordinator (the API decides who may)."""
    if request.method == "GET":
        return await _edit_form(request)
    form = await request.form()
    t = translator(page_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await _edit_form(request, {"": t("form.csrf")}, status_code=400)
    entry_id = str(request.path_params["entry_id"])
    current = (await call(request, doc.EDITABLE, {"id": entry_id})).data.get("node")
    if not current:
        return await render(request, "not_found.html", status_code=404)
    if form.get("action") == "add_contact":
        # Without scripts, a new contact line is one more round trip; nothing is saved.
        rows = str(form.get("contact_rows") or "")
        return await _edit_form(request, form=form, contact_lines=int(rows or 0) + 1
                                if rows.isdigit() and len(rows) < 4 else None)  # fmt: skip
    changes: dict[str, Any] = {
        "id": entry_id,
        "version": _version(form, current),
        "editToken": str(form.get("edit_token") or "").strip() or None,
    }
    origin: dict[int, int] = {}
    kind = kind_of(EntryKind(current["kind"]))
    if form.get("action") == "close":
        changes["reason"] = str(form.get("reason") or "").strip() or None
        operation, verb = doc.close_document(kind), "close"
    else:
        changes["notes"] = str(form.get("notes") or "")
        if form.get("status") in ("OPEN", "PARTIALLY_FULFILLED", "FULFILLED"):
            changes["status"] = form["status"]
        # A choice (a need's urgency) is kept even from a form sent without the rest.
        changes.update(
            {
                f.api: form[f.name]
                for f in KindForm(kind).own
                # (An enum's value as it is; a yes/no select is read with the whole form.)
                if f.spec.is_choice and form.get(f.name)
            }
        )
        if form.get("province"):
            # The whole form was sent (its province is required, and shown filled in): every
            # field it shows is sent as it is now, unticked boxes included.
            changes.update(changes_from_form(form, kind, current))
            wrong = not_numbers(changes, kind, t)
            contacts, contact_errors, origin = contacts_change(form, current["contacts"], t)
            wrong.update(contact_errors)
            if wrong:
                return await _edit_form(request, wrong, status_code=400, form=form)
            if contacts is not None:
                changes["contacts"] = contacts
        operation, verb = doc.update_document(kind), "update"
    result = await call(request, operation, {"input": changes})
    name = verb + kind.type_name
    errors = (result.data.get(name) or {}).get("userErrors") or []
    if not result.ok or errors:
        shown = renumbered(field_errors(errors), "contacts", origin)
        return await _edit_form(
            request, shown or {"": first_message(result, errors, t)}, status_code=400, form=form
        )
    return await entry_response(request, "entry.html", edited=True)
