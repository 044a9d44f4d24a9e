"""A table of cells read into rows keyed by column: header found, blank rows dropped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hub.domain.imports.mapping import ColumnMapping, Layout, find_layout
from hub.domain.imports.problems import ImportCode, RowProblem
from hub.domain.imports.values import plain_text
from hub.domain.open_data import COLUMNS, Dataset


@dataclass(frozen=True)
class SheetRow:
    """One data row: its number as the spreadsheet shows it, and its cells by column key."""

    number: int
    cells: dict[str, object]

    def text(self, key: str) -> str:
        """A cell as trimmed text ("" when blank or absent)."""
        return plain_text(self.cells.get(key))


@dataclass(frozen=True)
class Sheet:
    """The rows of a file, with the header of each column as the file writes it."""

    dataset: Dataset
    rows: tuple[SheetRow, ...]
    headers: dict[str, str]
    hxl: bool
    public_keys: frozenset[str]
    notes: tuple[RowProblem, ...] = ()

    def header(self, key: str) -> str:
        """The column's header in the file, or its Chinese header and key when absent."""
        if key in self.headers:
            return self.headers[key]
        zh = next((c.zh for c in COLUMNS[self.dataset] if c.key == key), key)
        return f"{zh} ({key})"

    def has(self, key: str) -> bool:
        """Whether the file has the column."""
        return key in self.headers


class NoHeader(ValueError):
    """No row of the first ones names at least two known columns."""


def read_sheet(table: Sequence[tuple[int, Sequence[object]]], mapping: ColumnMapping) -> Sheet:
    """Rows of (row number, cells) into a Sheet; NoHeader when no header row is found."""
    layout = find_layout([cells for _, cells in table], mapping)
    if layout is None:
        raise NoHeader
    return _rows(table, layout, mapping)


def _rows(
    table: Sequence[tuple[int, Sequence[object]]], layout: Layout, mapping: ColumnMapping
) -> Sheet:
    header_number = table[layout.header_index][0]
    notes = tuple(
        RowProblem(header_number, header, "", ImportCode.UNKNOWN_COLUMN)
        for header in layout.ignored.values()
    )
    headers = {key: layout.headers.get(position, key) for position, key in layout.columns.items()}
    rows = []
    for number, cells in table[layout.data_index :]:
        row = {
            key: cells[position]
            for position, key in layout.columns.items()
            if position < len(cells) and plain_text(cells[position])
        }
        if row:
            rows.append(SheetRow(number, row))
    return Sheet(mapping.dataset, tuple(rows), headers, layout.hxl, mapping.public, notes)
