"""Sign-in that cannot be turned against the service.

- Passwords are verified in a small, bounded thread pool (``Verifier``), never while a
  database connection or a row lock is held; attempts beyond its queue are answered as
  throttled at once, so a flood costs neither memory nor the seats' connections.
- ``Throttle`` counts failures per client address and per name and makes each further
  attempt wait a growing delay (doubled at every failure, capped). A name's delay is short
  and does not apply to a browser that signed in as that lead before (its device cookie):
  failing on purpose cannot keep a lead out.
- Unknown names are verified against a decoy hash, and every failed attempt (unknown
  name, wrong password, throttled) gets the same answer no sooner than
  ``signin_answer_s`` after it arrived.
- ``password_problem`` refuses short and common passwords (zxcvbn's lists and patterns).

Throttle state is per ``serve`` process (in memory, bounded): with several processes
behind a balancer an attacker gets each process's allowance, never more.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import time
from collections import OrderedDict, deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

from hub.security import hash_password, verify_password
from hub.settings import HubSettings

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1000
#: zxcvbn's score (0-4) a new password must reach: 3 is "safely unguessable" online.
MIN_SCORE = 3
#: Throttle entries kept per process (oldest forgotten first).
MAX_ENTRIES = 100_000


@dataclass
class _Entry:
    failures: int = 0
    last_failure: float = 0.0
    not_before: float = 0.0


class Throttle:
    """Growing delays after repeated failures, keyed by address and by name."""

    def __init__(self, settings: HubSettings, clock=time.monotonic) -> None:
        self.settings = settings
        self.clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def _entry(self, key: str) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is not None and self.clock() - entry.last_failure > self.settings.signin_forget_s:
            del self._entries[key]
            return None
        return entry

    def wait_s(self, address: str, name: str | None = None, *, trusted_device: bool = False) -> float:
        """Seconds until an attempt from ``address`` (on ``name``, unless the browser is a
        trusted device of that lead, or the name is not known yet) is allowed (0: now)."""
        now = self.clock()
        keys = [f"a:{address}"] + ([] if trusted_device or name is None else [f"n:{name.casefold()}"])
        waits = [entry.not_before - now for key in keys if (entry := self._entry(key)) is not None]
        return max([0.0, *waits])

    def failed(self, address: str, name: str) -> bool:
        """Count a failure; True when it made the address or the name wait (first time)."""
        s = self.settings
        started = False
        for key, free, cap in ((f"a:{address}", s.signin_free_per_address, s.signin_max_delay_address_s),
                               (f"n:{name.casefold()}", s.signin_free_per_name, s.signin_max_delay_name_s)):
            entry = self._entry(key) or _Entry()
            entry.failures += 1
            entry.last_failure = self.clock()
            over = entry.failures - free
            if over > 0:
                entry.not_before = entry.last_failure + min(s.signin_delay_s * 2 ** min(over - 1, 30), cap)
                started = started or over == 1
            self._entries[key] = entry
            self._entries.move_to_end(key)
        while len(self._entries) > MAX_ENTRIES:
            self._entries.popitem(last=False)
        return started

    def succeeded(self, address: str, name: str) -> None:
        self._entries.pop(f"a:{address}", None)
        self._entries.pop(f"n:{name.casefold()}", None)


class Busy(Exception):
    """The verifier's queue is full: the attempt is answered as throttled."""


#: Verified attempts whose duration sets the answer time, and its ceiling.
RECENT_ATTEMPTS = 50
MAX_ANSWER_S = 10.0
#: Database connections sign-in attempts may hold at once: a flood never takes the pool
#: from the seats.
SIGNIN_CONNECTIONS = 2


class Verifier:
    """Argon2 verification on ``signin_workers`` threads, at most ``signin_queue`` attempts
    in progress (reading the lead, waiting, verifying, auditing); more are Busy."""

    def __init__(self, settings: HubSettings) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, settings.signin_workers),
                                        thread_name_prefix="seatside-signin", initializer=_lowest_priority)
        self._slots = asyncio.Semaphore(max(1, settings.signin_workers))
        self._in_progress = 0
        self._limit = max(1, settings.signin_workers) + max(0, settings.signin_queue)
        #: Held around every database use of a sign-in attempt.
        self.db = asyncio.Semaphore(SIGNIN_CONNECTIONS)
        self._floor = settings.signin_answer_s
        self._recent: deque[float] = deque(maxlen=RECENT_ATTEMPTS)

    def answer_after(self) -> float:
        """How long every failed attempt takes to answer: the floor, or the longest of the
        recent verified attempts if that is longer (a busy or slow machine). Nearly every
        failure then answers at the same moment after its arrival, and a throttled attempt,
        which does no work, answers when a verified one would."""
        return min(MAX_ANSWER_S, max([self._floor, *self._recent]))

    def took(self, seconds: float) -> None:
        """Note how long a verified attempt took, from its arrival to its answer."""
        self._recent.append(seconds)

    @contextlib.contextmanager
    def admit(self) -> Iterator[None]:
        """One attempt in progress; Busy when too many are."""
        if self._in_progress >= self._limit:
            raise Busy()
        self._in_progress += 1
        try:
            yield
        finally:
            self._in_progress -= 1

    async def verify(self, encoded: str, password: str) -> bool:
        async with self._slots:
            return await asyncio.get_running_loop().run_in_executor(self._pool, verify_password, encoded, password)

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.get_running_loop().run_in_executor(self._pool, hash_password, password)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _lowest_priority() -> None:
    """Run this verifier thread (and the threads Argon2 starts from it for its lanes) at the
    lowest CPU priority: under a flood, sign-ins slow down, seats and pages do not."""
    import os
    import threading

    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)  # Linux: one thread's nice value
    except (AttributeError, OSError):
        pass


