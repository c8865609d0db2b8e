"""服务禁语: phrases a seat must not say, each with a softer wording.

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
    phrase: str
    suggestion: str
    reason: str = ""
    unless: tuple[str, ...] = ()
    rule: str = ""


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
            str(item.get("reason", "")),
            tuple(str(u).strip() for u in unless if str(u).strip()),
            str(item.get("rule", "") or ""),
        )
        for text in (entry.phrase, *entry.unless):
            try:
                _compiled(text)
            except PatternError as exc:
                raise ValueError(f"{path}: entry {index}: {exc}") from None
        entries.append(entry)
    # Longest first, so 我不知道 wins over a shorter entry inside it.
    return tuple(sorted(entries, key=lambda e: -len(e.phrase)))


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
    """Per character: inside one of ``spans``."""
    marks = [False] * length
    for start, end in spans:
        for i in range(start, end):
            marks[i] = True
    return marks


def _entry_spans(entry: BannedPhrase, text: str, folded: str) -> list[tuple[int, int]]:
    if entry.rule == ADDRESS_RULE:
        return [(m.start(), m.end()) for m in re.finditer(re.escape(entry.phrase), text)]
    pattern = _compiled(entry.phrase)
    if any(piece not in folded for piece in _uncased_pieces(pattern)):
        return []  # a piece the pattern needs is not in the text: no regular expression to run
    found = list(pattern.finditer(folded))
    if not found or not entry.unless:
        return found
    allowed = _covered(len(folded), [span for source in entry.unless for span in _compiled(source).finditer(folded)])
    return [(s, e) for s, e in found if not any(allowed[s:e])]


def find_banned(
    text: str, entries: tuple[BannedPhrase, ...] | None = None, *, speech: bool = False
) -> list[BannedHit]:
    """Non-overlapping banned phrases in ``text``, in order; quoted customer speech is skipped.

    ``speech``: the text is a transcript of the seat's speech; the bare 你 is noted, not alerted.
    """
    entries = builtin_banned() if entries is None else entries
    if not text:
        return []
    folded = _fold(text)
    quoted = _covered(len(text), customer_speech(text))
    taken = [False] * len(text)
    hits: list[BannedHit] = []
    for entry in entries:
        for start, end in _entry_spans(entry, text, folded):
            if any(taken[start:end]) or all(quoted[start:end]):
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
