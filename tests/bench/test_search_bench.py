"""bench/search.py's pure parts: the queries it generates and the recall check's bookkeeping."""

from __future__ import annotations

import argparse
import json
import random
import sys
import uuid
from dataclasses import asdict
from pathlib import Path

import pytest

from hub.search.backend import EVERYTHING, Extras

# bench/ is not a package: its scripts import each other by name.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from search import (
    CLASSES,
    MISSES_SHOWN,
    PAGE_SIZE,
    QUERIES,
    BackendReport,
    Call,
    CallMix,
    ColdQueries,
    EngineLevel,
    IndexFigures,
    Latency,
    Measured,
    ModeFigures,
    RecallFigures,
    Report,
    Samples,
    _like_pattern,
    build_parser,
    chosen_backends,
    cjk_runs,
    cjk_slice,
    level_figures,
    query_figures,
    recall_samples,
    typo,
)


def _rng(seed: int) -> random.Random:
    # Seeded: the same draws every run (nothing secret).
    return random.Random(seed)  # noqa: S311


NAMES = ["城市便捷武汉中南路地铁口店", "华中科技大学同济医学院附属协和医院", "顺丰速运武汉市分部"]
REMARKS = [
    "如顺丰95338专项通道，医疗物资优先派送。",
    "急需，请直接送到住院部一楼，联系人王护士长。",
]


