"""Precision and recall of the duplicate score on the labelled fixture (issue 17).

    .venv/bin/python bench/duplicates.py [--json] [--fixture PATH]

tests/fixtures/duplicates-labelled.json holds entries shaped like the 2020 volunteer lists, with
the groups of entries that repeat one another marked (tests/fixtures/make_duplicates_fixture.py
makes it). Every pair of entries of one kind is scored, as the submission scan would score it
(the scan compares an entry with up to 200 recent ones of its kind and province, plus those
sharing a phone); a pair at or above the threshold is a "likely duplicate". Precision: the share
of likely duplicates that are real; recall: the share of real ones found. The goal is at least
80% precision at at least 90% recall. Also printed: the pairs missed and wrongly flagged, and
how long a scan of 200 profiles takes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from hub.domain.contact_keys import phone_keys
from hub.domain.duplicates import THRESHOLD, Profile, likely_duplicates, score
from hub.domain.enums import EntryKind

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "duplicates-labelled.json"


@dataclass(frozen=True)
class Figures:
    """What the bench prints."""

    records: int
    pairs: int
    real_pairs: int
    flagged: int
    true_positives: int
    precision: float
    recall: float
    scan_ms_per_200: float
    missed: list[tuple[str, str]]
    wrong: list[tuple[str, str, float]]


def profile(record: dict[str, Any]) -> Profile:
    """A fixture record as the scan sees it: the poster's name, the places, the phones."""
    phones: set[str] = set()
    for phone in record["phones"]:
        phones |= phone_keys(phone)
    return Profile(
        kind=EntryKind(record["kind"]),
        province=record["province"],
        city=record["city"],
        organization_id=None,
        address=record["address"],
        poster_name=record["name"],
        category_codes=frozenset(record["categories"]),
        phones=frozenset(phones),
        account=record["account"],
    )


def measure(records: list[dict[str, Any]]) -> Figures:
    """Score every pair of one kind; compare with the labels."""
    profiles = {r["id"]: profile(r) for r in records}
    by_id = {r["id"]: r for r in records}
    pairs = flagged = true_positives = real = 0
    missed: list[tuple[str, str]] = []
    wrong: list[tuple[str, str, float]] = []
    for left, right in combinations(records, 2):
        if left["kind"] != right["kind"]:
            continue
        pairs += 1
        same = left["group"] == right["group"]
        found = score(profiles[right["id"]], profiles[left["id"]])
        real += same
        if found >= THRESHOLD:
            flagged += 1
            if same:
                true_positives += 1
            else:
                wrong.append((left["id"], right["id"], found))
        elif same:
            missed.append((left["id"], right["id"]))
    window = dict(list(profiles.items())[:200])
    newcomer = profile({**by_id[records[0]["id"]], "name": "武汉市第九十九医院"})
    rounds = 200
    started = time.perf_counter()
    for _ in range(rounds):
        likely_duplicates(newcomer, window)
    scan_ms = (time.perf_counter() - started) * 1000 / rounds
    return Figures(
        records=len(records),
        pairs=pairs,
        real_pairs=real,
        flagged=flagged,
        true_positives=true_positives,
        precision=true_positives / flagged if flagged else 1.0,
        recall=true_positives / real if real else 1.0,
        scan_ms_per_200=round(scan_ms, 3),
        missed=missed,
        wrong=wrong,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--fixture", type=Path, default=FIXTURE)
    args = parser.parse_args()
    records = json.loads(args.fixture.read_text(encoding="utf-8"))
    figures = measure(records)
    if args.json:
        print(json.dumps(asdict(figures), ensure_ascii=False))
        return
    names = {r["id"]: r["name"] for r in records}
    print(
        f"records {figures.records}, pairs of one kind {figures.pairs}, real {figures.real_pairs}"
    )
    print(f"flagged {figures.flagged}, of which real {figures.true_positives}")
    print(f"precision {figures.precision:.1%}  recall {figures.recall:.1%}")
    print(f"scan of 200 profiles: {figures.scan_ms_per_200} ms")
    for left, right in figures.missed:
        print(f"  missed: {names[left]} | {names[right]}")
    for left, right, found in figures.wrong:
        print(f"  wrong ({found}): {names[left]} | {names[right]}")
    goal = figures.precision >= 0.8 and figures.recall >= 0.9
    sys.exit(0 if goal else 1)


if __name__ == "__main__":
    main()
