"""The webhook body of one entry of each kind, as it was before the kinds were declared once
(tests/fixtures/kinds-pinned.json, written by that code)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hub.domain.enums import VerificationStatus
from hub.domain.open_data import Dataset
from tests.kind_samples import DETAILS, payload

PINNED = json.loads((Path(__file__).parents[1] / "fixtures" / "kinds-pinned.json").read_text())


@pytest.mark.parametrize("dataset", list(DETAILS), ids=lambda d: d.value)
@pytest.mark.parametrize("status", [VerificationStatus.VERIFIED, VerificationStatus.PENDING])
def test_the_payload_says_what_it_said(dataset: Dataset, status: VerificationStatus) -> None:
    # Same names and values; an offer's own fields now come in the order it declares them.
    body = json.loads(payload(dataset, status))
    expected = json.loads(json.dumps(PINNED["webhooks"][f"{dataset.value}/{status.value}"]))
    if status is VerificationStatus.PENDING:
        # Issue 14: an entry not yet verified does not show the verified organization it names
        # (the sample's hospital) unless that organization's staff posted it.
        assert expected["entry"]["organization"] is not None
        expected["entry"]["organization"] = None
    # Issue 17: a contact says its phone's E.164 and extension too (the samples' contacts were
    # never read by the phone parser, so they have neither).
    for contact in _contacts(expected):
        contact.update(phoneE164=None, phoneExtension=None)
    assert body == expected


def _contacts(value: object) -> list[dict[str, object]]:
    """Every contact object in a webhook body."""
    if isinstance(value, list):
        return [c for v in value for c in _contacts(v)]
    if not isinstance(value, dict):
        return []
    found = [c for c in value.get("contacts") or [] if isinstance(c, dict)]
    return found + [c for k, v in value.items() if k != "contacts" for c in _contacts(v)]
