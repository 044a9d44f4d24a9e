"""The pages: each one runs public GraphQL documents as the visitor and renders a template."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from hub.web import documents as doc
from hub.web.api import call, page_language
from hub.web.channel_pages import channel_changes, channel_prefill, channel_routes
from hub.web.entry_view import entry_response
from hub.web.forms import (
    EDITABLE_FIELDS,
    KIND_LISTS,
    MAX_ITEMS_IN_FORM,
    ORGANIZATION_KINDS,
    contact_error_fields,
    contact_rows,
    contacts_change,
    entry_input,
    field,
    not_numbers,
    prefill,
    region,
)
from hub.web.i18n import translator
from hub.web.pledge_pages import pledge_routes
from hub.web.render import field_errors, first_message, render
from hub.web.security import CSRF_FIELD, csrf_ok, with_page_headers

HERE = Path(__file__).resolve().parent
REVIEWER_ROLES = ("REVIEWER", "COORDINATOR", "ADMIN")
_render = render
_field_errors = field_errors
_first_message = first_message


def _language(request: Request) -> str:
    return page_language(request)


async def home(request: Request) -> Response:
    """Counts and the most urgent verified needs."""
    result = await call(request, doc.HOME)
    return await _render(request, "home.html", data=result.data, failed=not result.ok)


def _list_filter(request: Request, kind_list: str) -> dict[str, Any]:
    params = request.query_params
    flt: dict[str, Any] = {}
    for name, key in (("province", "province"), ("city", "city")):
        if params.get(name):
            flt[key] = params[name]
    if params.get("category"):
        flt["categoryCodes"] = [params["category"]]
    if params.get("urgency") and kind_list == "needs":
        flt["urgencies"] = [params["urgency"]]
    verification = params.get("verification")
    if verification == "ANY":
        flt["verificationStatuses"] = ["PENDING", "IN_REVIEW", "VERIFIED", "NEEDS_CHANGES"]
    elif verification:
        flt["verificationStatuses"] = [verification]
    return flt


def _search_filter(flt: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for list_key, search_key in (
        ("province", "provinces"),
        ("city", "cities"),
    ):
        if list_key in flt:
            found[search_key] = [flt[list_key]]
    for key in ("categoryCodes", "urgencies", "verificationStatuses"):
        if key in flt:
            found[key] = flt[key]
    return found


def export_query(flt: dict[str, Any]) -> str:
    """The list's filter as the open data export's query string (hub/http/exports.py)."""
    pairs = []
    for key, name in (
        ("province", "province"),
        ("city", "city"),
        ("categoryCodes", "category"),
        ("urgencies", "urgency"),
        ("verificationStatuses", "verification"),
    ):
        value = flt.get(key)
        if value:
            pairs.append((name, ",".join(value) if isinstance(value, list) else str(value)))
    return urlencode(pairs)


async def entry_list(request: Request) -> Response:
    """One kind of entry, filtered, searched when there is a query, paged."""
    kind_list = str(request.path_params["kind"])
    if kind_list not in doc.LISTS:
        return await _render(request, "not_found.html", status_code=404)
    field, filter_type, kind = doc.LISTS[kind_list]
    flt = _list_filter(request, kind_list)
    query = request.query_params.get("q", "").strip()[:200]
    after = request.query_params.get("after") or None
    if query:
        result = await call(
            request,
            doc.SEARCH,
            {"q": query, "kinds": [kind], "filter": _search_filter(flt), "after": after},
        )
        connection = result.data.get("search")
    else:
        result = await call(
            request, doc.list_document(field, filter_type), {"filter": flt, "after": after}
        )
        connection = result.data.get("list")
    return await _render(
        request,
        "list.html",
        kind_list=kind_list,
        kind=kind,
        query=query,
        params=request.query_params,
        connection=connection,
        categories=result.data.get("supplyCategories") or [],
        failed=not result.ok,
        export_query=export_query(flt),
        licence=request.app.state.settings.export_licence,
    )


async def _entry_template(request: Request, template: str, **extra: Any) -> Response:
    """`template` for the entry of the path (with its history), or the not-found page."""
    return await entry_response(request, template, **extra)


async def _entry_page(request: Request, **extra: Any) -> Response:
    return await _entry_template(request, "entry.html", **extra)


async def entry_page(request: Request) -> Response:
    """An entry, its verification badge, history and the report form."""
    return await _entry_page(request)


async def report_problem(request: Request) -> Response:
    """flagEntry from the entry page's form."""
    form = await request.form()
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await _entry_page(
            request, report_errors={"": translator(_language(request))("form.csrf")}
        )
    flag = {
        "entryId": str(request.path_params["entry_id"]),
        "reason": str(form.get("reason") or "OTHER"),
        "note": str(form.get("note") or "") or None,
    }
    result = await call(request, doc.FLAG, {"input": flag})
    errors = (result.data.get("flagEntry") or {}).get("userErrors") or []
    if not result.ok or errors:
        return await _entry_page(
            request, report_errors=_field_errors(errors) or {"": "error"}, status_code=400
        )
    return await _entry_page(request, reported=True)


