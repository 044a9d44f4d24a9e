"""Issue 17 in open data: a detail the source did not state is an empty cell in CSV and HXL
(and null in JSON), never an invented 0, false, OTHER or MEDIUM; stated ones stay as they are."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from hub.domain.enums import EntryStatus, VerificationStatus
from hub.domain.model import (
    Entry,
    EntryDraft,
    LodgingDetails,
    LogisticsDetails,
    NeedDetails,
    OfferDetails,
    Region,
)
from hub.domain.open_data import Dataset
from hub.exports.encoders import CsvEncoder, JsonEncoder, JsonMeta, Language
from hub.exports.records import entry_record

NOW = datetime(2020, 1, 28, 8, 0, tzinfo=UTC)
UNSTATED = {
    Dataset.NEEDS: (NeedDetails(), ("urgency",)),
    Dataset.OFFERS: (OfferDetails(), ("can_deliver", "is_free")),
    Dataset.LOGISTICS: (LogisticsDetails(cold_chain=False), ("vehicle_type", "is_free")),
    Dataset.LODGING: (LodgingDetails(), ("rooms_available", "eligibility", "is_free")),
}


def _entry(details: object) -> Entry:
    draft = EntryDraft(Region("湖北省", "武汉市"), details, provider_name="张师傅")  # type: ignore[arg-type]
    return Entry(uuid4(), draft, EntryStatus.OPEN, VerificationStatus.VERIFIED, NOW, NOW, 1)


@pytest.mark.parametrize("dataset", list(UNSTATED), ids=lambda d: d.value)
def test_unstated_details_are_empty_cells_and_nulls(dataset: Dataset) -> None:
    details, keys = UNSTATED[dataset]
    record = entry_record(_entry(details), None)
    writer = CsvEncoder(dataset, Language.EN, hxl=True)
    data = writer.head() + writer.batch([record]) + writer.tail()
    header, _tags, row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[:3]
    assert {key: row[header.index(key)] for key in keys} == dict.fromkeys(keys, "")
    meta = JsonMeta(dataset, "CC BY 4.0", "https://example.org/x", NOW.isoformat())
    encoder = JsonEncoder(meta)
    document = json.loads(encoder.head() + encoder.batch([record]) + encoder.tail())
    (published,) = document["data"]
    assert {key: published[key] for key in keys} == dict.fromkeys(keys)


def test_stated_falsy_values_are_written_as_stated() -> None:
    record = entry_record(_entry(LodgingDetails(rooms_available=0, is_free=False)), None)
    writer = CsvEncoder(Dataset.LODGING, Language.EN, hxl=False)
    header, row = list(
        csv.reader(io.StringIO((writer.head() + writer.batch([record])).decode("utf-8-sig")))
    )
    assert (row[header.index("rooms_available")], row[header.index("is_free")]) == ("0", "false")
