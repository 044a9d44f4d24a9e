"""Small shared types: regions, contacts, sources, user errors, page info, and their inputs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types.unset import UnsetType

import hub.graphql.enums  # noqa: F401 - registers the enums with strawberry
from hub.domain import model
from hub.domain.enums import ContactVisibility
from hub.domain.errors import ErrorCode
from hub.domain.errors import UserError as DomainUserError
from hub.domain.messages import message
from hub.domain.privacy import visible_contact
from hub.domain.user_warnings import InputWarning as DomainWarning
from hub.domain.user_warnings import WarningCode, warning_message
from hub.graphql.ids import expect_global_id, node_id
from hub.graphql.views import view_of


@strawberry.type(
    description="Where something is, in the national division list's names (GB/T 2260): "
    "province 湖北省, city 武汉市 (a municipality's city is itself: 北京市), district 江岸区. "
    'Province "全国" (adminCode 100000) is the whole country.'
)
class Region:
    province: str
    city: str | None
    district: str | None
    admin_code: str | None = strawberry.field(
        description="Administrative division code (GB/T 2260), when known."
    )

    @classmethod
    def of(cls, region: model.Region) -> Region:
        """The GraphQL view of a domain region."""
        return view_of(cls, region)


@strawberry.type(
    description="A way to reach someone. PROTECTED contacts are redacted for the public: "
    "`redacted` is then true, phone and otherChannel are null and the name is masked."
)
class Contact:
    id: strawberry.ID | None = strawberry.field(description="Pass it to revealContact.")
    name: str | None
    phone: str | None
    other_channel: str | None = strawberry.field(description="WeChat id, e-mail or similar.")
    visibility: ContactVisibility
    redacted: bool
    phone_e164: str | None = strawberry.field(
        name="phoneE164",
        default=None,
        description="The phone in E.164 (+8613800138000), null when the number cannot be "
        "dialled from abroad (120, 12345, 95xxx, 400/800 numbers, local numbers without area "
        "code) and when the contact is redacted.",
    )
    phone_extension: str | None = strawberry.field(
        default=None,
        description="The extension to ask for (also in `phone`, after 转); null when redacted.",
    )

    @classmethod
    def list_of(cls, contacts: tuple[model.Contact, ...], may_see_protected: bool) -> list[Contact]:
        """Contacts as this reader may see them."""
        shown = [(c.id, visible_contact(c, may_see_protected=may_see_protected)) for c in contacts]
        return [
            cls(
                id=node_id("Contact", contact_id) if contact_id else None,
                name=c.name,
                phone=c.phone,
                other_channel=c.other_channel,
                visibility=c.visibility,
                redacted=c.redacted,
                phone_e164=c.phone_e164,
                phone_extension=c.phone_extension,
            )
            for contact_id, c in shown
        ]


@strawberry.type(description="Where the information came from.")
class Source:
    url: str | None
    note: str | None


@strawberry.type(description="A problem with one input field; nothing was written.")
class UserError:
    field: str | None = strawberry.field(
        description="Path of the input field, e.g. `items.0.quantity`."
    )
    code: ErrorCode = strawberry.field(description="Stable code; never translated.")
    message: str = strawberry.field(description="In the language of Accept-Language (zh or en).")

    @classmethod
    def list_of(cls, errors: list[DomainUserError], language: str) -> list[UserError]:
        """Domain errors with their messages in `language`."""
        return [cls(field=e.field, code=e.code, message=message(e, language)) for e in errors]

    @classmethod
    def single(cls, field: str, code: ErrorCode, language: str) -> list[UserError]:
        """A list with one error."""
        return cls.list_of([DomainUserError(field, code)], language)


@strawberry.type(
    name="UserWarning",
    description="Something stored differently from how it was sent, or kept as written "
    "because it could not be read; nothing was refused.",
)
class InputWarning:
    field: str | None = strawberry.field(
        description="Path of the input field as sent, e.g. `contacts.0.phone`."
    )
    code: WarningCode = strawberry.field(description="Stable code; never translated.")
    message: str = strawberry.field(description="In the language of Accept-Language (zh or en).")

    @classmethod
    def list_of(cls, warnings: list[DomainWarning], language: str) -> list[InputWarning]:
        """Domain warnings with their messages in `language`."""
        return [
            cls(field=w.field, code=w.code, message=warning_message(w, language)) for w in warnings
        ]


WARNINGS = (
    "What was stored differently from how it was sent (a phone field split into several "
    "contacts, a text kept as written in otherChannel); empty when all was stored as sent."
)


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


# -- inputs ----------------------------------------------------------------------------------

UNSET: Any = strawberry.UNSET


def given(value: object) -> bool:
    """Whether an optional input field was sent (null counts as sent)."""
    return not isinstance(value, UnsetType)


def decimal(value: float | None) -> Decimal | None:
    """A float from JSON as an exact decimal, via its shortest text form (0.1 stays 0.1)."""
    return None if value is None else Decimal(str(value))


def blank_to_none(value: str | None) -> str | None:
    """The text stripped; None when nothing is left."""
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


@strawberry.input(
    description="Where something is; province is required. Names are read against the "
    "national division list (GB/T 2260): 湖北, Hubei and 湖北省 are stored as 湖北省, 武汉 as "
    "武汉市 (the province inferred from the city), 湖北省武汉市 in one field is split, and "
    "adminCode is filled with the most specific division found. An unknown province is "
    "refused (UNKNOWN_REGION, with suggestions); a city or district not on the list is kept "
    'as written. "全国" (nationwide) is accepted for offers, logistics offers and donation '
    "channels (NATIONWIDE_NOT_ALLOWED otherwise); an adminCode that names another place is "
    "REGION_CODE_MISMATCH."
)
class RegionInput:
    province: str
    city: str | None = None
    district: str | None = None
    admin_code: str | None = None

    def to_domain(self) -> model.Region:
        """The domain region."""
        return model.Region(
            province=self.province.strip(),
            city=blank_to_none(self.city),
            district=blank_to_none(self.district),
            admin_code=blank_to_none(self.admin_code),
        )


@strawberry.input(
    description="A contact; a phone number or another channel is required. `phone` is read as "
    "people write it: several numbers (separated by ; / 、 ， or new lines) or several people "
    "with their roles (余主任139…，周科长139…) become several contacts, a name before a number "
    "becomes the contact's name, a remark in brackets goes to otherChannel, and what is no "
    "number is kept as written in otherChannel; the payload's `warnings` say so."
)
class ContactInput:
    name: str | None = None
    phone: str | None = None
    other_channel: str | None = None
    visibility: ContactVisibility = strawberry.field(
        default=ContactVisibility.PROTECTED,
        description="PROTECTED (the default) hides the details from the public.",
    )
    id: strawberry.ID | None = strawberry.field(
        default=None,
        description="In an update: keep this existing contact of the record (Contact.id) as it "
        "is, without sending its protected details again; name, phone and otherChannel must "
        "then be left out.",
    )

    def to_domain(self) -> model.Contact:
        """The domain contact."""
        return model.Contact(self.name, self.phone, self.other_channel, self.visibility)


def updated_contacts(
    inputs: list[ContactInput], current: tuple[model.Contact, ...]
) -> tuple[model.Contact, ...]:
    """The contacts an update sends: new ones as given, kept ones (by id) as stored.

    An id that is not one of the record's contacts keeps nothing: the line is then a contact
    with no details, which validation refuses at that line.
    """
    stored = {c.id: c for c in current if c.id is not None}
    contacts = []
    for contact in inputs:
        kept_id = expect_global_id(contact.id, "Contact") if contact.id else None
        details = contact.name or contact.phone or contact.other_channel
        if kept_id in stored and not details:
            contacts.append(stored[kept_id])
        else:
            contacts.append(contact.to_domain())
    return tuple(contacts)


@strawberry.input(description="Where the information came from (a notice, a post, a call).")
class SourceInput:
    url: str | None = None
    note: str | None = None