async def _entry_form(
    request: Request,
    kind: str,
    form: FormData | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    data = await call(request, doc.FORM_DATA)
    return await _render(
        request,
        "entry_form.html",
        status_code=status_code,
        kind_list=kind,
        organization_kinds=ORGANIZATION_KINDS[kind],
        # Offers are free unless the poster says otherwise.
        form=form if form is not None else {"is_free": "1"},
        errors=errors or {},
        categories=data.data.get("supplyCategories") or [],
        units=data.data.get("units") or [],
        item_rows=range(MAX_ITEMS_IN_FORM),
    )


SUBMISSIONS = {
    "needs": (doc.submit_document("Need", "need"), "submitNeed", "need"),
    "offers": (doc.submit_document("Offer", "offer"), "submitOffer", "offer"),
    "logistics": (
        doc.submit_document("LogisticsOffer", "logisticsOffer"),
        "submitLogisticsOffer",
        "logisticsOffer",
    ),
    "lodging": (doc.submit_document("Lodging", "lodging"), "submitLodging", "lodging"),
}


async def new_entry(request: Request) -> Response:
    """The form to post a need or an offer; on POST, the submit mutation, with its userErrors
    shown beside their inputs."""
    kind = str(request.path_params["kind"])
    if kind not in SUBMISSIONS:
        return await _render(request, "not_found.html", status_code=404)
    if request.method == "GET":
        return await _entry_form(request, kind)
    form = await request.form()
    t = translator(_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await _entry_form(request, kind, form, {"": t("form.csrf")}, status_code=400)
    value = entry_input(form, kind)
    wrong = not_numbers(value, t)
    if wrong:
        return await _entry_form(request, kind, form, wrong, status_code=400)
    document, payload_field, node = SUBMISSIONS[kind]
    result = await call(request, document, {"input": value})
    payload = result.data.get(payload_field) or {}
    errors = payload.get("userErrors") or []
    if not result.ok or errors or not payload.get(node):
        shown = _field_errors(errors) or {"": t("error.generic")}
        return await _entry_form(request, kind, form, shown, status_code=400)
    request.scope["path_params"] = {"entry_id": payload[node]["id"]}
    state: Any = request.app.state
    return await _entry_page(
        request,
        posted=True,
        edit_token=payload.get("editToken"),
        reconfirmation_token=payload.get("reconfirmationToken"),
        reconfirmation_days=state.settings.reconfirmation_days,
    )


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
        return await _render(request, "not_found.html", status_code=404)
    values: Any = form if form is not None else prefill(entry)
    if form is None and entry["kind"] == "DONATION_CHANNEL":
        values.update(channel_prefill(entry))
    items = entry.get("items")
    contacts = entry.get("contacts") or []
    return await _render(
        request,
        "edit.html",
        entry=entry,
        kind_list=KIND_LISTS[entry["kind"]],
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
    t = translator(_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await _edit_form(request, {"": t("form.csrf")}, status_code=400)
    entry_id = str(request.path_params["entry_id"])
    current = (await call(request, doc.EDITABLE, {"id": entry_id})).data.get("node")
    if not current:
        return await _render(request, "not_found.html", status_code=404)
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
    if form.get("action") == "close":
        changes["reason"] = str(form.get("reason") or "").strip() or None
        operation, verb = doc.close_document(current["kind"]), "close"
    else:
        changes["notes"] = str(form.get("notes") or "")
        if form.get("status") in ("OPEN", "PARTIALLY_FULFILLED", "FULFILLED"):
            changes["status"] = form["status"]
        if current["kind"] == "NEED" and form.get("urgency"):
            changes["urgency"] = form["urgency"]
        if form.get("province"):
            # The whole form was sent (its province is required, and shown filled in): every
            # field it shows is sent as it is now, unticked boxes included.
            kind_list = KIND_LISTS[current["kind"]]
            if current["kind"] == "DONATION_CHANNEL":
                changes.update(channel_changes(form, current))
            else:
                fields = entry_input(form, kind_list)
                changes.update({key: fields[key] for key in EDITABLE_FIELDS[kind_list]})
            wrong = not_numbers(changes, t)
            contacts, contact_errors, origin = contacts_change(form, current["contacts"], t)
            wrong.update(contact_errors)
            if wrong:
                return await _edit_form(request, wrong, status_code=400, form=form)
            if contacts is not None:
                changes["contacts"] = contacts
        operation, verb = doc.update_document(current["kind"]), "update"
    result = await call(request, operation, {"input": changes})
    name = verb + doc.MUTATION_TYPES[current["kind"]]
    errors = (result.data.get(name) or {}).get("userErrors") or []
    if not result.ok or errors:
        shown = contact_error_fields(_field_errors(errors), origin)
        return await _edit_form(
            request, shown or {"": _first_message(result, errors, t)}, status_code=400, form=form
        )
    return await _entry_page(request, edited=True)


RECONFIRM_ANSWERS = ("STILL_CURRENT", "FULFILLED", "WITHDRAWN")
# The link's secret is in the address: no Referer may carry it off the page, no cache keep it.
PRIVATE_PAGE_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


async def reconfirm(request: Request) -> Response:
    """The poster's private link: is the entry still current, fulfilled or withdrawn
    (reconfirmEntry)? An unknown or expired link is a friendly 404."""
    token = str(request.path_params["token"])
    t = translator(_language(request))
    found = await call(request, doc.RECONFIRMATION, {"token": token})
    inbox = found.data.get("inbox")
    if found.ok and inbox is None:
        return await _private_not_found(request, t)
    # Without an answer from the inbox query the buttons still work; only the summary is gone.
    values: dict[str, Any] = {
        "token": token,
        "entry": (inbox or {}).get("entry"),
        "messages": (inbox or {}).get("messages") or [],
    }
    if request.method == "POST":
        form = await request.form()
        answer = str(form.get("answer") or "")
        if not csrf_ok(request, form.get(CSRF_FIELD)) or answer not in RECONFIRM_ANSWERS:
            return await _private_page(request, status_code=400, error=t("form.csrf"), **values)
        result = await call(request, doc.RECONFIRM, {"input": {"token": token, "answer": answer}})
        payload = result.data.get("reconfirmEntry") or {}
        errors = payload.get("userErrors") or []
        if any(e.get("code") == "NOT_FOUND" for e in errors):
            return await _private_not_found(request, t)
        if not result.ok or errors or not payload.get("entry"):
            error = _first_message(result, errors, t)
            return await _private_page(request, status_code=400, error=error, **values)
        values.update(entry=payload["entry"], answered=answer)
    return await _private_page(request, **values)


async def _private_page(request: Request, status_code: int = 200, **values: Any) -> Response:
    response = await _render(request, "reconfirm.html", status_code=status_code, **values)
    response.headers.update(PRIVATE_PAGE_HEADERS)
    return response


async def _private_not_found(request: Request, t: Callable[..., str]) -> Response:
    state: Any = request.app.state
    message = t("reconfirm.not_found", days=state.settings.reconfirmation_days)
    response = await _render(request, "not_found.html", status_code=404, message=message)
    response.headers.update(PRIVATE_PAGE_HEADERS)
    return response


ALL_ORGANIZATION_KINDS = (
    "HOSPITAL", "CLINIC", "HOTEL", "FACTORY", "LOGISTICS", "CHARITY", "COMMUNITY", "GOVERNMENT",
    "OTHER",
)  # fmt: skip


async def new_organization(request: Request) -> Response:
    """Register an organization on its own (it can then be named by its entries)."""
    if request.method == "GET":
        return await _render(request, "organization_form.html", form={}, errors={},
                             kinds=ALL_ORGANIZATION_KINDS)  # fmt: skip
    form = await request.form()
    t = translator(_language(request))

    def again(errors: dict[str, str]) -> Awaitable[Response]:
        return _render(request, "organization_form.html", form=form, errors=errors,
                       kinds=ALL_ORGANIZATION_KINDS, status_code=400)  # fmt: skip

    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await again({"": t("form.csrf")})

    phone = field(form, "contact_phone")
    contact_name = field(form, "contact_name")
    value = {
        **_organization_value(form),
        "contacts": [{"name": contact_name, "phone": phone, "visibility": "PUBLIC"}]
        if phone
        else [],
    }
    result = await call(request, doc.REGISTER_ORGANIZATION, {"input": value})
    payload = result.data.get("registerOrganization") or {}
    errors = payload.get("userErrors") or []
    if not result.ok or errors or not payload.get("organization"):
        return await again(_field_errors(errors) or {"": _first_message(result, errors, t)})
    return await _render(
        request,
        "organization_done.html",
        organization=payload["organization"],
        edit_token=payload.get("editToken"),
    )


def _organization_value(form: FormData) -> dict[str, Any]:
    text = partial(field, form)
    return {
        "name": text("organization_name") or "",
        "kind": text("organization_kind") or "OTHER",
        "region": region(text),
        "address": text("address"),
        "website": text("website"),
    }


async def edit_organization(request: Request) -> Response:
    """updateOrganization with the organization's edit code (or as a coordinator)."""
    organization_id = str(request.path_params["organization_id"])
    found = (await call(request, doc.ORGANIZATION, {"id": organization_id})).data.get("node")
    if not found:
        return await _render(request, "not_found.html", status_code=404)
    current = {
        "organization_name": found["name"],
        "organization_kind": found["kind"],
        "province": found["region"]["province"],
        "city": found["region"]["city"] or "",
        "district": found["region"]["district"] or "",
        "address": found["address"] or "",
        "website": found["website"] or "",
    }
    values = {"kinds": ALL_ORGANIZATION_KINDS, "organization": found}
    if request.method == "GET":
        return await _render(request, "organization_form.html", form=current, errors={}, **values)
    form = await request.form()
    t = translator(_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await _render(request, "organization_form.html", form=form,
                             errors={"": t("form.csrf")}, status_code=400, **values)  # fmt: skip
    changes = {
        "id": organization_id,
        "version": found["version"],
        "editToken": str(form.get("edit_token") or "").strip() or None,
        **_organization_value(form),
    }
    result = await call(request, doc.UPDATE_ORGANIZATION, {"input": changes})
    errors = (result.data.get("updateOrganization") or {}).get("userErrors") or []
    if not result.ok or errors:
        shown = _field_errors(errors) or {"": _first_message(result, errors, t)}
        return await _render(request, "organization_form.html", form=form, errors=shown,
                             status_code=400, **values)  # fmt: skip
    return await _render(
        request, "organization_form.html", form=form, errors={}, saved=True, **values
    )


async def sign_in(request: Request) -> Response:
    """Sign in (the API sets the session cookie on the redirect)."""
    return await _auth(request, "sign_in.html", doc.SIGN_IN, "signIn", ("email", "password"))


async def sign_up(request: Request) -> Response:
    """Sign up (and so sign in)."""
    return await _auth(
        request, "sign_up.html", doc.SIGN_UP, "signUp", ("email", "handle", "password")
    )


async def _auth(
    request: Request, template: str, document: str, field: str, inputs: tuple[str, ...]
) -> Response:
    if request.method == "GET":
        return await _render(request, template, form={}, errors={})
    form = await request.form()
    t = translator(_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await _render(
            request, template, form=form, errors={"": t("form.csrf")}, status_code=400
        )
    redirect = RedirectResponse("/", status_code=303)
    variables = {"input": {name: str(form.get(name) or "") for name in inputs}}
    result = await call(request, document, variables, response=redirect)
    payload = result.data.get(field) or {}
    errors = payload.get("userErrors") or []
    if not result.ok or errors or not payload.get("user"):
        shown = _field_errors(errors) or {"": t("error.generic")}
        safe_form = {k: v for k, v in form.items() if k != "password"}
        return await _render(request, template, form=safe_form, errors=shown, status_code=400)
    return with_page_headers(redirect)


async def sign_out(request: Request) -> Response:
    """Sign out (POST only, with the CSRF token)."""
    form = await request.form()
    redirect = RedirectResponse("/", status_code=303)
    if csrf_ok(request, form.get(CSRF_FIELD)):
        await call(request, doc.SIGN_OUT, response=redirect)
    return with_page_headers(redirect)


async def review_queue(request: Request, **extra: Any) -> Response:
    """Entries waiting for a reviewer, most urgent first; a reviewer claims one to check it."""
    result = await call(request, doc.REVIEW_QUEUE)
    me = result.data.get("me") or {}
    allowed = me.get("role") in REVIEWER_ROLES
    return await _render(
        request,
        "review.html",
        allowed=allowed,
        queue=result.data.get("reviewQueue") if allowed else None,
        **extra,
    )


async def _claimed_page(request: Request, **extra: Any) -> Response:
    """The entry a reviewer has claimed: its contacts (revealable), and the decision form."""
    return await _entry_template(request, "review_entry.html", **extra)


async def claim(request: Request) -> Response:
    """claimReview: the entry leaves every other reviewer's queue while this one checks it."""
    form = await request.form()
    t = translator(_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await review_queue(request, review_error=t("form.csrf"))
    claimed = await call(request, doc.CLAIM, {"id": str(request.path_params["entry_id"])})
    errors = (claimed.data.get("claimReview") or {}).get("userErrors") or []
    if not claimed.ok or errors:
        return await review_queue(request, review_error=_first_message(claimed, errors, t))
    return await _claimed_page(request)


async def reveal(request: Request) -> Response:
    """revealContact for a reviewer about to phone (audited and rate-limited by the API)."""
    form = await request.form()
    t = translator(_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await _claimed_page(request, review_error=t("form.csrf"), status_code=400)
    contact_id = str(form.get("contact") or "")
    result = await call(request, doc.REVEAL, {"id": contact_id})
    payload = result.data.get("revealContact") or {}
    errors = payload.get("userErrors") or []
    contact = payload.get("contact")
    if not result.ok or errors or not contact:
        return await _claimed_page(
            request, review_error=_first_message(result, errors, t), status_code=400
        )
    # Keyed by the id asked for: a contact shown in full carries no id of its own.
    return await _claimed_page(request, revealed={contact_id: contact})


async def decide(request: Request) -> Response:
    """reviewEntry on a claimed entry (claiming again first renews the reviewer's lease)."""
    form = await request.form()
    t = translator(_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await _claimed_page(request, review_error=t("form.csrf"), status_code=400)
    entry_id = str(request.path_params["entry_id"])
    claimed = await call(request, doc.CLAIM, {"id": entry_id})
    claim_errors = (claimed.data.get("claimReview") or {}).get("userErrors") or []
    if not claimed.ok or claim_errors:
        return await review_queue(request, review_error=_first_message(claimed, claim_errors, t))
    decision = {
        "entryId": entry_id,
        "decision": str(form.get("decision") or "VERIFY"),
        "method": str(form.get("method") or "PHONE_CALL"),
        "note": str(form.get("note") or "") or None,
        "evidenceUrl": str(form.get("evidence") or "") or None,
        "rejectionReason": str(form.get("rejection_reason") or "") or None,
    }
    decided = await call(request, doc.DECIDE, {"input": decision})
    errors = (decided.data.get("reviewEntry") or {}).get("userErrors") or []
    if not decided.ok or errors:
        return await _claimed_page(
            request, review_error=_first_message(decided, errors, t), status_code=400
        )
    return await review_queue(request, review_done=True)


async def coordinate(request: Request, **extra: Any) -> Response:
    """Flags and likely duplicates of the entries waiting for review (coordinators)."""
    result = await call(request, doc.COORDINATE)
    me = result.data.get("me") or {}
    allowed = me.get("role") in ("COORDINATOR", "ADMIN")
    edges = (result.data.get("reviewQueue") or {}).get("edges") or [] if allowed else []
    entries = [
        e["node"]
        for e in edges
        if e["node"]["verification"]["flags"] or e["node"]["possibleDuplicates"]
    ]
    return await _render(request, "coordinate.html", allowed=allowed, entries=entries, **extra)


async def merge(request: Request) -> Response:
    """mergeEntries: keep one entry, close its duplicate into it."""
    form = await request.form()
    t = translator(_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await coordinate(request, merge_error=t("form.csrf"))
    variables = {"keep": str(form.get("keep") or ""), "dupes": [str(form.get("duplicate") or "")]}
    result = await call(request, doc.MERGE, variables)
    errors = (result.data.get("mergeEntries") or {}).get("userErrors") or []
    if not result.ok or errors:
        return await coordinate(request, merge_error=_first_message(result, errors, t))
    return await coordinate(request, merged=True)


IMPORT_KINDS = ("needs", "offers", "logistics", "lodging", "organizations")


async def import_sheet(request: Request) -> Response:
    """importEntries from an upload form (coordinators): the report as a table."""
    if request.method != "POST":
        return await _render(request, "import.html", kinds=IMPORT_KINDS, chosen_kind="needs")
    t = translator(_language(request))
    form = await request.form()
    try:
        kind = str(form.get("kind") or "needs")
        values: dict[str, Any] = {
            "kinds": IMPORT_KINDS,
            "chosen_kind": kind if kind in IMPORT_KINDS else "needs",
            "dry_run": bool(form.get("dry_run")),
            "skip_invalid": bool(form.get("skip_invalid")),
        }
        upload = form.get("file")
        if not csrf_ok(request, form.get(CSRF_FIELD)):
            return await _render(request, "import.html", 400, import_error=t("form.csrf"), **values)
        if isinstance(upload, str) or upload is None or kind not in IMPORT_KINDS:
            return await _render(
                request, "import.html", 400, import_error=t("error.generic"), **values
            )
        variables = {
            "input": {
                "kind": kind.upper(),
                "file": upload,
                "dryRun": values["dry_run"],
                "skipInvalid": values["skip_invalid"],
            }
        }
        result = await call(request, doc.IMPORT_ENTRIES, variables)
    finally:
        await form.close()
    payload = result.data.get("importEntries") or {}
    errors = payload.get("userErrors") or []
    if not result.ok or errors:
        return await _render(
            request,
            "import.html",
            400,
            import_error=_first_message(result, errors, t),
            **values,
        )
    return await _render(request, "import.html", result=payload, **values)


def web_routes() -> list[BaseRoute]:
    """The pages' routes (mounted at / by hub.app)."""
    return [
        Route("/", home),
        Route("/entries/{entry_id}", entry_page),
        Route("/entries/{entry_id}/report", report_problem, methods=["POST"]),
        Route("/entries/{entry_id}/edit", edit_entry, methods=["GET", "POST"]),
        Route("/organizations/new", new_organization, methods=["GET", "POST"]),
        Route(
            "/organizations/{organization_id}/edit",
            edit_organization,
            methods=["GET", "POST"],
        ),
        Route("/reconfirm/{token}", reconfirm, methods=["GET", "POST"]),
        *pledge_routes(),
        *channel_routes(),
        Route("/{kind}/new", new_entry, methods=["GET", "POST"]),
        Route("/signin", sign_in, methods=["GET", "POST"]),
        Route("/signup", sign_up, methods=["GET", "POST"]),
        Route("/signout", sign_out, methods=["POST"]),
        Route("/review", review_queue),
        Route("/review/{entry_id}/claim", claim, methods=["POST"]),
        Route("/review/{entry_id}/reveal", reveal, methods=["POST"]),
        Route("/review/{entry_id}", decide, methods=["POST"]),
        Route("/coordinate", coordinate),
        Route("/coordinate/merge", merge, methods=["POST"]),
        Route("/coordinate/import", import_sheet, methods=["GET", "POST"]),
        Mount("/assets", app=StaticFiles(directory=HERE / "static"), name="assets"),
        Route("/{kind}", entry_list),
    ]
