"""The export index (GET /export): every file with its URL, the licence and the filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hub.domain.open_data import COLUMNS, Dataset
from hub.exports.encoders import Format
from hub.exports.request import (
    DEFAULT_STATUSES,
    DEFAULT_VERIFICATION,
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
    LANGUAGE_PARAMETER: "CSV header language: en (the column keys, default) or zh",
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
            "that spreadsheets do not run it as a formula.",
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
                "filters": [*PARAMETERS[dataset], LANGUAGE_PARAMETER],
                "columns": [{"key": c.key, "zh": c.zh, "hxl": c.hxl} for c in COLUMNS[dataset]],
            }
            for dataset in Dataset
        ],
    }
