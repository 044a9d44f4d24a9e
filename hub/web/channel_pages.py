"""Donation channels on the pages: the form to submit one, and what the edit form sends.

A channel's account number is masked until reviewers verify it, so the edit form never shows
it back: a number is sent only when one is typed (a masked one sent back would replace it).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from hub.web import documents as doc
from hub.web.api import call, page_language
from hub.web.entry_view import entry_response
from hub.web.forms import field, region
from hub.web.i18n import translator
from hub.web.render import field_errors, first_message, render
from hub.web.security import CSRF_FIELD, csrf_ok

KIND_LIST = "donation-channels"
ORGANIZATION_KINDS = ("CHARITY", "GOVERNMENT", "HOSPITAL", "COMMUNITY", "OTHER")
# What the edit form may change of a channel, besides status, notes and contacts.
EDITABLE = ("region", "address", "accountName", "bank", "remittanceNote", "purpose", "source")


def channel_fields(form: Mapping[str, Any]) -> dict[str, Any]:
    """The channel's own fields from a form (submit and edit)."""
    text = partial(field, form)
    return {
        "region": region(text),
        "address": text("address"),
        "accountName": text("account_name") or "",
        "bank": text("bank") or "",
        "accountNumber": text("account_number") or "",
        "remittanceNote": text("remittance_note"),
        "purpose": text("purpose"),
        "source": {"url": text("notice_url"), "note": text("source_note")},
    }


def channel_input(form: FormData) -> dict[str, Any]:
    """submitDonationChannel's input: always an organization (the API requires one)."""
    text = partial(field, form)
    value = channel_fields(form)
    value["organization"] = {
        "name": text("organization_name") or "",
        "kind": text("organization_kind") or ORGANIZATION_KINDS[0],
        "region": {"province": value["region"]["province"], "city": value["region"]["city"]},
    }
    value["notes"] = text("notes")
    phone = text("contact_phone")
    value["contacts"] = (
        [{"name": text("contact_name"), "phone": phone, "visibility": "PUBLIC"}] if phone else []
    )
    return value


def channel_changes(form: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """What the edit form changes of a channel: only the fields that differ (any change of
    what reviewers vouched for sends it back to review), the number only when typed."""
    fields = channel_fields(form)
    changes = {key: fields[key] for key in EDITABLE if fields[key] != _current(current, key)}
    if fields["accountNumber"]:
        changes["accountNumber"] = fields["accountNumber"]
    return changes


def _current(current: Mapping[str, Any], key: str) -> Any:
    value = current.get(key)
    if key == "region":
        return {k: (value or {}).get(k) for k in ("province", "city", "district")}
    if key == "source":
        return {k: (value or {}).get(k) for k in ("url", "note")}
    return value


def channel_prefill(entry: Mapping[str, Any]) -> dict[str, str]:
    """The edit form's channel fields as the channel has them (never its number)."""
    source = entry.get("source") or {}
    return {
        "account_name": entry.get("accountName") or "",
        "bank": entry.get("bank") or "",
        "remittance_note": entry.get("remittanceNote") or "",
        "purpose": entry.get("purpose") or "",
        "notice_url": source.get("url") or "",
        "source_note": source.get("note") or "",
    }


async def _form(
    request: Request, form: Any, errors: dict[str, str], status_code: int = 200
) -> Response:
    return await render(request, "channel_form.html", status_code=status_code, form=form,
                        errors=errors, organization_kinds=ORGANIZATION_KINDS)  # fmt: skip


async def new_channel(request: Request) -> Response:
    """The form to submit a donation channel (an organization and its official notice are
    required); then the channel's page, with the edit code and the private link, once."""
    if request.method == "GET":
        return await _form(request, {}, {})
    form = await request.form()
    t = translator(page_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await _form(request, form, {"": t("form.csrf")}, 400)
    document = doc.submit_document("DonationChannel", "donationChannel")
    result = await call(request, document, {"input": channel_input(form)})
    payload = result.data.get("submitDonationChannel") or {}
    errors = payload.get("userErrors") or []
    if not result.ok or errors or not payload.get("donationChannel"):
        shown = field_errors(errors) or {"": first_message(result, errors, t)}
        return await _form(request, form, shown, 400)
    request.scope["path_params"] = {"entry_id": payload["donationChannel"]["id"]}
    state: Any = request.app.state
    return await entry_response(
        request,
        "entry.html",
        posted=True,
        edit_token=payload.get("editToken"),
        reconfirmation_token=payload.get("reconfirmationToken"),
        reconfirmation_days=state.settings.reconfirmation_days,
    )


def channel_routes() -> list[BaseRoute]:
    """The donation channels' own routes (their list and pages are the entries' own)."""
    return [Route(f"/{KIND_LIST}/new", new_channel, methods=["GET", "POST"])]
