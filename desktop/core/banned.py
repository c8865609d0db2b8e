"""服务禁语: phrases a seat must not say, each with a softer wording."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from desktop.core.paths import resources_dir


@dataclass(frozen=True)
class BannedPhrase:
    phrase: str
    suggestion: str
    reason: str = ""


@dataclass(frozen=True)
class BannedHit:
    start: int
    end: int
    entry: BannedPhrase


def load_banned(path: Path | None = None) -> tuple[BannedPhrase, ...]:
    """Read the list; raises ValueError naming the file when it is malformed."""
    path = path or resources_dir() / "banned_phrases.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("banned"), list):
        raise ValueError(f"{path}: expected a mapping with a 'banned' list")
    entries = []
    for index, item in enumerate(data["banned"], start=1):
        if not isinstance(item, dict) or not str(item.get("phrase", "")).strip():
            raise ValueError(f"{path}: entry {index} needs a 'phrase'")
        entries.append(
            BannedPhrase(str(item["phrase"]).strip(), str(item.get("suggestion", "")).strip(), str(item.get("reason", "")))
        )
    # Longest first, so 我不知道 wins over a shorter entry inside it.
    return tuple(sorted(entries, key=lambda e: -len(e.phrase)))


@lru_cache(maxsize=1)
def builtin_banned() -> tuple[BannedPhrase, ...]:
    return load_banned()


def _fold(text: str) -> str:
    """Match 您-forms too (您听我说 is as bad as 你听我说); keeps every position."""
    return text.replace("您", "你")


def find_banned(text: str, entries: tuple[BannedPhrase, ...] | None = None) -> list[BannedHit]:
    """Non-overlapping banned phrases in ``text``, in order."""
    entries = builtin_banned() if entries is None else entries
    folded = _fold(text)
    taken = [False] * len(text)
    hits: list[BannedHit] = []
    for entry in entries:
        needle = _fold(entry.phrase)
        start = folded.find(needle)
        while start != -1:
            end = start + len(needle)
            if not any(taken[start:end]):
                hits.append(BannedHit(start, end, entry))
                for i in range(start, end):
                    taken[i] = True
            start = folded.find(needle, start + 1)
    return sorted(hits, key=lambda h: h.start)
