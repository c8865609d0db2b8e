"""Compiled query terms: their cuts and plans, cached by the index."""

from __future__ import annotations

import re

from desktop.core.search.query import Piece

# -- compiled terms --------------------------------------------------------------


class Cut:
    """One way of reading a term: its pieces' code sets, checked around the narrowest (the anchor)."""

    __slots__ = ("anchor", "checks", "length", "pattern", "pieces", "regex")

    def __init__(self, pieces: tuple[Piece, ...], sets: list[frozenset[str]], patterns: list[str]) -> None:
        anchor = min(range(len(sets)), key=lambda k: (len(sets[k]), k))
        self.pieces = pieces
        self.length = len(pieces)
        self.anchor = anchor
        self.pattern = patterns[anchor]
        self.regex: re.Pattern[str] | None = None  # compiled on first use (re caches it by pattern)
        self.checks = tuple((k - anchor, s) for k, s in enumerate(sets) if k != anchor)

    def search(self, codes: str) -> bool:
        regex = self.regex
        if regex is None:
            regex = self.regex = re.compile(self.pattern)
        if not self.checks:
            return regex.search(codes) is not None
        a = self.anchor
        last = len(codes) - self.length + a
        if last < a:
            return False
        for m in regex.finditer(codes, a, last + 1):
            p = m.start()
            for offset, allowed in self.checks:
                if codes[p + offset] not in allowed:
                    break
            else:
                return True
        return False


class Plan:
    """Alternative cuts of a term (pinyin, mixed initials), or one regex over initial symbols."""

    __slots__ = ("bits", "cuts", "exact", "symbols_re")

    def __init__(self, cuts: list[Cut], symbols_re: re.Pattern[str] | None = None) -> None:
        self.cuts = cuts
        self.symbols_re = symbols_re
        # One piece standing for a reading: the candidate bitset is exactly the matches.
        self.exact = symbols_re is None and len(cuts) == 1 and cuts[0].length == 1 and cuts[0].pieces[0][0] != "l"
        self.bits: dict[int, int] = {}

    def verify(self, codes: str, symbols: str) -> bool:
        if self.symbols_re is not None:
            return self.symbols_re.search(symbols) is not None
        return any(cut.search(codes) for cut in self.cuts)


class Term:
    __slots__ = ("codes", "corrections", "initials", "letters", "levels", "meta", "pinyin", "symbols", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.codes = ""
        self.symbols = ""
        self.letters = False  # only a-z: may be corrected when nothing matches
        self.pinyin: Plan | None = None
        self.initials: Plan | None = None
        self.meta: tuple[dict[int, Result], dict[str, Result]] | None = None
        self.corrections: list[tuple[float, str, Plan]] | None = None
        self.levels: list[Level] | None = None


Result = tuple[float, str, str]  # (score, kind, reason)
Level = tuple[float, int, str]  # (score, candidate bitset, kind when the bitset is exactly the matches, else "")


