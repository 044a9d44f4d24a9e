"""The review queue: claim an entry, reveal its contacts, decide."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hub.web import documents as doc
from hub.web.api import call, page_language
from hub.web.entry_view import entry_response
from hub.web.i18n import translator
from hub.web.live_pages import review_live
from hub.web.render import first_message, render
from hub.web.security import CSRF_FIELD, csrf_ok

REVIEWER_ROLES = ("REVIEWER", "COORDINATOR", "ADMIN")


async def review_queue(request: Request, **extra: Any) -> Response:
    """Entries waiting for a reviewer, most urgent first; a reviewer claims one to check it."""
    result = await call(request, doc.REVIEW_QUEUE)
    me = result.data.get("me") or {}
    allowed = me.get("role") in REVIEWER_ROLES
    return await render(
        request,
        "review.html",
        allowed=allowed,
        queue=result.data.get("reviewQueue") if allowed else None,
        live=review_live(),
        **extra,
    )


async def _claimed_page(request: Request, **extra: Any) -> Response:
    """The entry a reviewer has claimed: its contacts (revealable), and the decision form."""
    return await entry_response(request, "review_entry.html", **extra)


async def claim(request: Request) -> Response:
    """claimReview: the entry leaves every other reviewer's queue while this one checks it."""
    form = await request.form()
    t = translator(page_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await review_queue(request, review_error=t("form.csrf"))
    claimed = await call(request, doc.CLAIM, {"id": str(request.path_params["entry_id"])})
    errors = (claimed.data.get("claimReview") or {}).get("userErrors") or []
    if not claimed.ok or errors:
        return await review_queue(request, review_error=first_message(claimed, errors, t))
    return await _claimed_page(request)


async def reveal(request: Request) -> Response:
    """revealContact for a reviewer about to phone (audited and rate-limited by the API)."""
    form = await request.form()
    t = translator(page_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await _claimed_page(request, review_error=t("form.csrf"), status_code=400)
    contact_id = str(form.get("contact") or "")
    result = await call(request, doc.REVEAL, {"id": contact_id})
    payload = result.data.get("revealContact") or {}
    errors = payload.get("userErrors") or []
    contact = payload.get("contact")
    if not result.ok or errors or not contact:
        return await _claimed_page(
            request, review_error=first_message(result, errors, t), status_code=400
        )
    # Keyed by the id asked for: a contact shown in full carries no id of its own.
    return await _claimed_page(request, revealed={contact_id: contact})


async def decide(request: Request) -> Response:
    """reviewEntry on a claimed entry (claiming again first renews the reviewer's lease)."""
    form = await request.form()
    t = translator(page_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await _claimed_page(request, review_error=t("form.csrf"), status_code=400)
    entry_id = str(request.path_params["entry_id"])
    claimed = await call(request, doc.CLAIM, {"id": entry_id})
    claim_errors = (claimed.data.get("claimReview") or {}).get("userErrors") or []
    if not claimed.ok or claim_errors:
        return await review_queue(request, review_error=first_message(claimed, claim_errors, t))
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
            request, review_error=first_message(decided, errors, t), status_code=400
        )
    return await review_queue(request, review_done=True)
