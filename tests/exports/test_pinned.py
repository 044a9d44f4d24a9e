"""The export files of one entry of each kind, byte for byte as they were before the kinds
were declared once (tests/fixtures/kinds-pinned.json, written by that code)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hub.domain.enums import VerificationStatus
from hub.domain.open_data import Dataset
from tests.kind_samples import DETAILS, exported

PINNED = json.loads((Path(__file__).parents[1] / "fixtures" / "kinds-pinned.json").read_text())


@pytest.mark.parametrize("dataset", list(DETAILS), ids=lambda d: d.value)
@pytest.mark.parametrize("status", [VerificationStatus.VERIFIED, VerificationStatus.PENDING])
def test_every_format_writes_what_it_wrote(dataset: Dataset, status: VerificationStatus) -> None:
    assert exported(dataset, status) == PINNED["exports"][f"{dataset.value}/{status.value}"]
