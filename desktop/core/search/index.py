"""The index: build once, search per keystroke."""

from __future__ import annotations

import bisect
import re
import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import groupby, pairwise
from operator import attrgetter
from typing import Any

from desktop.core.packs.scenarios import Library
from desktop.core.search.alphabet import _code_cp, _get_alphabet, _runs_pattern
from desktop.core.search.corpus import _ASTRAL, _BIT, _bits_of, _Corpus, _iter_bits
from desktop.core.search.entries import (
    Entry,
    Hit,
    entries_from_library,
    entries_from_personal,
)
from desktop.core.search.query import Piece, _initials_cut, _pinyin_cuts
from desktop.core.search.ranking import _Boosts
from desktop.core.search.scores import (
    _LETTERS,
    BASE_SCORES,
    FUZZY_CHOICES,
    FUZZY_MIN_LETTERS,
    FUZZY_SPAN,
    MAX_QUERY_CHARS,
    META_WEIGHT,
    NO_MATCH,
    SCENARIO_BOOST,
    STEP_BOOST,
)
from desktop.core.search.terms import Result, _Cut, _Level, _Plan, _Term
from desktop.core.search.textnorm import normalize, normalize_many

# -- the index -------------------------------------------------------------------


class SearchIndex:
    """An immutable index of entries, sorted by key; build a new one when phrases change.

    Searching is safe from several threads (the caches are locked). Building takes
    a while for big libraries (see the module docstring): do it off the GUI thread.
    """

    def __init__(self, entries: Iterable[Entry]) -> None:
        alpha = _get_alphabet()
        self._alpha = alpha
        items = sorted(entries, key=attrgetter("key"))
        self.entries: tuple[Entry, ...] = tuple(items)
        self._id = dict(zip(map(attrgetter("key"), items), range(len(items))))
        if len(self._id) != len(items):
            seen: set[str] = set()
            duplicate = next(e.key for e in items if e.key in seen or seen.add(e.key))  # type: ignore[func-returns-value]  # set.add() is None: `or` adds and goes on
            raise ValueError(f"duplicate entry key {duplicate!r}")
        # The collector stays on (it is the whole process's): the build's young objects cost
        # it about 5% of the build (benchmarks/search.py measures it).
        self._text = _Corpus(normalize_many(list(map(attrgetter("text"), items))), alpha)
        self._build_meta(items)
        self._present_set = set(self._text.present) | set(self._meta.present)
        self._present = sorted(self._present_set)
        self._lock = threading.RLock()
        self._terms: OrderedDict[str, _Term] = OrderedDict()
        self._pieces: dict[Piece, tuple[frozenset[str], str] | None] = {}
        self._place_cache: dict[tuple[str, str | None], dict[int, float]] = {}

    @classmethod
    def from_library(cls, library: Library, personal: Iterable[Any] = ()) -> SearchIndex:
        return cls(entries_from_library(library) + entries_from_personal(personal, library))

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, key: str) -> Entry | None:
        i = self._id.get(key)
        return None if i is None else self.entries[i]

    def _places(self, scenario_id: str, step_id: str | None) -> dict[int, float]:
        """Entry → current step or scenario boost, cached for the last few (scenario, step)."""
        key = (scenario_id, step_id)
        with self._lock:
            places = self._place_cache.get(key)
            if places is None:
                sid = self._scenario_index[scenario_id]
                entries = self.entries
                places = {
                    i: STEP_BOOST if step_id is not None and entries[i].step_id == step_id else SCENARIO_BOOST
                    for i in _iter_bits(self._scenario_bits[sid])
                    if entries[i].scenario_id == scenario_id
                }
                if len(self._place_cache) >= 8:
                    self._place_cache.pop(next(iter(self._place_cache)))
                self._place_cache[key] = places
            return places

    def clear_caches(self) -> None:
        """Forget compiled terms and pieces and cached candidate sets (to measure cold keystrokes)."""
        with self._lock:
            self._place_cache.clear()
            self._terms.clear()
            self._pieces.clear()
            self._text._prefix_bits.clear()
            self._meta._prefix_bits.clear()

    # -- build ---------------------------------------------------------------------
    def _build_meta(self, items: Sequence[Entry]) -> None:
        """Metadata strings (scenario name, step title, keywords, tags) and who has them.

        Entries sharing scenario, step title and keywords form a group, and a match in
        the group's metadata is one for all its entries; tags are matched per entry.
        Groups and tags have bitsets, so metadata matches need no check per entry."""
        n = len(items)
        signatures = list(map(attrgetter("scenario_id", "scenario_name", "step_title", "keywords"), items))
        try:
            group_of = dict.fromkeys(signatures, 0)
        except TypeError:  # keywords given as lists
            signatures = [(a, b, c, tuple(k)) for a, b, c, k in signatures]
            group_of = dict.fromkeys(signatures, 0)
        scenario_index: dict[str, int] = {}
        pending: list[tuple[str, Any, str, str]] = []
        for gid, (scenario_id, scenario_name, step_title, keywords) in enumerate(group_of):
            group_of[(scenario_id, scenario_name, step_title, keywords)] = gid
            scenario_index.setdefault(scenario_id, len(scenario_index))
            fields = [("scenario", scenario_name), ("step", step_title)] + [("keyword", k) for k in keywords]
            pending.extend(("group", gid, name, value) for name, value in fields if value and value.strip())
        self._group = group = list(map(group_of.__getitem__, signatures))
        width = (n >> 3) + 1
        group_maps = [bytearray(width) for _ in range(len(group_of))]
        for i, gid in enumerate(group):
            group_maps[gid][i >> 3] |= _BIT[i & 7]
        self._group_bits = [int.from_bytes(m, "little") for m in group_maps]
        del group_maps
        # A scenario's entries are mostly consecutive (keys start with its id): set bits run by run.
        scenario_bits = [0] * len(scenario_index)
        position = 0
        for scenario_id, run in groupby(map(attrgetter("scenario_id"), items)):
            length = len(list(run))
            sid = scenario_index[scenario_id]
            scenario_bits[sid] |= ((1 << length) - 1) << position
            position += length
        self._scenario_bits = scenario_bits
        self._scenario_index = scenario_index
        self._favourites = [i for i, e in enumerate(items) if e.favourite]
        tags_of: list[tuple[str, ...]] = [()] * n
        tag_ids: dict[str, list[int]] = {}
        tag_norm: dict[str, str] = {}
        for i in [i for i, e in enumerate(items) if e.tags]:
            norms = []
            for tag in items[i].tags:
                norm = tag_norm.get(tag)
                if norm is None:
                    norm = tag_norm[tag] = normalize(tag)
                    if norm:
                        pending.append(("tag", norm, "tag", tag))
                if norm:
                    norms.append(norm)
                    tag_ids.setdefault(norm, []).append(i)
            tags_of[i] = tuple(norms)
        self._tags = tags_of
        self._tag_bits = {tag: _bits_of(ids) for tag, ids in tag_ids.items()}
        norms = normalize_many([value for _, _, _, value in pending])
        meta_index: dict[str, int] = {}
        texts: list[str] = []
        refs: list[list[tuple[str, Any, str, str]]] = []
        for ref, norm in zip(pending, norms):
            if not norm:
                continue
            mid = meta_index.get(norm)
            if mid is None:
                mid = meta_index[norm] = len(texts)
                texts.append(norm)
                refs.append([])
            refs[mid].append(ref)
        self._meta = _Corpus(texts, self._alpha)
        self._meta_refs = refs

    # -- pieces and plans ------------------------------------------------------------
    def _piece(self, piece: Piece) -> tuple[frozenset[str], str] | None:
        """The codes (present in the index) of the characters a piece stands for, and their regex class."""
        try:
            return self._pieces[piece]
        except KeyError:
            pass
        alpha = self._alpha
        kind, value = piece
        present = self._present
        ranks: list[int] = []
        if kind == "l":
            rank = alpha.rank(value)
            if rank is not None and rank in self._present_set:
                ranks.append(rank)
        else:
            lo, hi, extra = alpha.ranks_for(value, prefix=kind == "p")
            ranks.extend(present[bisect.bisect_left(present, lo) : bisect.bisect_left(present, hi)])
            ranks.extend(self._present_set.intersection(extra))
        result = None
        if ranks:
            cps = sorted({_code_cp(r) for r in ranks})
            result = frozenset(map(chr, cps)), _runs_pattern(cps)
        self._pieces[piece] = result
        return result

    def _plan(self, cuts: Iterable[tuple[Piece, ...]]) -> _Plan | None:
        kept = []
        seen = set()
        for pieces in cuts:
            if pieces in seen:
                continue
            seen.add(pieces)
            found = [self._piece(p) for p in pieces]
            if all(f is not None for f in found):
                kept.append(_Cut(pieces, [f[0] for f in found], [f[1] for f in found]))  # type: ignore[index]  # every piece was found (checked above)
        return _Plan(kept) if kept else None

    def _initials_plan(self, pieces: tuple[Piece, ...]) -> _Plan | None:
        if all(kind == "p" for kind, _ in pieces):  # letters only: one regex over initial symbols
            found = [self._piece(p) for p in pieces]
            if any(f is None for f in found):
                return None
            letter_class = self._alpha.letter_class
            regex = re.compile("".join(letter_class[v] for _, v in pieces))
            return _Plan([_Cut(pieces, [f[0] for f in found], [f[1] for f in found])], regex)  # type: ignore[index]  # every piece was found (checked above)
        return self._plan([pieces])

    def _plan_bits(self, plan: _Plan, corpus: _Corpus) -> int:
        key = id(corpus)
        x = plan.bits.get(key)
        if x is None:
            x = plan.bits[key] = self._cuts_bits([cut.pieces for cut in plan.cuts], corpus)
        return x

    def _cuts_bits(self, cuts: Iterable[tuple[Piece, ...]], corpus: _Corpus) -> int:
        """Candidates for some cuts: AND of their pieces' readings and adjacent initials, ORed over cuts."""
        alpha = self._alpha
        total = 0
        for pieces in cuts:
            x = corpus.all
            firsts: list[str] = []
            for kind, value in pieces:
                if kind == "f":
                    x &= corpus.readings.get(value, 0)
                    firsts.append(value[0])
                elif kind == "p":
                    x &= corpus.prefix_bits(value)
                    firsts.append(value[0])
                else:
                    rank = alpha.rank(value)
                    if rank is None:
                        x = 0
                        break
                    x &= corpus.readings.get(alpha.primary[rank], 0)
                    firsts.append(alpha.expand[alpha.symbol[_code_cp(rank)]][0])  # type: ignore[index]  # a coded character always has a symbol
                if not x:
                    break
            if x:
                for a, b in pairwise(firsts):
                    x &= corpus.pairs.get(a + b, 0)
                    if not x:
                        break
            total |= x
        return total

    def _term(self, text: str) -> _Term:
        with self._lock:
            term = self._terms.get(text)
            if term is not None:
                self._terms.move_to_end(text)
                return term
            alpha = self._alpha
            term = _Term(text)
            term.codes = _ASTRAL.sub("", text).translate(alpha.code_table)
            term.symbols = alpha.symbols_of(term.codes)
            term.letters = text.isascii() and text.isalpha()
            cuts = _pinyin_cuts(text, alpha)
            term.pinyin = self._plan(cuts) if cuts else None
            pieces = _initials_cut(text)
            if pieces is not None and (len(pieces) > 1 or term.pinyin is None):
                term.initials = self._initials_plan(pieces)
            self._terms[text] = term
            if len(self._terms) > 512:
                self._terms.popitem(last=False)
            return term

    # -- per-entry evaluation --------------------------------------------------------
    def _meta_of(self, term: _Term) -> tuple[dict[int, Result], dict[str, Result]]:
        """Best metadata match per group, and per tag, for a term."""
        if term.meta is not None:
            return term.meta
        with self._lock:
            if term.meta is not None:
                return term.meta
            meta = self._meta
            q = term.text
            kinds: dict[int, str] = {}
            exact, prefix = meta.exact_and_prefix(q)
            for mid in exact:
                kinds[mid] = "exact"
            for mid in prefix:
                kinds[mid] = "prefix"
            for mid in _iter_bits(meta.substring_bits(term.codes, term.symbols)):
                if mid not in kinds and q in meta.norm[mid]:
                    kinds[mid] = "substring"
            plan = term.pinyin
            if plan is not None:
                for mid in _iter_bits(self._plan_bits(plan, meta)):
                    if mid not in kinds and (plan.exact or plan.verify(meta.codes[mid], meta.symbols[mid])):
                        kinds[mid] = "pinyin"
            groups: dict[int, Result] = {}
            tags: dict[str, Result] = {}
            for mid in sorted(kinds, key=lambda m: (-BASE_SCORES[kinds[m]], m)):
                kind = kinds[mid]
                score = BASE_SCORES[kind] * META_WEIGHT
                for owner, key, name, value in self._meta_refs[mid]:
                    target = groups if owner == "group" else tags
                    if key not in target:
                        target[key] = (score, kind, f"{name} '{value}' ({kind})")
            term.meta = groups, tags
            return term.meta

    def _evaluate(self, term: _Term, i: int, fuzzy: bool) -> Result | None:
        """The best match of one term in one entry, or None."""
        text = self._text
        q = term.text
        s = text.norm[i]
        best: Result | None = None
        if q in s:
            if s == q:
                return BASE_SCORES["exact"], "exact", f"exact '{q}'"
            if s.startswith(q):
                return BASE_SCORES["prefix"], "prefix", f"prefix '{q}'"
            best = BASE_SCORES["substring"], "substring", f"substring '{q}'"
        elif term.pinyin is not None and term.pinyin.verify(text.codes[i], text.symbols[i]):
            best = BASE_SCORES["pinyin"], "pinyin", f"pinyin '{q}'"
        elif term.initials is not None and term.initials.verify(text.codes[i], text.symbols[i]):
            best = BASE_SCORES["initials"], "initials", f"initials '{q}'"
        groups, tags = term.meta if term.meta is not None else self._meta_of(term)
        found = groups.get(self._group[i])
        if found is not None and (best is None or found[0] > best[0]):
            best = found
        if tags:
            for tag in self._tags[i]:
                found = tags.get(tag)
                if found is not None and (best is None or found[0] > best[0]):
                    best = found
        if best is None and fuzzy and term.corrections:
            codes, symbols = text.codes[i], text.symbols[i]
            for score, reason, plan in term.corrections:
                if plan.verify(codes, symbols):
                    return score, "fuzzy", reason
        return best

    # -- candidate levels of a term ----------------------------------------------------
    def _levels(self, term: _Term, fuzzy: bool) -> list[_Level]:
        """(score, candidates, kind if exact) for every kind of match of a term, best first."""
        levels = term.levels
        if levels is None:
            text = self._text
            exact, prefix = text.exact_and_prefix(term.text)
            levels = [
                (BASE_SCORES["exact"], _bits_of(exact), "exact"),
                (BASE_SCORES["prefix"], _bits_of(prefix), "prefix"),
                (BASE_SCORES["substring"], text.substring_bits(term.codes, term.symbols), ""),
            ]
            if term.pinyin is not None:
                levels.append(
                    (BASE_SCORES["pinyin"], self._plan_bits(term.pinyin, text), "pinyin" if term.pinyin.exact else "")
                )
            if term.initials is not None:
                levels.append((BASE_SCORES["initials"], self._plan_bits(term.initials, text), ""))
            groups, tags = self._meta_of(term)
            by_score: dict[float, tuple[int, str]] = {}
            group_bits = self._group_bits
            for gid, (score, kind, _) in groups.items():
                by_score[score] = by_score.get(score, (0, kind))[0] | group_bits[gid], kind
            for tag, (score, kind, _) in tags.items():
                by_score[score] = by_score.get(score, (0, kind))[0] | self._tag_bits.get(tag, 0), kind
            # exact: a text match better than the metadata one would have been seen at its own level
            levels += [(score, bits, kind) for score, (bits, kind) in by_score.items()]
            levels = [level for level in levels if level[1]]
            levels.sort(key=lambda level: -level[0])
            term.levels = levels
        if fuzzy and term.corrections:
            text = self._text
            extra = [(score, self._plan_bits(plan, text), "") for score, _, plan in term.corrections]
            return sorted(levels + extra, key=lambda level: -level[0])
        return levels

    # -- search ------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        scenario_id: str | None = None,
        step_id: str | None = None,
        usage: Mapping[str, Sequence[float]] | None = None,
        favourites: Collection[str] | None = None,
        now: float | None = None,
        limit: int = 20,
    ) -> list[Hit]:
        """The best ``limit`` entries for ``query``, best first.

        ``scenario_id``/``step_id``: the call's current scenario and step (the
        step counts only with its scenario). ``usage``: entry key → times of the
        seat's uses (seconds, like ``time.time()``). ``favourites``: keys of
        favourite entries, replacing the entries' own ``favourite`` flags.
        ``now``: the time for frecency (default: ``time.time()``).
        """
        if limit <= 0 or not self.entries:
            return []
        boosts = _Boosts(self, scenario_id, step_id, usage, favourites, now)
        terms = self._parse(query)
        if not terms:
            return self._browse(boosts, limit)
        fuzzy = False
        found = self._run(terms, boosts, limit, fuzzy)
        if not found:
            eligible = [t for t in terms if t.letters and len(t.text) >= FUZZY_MIN_LETTERS]
            for term in eligible:
                if len(terms) == 1 or not self._run([term], None, 1, False):
                    fuzzy = bool(self._corrections(term)) or fuzzy
            if fuzzy:
                found = self._run(terms, boosts, limit, fuzzy)
        ranked = sorted(((score + boosts.value(i), i) for i, score in found.items()), key=lambda item: (-item[0], item[1]))
        hits = []
        for score, i in ranked[:limit]:
            results = [self._evaluate(term, i, fuzzy) for term in terms]
            weakest = min(results, key=lambda r: r[0])  # type: ignore[index]  # a ranked candidate matched every term
            reasons = tuple(r[2] for r in results)  # type: ignore[index]  # a ranked candidate matched every term
            hits.append(Hit(self.entries[i], round(score, 6), weakest[1], reasons + boosts.reasons(i)))  # type: ignore[index]  # a ranked candidate matched every term
        return hits

    def _parse(self, query: str) -> list[_Term]:
        text = normalize(query[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_CHARS]
        parts: list[str] = []
        for part in text.split(" "):
            if part and part not in parts:
                parts.append(part)
        return [self._term(part) for part in parts]

    def _browse(self, boosts: _Boosts, limit: int) -> list[Hit]:
        ranked = sorted(((boosts.value(i), i) for i in _iter_bits(boosts.bits)), key=lambda item: (-item[0], item[1]))
        ranked = ranked[:limit]
        if len(ranked) < limit:
            for i in _iter_bits(self._text.all & ~boosts.bits):
                ranked.append((0.0, i))
                if len(ranked) >= limit:
                    break
        return [Hit(self.entries[i], round(v, 6), NO_MATCH, boosts.reasons(i)) for v, i in ranked]

    def _run(self, terms: list[_Term], boosts: _Boosts | None, limit: int, fuzzy: bool) -> dict[int, float]:
        """Matching entries → score before boosts; enough of them to rank the top ``limit``.

        Boosted entries are all scored (a boost may lift any of them). The others are
        visited score by score, best first, as the bitset of candidates that reach that
        score for every term, in key order, until ``limit`` of them are found that
        nothing still unvisited can outrank."""
        levels = [self._levels(t, fuzzy) for t in terms]
        evaluate = self._evaluate
        single = len(terms) == 1
        if single:
            term = terms[0]

            def score_of(i: int) -> float | None:
                r = evaluate(term, i, fuzzy)
                return None if r is None else r[0]

        else:
            order = sorted(range(len(terms)), key=lambda k: sum(b.bit_count() for _, b, _ in levels[k]))

            def score_of(i: int) -> float | None:
                weakest = 1e9
                for k in order:
                    r = evaluate(terms[k], i, fuzzy)
                    if r is None:
                        return None
                    weakest = min(weakest, r[0])
                return weakest

        found: dict[int, float] = {}
        union = -1
        for term_levels in levels:
            u = 0
            for _, bits, _ in term_levels:
                u |= bits
            union &= u
        if union <= 0:
            return found
        boosted = union & boosts.bits if boosts is not None else 0
        if boosted:
            if single:  # level by level: an exact level needs no check
                seen = 0
                for score, bits, exact in levels[0]:
                    fresh = boosted & bits & ~seen
                    seen |= fresh
                    for i in _iter_bits(fresh):
                        s = score if exact else score_of(i)
                        if s is not None:
                            found[i] = s
            else:
                for i in _iter_bits(boosted):
                    s = score_of(i)
                    if s is not None:
                        found[i] = s
        scores = sorted({score for term_levels in levels for score, _, _ in term_levels}, reverse=True)
        reached = [0] * len(terms)
        pointer = [0] * len(terms)
        previous = 0
        plain: list[float] = []
        unboosted = ~(boosts.bits if boosts is not None else 0)
        for level in scores:
            candidates = -1
            exact_kind = ""
            for k, term_levels in enumerate(levels):
                while pointer[k] < len(term_levels) and term_levels[pointer[k]][0] >= level:
                    reached[k] |= term_levels[pointer[k]][1]
                    if single and term_levels[pointer[k]][0] == level:
                        exact_kind = term_levels[pointer[k]][2]
                    pointer[k] += 1
                candidates &= reached[k]
            fresh = candidates & ~previous & unboosted
            previous = candidates
            above = sum(1 for s in plain if s > level)
            if above >= limit:
                break
            at = 0
            for i in _iter_bits(fresh):
                s = level if exact_kind else score_of(i)
                if s is None:
                    continue
                found[i] = s
                plain.append(s)
                if s >= level:
                    at += 1
                    if above + at >= limit:
                        return found
        return found

    # -- fuzzy -------------------------------------------------------------------------
    def _corrections(self, term: _Term) -> list[tuple[float, str, _Plan]]:
        """Single-edit variants of a term that matched nothing, that are pinyin and occur in the index."""
        if term.corrections is not None:
            return term.corrections
        from rapidfuzz.distance import OSA

        alpha = self._alpha
        q = term.text
        variants: set[str] = set()
        for k in range(len(q)):
            variants.add(q[:k] + q[k + 1 :])
            if k + 1 < len(q):
                variants.add(q[:k] + q[k + 1] + q[k] + q[k + 2 :])
            for letter in _LETTERS:
                variants.add(q[:k] + letter + q[k + 1 :])
                variants.add(q[:k] + letter + q[k:])
        variants.update(q + letter for letter in _LETTERS)
        variants.discard(q)
        valid = alpha.valid_pinyin.fullmatch
        text = self._text
        scored = []
        for variant in sorted(v for v in variants if len(v) >= 2 and valid(v)):
            cuts = _pinyin_cuts(variant, alpha)
            count = self._cuts_bits(cuts, text).bit_count() if cuts else 0
            if count:  # a superset of the phrases it would match: most first among equally close
                scored.append((-OSA.normalized_similarity(q, variant), -count, variant, cuts))
        scored.sort(key=lambda item: item[:3])
        out: list[tuple[float, str, _Plan]] = []
        for negative, _, variant, cuts in scored:
            plan = self._plan(cuts)
            if plan is None:
                continue
            # Each correction its own score, a little lower by rank, best first.
            score = FUZZY_SPAN * -negative - 0.01 * len(out)
            out.append((score, f"fuzzy '{variant}' {-negative:.0%}", plan))
            if len(out) >= FUZZY_CHOICES:
                break
        with self._lock:
            term.corrections = out
        return out


