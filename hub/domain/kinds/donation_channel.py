"""A donation channel: an organization's official account for money donations.

It is published only once verified, and until then its account number is masked for everyone
but reviewers (hub/domain/donations.py): a forged channel must not collect money while it waits
in the queue. The entry's source URL is the official notice that publishes the account.
"""

from __future__ import annotations

from hub.domain.enums import EntryKind, OrganizationKind
from hub.domain.kinds.common import MAX_NAME, MAX_NOTES
from hub.domain.kinds.spec import (
    AccountNumber,
    Disclosure,
    Kind,
    SearchUse,
    SourceRequired,
    Text,
    detail,
    details_class,
)


@details_class
class DonationChannelDetails:
    """What only a donation channel has; the entry's source URL is the official notice."""

    account_name: str = detail(
        "户名",
        "Account holder",
        hxl="#meta+account+name",
        export_zh="账户名称",
        description="The account holder, as the bank has it.",
        check=Text(MAX_NAME, required=True),
        search=SearchUse.TITLE,
        import_default="",
    )
    bank: str = detail(
        "开户行",
        "Bank",
        hxl="#meta+bank",
        export_zh="开户银行",
        description="Bank and branch, or the payment platform.",
        check=Text(MAX_NAME, required=True),
        search=SearchUse.BODY,
        import_default="",
    )
    # Never searchable: searching by number is no use to a donor, and an unverified number
    # must not spread.
    account_number: str = detail(
        "账号",
        "Account number",
        hxl="#meta+account+number",
        description="In full once VERIFIED (and to reviewers); before that, masked but for "
        "the last four characters.",
        input_description=None,
        check=AccountNumber(),
        disclosure=Disclosure.MASKED_UNTIL_VERIFIED,
        import_default="",
    )
    remittance_note: str | None = detail(
        "转账附言",
        "Transfer note",
        hxl="#meta+remittance",
        export_zh="汇款附言",
        description="What donors write in the transfer's note (附言).",
        check=Text(MAX_NOTES),
        default=None,
    )
    purpose: str | None = detail(
        "用途",
        "Purpose",
        hxl="#meta+purpose",
        check=Text(MAX_NOTES),
        search=SearchUse.BODY,
        default=None,
    )


DONATION_CHANNEL = Kind(
    EntryKind.DONATION_CHANNEL,
    type_name="DonationChannel",
    details=DonationChannelDetails,
    description="An organization's official account for money donations, published once "
    "verified. Until then the account number shows only its last four characters.",
    submit_description="An organization's official account for money donations. It is "
    "published only once verified; source.url must point at the official notice that "
    "publishes the account.",
    update_description="Changes to a donation channel. Any change to what reviewers vouched "
    "for (the account number above all) sends it back to PENDING.",
    slug="donation-channels",
    noun=("捐款渠道", "Donation channel"),
    table="donation_channel",
    organization_kinds=(
        OrganizationKind.CHARITY,
        OrganizationKind.GOVERNMENT,
        OrganizationKind.HOSPITAL,
        OrganizationKind.COMMUNITY,
        OrganizationKind.OTHER,
    ),
    search_words="捐款 渠道 账户 donation channel account",
    checks=(SourceRequired(),),
    row_fields=("account_name", "bank", "account_number"),
)
