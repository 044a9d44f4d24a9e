"""An export as an Excel workbook (XLSX), written and sent batch by batch like the CSV.

Why by hand rather than with openpyxl: openpyxl (which reads the imports' workbooks) can only
write a workbook whole, at the end, so a large export would be held back (and buffered) until
its last row. An XLSX file is a ZIP of XML parts; Python's zipfile writes a ZIP to a stream that
cannot seek (each member followed by a data descriptor), so the sheet's rows go out compressed
as they are written, and memory stays flat however many rows there are.

Why at all: Excel guesses the type of every CSV cell, and guesses wrong for open data: a 19-digit
account number becomes 6.22E+18 (its last digits lost), a landline written without a dash
(02787650000) loses its leading zero, an administrative code becomes a number. Here every text
value is a string cell in the Text number format (`@`, so that editing it keeps it text); only
the numeric values of the data (quantities, capacities, coordinates) are number cells. A string
cell is never run as a formula, so text is written exactly as it is, with no leading quote.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from typing import IO
from xml.sax.saxutils import escape

from hub.domain.open_data import COLUMNS, Dataset, column_keys
from hub.exports.cells import Cell, text
from hub.exports.records import ITEM_KEYS, Record

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's limit; a sheet name must not be longer.
MAX_SHEET_NAME = 31
_STRING_STYLE = 1  # cellXfs index of the Text format (numFmtId 49 is "@")

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/\
officeDocument/2006/relationships/officeDocument"/></Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.openxmlformats.org/\
officeDocument/2006/relationships/worksheet"/>\
<Relationship Id="rId2" Target="styles.xml" Type="http://schemas.openxmlformats.org/\
officeDocument/2006/relationships/styles"/></Relationships>"""
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" \
applyFont="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""
_SHEET_HEAD = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<sheetViews><sheetView workbookViewId="0">\
<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
</sheetView></sheetViews><sheetData>"""
_SHEET_TAIL = "</sheetData></worksheet>"
_HEADER_STYLE = 2

# Characters XML 1.0 cannot hold (control characters pasted from elsewhere): dropped, or Excel
# refuses the whole file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# (Excel would read a literal "_x0041_" in a string as an escaped "A"; escaping it as
# "_x005F_x0041_" would show right in Excel but not in openpyxl or pandas, which do not decode
# it. Such text does not occur in this data: it is left as written.)


def column_letters(index: int) -> str:
    """The column name of a 0-based index: A, B, ..., Z, AA, ..."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _string_xml(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _cell(reference: str, value: Cell, style: int = _STRING_STYLE) -> str:
    if value is None:
        return ""
    # bool is an int: it is written as text ("true"), as in the CSV.
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return f'<c r="{reference}"><v>{text(value)}</v></c>'
    written = value if isinstance(value, str) else text(value)
    space = ' xml:space="preserve"' if written != written.strip() else ""
    return (
        f'<c r="{reference}" s="{style}" t="inlineStr"><is><t{space}>'
        f"{_string_xml(written)}</t></is></c>"
    )


class _Chunks(io.RawIOBase):
    """A stream that cannot seek, keeping what is written until it is taken."""

    def __init__(self) -> None:
        self._pieces: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._pieces.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        """What was written since the last call."""
        written = b"".join(self._pieces)
        self._pieces.clear()
        return written


class XlsxEncoder:
    """One sheet: a header row (English keys or Chinese names, frozen), then one row per item
    (needs and offers) or per record, as the CSV."""

    def __init__(self, dataset: Dataset, chinese: bool) -> None:
        self._dataset = dataset
        self._chinese = chinese
        self._keys = column_keys(dataset)
        self._letters = [column_letters(i) for i in range(len(self._keys))]
        self._item_positions = (
            {i for i, key in enumerate(self._keys) if key in ITEM_KEYS}
            if dataset.has_items
            else set()
        )
        self._row = 0
        self._out = _Chunks()
        self._zip = zipfile.ZipFile(self._out, "w", compression=zipfile.ZIP_DEFLATED)
        name = dataset.value[:MAX_SHEET_NAME]
        for part, content in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("xl/workbook.xml", _WORKBOOK.format(name=escape(name))),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            ("xl/styles.xml", _STYLES),
        ):
            self._zip.writestr(part, content)
        # The sheet last, streamed. Without ZIP64 extensions, which some spreadsheet programs
        # stumble on: the sheet's XML may then not pass 2 GiB, far beyond Excel's own limit of
        # 1,048,576 rows.
        self._sheet: IO[bytes] = self._zip.open("xl/worksheets/sheet1.xml", "w")

    def _row_xml(self, values: Sequence[Cell], style: int = _STRING_STYLE) -> str:
        self._row += 1
        row = self._row
        cells = "".join(
            _cell(f"{letter}{row}", value, style)
            for letter, value in zip(self._letters, values, strict=True)
        )
        return f'<row r="{row}">{cells}</row>'

    def head(self) -> bytes:
        """The workbook's fixed parts, and the sheet up to its header row."""
        header = [c.zh if self._chinese else c.key for c in COLUMNS[self._dataset]]
        self._sheet.write((_SHEET_HEAD + self._row_xml(header, _HEADER_STYLE)).encode())
        return self._out.take()

    def batch(self, records: Sequence[Record]) -> bytes:
        """The batch's rows; what the compressor has let out so far."""
        rows: list[str] = []
        for record in records:
            own = [record.values.get(key) for key in self._keys]
            if not self._item_positions or not record.items:
                rows.append(self._row_xml(own))
                continue
            for item in record.items:
                row = [
                    item.get(key) if i in self._item_positions else value
                    for i, (key, value) in enumerate(zip(self._keys, own, strict=True))
                ]
                rows.append(self._row_xml(row))
        self._sheet.write("".join(rows).encode())
        return self._out.take()

    def tail(self) -> bytes:
        """The end of the sheet and the ZIP's directory."""
        self._sheet.write(_SHEET_TAIL.encode())
        self._sheet.close()
        self._zip.close()
        return self._out.take()
