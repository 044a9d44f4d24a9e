"""From listing to delivery on the pages: pledging to a need, the pledge's page (its moves,
shipments and carrier), and messages to an entry's poster."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from hub.web import flow_documents as flow
from hub.web.api import ApiResult, call, page_language
from hub.web.contact_forms import renumbered
from hub.web.entry_view import entry_response
from hub.web.forms import field, number, region
from hub.web.i18n import translator
from hub.web.render import field_errors, first_message, render
from hub.web.security import CSRF_FIELD, csrf_ok

# The moves a page offers from each status; who may make them is the API's to decide.
MOVES = {
    "PROPOSED": ("ACCEPTED", "CANCELLED"),
    "ACCEPTED": ("IN_TRANSIT", "DELIVERED", "CANCELLED"),
    "IN_TRANSIT": ("DELIVERED", "CANCELLED"),
}
# A carrier can be put on a pledge once it is accepted (the pledge page's carrier form).
CARRIED = ("ACCEPTED", "IN_TRANSIT")
SHIPMENT_MOVES = ("PICKED_UP", "IN_TRANSIT", "DELIVERED", "CANCELLED")
MAX_NEED_ITEMS = 50  # the API's own cap on a need's lines


def _payload(result: ApiResult, name: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    payload = result.data.get(name) or {}
    return payload, payload.get("userErrors") or []


Again = Callable[[dict[str, str]], Awaitable[Response]]


async def _refused(
    request: Request, document: str, value: dict[str, Any], wanted: str, again: Again
) -> Response | None:
    """Run `document` with `value` as its input: None when its payload (`<field>.<what>`, e.g.
    "assignCarrier.shipment") holds what was wanted, else the form again with why not."""
    name, what = wanted.split(".")
    result = await call(request, document, {"input": value})
    payload, errors = _payload(result, name)
    if not result.ok or errors or not payload.get(what):
        t = translator(page_language(request))
        return await again(_failure(result, errors, t))
    return None


def _prefixed(errors: Mapping[str, str], prefix: str) -> dict[str, str]:
    """Errors by field named `<prefix>.<field>` (ids stay unique on a page of several forms);
    the general message keeps the empty name."""
    return {f"{prefix}.{name}" if name else "": message for name, message in errors.items()}


def _failure(result: ApiResult, errors: list[dict[str, Any]], t: Any) -> dict[str, str]:
    """userErrors by field; a refusal, a limit or a failure as one general message."""
    shown = field_errors(errors)
    if "FORBIDDEN" in result.error_codes or "UNAUTHENTICATED" in result.error_codes:
        shown[""] = t("pledge.forbidden")
    elif not errors or not result.ok:
        shown.setdefault("", first_message(result, errors, t))
    return shown


def pledge_lines(
    form: Mapping[str, Any], t: Any
) -> tuple[list[dict[str, Any]], dict[str, str], dict[int, int]]:
    """The pledge's lines from the quantities typed per needed item (empty ones left out),
    errors by field for text that is not a number, and which needed item each line sent is."""
    lines: list[dict[str, Any]] = []
    wrong: dict[str, str] = {}
    origin: dict[int, int] = {}
    for n in range(MAX_NEED_ITEMS):
        quantity = number(field(form, f"quantity{n}"))
        if quantity is None:
            continue
        if isinstance(quantity, str):
            wrong[f"items.{n}.quantity"] = t("form.not_a_number")
            continue
        origin[len(lines)] = n
        lines.append({"needItem": n, "quantity": quantity})
    return lines, wrong, origin


def _again(
    page: Callable[..., Awaitable[Response]], form: FormData, name: str, **extra: Any
) -> Again:
    """`page` again, with the `name` form as it was sent and its errors (`<name>_form`,
    `<name>_errors`)."""

    def again(errors: dict[str, str]) -> Awaitable[Response]:
        shown = {f"{name}_form": form, f"{name}_errors": _prefixed(errors, name)}
        return page(status_code=400, **shown, **extra)

    return again


async def pledge_to_need(request: Request) -> Response:
    """pledge from a need's page: the donor's name, a quantity per item, a note; the donor's
    edit code is then shown once, with the way to the pledge's page."""
    form = await request.form()
    t = translator(page_language(request))
    again = _again(partial(entry_response, request, "entry.html"), form, "pledge")

    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await again({"": t("form.csrf")})
    lines, wrong, origin = pledge_lines(form, t)
    if wrong:
        return await again(wrong)
    if not lines:
        return await again({"items": t("pledge.no_items")})
    value = {
        "needId": str(request.path_params["entry_id"]),
        "donorName": field(form, "donor_name"),
        "note": field(form, "note"),
        "items": lines,
    }
    result = await call(request, flow.PLEDGE, {"input": value})
    payload, errors = _payload(result, "pledge")
    if not result.ok or errors or not payload.get("pledge"):
        return await again(renumbered(_failure(result, errors, t), "items", origin))
    return await entry_response(
        request,
        "entry.html",
        pledged=payload["pledge"]["id"],
        pledge_token=payload.get("editToken"),
    )


async def send_message(request: Request) -> Response:
    """sendMessage from an entry's page: the poster reads it behind their private link, and
    nobody needs their number."""
    form = await request.form()
    t = translator(page_language(request))
    again = _again(partial(entry_response, request, "entry.html"), form, "message")

    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await again({"": t("form.csrf")})
    value = {
        "entryId": str(request.path_params["entry_id"]),
        "body": str(form.get("body") or "").strip(),
        "replyTo": field(form, "reply_to"),
    }
    result = await call(request, flow.SEND_MESSAGE, {"input": value})
    payload, errors = _payload(result, "sendMessage")
    if not result.ok or errors or not payload.get("sent"):
        if "RATE_LIMITED" in result.error_codes:
            return await again({"": t("message.rate_limited")})
        return await again(_failure(result, errors, t))
    return await entry_response(request, "entry.html", message_sent=True)


