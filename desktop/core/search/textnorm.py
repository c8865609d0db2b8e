"""One normal form for searching Chinese text: the index and the query both go through it.

``normalize(text)`` is, in this order:

1. Unicode NFKC: full-width letters, digits and punctuation become their ASCII
   forms (``ＡＴＭ`` → ``ATM``, ``，`` → ``,``), compatibility ideographs become
   the unified ones;
2. Traditional → Simplified Chinese with OpenCC ``t2s`` (``積分`` → ``积分``);
3. ``str.casefold()``;
4. every run of white space becomes one space, and the ends are trimmed.

NUL characters are dropped (``normalize_many`` uses NUL to separate texts),
and lone surrogates become U+FFFD (OpenCC cannot encode them).

``normalize_many(texts)`` gives exactly ``[normalize(t) for t in texts]`` but
runs each step once over all the texts joined together, which is several times
faster for a whole phrase library (NFKC in particular is slow text by text on
Chinese, because full-width punctuation makes every text take the slow path).

The OpenCC converter and the table of characters that NFKC changes are built
on first use, so importing this module costs nothing.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from typing import Any

_WHITESPACE = re.compile(r"\s+")
_SEPARATOR = "\x00"  # never kept in normalised text
_SURROGATE = re.compile("[\ud800-\udfff]")

_lock = threading.Lock()
_converter = None
_unstable: re.Pattern[str] | None = None
_composing: re.Pattern[str] | None = None


def _t2s() -> Any:  # an opencc.OpenCC (untyped)
    global _converter
    if _converter is None:
        with _lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC("t2s")
    return _converter


def to_simplified(text: str) -> str:
    """Traditional Chinese → Simplified (OpenCC ``t2s``); other text is unchanged.

    Lone surrogates (which cannot be encoded for OpenCC) become U+FFFD.
    """
    if not text:
        return text
    try:
        return str(_t2s().convert(text))
    except UnicodeEncodeError:
        return str(_t2s().convert(_SURROGATE.sub("\ufffd", text)))


def normalize(text: str) -> str:
    """The search form of ``text``: NFKC, Simplified, case-folded, single spaces, trimmed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text.replace(_SEPARATOR, ""))
    text = to_simplified(text).casefold()
    return _WHITESPACE.sub(" ", text).strip()


def _tables() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Two character classes, built once (about 50 ms):

    * ``unstable``: every character NFKC changes on its own (exact for the BMP;
      every astral character is included, to be checked one by one);
    * ``composing``: every character that may combine with the one before it
      (combining marks, second halves of canonical compositions, Hangul vowel
      and final jamo; again every astral character). A string without them
      whose characters are each NFKC-stable is NFKC-normal as a whole.
    """
    global _unstable, _composing
    if _unstable is None or _composing is None:
        with _lock:
            if _unstable is None or _composing is None:
                nfkc = unicodedata.normalize
                unstable, composing = [], set()
                for cp in range(0x80, 0x10000):
                    if 0xD800 <= cp <= 0xDFFF:
                        continue
                    char = chr(cp)
                    if nfkc("NFKC", char) != char:
                        unstable.append(char)
                    if unicodedata.combining(char):
                        composing.add(char)
                    decomposition = unicodedata.decomposition(char).split()
                    if len(decomposition) == 2 and not decomposition[0].startswith("<"):
                        composing.add(chr(int(decomposition[1], 16)))
                composing.update(chr(cp) for cp in range(0x1161, 0x1176))
                composing.update(chr(cp) for cp in range(0x11A8, 0x11C3))
                astral = "\U00010000-\U0010ffff"
                _composing = re.compile("[" + "".join(re.escape(c) for c in sorted(composing)) + astral + "]")
                _unstable = re.compile("[" + "".join(re.escape(c) for c in unstable) + astral + "]")
    return _unstable, _composing


def _nfkc_joined(joined: str) -> str:
    """NFKC of a long string, fast when (as usual) only a few distinct characters change.

    Each changing character is replaced by its own NFKC form (a handful of
    ``str.replace`` calls over the whole string). Texts with characters that
    may compose with their neighbour are then normalised one by one, exactly.
    Either way the result equals ``unicodedata.normalize("NFKC", joined)``.
    """
    unstable, composing = _tables()
    for char in set(unstable.findall(joined)):
        replacement = unicodedata.normalize("NFKC", char)
        if replacement != char:
            joined = joined.replace(char, replacement)
    if not composing.search(joined):
        return joined
    parts = joined.split(_SEPARATOR)
    for k, part in enumerate(parts):
        if composing.search(part):
            parts[k] = unicodedata.normalize("NFKC", part)
    return _SEPARATOR.join(parts)


def normalize_many(texts: Sequence[str]) -> list[str]:
    """``[normalize(t) for t in texts]``, computed in one pass over all of them."""
    if not texts:
        return []
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != len(texts) - 1:
        joined = _SEPARATOR.join(t.replace(_SEPARATOR, "") for t in texts)
    joined = _nfkc_joined(joined)
    converted = to_simplified(joined)
    if converted.count(_SEPARATOR) != len(texts) - 1:  # never seen; stay exact anyway
        return [normalize(t) for t in texts]
    # Trailing spaces of a text are dropped by strip() below; a space next to the
    # separator must not merge with it, so collapse white space first, then split.
    parts = _WHITESPACE.sub(" ", converted.casefold()).split(_SEPARATOR)
    return [p.strip() for p in parts]
