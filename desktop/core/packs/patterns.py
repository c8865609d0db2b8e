"""A small pattern syntax for banned phrases and cues, with short gaps.

``这是…规定`` matches 这是规定 and 这是银行的规定: ``…`` (or ``...``) stands for a
gap of up to :data:`MAX_GAP` characters that does not cross sentence
punctuation. Everything else is literal; matching ignores case. ``…{n}``
sets the gap's limit to ``n`` characters (0-20) for that one gap.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

# Default longest gap, in characters.
MAX_GAP = 4
# Longest gap a pattern may ask for with ``…{n}``.
GAP_LIMIT = 20
# A gap never crosses these: the end of a sentence or clause, or a quote.
SENTENCE_PUNCTUATION = "。！？!?；;，,、：:\n\r「」“”\"…"

_GAP_RE = re.compile(r"(?:…|\.\.\.)(?:\{(\d{1,2})\})?")
_GAP_CHAR = "[^" + re.escape(SENTENCE_PUNCTUATION) + "]"


class PatternError(ValueError):
    """A pattern that cannot be used (empty, only gaps, a gap too long)."""


@dataclass(frozen=True)
class Pattern:
    """A compiled pattern: literal pieces joined by short gaps."""

    source: str
    pieces: tuple[str, ...]
    _regex: re.Pattern[str] = field(repr=False, compare=False)

    def finditer(self, text: str) -> Iterator[tuple[int, int]]:
        """Non-overlapping ``(start, end)`` spans where the pattern matches, in order.

        A gap is as short as possible, so a span is the tightest match from its start.
        """
        for match in self._regex.finditer(text):
            if match.end() > match.start():
                yield match.start(), match.end()

    def search(self, text: str) -> tuple[int, int] | None:
        """The first span, or None."""
        return next(self.finditer(text), None)

    @property
    def has_gap(self) -> bool:
        return len(self.pieces) > 1


def check_pattern(text: str) -> tuple[str, tuple[str, ...], tuple[int, ...]]:
    """The pattern's source, its literal pieces and the gaps between them, without compiling
    a regular expression (a pack is checked at every start; matching compiles it later);
    raises :class:`PatternError` for an unusable pattern."""
    source = text.strip()
    if not source:
        raise PatternError("the pattern is empty")
    parts: list[str] = []
    gaps: list[int] = []
    position = 0
    for match in _GAP_RE.finditer(source):
        parts.append(source[position : match.start()])
        limit = MAX_GAP if match.group(1) is None else int(match.group(1))
        if limit > GAP_LIMIT:
            raise PatternError(f"'{source}': a gap may be at most {GAP_LIMIT} characters")
        gaps.append(limit)
        position = match.end()
    parts.append(source[position:])
    if not parts[0].strip() or not parts[-1].strip():
        raise PatternError(f"'{source}': a gap (…) must stand between two words, not at an end")
    if any(not part.strip() for part in parts):
        raise PatternError(f"'{source}': two gaps (……) in a row")
    return source, tuple(p.strip() for p in parts), tuple(gaps)


def compile_pattern(text: str) -> Pattern:
    """Compile ``text``; raises :class:`PatternError` for an unusable pattern."""
    source, pieces, gaps = check_pattern(text)
    regex = re.escape(pieces[0])
    for limit, piece in zip(gaps, pieces[1:], strict=True):
        regex += f"{_GAP_CHAR}{{0,{limit}}}?" + re.escape(piece)
    return Pattern(source, pieces, re.compile(regex, re.IGNORECASE))


def is_pattern(text: str) -> bool:
    """True when ``text`` compiles."""
    try:
        check_pattern(text)
    except PatternError:
        return False
    return True


def readable(text: str) -> str:
    """A pattern as a person reads it: every gap an ellipsis, without its length (不归…{4}管 → 不归…管)."""
    return _GAP_RE.sub("…", text)