@lru_cache(maxsize=1)
def decoy_hash() -> str:
    """Verified against for unknown names, so they cost what known ones cost."""
    import secrets

    return hash_password(secrets.token_urlsafe(24))


def device_token(lead_id: int, password_hash: str) -> str:
    """The device cookie of a browser that signed in as this lead: changes with the password."""
    mac = hmac.new(password_hash.encode(), f"seatside-device:{lead_id}".encode(), hashlib.sha256).hexdigest()
    return f"{lead_id}.{mac}"


def device_trusted(cookie: str | None, lead_id: int, password_hash: str) -> bool:
    if not cookie or len(cookie) > 100:
        return False
    return hmac.compare_digest(cookie, device_token(lead_id, password_hash))


def masked_name(name: str) -> str:
    """How an unknown name is audited: people type passwords into the name field."""
    return (name[:2] if len(name) > 4 else "") + "***"


#: Pieces of the commonest Chinese passwords (zxcvbn's lists are English): "I love you",
#: "for ever", "baby", "husband", places, and the bank's own words.
CHINESE_WORDS = (
    "woaini", "aini", "5201314", "1314520", "1314", "520", "521", "baobei", "laopo", "laogong", "qinai",
    "zhongguo", "beijing", "shanghai", "guangzhou", "shenzhen", "yinhang", "kefu", "zuoxi", "mima",
)
#: A name, a word or two in pinyin with digits around it ("zhaomin12345", "wangli19900101")
#: is the commonest shape of a Chinese password: refused when the letters are at most this
#: many pinyin syllables.
MAX_PINYIN_SYLLABLES = 4


@lru_cache(maxsize=1)
def _pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (from pypinyin's table; ü written v)."""
    import unicodedata

    from pypinyin.constants import PINYIN_DICT

    found: set[str] = set()
    for readings in PINYIN_DICT.values():
        for reading in readings.split(","):
            bare = "".join(ch for ch in unicodedata.normalize("NFD", reading) if not unicodedata.combining(ch))
            bare = bare.replace("ü", "v")
            if bare.isascii() and bare.isalpha() and any(vowel in bare for vowel in "aeiouv"):
                found.add(bare)
    return frozenset(found)


def pinyin_syllable_count(letters: str) -> int | None:
    """The fewest pinyin syllables that spell ``letters`` exactly, or None."""
    syllables = _pinyin_syllables()
    best: list[int | None] = [0] + [None] * len(letters)
    for end in range(1, len(letters) + 1):
        for start in range(max(0, end - 6), end):
            before = best[start]
            current = best[end]
            if before is not None and letters[start:end] in syllables and (current is None or before + 1 < current):
                best[end] = before + 1
    return best[-1]


def password_problem(password: str, *, user_inputs: tuple[str, ...] = ()) -> str | None:
    """None when ``password`` may be used; else why not: 'short', 'long' or 'common'.

    Common: zxcvbn (its lists of common passwords, words and names, and its patterns:
    repeats, sequences, keyboard walks, dates) scores it below 3, or it is a few pinyin
    syllables with digits and signs.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return "short"
    if len(password) > MAX_PASSWORD_LENGTH:
        return "long"
    from zxcvbn import zxcvbn

    # zxcvbn's cost grows with the length; its verdict on the first 100 characters holds.
    words = [value for value in (*user_inputs, *CHINESE_WORDS) if value]
    if zxcvbn(password[:100], user_inputs=words)["score"] < MIN_SCORE:
        return "common"
    letters = "".join(ch for ch in password.lower() if ch.isalpha())
    if letters.isascii() and letters:
        count = pinyin_syllable_count(letters)
        if count is not None and count <= MAX_PINYIN_SYLLABLES:
            return "common"
    return None
