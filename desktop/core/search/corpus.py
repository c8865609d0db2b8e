"""Bitsets (Python integers, one bit per phrase) and the indexed text of the phrases."""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterable, Iterator

from desktop.core.search.alphabet import Alphabet, rank_of
from desktop.core.search.scores import TOP

# -- bitsets -------------------------------------------------------------------

_NONZERO = re.compile(rb"[^\x00]")
_BIT_POSITIONS = tuple(tuple(k for k in range(8) if b >> k & 1) for b in range(256))
BIT = (1, 2, 4, 8, 16, 32, 64, 128)
ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def iter_bits(x: int) -> Iterator[int]:
    """The positions of the set bits of ``x``, ascending, lazily."""
    if x <= 0:
        return
    data = x.to_bytes((x.bit_length() + 7) >> 3, "little")
    for m in _NONZERO.finditer(data):
        p = m.start()
        base = p << 3
        for k in _BIT_POSITIONS[data[p]]:
            yield base + k


def bits_of(ids: Iterable[int]) -> int:
    """The bitset of some ids."""
    ids = list(ids)
    if not ids:
        return 0
    if len(ids) < 8:
        x = 0
        for i in ids:
            x |= 1 << i
        return x
    data = bytearray((max(ids) >> 3) + 1)
    for i in ids:
        data[i >> 3] |= BIT[i & 7]
    return int.from_bytes(data, "little")


def _has_astral(text: str) -> bool:
    # A string holding any character beyond the BMP stores 4 bytes per character.
    if len(text) > 64:
        return sys.getsizeof(text) >= 3 * len(text)
    return bool(ASTRAL.search(text))


class Corpus:
    """Normalised texts with their code and symbol strings and their bitsets."""

    def __init__(self, norms: list[str], alpha: Alphabet) -> None:
        self.alpha = alpha
        self.n = n = len(norms)
        self.norm = norms
        self.all = (1 << n) - 1
        joined = "\x00".join(norms)
        if _has_astral(joined):  # characters beyond the BMP have no code: dropped from codes
            joined = ASTRAL.sub("", joined)
        both = joined.translate(alpha.pair_table)  # each letter/digit/Han → its code and symbol
        del joined
        self.codes: list[str] = both[0::2].split("\x00")
        symbols_joined = both[1::2]
        del both
        self.symbols: list[str] = symbols_joined.split("\x00")
        # Adjacent symbol pairs as single characters: the UTF-16 code units of the
        # symbol bytes, at even and at odd offsets (lo = first, hi = second symbol).
        raw = symbols_joined.encode("latin-1")
        del symbols_joined
        size = len(raw)
        even = raw[: size & ~1].decode("utf-16-le")
        odd = raw[1 : 1 + ((size - 1) & ~1)].decode("utf-16-le")
        del raw
        # One bit per text, set key by key: the characters of each text, and its pairs of
        # adjacent initial symbols (from the two UTF-16 views above). This loop is most
        # of the build; every other step runs in C over all the texts at once.
        width = (n >> 3) + 1
        code_maps: dict[str, bytearray] = {}
        pair_maps: dict[str, bytearray] = {}
        start = 0
        for i, text in enumerate(self.codes):
            j = i >> 3
            bit = BIT[i & 7]
            for c in set(text):
                try:
                    code_maps[c][j] |= bit
                except KeyError:
                    m = code_maps[c] = bytearray(width)
                    m[j] = bit
            end = start + len(text)
            if end - start > 1:
                for g in set(even[(start + 1) >> 1 : end >> 1] + odd[start >> 1 : (end - 1) >> 1]):
                    try:
                        pair_maps[g][j] |= bit
                    except KeyError:
                        m = pair_maps[g] = bytearray(width)
                        m[j] = bit
            start = end + 1
        del even, odd
        self.present_codes = frozenset(code_maps)
        readings: dict[str, int] = {}
        present: list[int] = []
        while code_maps:  # popping frees each bytearray as soon as it is converted
            c, m = code_maps.popitem()
            rank = rank_of(ord(c))
            present.append(rank)
            x = int.from_bytes(m, "little")
            for reading in alpha.readings[rank]:
                readings[reading] = readings.get(reading, 0) | x
        pairs: dict[str, int] = {}
        expand = alpha.expand
        while pair_maps:
            g, m = pair_maps.popitem()
            x = int.from_bytes(m, "little")
            value = ord(g)
            for a in expand.get(chr(value & 0xFF), ()):
                for b in expand.get(chr(value >> 8), ()):
                    pairs[a + b] = pairs.get(a + b, 0) | x
        self.readings = readings
        self.reading_keys = sorted(readings)
        self.pairs = pairs
        self.present = sorted(present)
        self._prefix_bits: dict[str, int] = {}
        order = sorted(range(n), key=norms.__getitem__)
        self.sorted_norms = [norms[i] for i in order]
        self.sorted_ids = order

    def prefix_bits(self, start: str) -> int:
        """Texts with a character having a reading that starts with ``start``."""
        x = self._prefix_bits.get(start)
        if x is None:
            keys = self.reading_keys
            lo = bisect.bisect_left(keys, start)
            hi = bisect.bisect_left(keys, start + TOP)
            x = 0
            for key in keys[lo:hi]:
                x |= self.readings[key]
            self._prefix_bits[start] = x
        return x

    def exact_and_prefix(self, q: str) -> tuple[list[int], list[int]]:
        """Ids of texts equal to ``q`` and of texts that start with it (not equal)."""
        sn = self.sorted_norms
        lo = bisect.bisect_left(sn, q)
        mid = bisect.bisect_right(sn, q, lo)
        hi = bisect.bisect_left(sn, q + TOP, mid)
        ids = self.sorted_ids
        return ids[lo:mid], ids[mid:hi]

    def substring_bits(self, qcodes: str, qsymbols: str) -> int:
        """A superset of the texts containing a query (given as its codes and symbols)."""
        if not qcodes:
            return self.all
        alpha = self.alpha
        if not self.present_codes.issuperset(qcodes):  # a character no text has
            return 0
        x = -1
        for c in set(qcodes):
            x &= self.readings.get(alpha.primary[rank_of(ord(c))], 0)
            if not x:
                return 0
        expand = alpha.expand
        for k in range(len(qsymbols) - 1):
            a, b = expand[qsymbols[k]][0], expand[qsymbols[k + 1]][0]
            x &= self.pairs.get(a + b, 0)
            if not x:
                return 0
        return x


