"""Which spreadsheet column holds what: header names, aliases and HXL hashtags.

A mapping is data (schema/imports/default-mapping.json, or a file given with --mapping):
`{"columns": {"<column key>": ["header", "another header", "#hxl+tag"]}, "public": [keys]}`.
The keys are those of hub.domain.open_data; every dataset's own keys, Chinese headers and HXL
tags are always known, and the mapping adds the aliases volunteer teams use. A header given in
a user mapping wins over the default one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from hub.domain.open_data import COLUMNS, LEGACY_HXL, Dataset

# Headers are compared after NFKC (full-width to half-width), case folding and dropping
# spaces and the marks sheets put on them ("*联系电话：" is "联系电话").
_DROPPED = str.maketrans("", "", " \t\r\n*：:")
# The header row is looked for among the first rows (title rows may sit above it).
HEADER_SEARCH_ROWS = 20
# In the organizations dataset the organization's own name is the "name" column.
_ORGANIZATION_KEY_ALIASES = {Dataset.ORGANIZATIONS: {"organization": "name"}}


class MappingError(ValueError):
    """A mapping file that is not shaped as documented."""


def normalise_header(text: str) -> str:
    """The form headers are compared in."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_DROPPED)


@dataclass(frozen=True)
class HxlTag:
    """A hashtag with its attributes, compared without regard to case or attribute order."""

    tag: str
    attributes: frozenset[str]


def parse_hxl(text: str) -> HxlTag | None:
    """`#adm1 +name` and `#ADM1+Name` are the same tag; None when `text` is not a hashtag."""
    compact = unicodedata.normalize("NFKC", text).strip().casefold().replace(" ", "")
    if not compact.startswith("#"):
        return None
    tag, *attributes = compact[1:].split("+")
    if not tag or not tag.replace("_", "").isalnum() or any(not a for a in attributes):
        return None
    return HxlTag(tag, frozenset(attributes))


@dataclass(frozen=True)
class MappingSpec:
    """What a mapping file says: aliases per column key, and the keys holding public contacts."""

    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    public: frozenset[str] = frozenset()


def parse_mapping(data: object) -> MappingSpec:
    """Check and read a mapping file's parsed JSON; MappingError says what is wrong."""
    if not isinstance(data, dict):
        raise MappingError("a mapping is a JSON object with a 'columns' object")
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise MappingError("'columns' must map column keys to lists of headers")
    known = {column.key for table in COLUMNS.values() for column in table}
    parsed: dict[str, tuple[str, ...]] = {}
    for key, headers in columns.items():
        if key not in known:
            raise MappingError(f"unknown column key {key!r}; see hub/domain/open_data.py")
        if not isinstance(headers, list) or not all(isinstance(h, str) for h in headers):
            raise MappingError(f"the headers of {key!r} must be a list of strings")
        parsed[key] = tuple(headers)
    public = data.get("public", [])
    if not isinstance(public, list) or not all(isinstance(k, str) for k in public):
        raise MappingError("'public' must be a list of column keys")
    return MappingSpec(parsed, frozenset(public))


@dataclass(frozen=True)
class ColumnMapping:
    """Headers and hashtags of one dataset, resolved to its column keys."""

    dataset: Dataset
    headers: dict[str, str]
    tags: dict[HxlTag, str]
    public: frozenset[str]
    # Tags of earlier releases (LEGACY_HXL), matched exactly only: `#value+usd` of an HDX file
    # is money, not the quantity an old `#value` column held.
    legacy_tags: dict[HxlTag, str] = field(default_factory=dict)

    def key_for_header(self, header: str) -> str | None:
        """The column key a header names, if any."""
        return self.headers.get(normalise_header(header))

    def key_for_tag(self, tag: HxlTag) -> str | None:
        """The column key a hashtag names, if any: its own tag, or else (as HXL tag patterns
        match) the most specific known tag whose attributes are a subset of its attributes, so
        that `#item+name+en+x_foo` of an HDX file is the `#item+name` column. Two equally
        specific tags of different columns (`#item+num+package+fulfilled`) name none."""
        exact = self.tags.get(tag) or self.legacy_tags.get(tag)
        if exact is not None:
            return exact
        best: list[tuple[int, str]] = [
            (len(known.attributes), key)
            for known, key in self.tags.items()
            if known.tag == tag.tag and known.attributes < tag.attributes
        ]
        if not best:
            return None
        most = max(size for size, _ in best)
        keys = {key for size, key in best if size == most}
        return keys.pop() if len(keys) == 1 else None


