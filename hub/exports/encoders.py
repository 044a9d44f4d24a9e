"""Export files written batch by batch: a head, one piece per batch of records, a tail.

CSV is UTF-8 with a byte order mark: Excel, which most volunteer teams open files with, reads a
CSV without one in the machine's legacy code page (GBK on a Chinese Windows) and garbles every
Chinese character; with it, Excel, LibreOffice, pandas (`utf-8-sig`) and Python's csv module all
read it right. The HXL-tagged CSV has no byte order mark: its readers are HXL tools (libhxl, the
HXL Proxy), which keep the mark as part of the first header instead of dropping it.

`?encoding=gb18030` writes the CSV in GB18030 without a mark, for the Excel of older Chinese
Windows (before Excel 2016 some builds ignore the mark and read GBK, which GB18030 extends).
For Excel, the XLSX file (hub/exports/xlsx.py) is better still: a CSV cannot say that a
19-digit account number or a landline with a leading zero is text, and Excel turns them into
numbers. The CSV keeps every value exactly as it is (its readers are also pandas, R and HXL
tools, for which any marker Excel would need, `="0277..."` or a leading tab, would be data).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from hub.domain.open_data import COLUMNS, Dataset, column_keys
from hub.exports.cells import Json, json_value, text
from hub.exports.records import ITEM_KEYS, Record
from hub.exports.xlsx import MEDIA_TYPE as XLSX_MEDIA_TYPE
from hub.exports.xlsx import XlsxEncoder

BOM = "\ufeff".encode()


class Format(Enum):
    """The file formats, by the end of their file name."""

    CSV = "csv"
    HXL = "hxl.csv"
    JSON = "json"
    XLSX = "xlsx"

    @property
    def media_type(self) -> str:
        """The Content-Type of files of this format (CSV in UTF-8)."""
        if self is Format.JSON:
            return "application/json"
        if self is Format.XLSX:
            return XLSX_MEDIA_TYPE
        return "text/csv; charset=utf-8"


class TextEncoding(Enum):
    """The character encoding of a CSV file: UTF-8 with a mark, or GB18030 for old Excel."""

    UTF8 = "utf-8"
    GB18030 = "gb18030"


class Language(Enum):
    """The language of CSV headers: English keys or Chinese names."""

    EN = "en"
    ZH = "zh"


class Encoder(Protocol):
    """Writes one export file as bytes, piece by piece."""

    def head(self) -> bytes:
        """What comes before the first record."""
        ...

    def batch(self, records: Sequence[Record]) -> bytes:
        """A batch of records."""
        ...

    def tail(self) -> bytes:
        """What comes after the last record."""
        ...


def _csv_lines(lines: Iterable[Sequence[str]], encoding: TextEncoding) -> bytes:
    buffer = io.StringIO()
    # CRLF, as RFC 4180 and Excel expect; every field quoted only when it must be.
    csv.writer(buffer, lineterminator="\r\n").writerows(lines)
    # GB18030 encodes every Unicode character: nothing is lost or replaced.
    return buffer.getvalue().encode(encoding.value)


class CsvEncoder:
    """CSV, one row per item for needs and offers; with `hxl`, a row of hashtags under the
    header row."""

    def __init__(
        self,
        dataset: Dataset,
        language: Language,
        *,
        hxl: bool,
        encoding: TextEncoding = TextEncoding.UTF8,
    ) -> None:
        self._dataset = dataset
        self._language = language
        self._hxl = hxl
        self._encoding = encoding
        self._keys = column_keys(dataset)
        self._item_columns = (
            [(i, key) for i, key in enumerate(self._keys) if key in ITEM_KEYS]
            if dataset.has_items
            else []
        )

    def head(self) -> bytes:
        """The header row (English keys or Chinese names), and the hashtag row for HXL."""
        columns = COLUMNS[self._dataset]
        header = [c.zh if self._language is Language.ZH else c.key for c in columns]
        lines = [header, [c.hxl for c in columns]] if self._hxl else [header]
        marked = not self._hxl and self._encoding is TextEncoding.UTF8
        return (BOM if marked else b"") + _csv_lines(lines, self._encoding)

    def batch(self, records: Sequence[Record]) -> bytes:
        """One row per item (or per record), every value as text; the entry's own values
        repeat on each of its item rows."""
        lines: list[list[str]] = []
        for record in records:
            values = record.values
            # The entry's cells are written once, however many items repeat them.
            own = [text(values.get(key)) for key in self._keys]
            if not self._item_columns or not record.items:
                lines.append(own)
                continue
            for item in record.items:
                row = own.copy()
                for position, key in self._item_columns:
                    row[position] = text(item.get(key))
                lines.append(row)
        return _csv_lines(lines, self._encoding)

    def tail(self) -> bytes:
        """Nothing: a CSV file ends with its last row."""
        return b""


@dataclass(frozen=True)
class JsonMeta:
    """What a JSON export says about itself besides its data."""

    dataset: Dataset
    licence: str
    licence_url: str
    generated_at: str


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _object(dataset: Dataset, record: Record) -> dict[str, Json | list[dict[str, Json]]]:
    """The record as one JSON object in column order; needs and offers carry `items`."""
    values = record.values
    obj: dict[str, Json | list[dict[str, Json]]] = {
        key: json_value(values.get(key)) for key in column_keys(dataset) if key not in ITEM_KEYS
    }
    if dataset.has_items:
        obj["items"] = [
            {key: json_value(item.get(key)) for key in ITEM_KEYS} for item in record.items
        ]
    return obj


class JsonEncoder:
    """One JSON document: {"licence", "licenceUrl", "generatedAt", "dataset", "data": [...]},
    one object per entry (needs and offers with an `items` array) or organization."""

    def __init__(self, meta: JsonMeta) -> None:
        self._meta = meta
        self._first = True

    def head(self) -> bytes:
        """The document up to the opening of `data`."""
        meta = self._meta
        head = {
            "licence": meta.licence,
            "licenceUrl": meta.licence_url,
            "generatedAt": meta.generated_at,
            "dataset": meta.dataset.value,
        }
        return (_json(head)[:-1] + ',"data":[\n').encode()

    def batch(self, records: Sequence[Record]) -> bytes:
        """The batch's objects, comma-separated from those before."""
        if not records:
            return b""
        # One object a line: a reader can follow the file with line tools as well.
        objects = ",\n".join(_json(_object(self._meta.dataset, r)) for r in records)
        separator = "" if self._first else ",\n"
        self._first = False
        return (separator + objects).encode()

    def tail(self) -> bytes:
        """The end of `data` and of the document."""
        return b"\n]}\n"


def encoder(
    file_format: Format,
    meta: JsonMeta,
    language: Language,
    encoding: TextEncoding = TextEncoding.UTF8,
) -> Encoder:
    """The encoder of one export file."""
    if file_format is Format.JSON:
        return JsonEncoder(meta)
    if file_format is Format.XLSX:
        return XlsxEncoder(meta.dataset, chinese=language is Language.ZH)
    return CsvEncoder(meta.dataset, language, hxl=file_format is Format.HXL, encoding=encoding)
