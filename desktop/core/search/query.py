"""Cutting a query term into pinyin syllables and initials."""

from __future__ import annotations

from desktop.core.search.alphabet import Alphabet
from desktop.core.search.scores import MAX_CUTS, MAX_LETTER_RUN

# -- query parsing --------------------------------------------------------------

Piece = tuple[str, str]  # ("f", syllable) | ("p", start of a reading) | ("l", literal character)


def _tokens(term: str) -> list[tuple[str, str]]:
    """Letter runs ``("run", "tunka")`` and other letters/digits/Han ``("lit", "吞")``; the rest separates."""
    out: list[tuple[str, str]] = []
    run: list[str] = []
    for char in term:
        if "a" <= char <= "z":
            run.append(char)
            continue
        if run:
            out.append(("run", "".join(run)))
            run = []
        if char.isalnum():
            out.append(("lit", char))
    if run:
        out.append(("run", "".join(run)))
    return out


def _segment_pinyin(run: str, last: bool, alpha: Alphabet) -> list[tuple[Piece, ...]]:
    """Cuts of ``run`` into whole syllables; when ``last``, the final piece may be unfinished."""
    results: list[tuple[Piece, ...]] = []
    budget = [4000]
    n = len(run)
    syllables, prefixes = alpha.syllables, alpha.syllable_prefixes

    def walk(pos: int, acc: list[Piece]) -> None:
        if len(results) >= MAX_CUTS or budget[0] <= 0:
            return
        budget[0] -= 1
        if pos == n:
            results.append(tuple(acc))
            return
        if last and run[pos:] in prefixes:
            results.append((*acc, ("p", run[pos:])))
        for size in range(min(alpha.longest, n - pos), 0, -1):
            word = run[pos : pos + size]
            if word in syllables and (pos + size < n or not last):
                acc.append(("f", word))
                walk(pos + size, acc)
                acc.pop()

    walk(0, [])
    return results


def _combine(token_cuts: list[list[tuple[Piece, ...]]]) -> list[tuple[Piece, ...]]:
    combos: list[tuple[Piece, ...]] = [()]
    for cuts in token_cuts:
        combos = [a + b for a in combos for b in cuts][:MAX_CUTS]
        if not combos:
            return []
    return combos


def pinyin_cuts(term: str, alpha: Alphabet) -> list[tuple[Piece, ...]]:
    tokens = _tokens(term)
    if not any(kind == "run" for kind, _ in tokens):
        return []
    cuts: list[list[tuple[Piece, ...]]] = []
    for k, (kind, value) in enumerate(tokens):
        if kind == "lit":
            cuts.append([(("l", value),)])
        elif len(value) > MAX_LETTER_RUN:
            return []
        else:
            cuts.append(_segment_pinyin(value, k == len(tokens) - 1, alpha))
    return _combine(cuts)


def initials_cut(term: str) -> tuple[Piece, ...] | None:
    """One letter per character; other letters/digits/Han as themselves."""
    tokens = _tokens(term)
    if not any(kind == "run" for kind, _ in tokens):
        return None
    pieces: list[Piece] = []
    for kind, value in tokens:
        if kind == "lit":
            pieces.append(("l", value))
        elif len(value) > MAX_LETTER_RUN:
            return None
        else:
            pieces.extend(("p", letter) for letter in value)
    return tuple(pieces)


