"""What a query term becomes as a tsquery (hub.search.tsquery), in plain Python."""

from __future__ import annotations

from hub.search.tokens import document_tsvector
from hub.search.tsquery import phrase_prefilter, term_query


def test_cjk_words_are_chains_of_bigrams() -> None:
    assert term_query("口罩").match.tsquery() == "('口罩')"
    assert term_query("呼吸机").match.tsquery() == "('呼吸' <-> '吸机')"
    assert term_query("药").match.tsquery() == "('药':*)"


def test_a_run_is_cut_into_words_and_the_whole_run_ranks_higher() -> None:
    query = term_query("防护服武汉")
    assert query.match.tsquery() == "('防护' <-> '护服') & ('武汉')"
    assert query.rank() == "('防护' <-> '护服' <-> '服武' <-> '武汉') | " + (
        "('防护' <-> '护服') | ('武汉')"
    )


def test_only_a_lone_latin_word_widens_and_a_short_last_word_is_a_prefix() -> None:
    widened = {"n95": ["kn95"], "ventilatr": ["ventilator", "ventilators"]}
    assert term_query("n95", widened).match.tsquery() == "('n95' | 'kn95')"
    assert term_query("n95口罩", widened).match.tsquery() == "('n95') & ('口罩')"
    assert term_query("ventilatr", widened).match.tsquery() == (
        "('ventilatr' | 'ventilator' | 'ventilators')"
    )
    assert term_query("n9").match.tsquery() == "('n9':*)"
    assert term_query("!!!").match.tsquery() is None


def test_text_is_folded_before_it_is_cut() -> None:
    assert term_query("ＫＮ９５").match.tsquery() == "('kn95')"
    assert "'kn95':1A" in document_tsvector("ＫＮ９５口罩", "")


def test_a_phrase_narrows_by_its_words() -> None:
    assert phrase_prefilter("医用防护服").tsquery() == "('医用') & ('防护' <-> '护服')"
    assert phrase_prefilter("surgical mask").tsquery() == "('surgical') & ('mask')"
    assert phrase_prefilter("a b").tsquery() == "('a') & ('b')"
    assert phrase_prefilter("!!").tsquery() is None


def test_document_lexemes_hold_bigrams_and_each_runs_last_character() -> None:
    assert document_tsvector("中南路", "店") == "'中南':1A '南路':2A '路':3A '店':5B"


def test_a_lone_character_joins_its_neighbour() -> None:
    # jieba cuts 中北 into 中 and 北: asked apart they match nearly every document.
    assert term_query("中北").match.tsquery() == "('中北')"
    assert term_query("物流医").match.tsquery() == "('物流' <-> '流医')"
    assert term_query("的口罩").match.tsquery() == "('的口' <-> '口罩')"