def build_mapping(
    dataset: Dataset, default: MappingSpec, override: MappingSpec | None = None
) -> ColumnMapping:
    """The mapping of `dataset`: its own keys, zh headers and tags, then the default aliases,
    then (winning over both) the user's."""
    own = {column.key for column in COLUMNS[dataset]}
    renames = _ORGANIZATION_KEY_ALIASES.get(dataset, {})
    headers: dict[str, str] = {}
    tags: dict[HxlTag, str] = {}

    def add(key: str, names: Sequence[str], *, win: bool) -> None:
        key = renames.get(key, key)
        if key not in own:
            return
        for name in names:
            tag = parse_hxl(name)
            if tag is not None:
                if win or tag not in tags:
                    tags[tag] = key
            elif win or normalise_header(name) not in headers:
                headers[normalise_header(name)] = key

    for column in COLUMNS[dataset]:
        add(column.key, (column.key, column.zh, column.hxl), win=False)
    legacy: dict[HxlTag, str] = {}
    for key, old_tags in LEGACY_HXL.items():
        if key in own:
            for text in old_tags:
                tag = parse_hxl(text)
                if tag is not None and tag not in tags:
                    legacy[tag] = key
    for key, names in default.columns.items():
        add(key, names, win=False)
    public = set(default.public)
    if override is not None:
        for key, names in override.columns.items():
            add(key, names, win=True)
        public |= override.public
    return ColumnMapping(
        dataset, headers, tags, frozenset(renames.get(k, k) for k in public), legacy
    )


@dataclass(frozen=True)
class Layout:
    """Where the data sits in a sheet: the header row, the first data row, and the key of each
    recognised column (by position); `hxl` when the columns were read from hashtags."""

    header_index: int
    data_index: int
    columns: dict[int, str]
    headers: dict[int, str]
    ignored: dict[int, str]
    hxl: bool


def _as_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _hxl_row(row: Sequence[object]) -> list[HxlTag | None] | None:
    cells = [_as_text(v) for v in row]
    filled = [c for c in cells if c]
    tags = [parse_hxl(c) for c in cells]
    if not filled or sum(t is not None for t in tags) * 2 < len(filled):
        return None
    return tags


def _tagged_columns(tags: Sequence[HxlTag | None], mapping: ColumnMapping) -> dict[int, str]:
    """The column key of each tagged position, one position per key: the column whose tag
    matches exactly, else the one with the fewest extra attributes, else the leftmost (an HDX
    file with `#item+name+en` and `#item+name+zh` gives its first to `#item+name`)."""
    chosen: dict[str, tuple[int, int]] = {}
    for position, tag in enumerate(tags):
        key = mapping.key_for_tag(tag) if tag is not None else None
        if tag is None or key is None:
            continue
        # 0 for an exact tag; else more attributes are a looser match.
        rank = 0 if tag in mapping.tags or tag in mapping.legacy_tags else 1 + len(tag.attributes)
        if key not in chosen or rank < chosen[key][0]:
            chosen[key] = (rank, position)
    return {position: key for key, (_, position) in chosen.items()}


def find_layout(rows: Sequence[Sequence[object]], mapping: ColumnMapping) -> Layout | None:
    """The header row (the first of the best-recognised rows among the first ones, so title
    rows above it are skipped) and an HXL hashtag row, which may be the first or the row after
    the header. None when no row names at least two known columns."""
    candidates = list(rows[:HEADER_SEARCH_ROWS])
    for index, row in enumerate(candidates[:2]):
        tags = _hxl_row(row)
        if tags is None:
            continue
        columns = _tagged_columns(tags, mapping)
        if len(columns) >= 2:
            header_row = candidates[0] if index == 1 else row
            headers = {p: _as_text(v) for p, v in enumerate(header_row) if _as_text(v)}
            # Unknown tags are ignored, with a warning naming the column's header.
            ignored = {
                p: headers.get(p, _as_text(v))
                for p, v in enumerate(row)
                if _as_text(v) and p not in columns
            }
            return Layout(0, index + 1, columns, headers, ignored, hxl=True)
    best: tuple[int, int] | None = None
    for index, row in enumerate(candidates):
        found = sum(mapping.key_for_header(_as_text(v)) is not None for v in row if _as_text(v))
        if found >= 2 and (best is None or found > best[0]):
            best = (found, index)
    if best is None:
        return None
    index = best[1]
    row = candidates[index]
    columns, headers, ignored = {}, {}, {}
    for position, value in enumerate(row):
        text = _as_text(value)
        if not text:
            continue
        headers[position] = text
        key = mapping.key_for_header(text)
        if key is None or key in columns.values():
            ignored[position] = text
        else:
            columns[position] = key
    data_index = index + 1
    # A hashtag row under the header: the tags decide where they are known.
    if data_index < len(rows) and (tags := _hxl_row(rows[data_index])) is not None:
        for position, key in _tagged_columns(tags, mapping).items():
            columns = {p: k for p, k in columns.items() if k != key and p != position}
            columns[position] = key
            ignored.pop(position, None)
        return Layout(index, data_index + 1, columns, headers, ignored, hxl=True)
    return Layout(index, data_index, columns, headers, ignored, hxl=False)
