"""A need: supplies a hospital or clinic lacks, and how urgently."""

from __future__ import annotations

from hub.domain.enums import EntryKind, OrganizationKind, Urgency
from hub.domain.kinds.spec import Kind, Lifetime, detail, details_class


@details_class
class NeedDetails:
    """What only a need has (besides its supply items)."""

    urgency: Urgency = detail("紧急程度", "Urgency", hxl="#severity", import_default=Urgency.MEDIUM)


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
    contacts_required=True,
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