async def pledge_page(request: Request, status_code: int = 200, **extra: Any) -> Response:
    """A pledge: its need and offer, items, status, shipments; the forms to move it on, to
    put a carrier on it and to report a shipment's progress."""
    found = await call(request, flow.PLEDGE_PAGE, {"id": str(request.path_params["pledge_id"])})
    pledge = found.data.get("pledge")
    if pledge is None:
        return await render(request, "not_found.html", status_code=404)
    need = pledge.get("need") or {}
    offer = pledge.get("offer") or {}
    edges: list[dict[str, Any]] = []
    if pledge["status"] in CARRIED:
        province = (need.get("region") or {}).get("province")
        carriers = await call(request, flow.CARRIERS, {"province": province})
        edges = (carriers.data.get("logisticsOffers") or {}).get("edges") or []
    where_from = offer.get("region") or {}
    where_to = need.get("region") or {}
    values: dict[str, Any] = {
        "move_form": {},
        "move_errors": {},
        "carrier_form": {
            "pickup_province": where_from.get("province") or "",
            "pickup_city": where_from.get("city") or "",
            "dropoff_province": where_to.get("province") or "",
            "dropoff_city": where_to.get("city") or "",
        },
        "carrier_errors": {},
        "shipment_form": {},
        "shipment_errors": {},
        "shipment_failed": None,
        **extra,
    }
    return await render(
        request,
        "pledge.html",
        status_code=status_code,
        pledge=pledge,
        moves=MOVES.get(pledge["status"], ()),
        carried=CARRIED,
        shipment_moves=SHIPMENT_MOVES,
        carriers=[edge["node"] for edge in edges],
        **values,
    )


async def move_pledge(request: Request) -> Response:
    """setPledgeStatus: accept, in transit, delivered, or cancel with a reason; with the edit
    code, or as a signed-in party or coordinator. A refusal saves nothing and says so."""
    form = await request.form()
    t = translator(page_language(request))

    again = _again(partial(pledge_page, request), form, "move")

    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await again({"": t("form.csrf")})
    status = str(form.get("status") or "")
    if status not in {move for moves in MOVES.values() for move in moves}:
        return await again({"": t("error.generic")})
    value = {
        "id": str(request.path_params["pledge_id"]),
        "status": status,
        "reason": field(form, "reason"),
        "editToken": field(form, "edit_token"),
    }
    refused = await _refused(
        request, flow.SET_PLEDGE_STATUS, value, "setPledgeStatus.pledge", again
    )
    if refused:
        return refused
    return await pledge_page(request, moved=status)


def carrier_input(form: FormData, pledge_id: str) -> dict[str, Any]:
    """assignCarrier's input from the carrier form: a logistics offer typed by id wins over the
    one picked from the list."""
    text = partial(field, form)
    return {
        "pledgeId": pledge_id,
        "logisticsOfferId": text("logistics_offer_id") or text("logistics_offer") or "",
        "pickup": region(text, "pickup_"),
        "dropoff": region(text, "dropoff_"),
        "weightKg": number(text("weight_kg")),
        "volumeM3": number(text("volume_m3")),
        "trackingNote": text("tracking_note"),
        "editToken": text("edit_token"),
    }


async def assign_carrier(request: Request) -> Response:
    """assignCarrier: a logistics offer takes the goods, within its remaining capacity."""
    form = await request.form()
    t = translator(page_language(request))

    again = _again(partial(pledge_page, request), form, "carrier")

    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await again({"": t("form.csrf")})
    value = carrier_input(form, str(request.path_params["pledge_id"]))
    wrong = {
        name: t("form.not_a_number")
        for name in ("weightKg", "volumeM3")
        if isinstance(value[name], str)
    }
    if not value["logisticsOfferId"]:
        wrong["logisticsOfferId"] = t("shipment.choose_carrier")
    if wrong:
        return await again(wrong)
    refused = await _refused(request, flow.ASSIGN_CARRIER, value, "assignCarrier.shipment", again)
    if refused:
        return refused
    return await pledge_page(request, carrier_assigned=True)


async def report_shipment(request: Request) -> Response:
    """updateShipment: picked up, on the road, delivered or cancelled, with a tracking note."""
    form = await request.form()
    t = translator(page_language(request))
    shipment_id = str(request.path_params["shipment_id"])

    again = _again(partial(pledge_page, request), form, "shipment", shipment_failed=shipment_id)

    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await again({"": t("form.csrf")})
    status = str(form.get("status") or "")
    if status not in SHIPMENT_MOVES:
        return await again({"status": t("error.generic")})
    value = {
        "id": shipment_id,
        "status": status,
        "trackingNote": field(form, "tracking_note"),
        "editToken": field(form, "edit_token"),
    }
    refused = await _refused(request, flow.UPDATE_SHIPMENT, value, "updateShipment.shipment", again)
    if refused:
        return refused
    return await pledge_page(request, shipment_reported=True)


def pledge_routes() -> list[BaseRoute]:
    """The routes of pledging, pledges and messages (web_routes includes them)."""
    return [
        Route("/entries/{entry_id}/pledge", pledge_to_need, methods=["POST"]),
        Route("/entries/{entry_id}/message", send_message, methods=["POST"]),
        Route("/pledges/{pledge_id}", pledge_page),
        Route("/pledges/{pledge_id}/status", move_pledge, methods=["POST"]),
        Route("/pledges/{pledge_id}/carrier", assign_carrier, methods=["POST"]),
        Route("/pledges/{pledge_id}/shipments/{shipment_id}", report_shipment, methods=["POST"]),
    ]
