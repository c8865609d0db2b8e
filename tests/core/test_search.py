"""Phrase search: what each kind of query finds, the ranking, boosts, determinism, robustness."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.packs.loader import load_packs
from desktop.core.packs.scenarios import Library, Phrase, Scenario, Step
from desktop.core.search import (
    BASE_SCORES,
    MATCH_KINDS,
    NO_MATCH,
    Entry,
    SearchIndex,
    entries_from_library,
    entries_from_personal,
    frecency,
    frecency_boost,
    suggest_scenarios,
)
from desktop.core.search.textnorm import normalize, normalize_many

PACKS = Path(__file__).resolve().parents[2] / "resources" / "scenarios"
DAY = 86400.0
NOW = 1_800_000_000.0


def E(key: str, text: str, scenario: str = "demo", step: str = "s1", **kw) -> Entry:  # noqa: N802 - reads as a table row
    return Entry(key=key, text=text, scenario_id=scenario, step_id=step, **kw)


HAND = [
    E("demo/ka-exact", "KA"),
    E("demo/ka-prefix", "KA卡业务说明"),
    E("demo/ka-substring", "请联系KA经理"),
    E("demo/ka-pinyin", "卡片已经寄出"),
    E("demo/ka-initials", "快安排一下"),
    E("demo/atm", "ATM吞卡后请先挂失", scenario="card", step="loss"),
    E("demo/reset", "重置密码请到柜台办理"),
    E("demo/points", "积分兑换需要三个工作日"),
    E("demo/points-trad", "積分查詢請撥打客服熱線"),
    E("demo/vip", "ＶＩＰ客户专线"),
    E("demo/greet", "您好，先了解一下情况"),
    E("boost/a", "请您稍等片刻", scenario="x", step="x1"),
    E("boost/b", "请您稍等片刻", scenario="y", step="y1"),
    E("boost/c", "请您稍等片刻", scenario="y", step="y2"),
    E("freq/new", "稍后回电给您", scenario="z", step="z1"),
    E("freq/old", "稍后回电给您", scenario="z", step="z1"),
    E("meta/tagged", "这句话本身没有关键词", scenario="w", step="w1", tags=("开场白",),
      scenario_name="外呼回访", keywords=("回访", "满意度")),
]


@pytest.fixture(scope="module")
def hand() -> SearchIndex:
    return SearchIndex(HAND)


@pytest.fixture(scope="module")
def library() -> Library:
    result = load_packs([PACKS])
    return result.library


@pytest.fixture(scope="module")
def real(library) -> SearchIndex:
    return SearchIndex(entries_from_library(library))


def keys(hits) -> list[str]:
    return [h.entry.key for h in hits]


# -- what each kind of query finds (one table: query → first hit and how) ----------------------


@pytest.mark.parametrize(
    ("query", "expected", "kind"),
    [
        ("KA卡业务说明", "demo/ka-prefix", "exact"),  # the whole text
        ("ka", "demo/ka-exact", "exact"),  # case-insensitive
        ("吞卡", "demo/atm", "substring"),  # Chinese substring
        ("atm", "demo/atm", "prefix"),
        ("ＡＴＭ", "demo/atm", "prefix"),  # full-width letters (NFKC)
        ("ＶＩＰ", "demo/vip", "prefix"),
        ("vip", "demo/vip", "prefix"),  # full-width in the phrase
        ("tunka", "demo/atm", "pinyin"),  # full pinyin
        ("tunk", "demo/atm", "pinyin"),  # unfinished last syllable
        ("TunKa", "demo/atm", "pinyin"),
        ("吞ka", "demo/atm", "pinyin"),  # mixed
        ("tk", "demo/atm", "initials"),  # initials
        ("nhxl", "demo/greet", "initials"),  # across the comma: 您好，先了…
        ("積分", "demo/points", "prefix"),  # Traditional query, Simplified phrase
        ("积分查询", "demo/points-trad", "prefix"),  # Simplified query, Traditional phrase
        ("jifen", "demo/points", "pinyin"),
        ("cz", "demo/reset", "initials"),  # 重 is zhong or chong: indexed under both
        ("chongzhi", "demo/reset", "pinyin"),
        ("czmm", "demo/reset", "initials"),
        ("tukna", "demo/atm", "fuzzy"),  # two letters swapped
        ("tunkaa", "demo/atm", "fuzzy"),  # one letter too many
        ("吞卡 挂失", "demo/atm", "substring"),  # several terms, all must match
        ("atm gs", "demo/atm", "initials"),  # a query scores as its weakest term
    ],
)
def test_query_finds_phrase_first(hand, query, expected, kind):
    hits = hand.search(query)
    assert hits, query
    assert hits[0].entry.key == expected, [(h.key, h.match, h.score) for h in hits[:5]]
    assert hits[0].match == kind
    assert hits[0].match in MATCH_KINDS


def test_kinds_rank_exact_prefix_substring_pinyin_initials(hand):
    hits = hand.search("ka", limit=50)
    order = [h.key for h in hits if h.key.startswith("demo/ka-")]
    assert order == ["demo/ka-exact", "demo/ka-prefix", "demo/ka-substring", "demo/ka-pinyin", "demo/ka-initials"]
    by_key = {h.key: h for h in hits}
    assert [by_key[k].match for k in order] == ["exact", "prefix", "substring", "pinyin", "initials"]
    scores = [by_key[k].score for k in order]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 5


def test_fuzzy_ranks_below_every_other_kind():
    assert BASE_SCORES["fuzzy"] + 10 <= BASE_SCORES["initials"]
    ranked = sorted(MATCH_KINDS, key=lambda k: -BASE_SCORES[k])
    assert ranked == list(MATCH_KINDS)


def test_fuzzy_only_when_nothing_else_matches(hand):
    assert all(h.match != "fuzzy" for h in hand.search("tunka", limit=50))
    hits = hand.search("tukna")
    assert hits and all(h.match == "fuzzy" for h in hits)
    assert "tunka" in hits[0].reasons[0]
    assert hand.search("qqqqqqqq") == []


def test_all_terms_must_match(hand):
    assert keys(hand.search("吞卡 挂失")) == ["demo/atm"]
    assert hand.search("吞卡 积分") == []
    assert "demo/atm" in keys(hand.search("挂失 吞卡"))


def test_heteronyms_are_indexed_under_every_reading(hand):
    for query in ("cz", "zz", "chongzhi", "zhongzhi"):
        assert hand.search(query)[0].key == "demo/reset", query


def test_metadata_matches_rank_below_text(hand):
    hits = hand.search("回访")
    assert hits[0].key == "meta/tagged"
    assert hits[0].score == pytest.approx(BASE_SCORES["exact"] * 0.45)
    assert any("keyword '回访'" in r or "scenario '外呼回访'" in r for r in hits[0].reasons)
    assert hand.search("开场白")[0].key == "meta/tagged"
    assert hand.search("huifang")[0].key == "meta/tagged"


# -- boosts -----------------------------------------------------------------------------------


def test_current_scenario_and_step_boost(hand):
    assert keys(hand.search("稍等"))[:3] == ["boost/a", "boost/b", "boost/c"]  # ties: by key
    hits = hand.search("稍等", scenario_id="y")
    assert keys(hits)[:3] == ["boost/b", "boost/c", "boost/a"]
    assert "current scenario +10" in hits[0].reasons
    hits = hand.search("稍等", scenario_id="y", step_id="y2")
    assert keys(hits)[:3] == ["boost/c", "boost/b", "boost/a"]
    assert hits[0].score == pytest.approx(BASE_SCORES["prefix"] * 0 + BASE_SCORES["substring"] + 25)
    assert "current step +25" in hits[0].reasons
    # a step id counts only together with its scenario
    assert keys(hand.search("稍等", step_id="y2"))[:3] == ["boost/a", "boost/b", "boost/c"]


def test_frecency_recent_light_use_beats_old_heavy_use(hand):
    usage = {"freq/old": [NOW - 60 * DAY - k for k in range(20)], "freq/new": [NOW - 3600]}
    hits = hand.search("回电", usage=usage, now=NOW)
    assert keys(hits)[:2] == ["freq/new", "freq/old"]
    assert any(r.startswith("used 1×") for r in hits[0].reasons)
    usage = {"freq/old": [NOW - DAY - k for k in range(20)], "freq/new": [NOW - 3600]}
    assert keys(hand.search("回电", usage=usage, now=NOW))[:2] == ["freq/old", "freq/new"]


def test_frecency_decays_by_half_a_week():
    assert frecency([NOW], NOW) == pytest.approx(1.0)
    assert frecency([NOW - 7 * DAY], NOW) == pytest.approx(0.5)
    assert frecency([NOW - 14 * DAY, NOW - 14 * DAY], NOW) == pytest.approx(0.5)
    assert frecency([NOW + DAY], NOW) == pytest.approx(1.0)  # clock skew: counts as now
    assert frecency_boost(0) == 0 and frecency_boost(1) == pytest.approx(5) and frecency_boost(1000) < 10


def test_favourites_boost(hand):
    hits = hand.search("稍等", favourites={"boost/c"})
    assert hits[0].key == "boost/c" and "favourite +5" in hits[0].reasons
    index = SearchIndex([*HAND[:-6], E("fav/a", "请您稍等片刻"), E("fav/b", "请您稍等片刻", favourite=True)])
    assert keys(index.search("稍等"))[:2] == ["fav/b", "fav/a"]
    assert keys(index.search("稍等", favourites=set()))[:2] == ["fav/a", "fav/b"]  # the argument replaces the flags


def test_a_boost_lifts_a_phrase_over_a_better_match_of_another(hand):
    hits = hand.search("ka", scenario_id="card", step_id="loss", limit=50)
    order = keys(hits)
    # pinyin 40 + step 25 = 65 > substring 60, but < prefix 80
    assert order.index("demo/atm") < order.index("demo/ka-substring")
    assert order.index("demo/atm") > order.index("demo/ka-prefix")


def test_empty_query_ranks_by_boosts_only(hand):
    plain = hand.search("", limit=5)
    assert keys(plain) == sorted(e.key for e in HAND)[:5]
    assert all(h.match == NO_MATCH and h.score == 0 for h in plain)
    usage = {"demo/vip": [NOW - 3600], "freq/old": [NOW - 3 * DAY]}
    hits = hand.search("   ", scenario_id="y", step_id="y2", usage=usage, now=NOW, limit=4)
    assert keys(hits) == ["boost/c", "boost/b", "demo/vip", "freq/old"]
    assert hits[0].reasons == ("current step +25",)


# -- determinism and robustness ------------------------------------------------------------------


def test_results_are_deterministic(hand):
    shuffled = HAND[:]
    random.Random(7).shuffle(shuffled)
    other = SearchIndex(shuffled)
    for query in ("ka", "稍等", "tk", "tukna", "", "q"):
        first = hand.search(query, scenario_id="y", limit=50)
        assert first == hand.search(query, scenario_id="y", limit=50)
        assert first == other.search(query, scenario_id="y", limit=50)


def test_duplicate_keys_are_refused():
    with pytest.raises(ValueError, match="duplicate"):
        SearchIndex([E("a/1", "一"), E("a/1", "二")])


def test_empty_index_and_limits(hand):
    assert SearchIndex([]).search("ka") == []
    assert hand.search("ka", limit=0) == []
    assert len(hand.search("ka", limit=2)) == 2


def test_top_hits_do_not_depend_on_the_limit():
    """Early stopping never changes the best hits: compare with an exhaustive search."""
    rng = random.Random(3)
    pool = [h.text for h in HAND] + ["您好请问有什么可以帮您", "卡被机器吞了别着急", "我帮您查一下积分余额",
                                      "重新设置密码需要本人到柜台", "行长说这张卡可以挂失", "长期挂失要到网点解挂"]
    entries = []
    for k in range(400):
        text = "，".join(rng.sample(pool, 2))
        entries.append(E(f"g/{k:04d}", text, scenario=f"s{k % 7}", step=f"t{k % 3}"))
    index = SearchIndex(entries)
    usage = {f"g/{k:04d}": [NOW - rng.uniform(0, 30 * DAY)] for k in rng.sample(range(400), 40)}
    for query in ("ka", "吞卡", "tk", "guashi", "chang", "zh", "积分 ka", "nh", "g", "xx", "tukna", "卡"):
        for context in ({}, {"scenario_id": "s3", "step_id": "t1", "usage": usage, "now": NOW}):
            everything = index.search(query, limit=len(entries), **context)
            for limit in (1, 5, 20):
                top = index.search(query, limit=limit, **context)
                assert [(h.key, h.score) for h in top] == [(h.key, h.score) for h in everything[:limit]], (query, limit)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=30), limit=st.integers(min_value=-1, max_value=25))
def test_any_query_is_safe(hand, query, limit):
    hits = hand.search(query, limit=limit, scenario_id="y", usage={"boost/a": [NOW]}, now=NOW)
    assert len(hits) <= max(limit, 0)
    assert all(h.match in MATCH_KINDS or h.match == NO_MATCH for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz 吞卡积分重置ＡＴＭ積，'"), max_size=14))
def test_pinyin_like_queries_are_safe_on_the_real_library(real, query):
    assert len(real.search(query, limit=7)) <= 7


def test_indexing_odd_texts():
    odd = [E("o/1", ""), E("o/2", "   "), E("o/3", "😀吞卡😀"), E("o/4", "e\u0301t\u00e9 ﬁ"), E("o/5", "a\x00b"),
           E("o/6", "１２３４５"), E("o/7", "𠀀字")]
    index = SearchIndex(odd)
    assert index.search("吞卡")[0].key == "o/3"
    assert index.search("tunka")[0].key == "o/3"
    assert index.search("été")[0].key == "o/4"
    assert index.search("fi")[0].key == "o/4"
    assert index.search("12345")[0].key == "o/6"
    assert index.search("ab")[0].key == "o/5"
    assert index.search("𠀀")[0].key == "o/7"


# -- the real library ----------------------------------------------------------------------------


def test_entries_from_library(library):
    entries = entries_from_library(library)
    assert len(entries) == sum(len(step.phrases) for s in library.scenarios for step in s.steps)
    assert len({e.key for e in entries}) == len(entries)
    card = library.get("card-retained-atm")
    first = next(e for e in entries if e.scenario_id == "card-retained-atm")
    assert first.keywords == card.keywords and first.scenario_name == card.name
    assert first.key == f"card-retained-atm/{card.steps[0].phrases[0].id}"


@pytest.mark.parametrize(
    ("query", "needle"),
    [("吞卡", "吞卡"), ("tunka", "吞卡"), ("吞ka", "吞卡"), ("積分", "积分"), ("guashi", "挂失"), ("ＡＴＭ", "ATM"),
     ("tunkaa", "吞卡"), ("吞卡 挂失", "挂失")],
)
def test_real_library_finds(real, query, needle):
    hits = real.search(query)
    assert hits, query
    assert needle in hits[0].entry.text or needle in " ".join(hits[0].reasons), (query, hits[0])


def test_real_library_pinyin_finds_every_reading(real):
    # ji fen is 积分 and also 几分 (几分钟): both are found, ties by key
    texts = [h.entry.text for h in real.search("jifen", limit=50)]
    assert any("积分" in t for t in texts) and any("几分" in t for t in texts)
    hits = real.search("jifen", scenario_id="points-redemption")
    assert "积分" in hits[0].entry.text and "current scenario +10" in hits[0].reasons


def test_personal_phrases(library):
    @dataclass
    class Personal:
        id: int
        scenario_id: str
        step_id: str
        text: str
        favourite: bool

    mine = entries_from_personal(
        [Personal(42, "card-retained-atm", "soothe", "我自己的吞卡安抚话术", True), Personal(7, "", "", "通用的结束语", False)],
        library,
    )
    assert [e.key for e in mine] == ["personal/42", "personal/7"]
    assert mine[0].scenario_name == library.get("card-retained-atm").name and mine[0].favourite
    assert mine[0].step_title == library.get("card-retained-atm").step("soothe").title
    index = SearchIndex.from_library(library, [Personal(42, "card-retained-atm", "soothe", "我自己的吞卡安抚话术", True)])
    hits = index.search("wzj")
    assert hits[0].key == "personal/42"


# -- normalisation ---------------------------------------------------------------------------------


def test_normalize_many_equals_normalize():
    texts = [h.text for h in HAND] + ["", " a\tb \n", "ＡＢＣ１２３", "e\u0301", "〇一", "Ⅻ", "\x00x", "😀"]
    assert normalize_many(texts) == [normalize(t) for t in texts]
    assert normalize("積分 ＡＴＭ  Ok") == "积分 atm ok"


# -- scenario suggestions ----------------------------------------------------------------------


def test_suggest_scenarios_from_notes(library):
    found = suggest_scenarios("客户说卡被吞了，在ATM上，想先挂失", library, None)
    ids = [sid for sid, _ in found]
    assert ids[0] == "card-retained-atm"
    assert dict(found)["card-retained-atm"] in ("卡被吞", "ATM", "挂失")
    assert "card-retained-atm" not in [sid for sid, _ in suggest_scenarios("卡被吞了，ATM", library, "card-retained-atm")]
    traditional = suggest_scenarios("客戶詢問積分兌換", library, None)
    assert traditional[0] == ("points-redemption", "积分兑换")
    assert suggest_scenarios("", library, None) == []
    assert suggest_scenarios("今天天气不错", library, None) == []


def test_suggestions_rank_by_hits_then_longest_keyword():
    def scenario(sid: str, keywords: tuple[str, ...]) -> Scenario:
        return Scenario(id=sid, name=sid, keywords=keywords, steps=(Step("s", "s", phrases=(Phrase("p", "x"),)),))

    library = Library([scenario("a", ("卡", "ATM")), scenario("b", ("吞卡",)), scenario("c", ("卡",)),
                       scenario("d", ("atm", "吞卡", "挂失"))])
    # d: 3 keywords; a: 2; b and c: 1 each, b's longer
    assert suggest_scenarios("ATM吞卡，要挂失", library, None) == [("d", "atm"), ("a", "ATM"), ("b", "吞卡"), ("c", "卡")]
    assert suggest_scenarios("ＡＴＭ吞卡，要掛失", library, "d") == [("a", "ATM"), ("b", "吞卡"), ("c", "卡")]
    # same number of keywords: the longest keyword first, then library order
    assert suggest_scenarios("吞卡", library, None) == [("b", "吞卡"), ("d", "吞卡"), ("a", "卡"), ("c", "卡")]
