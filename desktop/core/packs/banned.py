"""服务禁语: what a seat must not say, each hit with a softer wording and a reason in words.

Two kinds of entries share one engine. Phrases (the ``banned`` list) are patterns of
known wordings. Family rules (the ``families`` section) are structural: a regular expression
for how a family a quality checker judges (推诿, 顶撞, 嘲讽…) is built, with ``why`` saying
in words what it saw; a family may be eased by frames in the same sentence (the seat offers
another way; the seat is stopping a fraud). Both run on normalised words (:func:`normalise`:
您 as 你, fillers dropped, speech-to-text homophones read as meant); hits map back to the
original text.

Each entry's ``phrase`` is a pattern (:mod:`desktop.core.packs.patterns`): 这是…规定
also catches 这是银行的规定. ``unless`` lists patterns of harmless wordings that
contain it (不知道您方便吗 is not 不知道). An entry with ``rule: address`` is the
bare 你: it matches 你 itself, never 您. In typed text it is an alert like any other;
in speech (``speech=True``) it is only noted: speech-to-text writes 你 for 您 so often
that it says nothing about how the seat spoke, so such a hit has ``alert`` False and is
never counted. 您-forms of the other entries count too
(您听我说 is as bad as 你听我说). Nothing inside quoted customer speech counts:
「…」, “…” or the rest of a sentence after 客户说/客户称/客户问….
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from desktop.core.base.paths import resources_dir
from desktop.core.packs.patterns import Pattern, PatternError, compile_pattern, readable

# Marks a bare-你 entry in the list.
ADDRESS_RULE = "address"

_QUOTED_RE = re.compile(r"「[^」]*」|“[^”]*”|\"[^\"\n]*\"|『[^』]*』")
# 客户说… is the customer speaking; 跟客户说… is the seat speaking to the customer.
_CUSTOMER_SAID_RE = re.compile(
    r"(?<![跟对和给向同帮替])客户(?:原话|说|称|讲|问|反映|表示|质问|抱怨|骂|喊|嚷)[：:，,]?[^。！？!?\n]*"
)


@dataclass(frozen=True)
class BannedPhrase:
    """A phrase pattern, or (``regex`` set) a family rule; ``phrase`` is then its label."""

    phrase: str
    suggestion: str
    reason: str = ""
    unless: tuple[str, ...] = ()
    rule: str = ""
    family: str = ""
    regex: str = ""
    eased_by: tuple[str, ...] = ()  # the frames (regular expressions) that ease it in its sentence


@dataclass(frozen=True)
class BannedHit:
    start: int
    end: int
    entry: BannedPhrase
    text: str = ""
    alert: bool = True  # False: noted only (the bare 你 in speech), never counted


def load_banned(path: Path | None = None) -> tuple[BannedPhrase, ...]:
    """Read the list; raises ValueError naming the file and entry when it is malformed."""
    path = path or resources_dir() / "banned_phrases.yaml"
    # A safe loader, libyaml's when PyYAML has it (several times faster: this runs at every start).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(path.read_text(encoding="utf-8"))
    try:
        data = loader.get_single_data()
    finally:
        loader.dispose()
    if not isinstance(data, dict) or not isinstance(data.get("banned"), list):
        raise ValueError(f"{path}: expected a mapping with a 'banned' list")
    frames = _load_frames(path, data)
    entries = []
    for index, item in enumerate(data["banned"], start=1):
        if not isinstance(item, dict) or not str(item.get("phrase", "")).strip():
            raise ValueError(f"{path}: entry {index} needs a 'phrase'")
        unless = item.get("unless") or []
        if not isinstance(unless, list):
            raise ValueError(f"{path}: entry {index}: 'unless' must be a list")
        entry = BannedPhrase(
            str(item["phrase"]).strip(),
            str(item.get("suggestion", "")).strip(),
            _sentence_end(str(item.get("reason", "")).strip()),
            tuple(str(u).strip() for u in unless if str(u).strip()),
            str(item.get("rule", "") or ""),
            eased_by=_frames_named(path, f"entry {index}", item.get("eased_by"), frames),
        )
        for text in (entry.phrase, *entry.unless):
            try:
                _compiled(text)
            except PatternError as exc:
                raise ValueError(f"{path}: entry {index}: {exc}") from None
        entries.append(entry)
    # Longest first, so 我不知道 wins over a shorter entry inside it; family rules after them.
    phrases = sorted(entries, key=lambda e: -len(e.phrase))
    return tuple(phrases) + _load_families(path, data, frames)


def _load_frames(path: Path, data: dict[str, object]) -> dict[str, str]:
    """The ``frames`` section: name → regular expression, each checked."""
    frames = data.get("frames") or {}
    if not isinstance(frames, dict):
        raise ValueError(f"{path}: 'frames' must be a mapping")
    for name, source in frames.items():
        try:
            _regex(str(source))
        except re.error as exc:
            raise ValueError(f"{path}: frame '{name}': {exc}") from None
    return {str(name): str(source) for name, source in frames.items()}


def _frames_named(path: Path, where: str, names: object, frames: dict[str, str]) -> tuple[str, ...]:
    """The expressions of the frames an entry or family names in ``eased_by``."""
    if not names:
        return ()
    if not isinstance(names, list):
        raise ValueError(f"{path}: {where}: 'eased_by' must be a list")
    for name in names:
        if str(name) not in frames:
            raise ValueError(f"{path}: {where}: unknown frame '{name}'")
    return tuple(frames[str(name)] for name in names)


def _load_families(path: Path, data: dict[str, object], frames: dict[str, str]) -> tuple[BannedPhrase, ...]:
    """The ``families`` section: one entry per rule; checks every expression."""
    families = data.get("families") or {}
    if not isinstance(families, dict):
        raise ValueError(f"{path}: 'families' must be a mapping")
    rules: list[BannedPhrase] = []
    for family, spec in families.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("rules"), list) or not spec.get("suggestion"):
            raise ValueError(f"{path}: family '{family}' needs a 'suggestion' and a 'rules' list")
        eased = _frames_named(path, f"family '{family}'", spec.get("eased_by"), frames)
        for index, rule in enumerate(spec["rules"], start=1):
            if not isinstance(rule, dict) or not rule.get("regex") or not rule.get("why"):
                raise ValueError(f"{path}: family '{family}' rule {index} needs 'regex' and 'why'")
            try:
                _regex(str(rule["regex"]))
            except re.error as exc:
                raise ValueError(f"{path}: family '{family}' rule {index}: {exc}") from None
            why = str(rule["why"])
            rules.append(BannedPhrase(
                f"{family}：{why}", str(spec["suggestion"]).strip(),
                _sentence_end(f"{family}：{why}。{str(spec.get('reason', '')).strip()}".strip("。")),
                family=str(family), regex=str(rule["regex"]), eased_by=eased,
            ))
    return tuple(rules)


def _sentence_end(reason: str) -> str:
    """The reason as a sentence (it is shown before the softer wording)."""
    return reason + "。" if reason and not reason.endswith(("。", "！", "？")) else reason


@lru_cache(maxsize=512)
def _regex(source: str) -> re.Pattern[str]:
    return re.compile(source)


@lru_cache(maxsize=1)
def builtin_banned() -> tuple[BannedPhrase, ...]:
    return load_banned()


def _fold(text: str) -> str:
    """Match 您-forms too (您听我说 is as bad as 你听我说); keeps every position."""
    return text.replace("您", "你")


@lru_cache(maxsize=1024)
def _compiled(source: str) -> Pattern:
    return compile_pattern(_fold(source))


@lru_cache(maxsize=1024)
def _uncased_pieces(pattern: Pattern) -> tuple[str, ...]:
    """The pattern's literal pieces that have no upper or lower case (Chinese, digits): any match
    contains each of them exactly, so a text without one of them cannot match."""
    return tuple(piece for piece in pattern.pieces if piece.lower() == piece.upper() == piece)


# Someone else's words reported by the seat: 骗子跟您说…, 网点那边跟您讲…
_REPORTED_RE = re.compile(
    r"(?:骗子|对方|他们|她们|他|她|那边|网点|同事|柜员|柜台|商户|商家|短信)"
    r"[^。！？!?\n，,]{0,6}?(?:说|讲|告诉[你您]|称|让[你您])[：:，,]?[^。！？!?\n]*"
)


def customer_speech(text: str) -> list[tuple[int, int]]:
    """Spans of speech the seat reports rather than says: 「…」, “…”, what follows 客户说,
    and what follows 骗子跟您说 / 网点那边讲 to the sentence end."""
    spans = [m.span() for m in _QUOTED_RE.finditer(text)]
    spans += [m.span() for m in _CUSTOMER_SAID_RE.finditer(text)]
    spans += [m.span() for m in _REPORTED_RE.finditer(text)]
    return sorted(spans)


def _covered(length: int, spans: list[tuple[int, int]]) -> list[bool]:
    """Per character: inside one of ``spans`` (linear in the text however many spans overlap)."""
    depth = [0] * (length + 1)
    for start, end in spans:
        if start < end:
            depth[max(start, 0)] += 1
            depth[min(end, length)] -= 1
    marks, inside = [False] * length, 0
    for i in range(length):
        inside += depth[i]
        marks[i] = inside > 0
    return marks


# Fillers speech-to-text writes that carry nothing (额 of 额度 stays).
_FILLER_RE = re.compile(r"[嗯呃唔]|额(?![度外])")
# Speech-to-text and typing slips, read as meant; each replacement keeps the length.
_HOMOPHONES = (
    (re.compile(r"(?<=[我你他])门"), "们"),
    (re.compile(r"网店"), "网点"),
    (re.compile(r"半法"), "办法"),
    (re.compile(r"验正码"), "验证码"),
    (re.compile(r"知到|只道"), "知道"),
    (re.compile(r"(?<=[两三四五六七八九十几多好])边"), "遍"),
    (re.compile(r"在(?=这样|这么|吵|骂|闹)"), "再"),
    (re.compile(r"(?<=[听看说讲])的(?=懂|明白|清)"), "得"),
    (re.compile(r"挂湿"), "挂失"),
    (re.compile(r"动结"), "冻结"),
)
# Where a sentence ends (a family's frames are looked for in the same sentence).
_SENTENCE_END_RE = re.compile(r"[。！？!?；;\n]")
# The seat restating what the customer or someone else said: 您是说…, 您刚才说…, 网点说….
_RESTATED_RE = re.compile(
    r"(?:你|客户|[kK][hH]|他们|她们|他|她|对方|那边|网点|客服|坐席|同事|有人|骗子)"
    r"(?:刚才|刚刚|之前|上次|那边|也|还)?(?:是|跟你|和你|对你)?"
    r"(?:说|讲|称|反映|提到|告诉你)(?![的完话清吧不了得出过])|你的意思是|你是想说"
)


def normalise(text: str) -> tuple[str, list[int]]:
    """The words as the rules read them, and each character's position in ``text``:
    您 as 你, homophones as meant, fillers (嗯, 呃) dropped."""
    folded = _fold(text)
    for pattern, meant in _HOMOPHONES:
        folded = pattern.sub(meant, folded)  # every pattern matches exactly len(meant) characters
    keep = [True] * len(folded)
    for match in _FILLER_RE.finditer(folded):
        for i in range(match.start(), match.end()):
            keep[i] = False
    index = [i for i, k in enumerate(keep) if k]
    return "".join(folded[i] for i in index), index


class _Sentences:
    """Sentence bounds of the normalised words, found once (a long note has many hits)."""

    def __init__(self, norm: str):
        self.norm = norm
        self.ends = [m.start() for m in _SENTENCE_END_RE.finditer(norm)]

    def end_of(self, position: int) -> int:
        i = bisect.bisect_left(self.ends, position)
        return self.ends[i] if i < len(self.ends) else len(self.norm)

    def around(self, position: int) -> str:
        i = bisect.bisect_left(self.ends, position)
        start = self.ends[i - 1] + 1 if i else 0
        end = self.ends[i] if i < len(self.ends) else len(self.norm)
        return self.norm[start:end]


def _restated(sentences: _Sentences, index: list[int]) -> list[tuple[int, int]]:
    """Spans (in the original text) of words the seat restates, to the sentence end."""
    spans = []
    for match in _RESTATED_RE.finditer(sentences.norm):
        stop = sentences.end_of(match.start())
        spans.append((index[match.start()], index[stop - 1] + 1))
    return spans


@dataclass(frozen=True)
class _Prepared:
    """An entry with what matching it needs, compiled once per list."""

    entry: BannedPhrase
    regex: re.Pattern[str] | None = None
    pattern: Pattern | None = None
    pieces: tuple[str, ...] = ()
    unless: tuple[Pattern, ...] = ()


# Prepared lists by the id of the entries tuple (kept with it, so the id stays its own).
_PREPARED: dict[int, tuple[tuple[BannedPhrase, ...], tuple[_Prepared, ...]]] = {}


def _prepare(entries: tuple[BannedPhrase, ...]) -> tuple[_Prepared, ...]:
    """Phrases, then family rules, the bare 你 last (it must not hide what contains it)."""
    cached = _PREPARED.get(id(entries))
    if cached is not None and cached[0] is entries:
        return cached[1]
    ordered = ([e for e in entries if not e.regex and e.rule != ADDRESS_RULE] + [e for e in entries if e.regex]
               + [e for e in entries if e.rule == ADDRESS_RULE])
    prepared = []
    for entry in ordered:
        if entry.rule == ADDRESS_RULE:
            prepared.append(_Prepared(entry, regex=re.compile(re.escape(entry.phrase))))
        elif entry.regex:
            prepared.append(_Prepared(entry, regex=_regex(entry.regex)))
        else:
            pattern = _compiled(entry.phrase)
            prepared.append(_Prepared(entry, pattern=pattern, pieces=_uncased_pieces(pattern),
                                      unless=tuple(_compiled(u) for u in entry.unless)))
    if len(_PREPARED) >= 16:
        _PREPARED.clear()
    _PREPARED[id(entries)] = (entries, tuple(prepared))
    return tuple(prepared)


def _entry_spans(item: _Prepared, text: str, norm: str) -> list[tuple[int, int]]:
    """Spans of the entry in ``norm`` (the bare 你: in ``text``)."""
    if item.regex is not None:
        where = text if item.entry.rule == ADDRESS_RULE else norm
        return [m.span() for m in item.regex.finditer(where) if m.end() > m.start()]
    assert item.pattern is not None
    for piece in item.pieces:
        if piece not in norm:
            return []  # a piece the pattern needs is not in the text: no regular expression to run
    found = list(item.pattern.finditer(norm))
    if not found or not item.unless:
        return found
    allowed = _covered(len(norm), [span for pattern in item.unless for span in pattern.finditer(norm)])
    return [(s, e) for s, e in found if not any(allowed[s:e])]


def _eased(entry: BannedPhrase, sentences: _Sentences, position: int) -> bool:
    """A frame the entry's family names is in the same sentence (我帮您…; a fraud being stopped)."""
    sentence = sentences.around(position)
    return any(_regex(frame).search(sentence) for frame in entry.eased_by)


