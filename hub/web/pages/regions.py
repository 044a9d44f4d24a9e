"""The division list for the pages' place pickers: the children of one division, as JSON.

The forms list the provinces themselves (hub/web/templates/_region_lists.html); the cities and
districts of the one chosen are asked for here, so that no page carries the 3,000 counties.
The list only changes with a release (hub/domain/gb2260_data.py): cached for a day.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hub.domain.regions import children_of, division, is_flat

CACHE = "public, max-age=86400"


async def region_children(request: Request) -> Response:
    """`{"name", "code", "flat", "children": [{"name", "code", "level"}]}` of the division whose
    6-digit code is in the path; 404 for a code the list does not hold. `flat` says a
    municipality's districts come right under it (its city is itself)."""
    code = str(request.path_params["code"])
    found = division(code) if code.isdigit() and len(code) == 6 else None
    if found is None or found.code != code:
        return JSONResponse({"error": "unknown division"}, status_code=404)
    body = {
        "name": found.name,
        "code": found.code,
        "flat": is_flat(found),
        "children": [
            {"name": d.name, "code": d.code, "level": d.level} for d in children_of(found.code)
        ],
    }
    return JSONResponse(body, headers={"cache-control": CACHE})
