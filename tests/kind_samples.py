"""One entry of each kind, every field filled, at fixed ids and times: what the pinned
export and webhook tests write (tests/exports/test_pinned.py, tests/webhooks/test_pinned.py).

The expected bytes there were written by the code before the kinds were declared once
(issue 12), so these samples hold that code to its output.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from hub.domain.enums import (
    ContactVisibility,
    EntryStatus,
    EventType,
    OrganizationKind,
    Urgency,
    VehicleType,
    VerificationStatus,
)
from hub.domain.live import LiveEvent
from hub.domain.model import (
    Contact,
    DonationChannelDetails,
    Entry,
    EntryDraft,
    Item,
    LodgingDetails,
    LogisticsDetails,
    NeedDetails,
    OfferDetails,
    Organization,
    OrganizationDraft,
    Region,
)
from hub.domain.open_data import Dataset
from hub.domain.units import Unit
from hub.domain.webhook_payload import event_payload
from hub.exports.encoders import CsvEncoder, JsonEncoder, JsonMeta, Language
from hub.exports.records import entry_record

NOW = datetime(2020, 1, 28, 8, 0, tzinfo=UTC)
LATER = datetime(2020, 2, 3, 18, 30, tzinfo=UTC)
WUHAN = Region("湖北省", "武汉市", "武昌区", "420106")
ORGANIZATION = Organization(
    UUID(int=99),
    OrganizationDraft("武汉市第七医院", OrganizationKind.HOSPITAL, WUHAN),
    VerificationStatus.VERIFIED,
    NOW,
    NOW,
    1,
)
DETAILS = {
    Dataset.NEEDS: NeedDetails(urgency=Urgency.CRITICAL),
    Dataset.OFFERS: OfferDetails(
        can_deliver=True, is_free=False, lead_time_days=3, price_note="成本价"
    ),
    Dataset.LOGISTICS: LogisticsDetails(
        destination=Region("湖北省", "孝感市", "孝南区", "420902"),
        vehicle_type=VehicleType.REFRIGERATED_TRUCK,
        capacity_kg=Decimal("2000.50"),
        capacity_m3=Decimal("10"),
        cold_chain=True,
        is_free=True,
        available_from=NOW,
        available_until=LATER,
    ),
    Dataset.LODGING: LodgingDetails(
        rooms_available=40,
        eligibility="  医护人员  ",
        is_free=False,
        price_note="每晚 100 元",
        available_from=NOW,
        available_until=LATER,
    ),
    Dataset.DONATION_CHANNELS: DonationChannelDetails(
        account_name="武汉市慈善总会",
        bank="中国工商银行武汉分行",
        account_number="3202 0000 1234 5678",
        remittance_note="捐赠 武汉 防疫",
        purpose="医用物资",
    ),
}
ITEMS = (
    Item("face.medical_respirator", "N95", Decimal("5000"), Unit.ITEM, spec="1860"),
    Item("body.gloves", "手套", None, Unit.BOX, package_size=100, quantity_unknown=True),
)
CONTACTS = (
    Contact("医务科", "027-87654321", visibility=ContactVisibility.PUBLIC),
    Contact("王小明", "13800001234", visibility=ContactVisibility.PROTECTED),
)


def sample(dataset: Dataset, status: VerificationStatus = VerificationStatus.VERIFIED) -> Entry:
    """The sample entry of a dataset, in `status`."""
    details = DETAILS[dataset]
    draft = EntryDraft(
        region=WUHAN,
        details=details,
        organization_id=ORGANIZATION.id,
        provider_name=None,
        address="解放路 1 号",
        notes="备注",
        source_url="https://example.org/notice",
        source_note="官方公告",
        items=ITEMS if dataset in (Dataset.NEEDS, Dataset.OFFERS) else (),
        contacts=CONTACTS,
    )
    return Entry(
        UUID(int=list(DETAILS).index(dataset) + 1),
        draft,
        EntryStatus.OPEN,
        status,
        NOW,
        LATER,
        2,
        verified_at=NOW,
        expires_at=LATER,
    )


def exported(dataset: Dataset, status: VerificationStatus) -> dict[str, str]:
    """The sample's export in every format: {"csv": ..., "csv-zh": ..., "hxl": ..., "json": ...}."""
    record = entry_record(sample(dataset, status), ORGANIZATION.draft.name)
    files: dict[str, str] = {}
    for name, encoder in (
        ("csv", CsvEncoder(dataset, Language.EN, hxl=False)),
        ("csv-zh", CsvEncoder(dataset, Language.ZH, hxl=False)),
        ("hxl", CsvEncoder(dataset, Language.EN, hxl=True)),
        ("json", JsonEncoder(JsonMeta(dataset, "CC BY 4.0", "https://l.example", "T"))),
    ):
        files[name] = (encoder.head() + encoder.batch([record]) + encoder.tail()).decode()
    return files


def payload(dataset: Dataset, status: VerificationStatus) -> bytes:
    """The webhook body of the sample in `status`."""
    entry = sample(dataset, status)
    event = LiveEvent(7, 7, entry.id, entry.kind.value, EventType.UPDATED, LATER)
    return event_payload(event, entry, ORGANIZATION)


def csv_rows(text: str) -> list[list[str]]:
    """A CSV file's rows."""
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
