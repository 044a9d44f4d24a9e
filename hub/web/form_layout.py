"""How the post and edit forms lay out a kind's details, made from its declaration
(hub/domain/kinds): each field's input from its type, its words from its labels, and where it
stands (the kind's own fields, those it shares with other kinds, its period)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum

from hub.domain.enums import EntryKind
from hub.domain.kinds import KINDS, Kind
from hub.domain.kinds.spec import Disclosure, FieldSpec, Period, SourceRequired
from hub.domain.region import Region
from hub.web.i18n import ENUM_LABELS, LANGUAGES, MESSAGES, enum_label_prefix

# The value of the "not stated" option of a field the source may leave unstated (the form's
# default, so that nobody has to guess), and of "yes" and "no" for such a yes/no field.
NOT_STATED = ""
YES = "1"
NO = "0"
# The labels (hub/web/catalogue) of those options.
_OPTION_LABELS = {NOT_STATED: "choice.not_stated", YES: "choice.yes", NO: "choice.no"}


def is_tristate(spec: FieldSpec) -> bool:
    """Whether a yes/no field may also be "not stated" (a select, not a checkbox)."""
    return spec.value_type is bool and spec.may_be_unstated


def enum_options(spec: FieldSpec) -> tuple[str, ...]:
    """A choice's values in the order the forms offer them (that of their labels), "not
    stated" first where the source may leave it so; none for a field of another type."""
    if is_tristate(spec):
        return (NOT_STATED, YES, NO)
    if not spec.is_choice:
        return ()
    unstated = (NOT_STATED,) if spec.may_be_unstated else ()
    keys = list(ENUM_LABELS)
    prefix = enum_label_prefix(spec.value_type)
    enum: type[Enum] = spec.value_type
    values = [str(member.value) for member in enum]
    return unstated + tuple(sorted(values, key=lambda v: keys.index(prefix + v) if prefix + v
                                   in keys else len(keys)))  # fmt: skip


def source_required(kind: Kind) -> bool:
    return any(isinstance(check, SourceRequired) for check in kind.checks)


def organization_required(kind: Kind) -> bool:
    """Whether the post form asks for an organization rather than offering a person's name.

    Lodging is the exception the pages have always made: its form offers a host's name too,
    though the API then asks for an organization (hub.domain.validation says which kinds
    need one)."""
    return not kind.individuals_may_post and kind.kind is not EntryKind.LODGING


def masked_fields(kind: Kind) -> tuple[FieldSpec, ...]:
    """The fields the public sees masked until verified (never shown back in a form)."""
    return tuple(spec for spec in kind.fields if spec.meta.disclosure is not Disclosure.PLAIN)


@dataclass(frozen=True)
class FormField:
    """A details field as the post and edit forms show it: its input comes from its type."""

    spec: FieldSpec

    @property
    def name(self) -> str:
        """The form input's name (for a place, the stem of its parts' names)."""
        return self.spec.name

    @property
    def api(self) -> str:
        """The API's name of the field: its userErrors' field, and the input's id."""
        return self.spec.public_name

    @property
    def widget(self) -> str:
        """checkbox, number, datetime-local, region, select or text."""
        kind = self.spec.value_type
        if kind is bool:
            return "select" if is_tristate(self.spec) else "checkbox"
        if kind in (int, Decimal):
            return "number"
        if kind is datetime:
            return "datetime-local"
        if kind is Region:
            return "region"
        return "select" if self.spec.is_choice else "text"

    @property
    def step(self) -> str | None:
        """A decimal takes any step; a whole number the browser's own."""
        return "any" if self.spec.value_type is Decimal else None

    @property
    def masked(self) -> bool:
        """Whether the form never shows the value back (see masked_fields)."""
        return self.spec.meta.disclosure is not Disclosure.PLAIN

    def required(self, editing: bool = False) -> bool:
        """Whether the input must be filled in (a masked one only when posting)."""
        return not self.spec.has_input_default and not (editing and self.masked)

    @property
    def options(self) -> tuple[str, ...]:
        """An enum field's values, in the order the forms offer them."""
        return enum_options(self.spec)

    def option_key(self, value: str) -> str:
        """The key of an option's label (hub.web.i18n.ENUM_LABELS): not stated, yes, no, or
        an enum value's."""
        if value == NOT_STATED or is_tristate(self.spec):
            return _OPTION_LABELS[value]
        return enum_label_prefix(self.spec.value_type) + value

    def label(self, language: str, editing: bool = False) -> str:
        """The field's label: the form's own words where it has some (`form.<name>`), else
        the kind's label; a masked field being edited asks for a new value."""
        index = LANGUAGES.index(language)
        own = MESSAGES.get(f"form.{self.name}")
        label = own[index] if own else self.spec.label[index]
        if editing and self.masked:
            text = MESSAGES["form.masked_new"][index]
            return text.format(label=label if index == 0 else label[:1].lower() + label[1:])
        return label

    def part_label(self, part: str, language: str) -> str:
        """The label of one part of a place (`form.<name>_<part>`)."""
        return MESSAGES[f"form.{self.name}_{part}"][LANGUAGES.index(language)]


@dataclass(frozen=True)
class KindForm:
    """How the forms lay out a kind's details: its own fields first (in a fieldset when the
    pages have a legend for it, `kind.details_<slug>`), then those it shares with other kinds,
    then the period it is available in."""

    kind: Kind

    @property
    def legend(self) -> str | None:
        """The message key of the own fields' fieldset, if they have one."""
        key = f"kind.details_{self.kind.slug}"
        return key if key in MESSAGES else None

    @property
    def own(self) -> tuple[FormField, ...]:
        """The fields no other kind has."""
        return tuple(
            FormField(s) for s in self.kind.fields if not _shared(s) and not _timed(self.kind, s)
        )

    @property
    def shared(self) -> tuple[FormField, ...]:
        """The fields other kinds have too (is it free, its price), outside its period."""
        return tuple(
            FormField(s) for s in self.kind.fields if _shared(s) and not _timed(self.kind, s)
        )

    @property
    def period(self) -> tuple[FormField, ...]:
        """The fields of the period it is available in (a fieldset of their own)."""
        return tuple(FormField(s) for s in self.kind.fields if _timed(self.kind, s))

    @property
    def asks_source(self) -> bool:
        """Whether the details end with the source's link (what reviewers check against)."""
        return source_required(self.kind)

    @property
    def organization_required(self) -> bool:
        """See organization_required."""
        return organization_required(self.kind)


def _shared(spec: FieldSpec) -> bool:
    return sum(k.has_field(spec.name) for k in KINDS) > 1


def _timed(kind: Kind, spec: FieldSpec) -> bool:
    return any(
        isinstance(check, Period) and spec.name in (check.start, check.until)
        for check in kind.checks
    )
