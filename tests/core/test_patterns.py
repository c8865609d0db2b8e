"""The gap pattern syntax of banned phrases and cues."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.packs.patterns import MAX_GAP, PatternError, check_pattern, compile_pattern, is_pattern


def spans(pattern: str, text: str) -> list[tuple[int, int]]:
    return list(compile_pattern(pattern).finditer(text))


def test_literal_pattern_matches_like_find():
    assert spans("只能", "这个只能这样，只能等") == [(2, 4), (7, 9)]
    assert spans("只能", "可以等") == []
    assert compile_pattern(" 只能 ").source == "只能"


def test_gap_matches_inserted_words():
    text = "这是银行的规定"
    assert spans("这是…规定", text) == [(0, 7)]
    assert spans("这是…规定", "这是规定") == [(0, 4)]
    assert spans("您…听我说", "您先听我说") == [(0, 5)]
    assert spans("这是...规定", "这是我们的规定") == [(0, 7)]


def test_gap_is_limited_and_stops_at_punctuation():
    assert spans("这是…规定", "这是" + "很" * MAX_GAP + "规定")
    assert spans("这是…规定", "这是" + "很" * (MAX_GAP + 1) + "规定") == []
    assert spans("这是…规定", "这是您的卡。规定时间内") == []
    assert spans("这是…规定", "这是，规定") == []
    assert spans("这是…{10}规定", "这是我们银行总行定下的规定") == [(0, 13)]


def test_span_is_the_tightest_from_its_start():
    assert spans("不…知道", "不太知道知道") == [(0, 4)]


def test_case_insensitive():
    assert spans("atm…吞", "ATM把卡吞了") == [(0, 6)]


@pytest.mark.parametrize("bad", ["", "   ", "…规定", "这是…", "这是……规定", "这是…{30}规定"])
def test_unusable_patterns_are_refused(bad):
    with pytest.raises(PatternError):
        compile_pattern(bad)
    with pytest.raises(PatternError):
        check_pattern(bad)  # what a pack check uses: the same verdict without compiling
    assert not is_pattern(bad)


@pytest.mark.parametrize("good", ["规定", " 这是…规定 ", "这是...{0}银行…{12}规定"])
def test_checking_a_pattern_gives_what_compiling_keeps(good):
    source, pieces, gaps = check_pattern(good)
    compiled = compile_pattern(good)
    assert (source, pieces) == (compiled.source, compiled.pieces)
    assert len(gaps) == len(pieces) - 1


def test_regex_characters_are_literal():
    assert spans("a.b", "axb") == []
    assert spans("a.b", "a.b") == [(0, 3)]
    assert spans("(1)…[2]", "(1)和[2]") == [(0, 7)]


@given(st.text(max_size=40), st.text(min_size=1, max_size=6).filter(lambda s: s.strip() and "…" not in s and "..." not in s))
def test_literal_never_disagrees_with_str_find(text, needle):
    found = spans(needle, text)
    folded_text, folded_needle = text.casefold(), needle.strip().casefold()
    if len(folded_text) == len(text) and len(folded_needle) == len(needle.strip()):
        assert bool(found) == (folded_needle in folded_text)
    for start, end in found:
        assert 0 <= start < end <= len(text)
