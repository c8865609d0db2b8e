"""Which scenario do the call notes point to? Ranking by the weight of all evidence.

Every scenario's ``keywords`` and ``cues`` (patterns, see :mod:`desktop.core.packs.patterns`)
are its cues; ``not_cues`` point away from it. A cue found in the notes adds its
weight, which grows with its length (吞卡 says more than 卡) and shrinks with the
number of scenarios that share it (ATM belongs to two). A cue found inside a
longer cue's match adds nothing (卡被吞 wins over 吞 on its own). A cue mentioned
late in the notes weighs a little more than one at the start: notes are written
as the call goes, so the last topic is the current one. A negative cue subtracts
its weight. Text is compared in its search form (Simplified, case-folded,
full-width folded), so 吞卡 also matches 吞卡 typed in Traditional characters.

Notes are typed fast: a keyword typed with the wrong character of the same sound
(冻节 for 冻结, 到刷 for 盗刷, a pinyin-IME slip) still counts, a little less, when at
least one of its characters is right. Everyday variants (提款机, 柜员机, app, 信用卡
中心…) are read as the word the packs use. Equal scores are ordered by evidence (more
cues, then the strongest cue), never by name. A scenario marked ``safety`` (a scam under
way) that any of its cues points to is always in the top three.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from desktop.core.packs.patterns import Pattern, PatternError, compile_pattern
from desktop.core.packs.scenarios import Library, Scenario
from desktop.core.search.textnorm import normalize

# A cue in a later part of the notes weighs up to this much more than one at the start.
RECENCY_SPAN = 0.5
# A negative cue subtracts its weight times this.
NEGATIVE_FACTOR = 1.5
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[a-z0-9]+")
# A cue matched by sound (a same-sounding character typed) weighs this much of its weight.
SOUND_FACTOR = 0.8
# Where a safety scenario that the notes point to is placed at worst (0-based).
SAFETY_RANK = 2
# Everyday and English variants, read as the words the packs use (keys normalised).
SYNONYMS: dict[str, str] = {
    "提款机": "取款机", "柜员机": "取款机", "自动取款机": "取款机", "存取款机": "取款机", "atm机": "atm",
    "app": "手机银行", "手机app": "手机银行", "掌上银行": "手机银行", "手机网银": "手机银行",
    "吃卡": "吞卡", "卡被吃": "卡被吞", "吃钞": "吞钞",
    "credit report": "征信", "征信记录": "征信",
    "otp": "验证码", "短信码": "验证码", "动态码": "验证码", "校验码": "验证码",
    "银保监": "金融监管总局", "银监会": "金融监管总局", "人行": "人民银行", "央行": "人民银行",
    "分几期": "分期", "挂账": "停息挂账",
    "信用卡中心": "信用卡", "cvv": "安全码",
    "冻住": "冻结", "锁卡": "冻结卡", "封卡": "冻结卡",
    "网上银行": "网银",
}
_LATIN_SYNONYM = re.compile(r"[a-z0-9 ]+")
_BREAK = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
# The weight of the best match by the scenario's own wording (when no cue decides).
CONTENT_WEIGHT = 0.6
# Only character pairs found in at most this many scenarios count, and a note must share at
# least this many of them with a scenario's text.
CONTENT_MAX_SHARE = 5
CONTENT_MIN_WORDS = 1
# Built-in signs of a scam under way, evidence for every ``safety`` scenario. G: a short gap
# inside one sentence.
_G = "[^。！？!?；;\n]"
SAFETY_SIGNALS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((label, re.compile(rx.replace("G", _G))) for label, rx in (
    ("有人指使转账或给码",
     r"(对方|有人|陌生人|骗子|客服|老师|导师|领导|警察|公安|刑警|法院|检察|银联|反诈|社保|医保|海关|平台|男友|女友|网友|"
     r"同学|群里|电话里|短信|自称)G{0,12}(让|要他|要她|要求|叫|指导|教|指挥|说|通知)G{0,20}"
     r"(转|汇|交|付|充|打钱|缴|念|报|输|下载|装|共享|操作|提现|入金|集中|存到)"),
    ("亲人出事要钱", r"(孙子|孙女|儿子|女儿|孩子|外孙|侄子|亲戚|家人)G{0,10}(出事|被抓|打架|车祸|保释|赔钱|坐牢|被扣)"),
    ("先交钱才能办", r"先(交|付|转|缴)G{0,8}(费|金|税)|先(转|汇|打)G{0,6}(过去|给他|给对方)"
                   r"|(交|付|转)G{0,8}(费|金|税)G{0,4}(才能|就能|才可以|才给|就给)"
                   r"|解冻金|解冻费|保释金|保证金|出金|刷流水"),
    ("远程控制", r"共享屏幕|屏幕共享|开共享|远程|会议软件|安全防护|向日葵|todesk"),
    ("索要验证码", r"(念|报|告诉|发给|说出)G{0,6}验证码|验证码G{0,8}(念|报给|告诉|发给)"),
    ("特殊账户", r"(安全|监管|清查|指定|验证|清白)账户|资金清查|配合调查|打新股|虚拟币|杀猪盘|刷单|冒充"),
    ("正被人指挥", r"耳机里|按电话里|按他说的|按对方说的|电话里G{0,6}(指挥|教)|有人在教|有人教|还在打电话|对方还在|没挂电话"),
    ("索要卡片信息", r"有效期G{0,6}(背面|安全码)|背面(3|三)位|安全码"),
))


@dataclass(frozen=True)
class Evidence:
    """One cue found in the notes and what it added to (or took from) a score."""

    cue: str
    weight: float
    shared_by: int = 1
    negative: bool = False
    kind: str = "cue"  # "cue", "signal" (a built-in safety signal) or "content" (the scenario's own text)

    def __str__(self) -> str:
        sign = "−" if self.negative else "+"
        if self.kind == "content":
            return f"≈“{self.cue}” +{abs(self.weight):.1f}"
        shared = f" ×{self.shared_by}" if self.shared_by > 1 else ""
        return f"“{self.cue}”{shared} {sign}{abs(self.weight):.1f}"


@dataclass(frozen=True)
class Suggestion:
    scenario_id: str
    score: float
    evidence: tuple[Evidence, ...]

    @property
    def explanation(self) -> str:
        """The cues behind the score, strongest first, e.g. “吞卡” +1.6 · “ATM” ×2 +0.5."""
        return " · ".join(str(e) for e in self.evidence)

    @property
    def by_cue(self) -> bool:
        """True when a cue or a safety signal (not only the scenario's wording) points here."""
        return any(e.kind != "content" and not e.negative for e in self.evidence)

    @property
    def cue(self) -> str:
        """The strongest positive cue, for a one-word reason."""
        positive = [e for e in self.evidence if not e.negative]
        return positive[0].cue if positive else ""


def cue_strength(cue: str) -> float:
    """How much a cue says on its own: 1 for one character or one Latin word, more for longer."""
    units = len(_CJK.findall(cue)) + len(_WORD.findall(cue))
    return 1.0 + 0.5 * (min(max(units, 1), 5) - 1)


@lru_cache(maxsize=4096)
def _pattern(source: str) -> Pattern | None:
    try:
        return compile_pattern(normalize(source))
    except PatternError:
        return None


@dataclass(frozen=True)
class _Match:
    scenario: int
    cue: str
    start: int
    end: int
    negative: bool


def _cues(scenario: Scenario) -> list[str]:
    seen: dict[str, str] = {}
    for cue in (*scenario.keywords, *scenario.cues):
        key = normalize(cue)
        if key and key not in seen:
            seen[key] = cue
    return list(seen.values())


def _inside_longer(spans: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The spans that lie inside a longer one of ``spans`` (n log n)."""
    ordered = sorted(spans, key=lambda span: (span[0], -span[1]))
    inside: set[tuple[int, int]] = set()
    furthest = -1  # the furthest end of the spans seen so far, which all start earlier or at the same place
    for start, end in ordered:
        # Spans with the same start come longest first, so a longer one is already counted.
        if furthest >= end:
            inside.add((start, end))
        furthest = max(furthest, end)
    return inside


def _pinyin(char: str) -> str | None:
    return _char_pinyin(char) if _CJK.fullmatch(char) else None


@lru_cache(maxsize=8192)
def _char_pinyin(char: str) -> str:
    from pypinyin import lazy_pinyin  # loaded on the first note that needs it

    return lazy_pinyin(char)[0]


def _sound_matches(cue: str, norm: str, sounds: list[str | None]) -> list[tuple[int, int]]:
    """Spans of ``norm`` that sound like ``cue`` (a gapless, all-Chinese cue of two or more
    characters) with at least one character right, but are not ``cue`` itself."""
    if len(cue) < 2 or not _CJK.fullmatch(cue[0]) or any(not _CJK.fullmatch(c) for c in cue):
        return []
    want = [_char_pinyin(c) for c in cue]
    spans = []
    for start in range(len(norm) - len(cue) + 1):
        if sounds[start] != want[0]:
            continue
        piece = norm[start : start + len(cue)]
        if piece == cue or sounds[start : start + len(cue)] != want:
            continue
        if any(a == b for a, b in zip(piece, cue, strict=True)) and not _real_words(norm, start, piece, cue):
            spans.append((start, start + len(cue)))
    return spans


@lru_cache(maxsize=1)
def _words() -> frozenset[str]:
    """Two-character Chinese words in common use (jieba's dictionary, frequency ≥ 10)."""
    import jieba  # only its word list is read, not its tokenizer

    path = Path(jieba.__file__).with_name("dict.txt")
    text = path.read_text(encoding="utf-8")
    return frozenset(re.findall(r"^(\S\S) \d{2,} ", text, re.M))


def _real_words(norm: str, start: int, piece: str, cue: str) -> bool:
    """True when the same-sounding characters are not a slip: the piece is a word of its own
    (时事 for 事实), or a wrong character forms a word with its neighbour (推销保险 is not 消保)."""
    words = _words()
    if piece in words:
        return True
    end = start + len(piece)
    if piece[0] != cue[0] and start > 0 and norm[start - 1 : start + 1] in words:
        return True
    return piece[-1] != cue[-1] and end < len(norm) and norm[end - 1 : end + 1] in words


def _with_synonyms(norm: str) -> str:
    """The notes with everyday variants replaced by the packs' words (longest first)."""
    for variant in sorted(SYNONYMS, key=len, reverse=True):
        if variant not in norm:
            continue
        word = normalize(SYNONYMS[variant])
        if _LATIN_SYNONYM.fullmatch(variant):
            norm = re.sub(rf"(?<![a-z0-9]){re.escape(variant)}(?![a-z0-9])", word, norm)
        else:
            norm = norm.replace(variant, word)
    return norm


def rank_scenarios(text: str, library: Library) -> list[Suggestion]:
    """Scenarios the notes point to, best first (score > 0 only); equal scores are ordered
    by evidence (more cues, then the strongest), then library order."""
    norm = normalize(text)
    if not norm:
        return []
    norm = _with_synonyms(_BREAK.sub("，", norm))  # seats leave blanks between phrases, not commas
    sounds = [_pinyin(c) for c in norm]
    scenarios = library.scenarios
    cue_lists = [_cues(s) for s in scenarios]
    shared = Counter(normalize(c) for cues in cue_lists for c in cues)
    matches: list[_Match] = []
    by_sound: set[tuple[int, str, int, int]] = set()  # matches by sound, not by characters
    for index, scenario in enumerate(scenarios):
        for negative, cues in ((False, cue_lists[index]), (True, list(scenario.not_cues))):
            for cue in cues:
                pattern = _pattern(cue)
                if pattern is None:
                    continue
                for start, end in pattern.finditer(norm):
                    matches.append(_Match(index, cue, start, end, negative))
                if not negative and not pattern.has_gap:
                    for start, end in _sound_matches(pattern.pieces[0], norm, sounds):
                        matches.append(_Match(index, cue, start, end, negative))
                        by_sound.add((index, cue, start, end))
    # A positive match inside a longer one (of any scenario) is part of that cue, not evidence of its own.
    inside = _inside_longer({(m.start, m.end) for m in matches if not m.negative})
    kept = [m for m in matches if m.negative or (m.start, m.end) not in inside]
    last_seen: dict[tuple[int, str, bool], int] = {}
    exact: set[tuple[int, str]] = set()
    for m in kept:
        key = (m.scenario, m.cue, m.negative)
        last_seen[key] = max(last_seen.get(key, 0), m.end)
        if (m.scenario, m.cue, m.start, m.end) not in by_sound:
            exact.add((m.scenario, m.cue))
    evidence: dict[int, list[Evidence]] = {}
    for (index, cue, negative), end in last_seen.items():
        share = 1 if negative else max(shared[normalize(cue)], 1)
        recency = 1.0 - RECENCY_SPAN / 2 + RECENCY_SPAN * end / len(norm)
        weight = cue_strength(cue) / share * recency
        if negative:
            weight *= NEGATIVE_FACTOR
        elif (index, cue) not in exact:  # found only by sound
            weight *= SOUND_FACTOR
        evidence.setdefault(index, []).append(Evidence(cue, round(weight, 2), share, negative))
    _add_signals(norm, scenarios, evidence)
    _add_content(norm, library, evidence)
    ranked: list[tuple[float, int, float, int, Suggestion]] = []
    for index, items in evidence.items():
        score = sum(-e.weight if e.negative else e.weight for e in items)
        if score <= 0 or all(e.negative for e in items):
            continue
        items.sort(key=lambda e: (e.negative, -e.weight))
        positive = [e.weight for e in items if not e.negative]
        ranked.append((-round(score, 2), -len(positive), -max(positive), index,
                       Suggestion(scenarios[index].id, round(score, 2), tuple(items))))
    ranked.sort(key=lambda r: r[:4])
    result = [r[-1] for r in ranked]
    return _safety_first(result, library)


def _add_signals(norm: str, scenarios: list[Scenario], evidence: dict[int, list[Evidence]]) -> None:
    """The built-in scam signals, as evidence for the ``safety`` scenarios."""
    found = [(label, m.end()) for label, rx in SAFETY_SIGNALS if (m := rx.search(norm))]
    if not found:
        return
    for index, scenario in enumerate(scenarios):
        if scenario.safety:
            for label, end in found:
                recency = 1.0 - RECENCY_SPAN / 2 + RECENCY_SPAN * end / len(norm)
                evidence.setdefault(index, []).append(Evidence(label, round(2.0 * recency, 2), kind="signal"))


_profiles: dict[int, tuple[tuple[Scenario, ...], list[set[str]], dict[str, float]]] = {}


def _bigrams(text: str) -> set[str]:
    norm = normalize(text)
    return {norm[i : i + 2] for i in range(len(norm) - 1) if _CJK.fullmatch(norm[i]) and _CJK.fullmatch(norm[i + 1])} | set(
        _WORD.findall(norm)
    )


def _scenario_text(scenario: Scenario) -> str:
    parts = [scenario.name, scenario.description, *scenario.keywords]
    for step in scenario.steps:
        parts += [step.title, step.guidance, *map(str, step.facts), *(p.text for p in step.phrases)]
    return "\n".join(parts)


def _profile(library: Library) -> tuple[list[set[str]], dict[str, float]]:
    """Each scenario's words (character pairs of its name, description, steps, facts and
    phrases) and how rare each pair is among the scenarios; kept while the library is."""
    key = id(library)
    cached = _profiles.get(key)
    scenarios = tuple(library.scenarios)
    if cached is None or cached[0] != scenarios:
        bags = [_bigrams(_scenario_text(s)) for s in scenarios]
        df = Counter(b for bag in bags for b in bag)
        idf = {b: math.log((1 + len(bags)) / n) for b, n in df.items()}
        _profiles.clear()
        cached = _profiles[key] = (scenarios, bags, idf)
    return cached[1], cached[2]


def _add_content(norm: str, library: Library, evidence: dict[int, list[Evidence]]) -> None:
    """Weak evidence from the scenarios' own wording: the rare character pairs a note shares
    with a scenario's text. It never outweighs a cue; it ranks what no cue separates."""
    words = _bigrams(norm)
    if not words:
        return
    bags, idf = _profile(library)
    rare = math.log((1 + len(bags)) / CONTENT_MAX_SHARE)
    scores = []
    for index, bag in enumerate(bags):
        if library.scenarios[index].safety:
            continue  # a scam is named by its signs, never by resemblance
        if any(not e.negative for e in evidence.get(index, ())):
            continue  # a cue already speaks for it
        shared = {w for w in words & bag if idf.get(w, 0.0) >= rare}
        score = sum(idf[w] for w in shared)
        if len(shared) >= CONTENT_MIN_WORDS:
            best = max(shared, key=lambda w: idf.get(w, 0.0))
            scores.append((score, index, best))
    if not scores:
        return
    top = max(score for score, _i, _b in scores)
    by_cue = [sum(-e.weight if e.negative else e.weight for e in items) for items in evidence.values()]
    ceiling = min([CONTENT_WEIGHT, *(0.9 * s for s in by_cue if s > 0)])  # never above a scenario a cue points to
    for score, index, best in scores:
        weight = round(ceiling * score / top, 2)
        if weight >= 0.05:
            evidence.setdefault(index, []).append(Evidence(best, weight, kind="content"))


def warm_up() -> None:
    """Load the character readings and the word list the first note needs (seconds, once)."""
    _char_pinyin("冻")
    _words()


def _safety_first(ranked: list[Suggestion], library: Library) -> list[Suggestion]:
    """A safety scenario the notes point to moves up to the top three (it stays put if higher)."""
    late = [s for s in ranked[SAFETY_RANK + 1 :]
            if s.by_cue and (found := library.get(s.scenario_id)) is not None and found.safety]
    if not late:
        return ranked
    rest = [s for s in ranked if s not in late]
    return rest[:SAFETY_RANK] + late + rest[SAFETY_RANK:]


def suggest_other(
    text: str, library: Library, current: Scenario | None, dismissed: set[str] | frozenset[str] = frozenset()
) -> Suggestion | None:
    """The best scenario to offer instead of ``current``, if the notes point elsewhere.

    Nothing is offered while the current scenario scores at least as high as the best
    other one (a cue it shares, such as ATM, does not point away from it).
    """
    ranked = rank_scenarios(text, library)
    current_score = next((s.score for s in ranked if current is not None and s.scenario_id == current.id), 0.0)
    for suggestion in ranked:
        if current is not None and suggestion.scenario_id == current.id:
            continue
        if suggestion.scenario_id in dismissed or not suggestion.by_cue:
            continue
        return suggestion if suggestion.score > current_score else None
    return None
