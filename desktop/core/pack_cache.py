"""A compiled cache of the scenario packs, so a start does not parse YAML it parsed before.

Each pack file's parse result (``load_pack_file``) is kept in ``packs.cache`` in the data
folder (0600, written with :func:`desktop.core.atomic.atomic_path`), keyed by the file's
path, size, modification and change times and inode, the banned-phrase list it was
checked against, this program's version and the cache format. Anything that does not
match exactly is parsed again. A cache that cannot be read, does not unpickle, or holds
anything but what this module wrote is ignored (and replaced at the next save): it can
cost time, never a wrong library.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from desktop import __version__
from desktop.core import packs as pack_loading
from desktop.core.atomic import atomic_path
from desktop.core.banned import BannedPhrase
from desktop.core.packs import Problem
from desktop.core.scenarios import PackInfo, Scenario

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
MAX_CACHE_BYTES = 64 * 1024 * 1024  # a bigger file is not ours: ignored

Parsed = tuple[PackInfo, list[Scenario], list[Problem]]
FileKey = tuple[int, int, int, int, str]  # size, mtime_ns, ctime_ns, inode, banned-list digest


def _stamp() -> tuple[int, str, tuple[int, int]]:
    return CACHE_FORMAT, __version__, (sys.version_info[0], sys.version_info[1])


def _banned_digest(banned: tuple[BannedPhrase, ...]) -> str:
    return hashlib.sha256(repr(banned).encode("utf-8")).hexdigest()


def _valid_parse(value: object) -> bool:
    if not (isinstance(value, tuple) and len(value) == 3):
        return False
    info, scenarios, problems = value
    return (
        isinstance(info, PackInfo)
        and isinstance(scenarios, list)
        and all(isinstance(s, Scenario) for s in scenarios)
        and isinstance(problems, list)
        and all(isinstance(p, Problem) for p in problems)
    )


class PackCache:
    """Parse results of pack files, reused while the file is unchanged."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._entries: dict[str, tuple[FileKey, Parsed]] = self._read()
        self._used: set[str] = set()
        self._dirty = False
        self.hits = 0
        self.misses = 0

    def _read(self) -> dict[str, tuple[FileKey, Parsed]]:
        try:
            if not self.path.exists():
                return {}
            if self.path.stat().st_size > MAX_CACHE_BYTES:
                raise ValueError("too large")
            data: Any = pickle.loads(self.path.read_bytes())  # noqa: S301 - our own 0600 file; checked below
            if not isinstance(data, dict) or data.get("stamp") != _stamp() or not isinstance(data.get("files"), dict):
                raise ValueError("written by another version, or not a pack cache")
            entries: dict[str, tuple[FileKey, Parsed]] = {}
            for name, entry in data["files"].items():
                if not (isinstance(name, str) and isinstance(entry, tuple) and len(entry) == 2):
                    raise ValueError("a malformed entry")
                key, parsed = entry
                if not (isinstance(key, tuple) and _valid_parse(parsed)):
                    raise ValueError("a malformed entry")
                entries[name] = (key, parsed)
            return entries
        except Exception as exc:  # noqa: BLE001 - any unreadable cache is only a slower start
            log.info("pack cache %s not used (%s); the packs are parsed again", self.path, exc)
            return {}

    def load(self, path: Path, banned: tuple[BannedPhrase, ...] = ()) -> Parsed:
        """``load_pack_file(path, banned=banned)``, from the cache when the file is unchanged."""
        name = str(path)
        self._used.add(name)
        try:
            st = os.stat(path)
            key: FileKey | None = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, _banned_digest(banned))
        except OSError:
            key = None  # the loader reports the unreadable file
        cached = self._entries.get(name)
        if key is not None and cached is not None and cached[0] == key:
            self.hits += 1
            info, scenarios, problems = cached[1]
            return info, list(scenarios), list(problems)
        self.misses += 1
        parsed = pack_loading.load_pack_file(path, banned=banned)
        if key is not None:
            self._entries[name] = (key, (parsed[0], list(parsed[1]), list(parsed[2])))
            self._dirty = True
        return parsed

    def save(self) -> None:
        """Write the entries of the files loaded since the cache was opened (if any changed)."""
        stale = set(self._entries) - self._used
        if not self._dirty and not stale:
            return
        for name in stale:
            del self._entries[name]
        data = pickle.dumps({"stamp": _stamp(), "files": self._entries}, protocol=pickle.HIGHEST_PROTOCOL)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(self.path, mode=0o600) as tmp:
            tmp.write_bytes(data)
        self._dirty = False
