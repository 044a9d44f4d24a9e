"""A need: supplies a hospital or clinic lacks, and how urgently."""

from __future__ import annotations

from hub.domain.enums import EntryKind, MissingDetail, OrganizationKind, Urgency
from hub.domain.kinds.spec import Kind, Lifetime, detail, details_class


@details_class
class NeedDetails:
    """What only a need has (besides its supply items)."""

    # Null: the source does not say. It ranks as MEDIUM (hub/domain/priority.py) and shows as
    # "not stated": a guess would put it above or below real needs for no reason.
    urgency: Urgency | None = detail(
        "紧急程度",
        "Urgency",
        hxl="#severity",
        description="Null: not stated by the source (ranked as MEDIUM).",
        input_description="Leave out when the source does not say.",
        default=None,
        may_be_unstated=True,
    )


NEED = Kind(
    EntryKind.NEED,
    type_name="Need",
    details=NeedDetails,
    description="Supplies a hospital or clinic needs.",
    submit_description="A hospital's or clinic's need for supplies.",
    update_description="Changes to a need.",
    slug="needs",
    noun=("需求", "Need"),
    # The urgency lives on the entry row itself: every list orders by it.
    table=None,
    has_items=True,
    # Hospitals' notices often say "short of protective supplies" with no list, or give no
    # phone: such needs are real and accepted, and a reviewer completes them before verifying.
    completed_by_reviewers=(MissingDetail.ITEMS, MissingDetail.CONTACT),
    organization_kinds=(
        OrganizationKind.HOSPITAL,
        OrganizationKind.CLINIC,
        OrganizationKind.COMMUNITY,
        OrganizationKind.GOVERNMENT,
        OrganizationKind.CHARITY,
        OrganizationKind.OTHER,
    ),
    lifetime=Lifetime.NEED,
    filter_type="NeedFilter",
    search_words="需求 need",
)
