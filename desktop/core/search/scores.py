"""Kinds of match, their base scores, the boosts, and the limits on a query."""

from __future__ import annotations

MATCH_KINDS = ("exact", "prefix", "substring", "pinyin", "initials", "fuzzy")
NO_MATCH = "none"  # the match of every hit of an empty query
BASE_SCORES = {"exact": 100.0, "prefix": 80.0, "substring": 60.0, "pinyin": 40.0, "initials": 20.0, "fuzzy": 0.0}
META_WEIGHT = 0.45
FUZZY_SPAN = 10.0
FUZZY_CHOICES = 3
FUZZY_MIN_LETTERS = 3
STEP_BOOST = 25.0
SCENARIO_BOOST = 10.0
FAVOURITE_BOOST = 5.0
FRECENCY_MAX = 10.0
HALF_LIFE_DAYS = 7.0
MAX_QUERY_CHARS = 100
MAX_CUTS = 16
MAX_LETTER_RUN = 40

DAY = 86400.0
CODE_BASE = 0x100
TOP = "\U0010ffff"

# Initial symbols (Latin-1): letters and digits stand for themselves.
SYM_OTHER = "\x01"  # a letter or character whose reading is not pinyin (é, α, an unknown Han)
SYM_ANY = "\xd7"  # a rare set of several initials that got no symbol of its own: any letter
LETTERS = "abcdefghijklmnopqrstuvwxyz"


