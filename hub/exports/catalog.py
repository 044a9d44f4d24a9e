"""The export index (GET /export): every file with its URL, the licence and the filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hub.domain.open_data import COLUMNS, Dataset
from hub.exports.encoders import Format
from hub.exports.request import (
    COMMON_PARAMETERS,
    DEFAULT_STATUSES,
    DEFAULT_VERIFICATION,
    ENCODING_PARAMETER,
    LANGUAGE_PARAMETER,
    MAX_VALUES,
    PARAMETERS,
)

FILTERS = {
    "province": "entries (or organizations) in this province (湖北省; also 湖北, Hubei)",
    "city": "in this city (武汉市)",
    "district": "in this district (武昌区)",
    "category": "needs or offers with an item in one of these supply category codes",
    "urgency": "needs of these urgencies (CRITICAL, HIGH, MEDIUM, LOW)",
    "status": "entries in these states; default all but CLOSED",
    "verification": "entries in these verification states; default VERIFIED (never REJECTED)",
    "organization": "entries of this organization (its UUID or API id)",
    "organizationKind": "entries of organizations of these kinds (HOSPITAL, FACTORY, ...)",
    "kind": "organizations of these kinds (HOSPITAL, FACTORY, ...)",
    "destinationProvince": "logistics offers going to this province",
    "destinationCity": "logistics offers going to this city",
    "updatedSince": "changed at or after this ISO 8601 time with an offset "
    "(2020-01-28T00:00:00+08:00)",
    LANGUAGE_PARAMETER: "header language: en (the column keys) or zh (Chinese names); without "
    "it, the pages' language cookie, then Accept-Language, then en; the HXL hashtag row and "
    "JSON keys never change",
    ENCODING_PARAMETER: "CSV text encoding: utf-8 (default, with a byte order mark) or gb18030 "
    "(no mark; for older Excel on Chinese Windows); .csv files only",
}


def catalog(file_url: Callable[[str], str], licence: str, licence_url: str) -> dict[str, Any]:
    """The index document; `file_url` gives the absolute URL of a file name ("needs.csv")."""
    return {
        "licence": licence,
        "licenceUrl": licence_url,
        "formats": {
            Format.CSV.value: "CSV, UTF-8 with a byte order mark; needs and offers one row per "
            "item (rows sharing an id are one entry)",
            Format.HXL.value: "CSV with an HXL hashtag row under the header row (UTF-8, no BOM)",
            Format.JSON.value: "JSON: {licence, licenceUrl, generatedAt, dataset, data: [...]}, "
            "needs and offers with an items array",
            Format.XLSX.value: "Excel workbook, one sheet, rows as in the CSV; text values "
            "(account numbers, phones, administrative codes) are text cells, so Excel keeps "
            "every digit and leading zero",
        },
        "filters": FILTERS,
        "defaults": {
            "status": [s.value for s in DEFAULT_STATUSES],
            "verification": [v.value for v in DEFAULT_VERIFICATION],
        },
        "notes": [
            f"Several values: repeat the parameter or separate them with commas (at most "
            f"{MAX_VALUES}).",
            "Contact columns hold public contacts only; protected ones are never exported.",
            "A CSV text cell starting with = + - @ that is not a number gets a leading ' so "
            "that spreadsheets do not run it as a formula (XLSX text cells are never formulas "
            "and are written as they are).",
            "Administrative codes (GB/T 2260) are in admin_code (#loc+code) as stored, and "
            "split by level: adm1_code (#adm1+code), adm2_code (#adm2+code), adm3_code "
            "(#adm3+code).",
            "Quantities are #item+num and units #item+unit (#value is money in HXL); imports "
            "still read the #value tags of earlier files.",
        ],
        "datasets": [
            {
                "dataset": dataset.value,
                "files": [
                    {
                        "format": file_format.value,
                        "url": file_url(f"{dataset.value}.{file_format.value}"),
                        "mediaType": file_format.media_type,
                    }
                    for file_format in Format
                ],
                "filters": [*PARAMETERS[dataset], *COMMON_PARAMETERS],
                "columns": [{"key": c.key, "zh": c.zh, "hxl": c.hxl} for c in COLUMNS[dataset]],
            }
            for dataset in Dataset
        ],
    }