def _damerau_one(a: str, b: str) -> bool:
    """Whether b is a with exactly one letter dropped, added, replaced or two swapped."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def test_slices_are_cjk_substrings_that_never_cross_punctuation_or_digits() -> None:
    rng = _rng(1)
    for _ in range(300):
        text = rng.choice(NAMES + REMARKS)
        length = rng.randint(2, 4)
        piece = cjk_slice(rng, text, length)
        assert piece is not None
        assert len(piece) == length
        assert any(piece in run for run in cjk_runs(text))
    assert cjk_slice(rng, "N95 口罩, 3M", 3) is None  # no CJK run of three characters
    assert cjk_runs("如顺丰95338专项通道，医疗", 2) == ["如顺丰", "专项通道", "医疗"]


def test_a_typo_is_one_edit_away_and_keeps_the_first_letter() -> None:
    rng = _rng(2)
    for _ in range(300):
        text = rng.choice(["ventilator", "surgical mask", "protective coverall"])
        misspelt = typo(rng, text)
        changed = [(a, b) for a, b in zip(text.split(), misspelt.split(), strict=True) if a != b]
        assert len(changed) == 1
        original, wrong = changed[0]
        assert wrong[0] == original[0]
        assert _damerau_one(original, wrong), (original, wrong)
    assert typo(rng, "N95 mask") == "N95 mask"  # no word of five letters


def test_cold_queries_never_repeat_even_when_short_slices_run_out() -> None:
    cold = ColdQueries(_rng(3), NAMES, REMARKS, ["ventilator"])
    texts = [cold.next()[1] for _ in range(600)]
    assert len(set(texts)) == len(texts)
    kinds = {cold.next()[0] for _ in range(200)}
    assert {"name slice", "remark slice"} <= kinds


def test_the_call_mix_keeps_its_shares_and_pages_as_the_graphql_field_does() -> None:
    cold = ColdQueries(_rng(4), NAMES, REMARKS)
    mix = CallMix(_rng(5), cold, 0, 0.25, 0.3)
    calls = [mix.next() for _ in range(4000)]
    cold_share = sum(c.source == "cold" for c in calls) / len(calls)
    next_share = sum(not c.first_page for c in calls) / len(calls)
    assert 0.22 < cold_share < 0.28
    assert 0.27 < next_share < 0.33
    for call in calls:
        if call.first_page:
            assert (call.offset, call.extras) == (0, EVERYTHING)
        else:
            assert (call.offset, call.extras) == (PAGE_SIZE, Extras(total=False, facets=False))
        assert (call.named is None) == (call.source == "cold")
    # Named queries come in turn, so every one is asked.
    named = [c.named for c in calls if c.named is not None]
    assert set(named) == set(range(len(QUERIES)))
    only_named = CallMix(_rng(6), cold, 0, 0.0, 0.0)
    assert [only_named.next().named for _ in range(3)] == [1, 2, 3]


def test_level_figures_group_each_call_in_its_source_and_page_classes() -> None:
    samples = Samples()
    first = Call("口罩", "口罩", QUERIES[0].wanted, "named", True, 0)
    cold_next = Call("cold: name slice", "中南", QUERIES[0].wanted, "cold", False)
    samples.calls = [Measured(first, 10.0, 5), Measured(cold_next, 30.0, None)]
    samples.errors["timeout"] = 1
    figures = level_figures(16, samples, 2.0)
    assert (figures.queries, figures.errors, figures.queries_per_second) == (3, 1, 1.0)
    assert set(figures.by_class) == set(CLASSES)
    assert figures.by_class["named"].max_ms == 10.0
    assert figures.by_class["first page"].queries == 1
    assert figures.by_class["cold"].p50_ms == figures.by_class["next page"].p50_ms == 30.0


def test_recall_samples_are_cut_from_the_text_of_their_document() -> None:
    rng = _rng(7)
    texts = [(uuid.uuid4(), t) for t in NAMES]
    samples = recall_samples(rng, texts, "names", (2, 3, 4), 10)
    assert [s.length for s in samples] == [2] * 10 + [3] * 10 + [4] * 10
    by_id = dict(texts)
    for sample in samples:
        assert sample.source == "names"
        assert len(sample.text) == sample.length
        assert sample.text in by_id[sample.subject_id] == sample.cut_from
    assert recall_samples(rng, [(uuid.uuid4(), "N95")], "names", (2,), 10) == []
    # Fewer texts than slices asked for: a few slices of each, not one text cut forty times.
    assert len(recall_samples(rng, texts[:1], "names", (2,), 40)) == 4


def test_recall_bookkeeping_per_length_source_and_method() -> None:
    rng = _rng(8)
    names = recall_samples(rng, [(uuid.uuid4(), t) for t in NAMES * 7], "names", (2, 3), 20)
    remarks = recall_samples(rng, [(uuid.uuid4(), t) for t in REMARKS * 10], "remarks", (2,), 20)
    figures = RecallFigures()
    for index, sample in enumerate(names):
        figures.add(sample, "paged", found=index % 4 != 0)  # 2-chars: 15/20, 3-chars: 15/20
    for sample in remarks:
        figures.add(sample, "counted", found=True, note=", 1200 of ILIKE's 1100")
    assert (figures.cells["names/2"].found, figures.cells["names/2"].checked) == (15, 20)
    assert figures.by_length(2).checked == 40 and figures.by_length(2).found == 35
    assert figures.by_source("remarks").rate == 1.0
    assert figures.by_source("names").rate == 0.75
    assert figures.total.checked == 60 and figures.total.found == 50
    assert figures.methods == {"paged": 40, "counted": 20}
    assert len(figures.misses) == MISSES_SHOWN  # 10 of the 10 misses, and never more
    figures.add(names[0], "paged", found=False)
    assert len(figures.misses) == MISSES_SHOWN


def test_like_patterns_take_the_slice_literally() -> None:
    assert _like_pattern("中南") == "%中南%"
    assert _like_pattern("50%_\\") == "%50\\%\\_\\\\%"


@pytest.mark.parametrize(
    ("argv", "url", "expected"),
    [
        ([], None, ["postgres"]),
        (["--meilisearch"], None, ["postgres", "meilisearch"]),
        ([], "http://127.0.0.1:7700", ["postgres", "meilisearch"]),
        (["--backends", "meilisearch"], None, ["meilisearch"]),
        (["--backends", "meilisearch", "postgres"], None, ["postgres", "meilisearch"]),
    ],
)
def test_the_backends_measured(argv: list[str], url: str | None, expected: list[str]) -> None:
    args: argparse.Namespace = build_parser().parse_args(argv)
    assert chosen_backends(args, url) == expected


def test_the_report_prints_as_text_and_as_json() -> None:
    rng = _rng(9)
    recall = RecallFigures(truth="ILIKE")
    for sample in recall_samples(rng, [(uuid.uuid4(), t) for t in NAMES * 5], "names", (2,), 5):
        recall.add(sample, "paged", found=True)
    samples = Samples()
    samples.calls = [Measured(Call("口罩", "口罩", QUERIES[0].wanted, "named", True, 0), 3.0, 7)]
    level = level_figures(1, samples, 1.0)
    backend = BackendReport(
        name="meilisearch",
        version="1.21.0",
        indexing=IndexFigures(documents=10, subjects=11),
        indexed_documents=10,
        index_bytes=1_000_000,
        index_size_note="note",
        vacuum_seconds=None,
        modes=[ModeFigures("cold", [level], query_figures(samples), 1)],
        recall=recall,
        memory={"after indexing": {"VmRSS": 2048, "VmHWM": 4096}},
        engine=[EngineLevel(16, 5, 2.5, Latency.of([1.0, 2.0]))],
    )
    report = Report(
        entries=10, kinds={"NEED": 10}, organizations=1, items=20, not_searchable=0,
        seed_seconds=0.1, seconds=1.0, warmup_seconds=0.0, cold_share=0.25, next_share=0.3,
        database="embedded", python="3.11", postgresql="18", cores=2, load_before=[0.1],
        load_after=[0.2], backends=[backend], skipped={"postgres": "not asked for"},
    )  # fmt: skip
    as_json = json.loads(json.dumps(asdict(report), ensure_ascii=False))
    assert as_json["backends"][0]["recall"]["methods"] == {"paged": 5}
    text = report.text()
    assert "recall        5/5 (100%)" in text
    assert "after indexing RSS 2 MB, peak 4 MB" in text
    assert "hits      7  口罩" in text