def find_banned(
    text: str, entries: tuple[BannedPhrase, ...] | None = None, *, speech: bool = False
) -> list[BannedHit]:
    """Non-overlapping banned phrases in ``text``, in order; quoted customer speech is skipped.

    ``speech``: the text is a transcript of the seat's speech; the bare 你 is noted, not alerted.
    """
    entries = builtin_banned() if entries is None else entries
    if not text:
        return []
    norm, index = normalise(text)
    sentences = _Sentences(norm)
    quoted = _covered(len(text), customer_speech(text) + _restated(sentences, index))
    taken = [False] * len(text)
    hits: list[BannedHit] = []
    for item in _prepare(entries):
        entry = item.entry
        for s, e in _entry_spans(item, text, norm):
            if entry.rule == ADDRESS_RULE:
                start, end = s, e
            else:
                start, end = index[s], index[e - 1] + 1
            if any(taken[start:end]) or all(quoted[start:end]):
                continue
            if entry.eased_by and _eased(entry, sentences, s):
                continue
            alert = not (speech and entry.rule == ADDRESS_RULE)
            hits.append(BannedHit(start, end, entry, text[start:end], alert))
            for i in range(start, end):
                taken[i] = True
    return sorted(hits, key=lambda h: h.start)


def alerts(hits: list[BannedHit] | tuple[BannedHit, ...]) -> list[BannedHit]:
    """The hits that count: what a quality checker would mark (not the noted bare 你 of speech)."""
    return [h for h in hits if h.alert]


def typed_banned(notes: str, entries: tuple[BannedPhrase, ...] | None = None) -> Counter[str]:
    """The banned phrases typed in a call's notes, by phrase as a person reads it (不归…管).

    The one definition of "typed" the seat's shift report, its record for the hub and the
    hub's reports share; "said" is the live transcript's count (``CallRecord.banned_spoken``),
    and the board's count is the two added up.
    """
    if not notes:
        return Counter()
    return Counter(readable(hit.entry.phrase) for hit in find_banned(notes, entries) if hit.alert)
