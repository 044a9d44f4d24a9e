"""Registering an organization, and changing it with its edit code."""

from __future__ import annotations

from collections.abc import Awaitable
from functools import partial
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from hub.domain.enums import OrganizationKind
from hub.web import documents as doc
from hub.web.api import call, page_language
from hub.web.forms import (
    field,
    region,
)
from hub.web.i18n import translator
from hub.web.render import field_errors, first_message, render
from hub.web.security import CSRF_FIELD, csrf_ok

ALL_ORGANIZATION_KINDS = tuple(k.value for k in OrganizationKind)


async def new_organization(request: Request) -> Response:
    """Register an organization on its own (it can then be named by its entries)."""
    if request.method == "GET":
        return await render(request, "organization_form.html", form={}, errors={},
                             kinds=ALL_ORGANIZATION_KINDS)  # fmt: skip
    form = await request.form()
    t = translator(page_language(request))

    def again(errors: dict[str, str]) -> Awaitable[Response]:
        return render(request, "organization_form.html", form=form, errors=errors,
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
        return await again(field_errors(errors) or {"": first_message(result, errors, t)})
    return await render(
        request,
        "organization_done.html",
        organization=payload["organization"],
        edit_token=payload.get("editToken"),
        reused=payload.get("reusedExisting"),
        similar=payload.get("similarOrganizations") or [],
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
        return await render(request, "not_found.html", status_code=404)
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
        return await render(request, "organization_form.html", form=current, errors={}, **values)
    form = await request.form()
    t = translator(page_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await render(request, "organization_form.html", form=form,
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
        shown = field_errors(errors) or {"": first_message(result, errors, t)}
        return await render(request, "organization_form.html", form=form, errors=shown,
                             status_code=400, **values)  # fmt: skip
    return await render(
        request, "organization_form.html", form=form, errors={}, saved=True, **values
    )
