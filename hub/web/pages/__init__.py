"""The pages: each one runs public GraphQL documents as the visitor and renders a template.

One module per concept: the lists, an entry's page, the live pages' fragments, posting,
editing, the poster's private link, organizations, signing in, review, coordination and
imports; hub.web.pledge_pages has the pledges and shipments.
"""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from hub.web.pages.accounts import accounts_page, approve, change_role
from hub.web.pages.auth import sign_in, sign_out, sign_up
from hub.web.pages.coordinate import coordinate, merge, merge_organizations
from hub.web.pages.editing import edit_entry
from hub.web.pages.entries import entry_page, report_problem
from hub.web.pages.fragments import counts, entry_row
from hub.web.pages.imports import import_sheet
from hub.web.pages.lists import entry_list, home
from hub.web.pages.organizations import edit_organization, new_organization
from hub.web.pages.posting import new_entry
from hub.web.pages.reconfirm import reconfirm
from hub.web.pages.regions import region_children
from hub.web.pages.review import claim, decide, reveal, review_queue
from hub.web.pledge_pages import pledge_routes

STATIC = Path(__file__).resolve().parents[1] / "static"


def web_routes() -> list[BaseRoute]:
    """The pages' routes (mounted at / by hub.app)."""
    return [
        Route("/", home),
        Route("/entries/{entry_id}", entry_page),
        Route("/fragments/entries/{entry_id}", entry_row),
        Route("/fragments/counts", counts),
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
        Route("/coordinate/merge-organizations", merge_organizations, methods=["POST"]),
        Route("/coordinate/import", import_sheet, methods=["GET", "POST"]),
        Route("/coordinate/accounts", accounts_page),
        Route("/coordinate/accounts/approve", approve, methods=["POST"]),
        Route("/coordinate/accounts/role", change_role, methods=["POST"]),
        Route("/regions/{code}.json", region_children),
        Mount("/assets", app=StaticFiles(directory=STATIC), name="assets"),
        Route("/{kind}", entry_list),
    ]
