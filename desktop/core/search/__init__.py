"""Phrase search: Chinese, pinyin, initials, Traditional, full-width and typos, per keystroke.

Also here: ``textnorm`` (the one normal form of searched Chinese text) and ``suggest``
(which scenario the call notes point to, ranked by cues).

Use
---
``SearchIndex(entries)`` indexes :class:`Entry` objects (team-pack phrases from
:func:`entries_from_library`, the seat's own from :func:`entries_from_personal`);
``index.search(query, scenario_id=..., step_id=..., usage=..., now=..., limit=20)``
returns :class:`Hit` objects, best first. :func:`suggest_scenarios` proposes
other scenarios whose keywords appear in the notes being typed. Nothing here
imports Qt. pypinyin, OpenCC and rapidfuzz are imported when the first index of
the process is built, which also builds the process-wide reading tables (about
0.6 s once; later indexes do not pay it).

What matches, and the score
---------------------------
Text and query are normalised the same way (:mod:`desktop.core.search.textnorm`: NFKC,
Traditional → Simplified, case-folded). The query is split on white space into
terms; every term must match. A term matches a phrase as

=============  =====  ====================================================
``exact``      100    the whole phrase text is the term
``prefix``      80    the phrase starts with the term
``substring``   60    the phrase contains the term (``吞卡``, ``ATM``)
``pinyin``      40    full pinyin, the last syllable may be unfinished:
                      ``tunka``, ``tunk``, mixed ``吞ka``
``initials``    20    one letter per character: ``tk``, ``nhxl``,
                      ``cz`` for 重置
``fuzzy``      ≤10    only when nothing matched at all: the term with one
                      edit (a letter deleted, inserted, changed, or two
                      swapped) that is valid pinyin and occurs in the
                      library, matched as pinyin; 10 × the rapidfuzz OSA
                      similarity (``tukna`` → ``tunka``: 8)
=============  =====  ====================================================

Punctuation and spaces inside a phrase are skipped by pinyin and initials
(``nhxs`` finds 您好，先生). A term that matches only the phrase's metadata
(scenario name, step title, tags, scenario keywords) counts ``META_WEIGHT``
(0.45) of the same kind, for exact/prefix/substring/pinyin (45, 36, 27, 18),
so a phrase that says 吞卡 comes before one that is merely in a scenario with
the keyword 吞卡. A query of several terms scores as its weakest term.

Boosts are added: current step +25 (or current scenario +10), favourite +5,
and the seat's own use ``FRECENCY_MAX * f / (f + 1)`` (below 10), where the
frecency ``f = sum(0.5 ** (age_days / 7))`` over the uses. Boosts add up to
less than 40 and kinds are 20 apart, so boosts reorder phrases within a kind
and can lift one over the next kind or two (a prefix match in the current
step, 105, comes before an exact match elsewhere, 100). Every hit says why in
``reasons``; ties are broken by key, so results are deterministic. An empty
query lists the phrases by boost alone: the current step first (its 25
exceeds every other boost together), then by use.

How pinyin is matched
---------------------
Every letter, digit and Han character of the BMP gets a one-character *code*
(built once per process from pypinyin's per-character table), numbered in the
order of the character's first reading, and a one-byte *initial symbol*: its
initial letter, or, for a character whose readings start with different
letters (重 zhong/chong/tong), a symbol standing for that set. Each phrase is
stored as its string of codes and its string of symbols; punctuation is
dropped from both. Heteronyms keep every reading, which is what makes ``cz``
find 重置 whatever pypinyin would guess from context.

A pinyin term is cut into syllables every possible way (``xian`` = xian |
xi+an | xi+a+n…; the last piece may be unfinished; at most 16 cuts). Each
piece stands for the set of codes having a matching reading; a cut matches a
phrase when consecutive codes belong to its pieces' sets. That is checked by
finding the piece with the fewest codes (a one-class regex; a piece's code set
and class are cached by the index, and ``re`` caches the compiled class, so a
keystroke rarely compiles more than its new last piece) and then testing the
neighbours against the other pieces' sets. Initials are simpler: one regular
expression over the symbol string, whose classes are tiny because symbols are
Latin-1. (Sets of initials beyond the 177 commonest share one "any letter"
symbol: a rare heteronym may then match any initial. Characters beyond the
BMP have no code: they match as text, not as pinyin.)

So that few phrases are tried at all, the index keeps bitsets (Python
integers, one bit per phrase): per reading, the phrases containing a
character with that reading; per pair of initials, the phrases with two
adjacent characters having them. A term ANDs the sets of its pieces and of
its adjacent initial pairs (the same serves substring search, through the
readings and initials of the query's own characters). The kinds of match are
visited from the best score down, as bitsets of candidates (ANDed over the
terms); within a score, candidates are checked in key order, and the search
stops as soon as ``limit`` phrases without boosts have been found that
nothing still unvisited could outrank. Boosted phrases (current scenario,
used, favourites) are all checked, among the candidates, up front; where a
candidate bitset is exact (exact and prefix matches, one pinyin piece,
metadata, which has a bitset per group of entries and per tag) no phrase
needs checking at all. Setting the bitsets, one bit per (phrase, character)
and per (phrase, pair of initials), is most of the build: about 1.3 s for
50,000 phrases on the benchmark machine (see ``benchmarks/search.py``), where
a keystroke then takes 2 ms at the median and 5 ms at the 99th percentile.

Modules
-------
``entries`` (what is indexed, what a search returns), ``scores`` (kinds, scores,
boosts, limits), ``alphabet`` (reading codes and initial symbols), ``query``
(cutting a term into syllables), ``corpus`` (bitsets and the indexed text),
``terms`` (compiled terms), ``ranking`` (frecency and boosts), ``index``
(:class:`SearchIndex`), ``suggestions`` (live scenario suggestions from the notes).
"""

from __future__ import annotations

from desktop.core.search.entries import Entry, Hit, entries_from_library, entries_from_personal
from desktop.core.search.index import SearchIndex
from desktop.core.search.ranking import frecency, frecency_boost
from desktop.core.search.scores import BASE_SCORES, MATCH_KINDS, NO_MATCH
from desktop.core.search.suggestions import suggest_scenarios

__all__ = [
    "BASE_SCORES",
    "MATCH_KINDS",
    "NO_MATCH",
    "Entry",
    "Hit",
    "SearchIndex",
    "entries_from_library",
    "entries_from_personal",
    "frecency",
    "frecency_boost",
    "suggest_scenarios",
]
