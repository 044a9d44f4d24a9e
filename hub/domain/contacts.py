"""Contacts as people write them, made into the contacts the hub stores.

One phone field as published often holds several numbers ("139...;180...", one per line), a
name before a number ("王老师 138...", "张138..."), or several people with their roles and
notes ("余主任139…，周科长139…，医院总值班027…（24小时值守）"). `normalised_contacts` is the one
place where such a field becomes separate contacts, each number in its display form with its
E.164, a note kept in the contact's other channel. The API's submit and update services, the
spreadsheet import and therefore the pages' forms (which post through the API) all call it
before validation, so that all of them accept and store the same contacts for the same text.

What cannot be read as a number is never refused: it is kept as written in the contact's other
channel, with a warning. Only what validation refuses anyway (text over the length limit,
control characters) is left as sent, for validation to refuse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from hub.domain.errors import UserError
from hub.domain.model import Contact, EntryDraft, OrganizationDraft
from hub.domain.phones import Phone, PhoneKind, normalised_text, parse_phone
from hub.domain.user_warnings import InputWarning, WarningCode
from hub.domain.validation import MAX_CONTACT_FIELD

# Between people or numbers: semicolons, slashes, enumeration commas, commas, bars, new lines,
# "或" (or), and runs of two or more spaces. Separators inside brackets do not count.
_SEPARATOR = re.compile(r"[;；/、，,|\n\r\t]|或|\s{2,}")
_OPENING, _CLOSING = "(（[【", ")）]】"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A number as written, with an optional country or area code in brackets and an extension.
# Never part of a word: "abc123" holds no 123.
_RUN = re.compile(
    r"(?<![a-z0-9])(?:\(\s*\+?\s*\d{1,4}\s*\)\s*|\+\s*)?\d(?:[\d \-]*\d)?"
    r"(?:\s*(?:转|轉|分机|ext\.?|x|#)\s*\d{1,6})?(?![a-z0-9])",
    re.IGNORECASE,
)
# A bracketed remark: "(24小时值守)", "(微信同号)"; not "(027)" or "(+86)", which belong to
# the number.
_REMARK = re.compile(r"[(\[【](?!\s*\+?\s*\d{1,4}\s*[)\]】])[^()\[\]【】]*[)\]】]")
_TOKEN = re.compile(rf"(?P<remark>{_REMARK.pattern})|(?P<run>{_RUN.pattern})", re.IGNORECASE)
# Words before a number that say "phone", not whose it is: dropped from the name.
_LABEL_WORDS = re.compile(
    r"^(?:联系人|联系电话|联系方式|咨询电话|办公电话|电话号码|手机号码|手机号|电话|手机|座机|固话|"
    r"热线|号码|(?:tel|phone|mobile|mob|contact)(?![a-z]))|"
    r"(?:联系电话|联系方式|咨询电话|办公电话|电话号码|手机号码|手机号|电话|手机|座机|固话|号码|"
    r"(?<![a-z])(?:tel|phone|mobile))$",
    re.IGNORECASE,
)
_LABEL_TRIM = " \t:：-—,，.。;；"
# A run of digits this long that is no number is a mistyped number, not part of a name.
_NUMBER_LENGTH = 7


@dataclass
class _Found:
    """A number found in a field, with the name written before it and remarks after it."""

    phone: Phone
    label: str
    notes: list[str] = field(default_factory=list)


@dataclass
class _Read:
    """What one piece of a phone field says: numbers, or text that is none (kept as written)."""

    numbers: list[_Found] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)


def _pieces(text: str) -> list[str]:
    """`text` cut at separators outside brackets."""
    pieces, depth, start, position = [], 0, 0, 0
    while position < len(text):
        char = text[position]
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth = max(depth - 1, 0)
        elif depth == 0 and (sep := _SEPARATOR.match(text, position)):
            pieces.append(text[start:position])
            start = position = sep.end()
            continue
        position += 1
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def _label(text: str) -> str:
    """A name as written before a number, without "电话:" and the like."""
    previous = None
    text = text.strip(_LABEL_TRIM)
    while previous != text:
        previous = text
        text = _LABEL_WORDS.sub("", text).strip(_LABEL_TRIM)
    return text


def _numbers_in(run: str) -> list[Phone | str] | None:
    """The numbers of a run of digits, several when single spaces separate them, and the bits
    that are words rather than numbers ("8:00" of "027-85726114 8:00-22:00"); None when a bit
    as long as a number is none (a mistyped number)."""
    phone = parse_phone(run)
    if phone is not None:
        return [phone]
    parts = run.split()
    found: list[Phone | str] = []
    start = 0
    while start < len(parts):
        # The longest stretch of parts from `start` that is one number ("138 0013 8000").
        for end in range(len(parts), start, -1):
            phone = parse_phone(" ".join(parts[start:end]))
            if phone is not None:
                found.append(phone)
                start = end
                break
        else:
            if sum(c.isdigit() for c in parts[start]) >= _NUMBER_LENGTH:
                return None
            found.append(parts[start])
            start += 1
    return found if any(isinstance(item, Phone) for item in found) else None


def _read_piece(raw: str) -> _Read:
    """The numbers of one piece, each with the name before it and the remarks after it; the
    whole piece as written when a number in it cannot be read."""
    text = normalised_text(raw)
    tokens: list[tuple[str, str]] = []  # ("text" | "remark" | "run", text) in order
    position = 0
    for found in _TOKEN.finditer(text):
        tokens.append(("text", text[position : found.start()]))
        tokens.append(("remark" if found.group("remark") else "run", found.group()))
        position = found.end()
    tokens.append(("text", text[position:]))
    read = _Read()
    label: list[str] = []
    for kind, token in tokens:
        if kind == "run":
            bits = _numbers_in(token)
            if bits is None:
                if sum(c.isdigit() for c in token) >= _NUMBER_LENGTH:
                    return _Read(unread=[raw])  # a mistyped number: keep the piece whole
                label.append(token)  # "3号楼", "24小时": words, not a number
                continue
            for bit in bits:
                if isinstance(bit, str):
                    label.append(bit)
                else:
                    read.numbers.append(_Found(bit, _label("".join(label))))
                    label = []
        elif kind == "remark" and read.numbers and not "".join(label).strip():
            read.numbers[-1].notes.append(token.strip()[1:-1].strip())
        else:
            label.append(token)
    rest = "".join(label).strip(_LABEL_TRIM)
    if not read.numbers:
        return _Read(unread=[raw])
    if rest:
        read.numbers[-1].notes.append(rest)  # "13800138000 微信同号": a remark after it
    return read


def _joined(*parts: str | None) -> str | None:
    kept = [part for part in parts if part]
    return "; ".join(kept) if kept else None


def _name(given: str | None, label: str, paired: str | None) -> str | None:
    """Whose number it is: the name written before it, else the one paired with it, else the
    contact's; both when the contact's name and the label say different things."""
    if not label:
        return paired or given
    both = f"{given} {label}" if given else label
    if label in (given or "") or (given or "") in label or paired or len(both) > MAX_CONTACT_FIELD:
        return label
    return both


def _split_names(name: str | None) -> list[str]:
    if not name:
        return []
    return [part for part in _pieces(name) if part]


def _hostile(text: str) -> bool:
    # Left as sent: validation refuses it (TOO_LONG), and nothing is split out of it first.
    return len(text) > MAX_CONTACT_FIELD or _CONTROL.search(text) is not None


def _contacts_of(contact: Contact, field_path: str) -> tuple[list[Contact], list[InputWarning]]:
    phone = contact.phone
    if phone is None or not phone.strip() or _hostile(phone):
        return [contact], []
    numbers: list[_Found] = []
    unread: list[str] = []
    for piece in _pieces(phone):
        read = _read_piece(piece)
        numbers += read.numbers
        unread += read.unread
    warnings: list[InputWarning] = []
    names = _split_names(contact.name)
    paired = names if len(names) == len(numbers) > 1 else [None] * len(numbers)
    made = [
        Contact(
            name=_name(contact.name, found.label, pair),
            phone=found.phone.display,
            other_channel=_joined(*found.notes) or None,
            visibility=contact.visibility,
            phone_e164=found.phone.e164,
            phone_extension=found.phone.extension,
        )
        for found, pair in zip(numbers, paired, strict=True)
    ]
    if any(found.phone.kind is PhoneKind.LOCAL for found in numbers):
        warnings.append(InputWarning(f"{field_path}.phone", WarningCode.LOCAL_NUMBER))
    kept = "; ".join(unread) or None
    if kept is not None:
        warnings.append(InputWarning(f"{field_path}.phone", WarningCode.PHONE_KEPT_AS_WRITTEN))
    first = made[0] if made else Contact(contact.name, None, visibility=contact.visibility)
    other = _joined(contact.other_channel, first.other_channel, kept)
    apart = None
    if other is not None and len(other) > MAX_CONTACT_FIELD:
        # Too much for one line: what could not be read becomes a contact of its own.
        other = _joined(contact.other_channel, first.other_channel)
        apart = Contact(contact.name, None, kept, contact.visibility)
    made[0:1] = [replace(first, other_channel=other, id=contact.id)]
    if apart is not None:
        made.append(apart)
    if len(made) > 1:
        warnings.append(
            InputWarning(f"{field_path}.phone", WarningCode.CONTACT_SPLIT, {"count": len(made)})
        )
    return made, warnings


@dataclass(frozen=True)
class Normalised:
    """Contacts as stored, the warnings that say what was changed, and for each contact made
    the position of the contact sent that it came from."""

    contacts: tuple[Contact, ...]
    warnings: list[InputWarning]
    origins: tuple[int, ...]

    def as_sent(self, errors: list[UserError], field_path: str = "contacts") -> list[UserError]:
        """`errors` of the contacts made, renamed to the contacts sent they came from
        (contacts.3.name -> contacts.1.name when contact 0 was split into three): clients
        name contacts by their position in what they sent."""
        prefix = field_path + "."
        renamed = []
        for error in errors:
            rest = error.field.removeprefix(prefix)
            position, dot, tail = rest.partition(".")
            if rest != error.field and position.isdigit() and int(position) < len(self.origins):
                field_name = f"{prefix}{self.origins[int(position)]}{dot}{tail}"
                error = replace(error, field=field_name)
            renamed.append(error)
        return renamed


def normalised_contacts(contacts: Sequence[Contact], field_path: str = "contacts") -> Normalised:
    """`contacts` as the hub stores them: several numbers or people in one phone field split
    into contacts of their own (each keeping the visibility its submitter chose), names peeled
    off the numbers, numbers in their display form with E.164, what is no number kept as
    written in the other channel; with the warnings that say what was changed. Idempotent:
    stored contacts come out as they are."""
    made: list[Contact] = []
    warnings: list[InputWarning] = []
    origins: list[int] = []
    for index, contact in enumerate(contacts):
        split, noted = _contacts_of(contact, f"{field_path}.{index}")
        made += split
        origins += [index] * len(split)
        warnings += noted
    return Normalised(tuple(made), warnings, tuple(origins))


def normalised_entry(draft: EntryDraft) -> tuple[EntryDraft, Normalised]:
    """The entry with its contacts normalised (see normalised_contacts)."""
    found = normalised_contacts(draft.contacts)
    return replace(draft, contacts=found.contacts), found


def normalised_organization(
    draft: OrganizationDraft, field_path: str = "contacts"
) -> tuple[OrganizationDraft, Normalised]:
    """The organization with its contacts normalised; `field_path` names its contacts in
    warnings (organization.contacts when it comes with an entry)."""
    found = normalised_contacts(draft.contacts, field_path)
    return replace(draft, contacts=found.contacts), found
