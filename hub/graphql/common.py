"""Small shared types: regions, contacts, sources, user errors, page info."""

from __future__ import annotations

import strawberry

import hub.graphql.enums  # noqa: F401 - registers the enums with strawberry
from hub.domain import model
from hub.domain.enums import ContactVisibility
from hub.domain.errors import ErrorCode
from hub.domain.errors import UserError as DomainUserError
from hub.domain.messages import message
from hub.domain.privacy import visible_contact
from hub.graphql.ids import to_global_id


@strawberry.type(description="Where something is.")
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
        return cls(
            province=region.province,
            city=region.city,
            district=region.district,
            admin_code=region.admin_code,
        )


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

    @classmethod
    def list_of(cls, contacts: tuple[model.Contact, ...], may_see_protected: bool) -> list[Contact]:
        """Contacts as this reader may see them."""
        shown = [(c.id, visible_contact(c, may_see_protected=may_see_protected)) for c in contacts]
        return [
            cls(
                id=strawberry.ID(to_global_id("Contact", contact_id)) if contact_id else None,
                name=c.name,
                phone=c.phone,
                other_channel=c.other_channel,
                visibility=c.visibility,
                redacted=c.redacted,
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


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None
