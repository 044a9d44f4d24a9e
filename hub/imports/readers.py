"""CSV and XLSX files into rows of cells, numbered as the spreadsheet shows them.

CSV: UTF-8 (with or without a BOM), UTF-16 with a BOM, else GB18030 (a superset of GBK and
GB2312, what Chinese Excel saves "CSV" in); the delimiter (comma, tab, semicolon) is sniffed.
XLSX: openpyxl in read-only mode (the file is streamed, not loaded whole); the first sheet or
the one named; a merged cell's value fills every cell of its range, so that a hospital's name
merged over its five rows of needs is on all five.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from xml.etree.ElementTree import iterparse

import openpyxl
from openpyxl.utils.cell import range_boundaries

MAX_ROWS = 100_000
MAX_COLUMNS = 200
Row = tuple[int, list[object]]


class FileError(Exception):
    """A file that cannot be read as a spreadsheet (the message says why)."""


@dataclass(frozen=True)
class Table:
    """A sheet's rows (number, cells), with how it was read."""

    rows: list[Row]
    format: str
    encoding: str | None = None
    sheet: str | None = None


def read_table(data: bytes, file_name: str, sheet: str | None = None) -> Table:
    """The rows of a CSV or XLSX file; FileError when it is neither, or unreadable."""
    suffix = PurePath(file_name).suffix.casefold()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError("old Excel .xls files are not read: save the sheet as .xlsx or CSV")
    if data.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        return _xlsx(data, sheet)
    if sheet is not None:
        raise FileError("--sheet applies to XLSX files only")
    return _csv(data)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise FileError("the CSV file is neither UTF-8 nor GB18030/GBK text")


def _csv(data: bytes) -> Table:
    try:
        text, encoding = _decode(data)
    except UnicodeDecodeError as error:
        raise FileError(f"the CSV file is not readable text: {error}") from None
    if "\x00" in text:
        raise FileError("the file is not a CSV or XLSX spreadsheet")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:8192], delimiters=",\t;"
        )
    except csv.Error:
        dialect = csv.excel
    rows: list[Row] = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            if number > MAX_ROWS:
                raise FileError(f"more than {MAX_ROWS} rows: split the file")
            rows.append((number, list(cells[:MAX_COLUMNS])))
    except csv.Error as error:
        raise FileError(f"unreadable CSV: {error}") from None
    return Table(rows, "csv", encoding=encoding)


_MERGE_REF = re.compile(r"^[A-Z]{1,3}\d+:[A-Z]{1,3}\d+$")


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of every merged range of a sheet.

    openpyxl's read-only worksheets do not say which cells are merged; the sheet's XML does
    (`<mergeCell ref="A3:A7"/>`, after the cells), and is streamed here once more.
    """
    ranges = []
    with archive.open(path.lstrip("/")) as source:
        for _, element in iterparse(source):  # noqa: S314 - see the import
            if element.tag.endswith("}mergeCell"):
                ref = element.get("ref", "")
                if _MERGE_REF.match(ref):
                    bounds = range_boundaries(ref)
                    ranges.append(tuple(int(b or 0) for b in bounds))
            element.clear()
    return ranges  # type: ignore[return-value]


def _xlsx(data: bytes, sheet: str | None) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        # A damaged or foreign zip makes openpyxl raise almost anything; all mean "unreadable".
        raise FileError(f"not a readable XLSX file: {error}") from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            names = ", ".join(workbook.sheetnames)
            raise FileError(f"no sheet named {sheet!r}; the sheets are: {names}")
        # Generators write wrong dimensions; read the rows that are there.
        worksheet.reset_dimensions()
        rows = list(_sheet_rows(worksheet))
        path: str = getattr(worksheet, "_worksheet_path", "")
        if path:
            _fill_merged(rows, _merged_ranges(archive, path))
        return Table(rows, "xlsx", sheet=worksheet.title)
    finally:
        workbook.close()
        archive.close()


def _sheet_rows(worksheet: object) -> Iterator[Row]:
    for number, values in enumerate(
        worksheet.iter_rows(values_only=True),  # type: ignore[attr-defined]
        start=1,
    ):
        if number > MAX_ROWS:
            raise FileError(f"more than {MAX_ROWS} rows: split the file")
        yield number, list(values[:MAX_COLUMNS])


def _fill_merged(rows: list[Row], ranges: list[tuple[int, int, int, int]]) -> None:
    by_number = {number: cells for number, cells in rows}
    for min_col, min_row, max_col, max_row in ranges:
        top = by_number.get(min_row)
        if top is None or min_col - 1 >= len(top):
            continue
        value = top[min_col - 1]
        for number in range(min_row, min(max_row, MAX_ROWS) + 1):
            cells = by_number.get(number)
            if cells is None:
                continue
            for column in range(min_col - 1, min(max_col, MAX_COLUMNS)):
                while len(cells) <= column:
                    cells.append(None)
                cells[column] = value
