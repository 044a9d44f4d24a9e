"""The lists: the home page's counts, and one kind of entry filtered, searched, paged."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from hub.domain.kinds import KINDS, Kind, kind_by_slug
from hub.web import documents as doc
from hub.web.api import call
from hub.web.live_pages import ANY_STATUSES, home_live, list_live
from hub.web.render import render


async def home(request: Request) -> Response:
    """Counts and the most urgent verified needs."""
    result = await call(request, doc.HOME)
    return await render(
        request, "home.html", data=result.data, kinds=KINDS, failed=not result.ok, live=home_live()
    )


def _list_filter(request: Request, kind: Kind) -> dict[str, Any]:
    params = request.query_params
    flt: dict[str, Any] = {}
    for name, key in (("province", "province"), ("city", "city")):
        if params.get(name):
            flt[key] = params[name]
    if params.get("category"):
        flt["categoryCodes"] = [params["category"]]
    if params.get("urgency") and kind.filter_type == "NeedFilter":
        flt["urgencies"] = [params["urgency"]]
    verification = params.get("verification")
    if verification == "ANY":
        flt["verificationStatuses"] = list(ANY_STATUSES)
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
    kind = kind_by_slug(kind_list)
    if kind is None:
        return await render(request, "not_found.html", status_code=404)
    flt = _list_filter(request, kind)
    query = request.query_params.get("q", "").strip()[:200]
    after = request.query_params.get("after") or None
    if query:
        result = await call(
            request,
            doc.SEARCH,
            {"q": query, "kinds": [kind.kind.value], "filter": _search_filter(flt), "after": after},
        )
        connection = result.data.get("search")
    else:
        result = await call(request, doc.list_document(kind), {"filter": flt, "after": after})
        connection = result.data.get("list")
    return await render(
        request,
        "list.html",
        kind_list=kind_list,
        kind=kind.kind.value,
        query=query,
        params=request.query_params,
        connection=connection,
        live=list_live(
            kind,
            flt,
            searching=bool(query),
            first_page=after is None,
            more=bool(connection and connection["pageInfo"]["hasNextPage"]),
        )
        if connection
        else None,
        categories=result.data.get("supplyCategories") or [],
        failed=not result.ok,
        export_query=export_query(flt),
        licence=request.app.state.settings.export_licence,
    )
