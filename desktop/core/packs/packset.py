"""The loaded packs over time: reloads that keep the last good version of a
broken file, and what changed between two versions of the library."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.packs.banned import BannedPhrase
from desktop.core.packs.loader import LoadResult, Problem, assemble, load_pack_file, pack_files
from desktop.core.packs.scenarios import Library, Scenario


@dataclass
class PackSet:
    """Loads pack folders; on reload a file that now has errors keeps its last good scenarios."""

    dirs: list[Path]
    banned: tuple[BannedPhrase, ...] = ()
    _last_good: dict[Path, list[Scenario]] = field(default_factory=dict)

    def files(self) -> list[Path]:
        return pack_files([d for d in self.dirs if Path(d).exists()])

    def load(self) -> LoadResult:
        problems: list[Problem] = []
        loaded: list[tuple[Path, list[Scenario]]] = []
        current = self.files()
        for path in current:
            _, scenarios, file_problems = load_pack_file(path, banned=self.banned)
            problems.extend(file_problems)
            if any(p.severity == "error" for p in file_problems):
                kept = self._last_good.get(path, [])
                if kept:
                    problems.append(Problem(str(path), 1, "kept the last version that loaded", "warning"))
                scenarios = kept
            else:
                self._last_good[path] = scenarios
            loaded.append((path, scenarios))
        for gone in set(self._last_good) - set(current):
            del self._last_good[gone]
        result = assemble(loaded)
        return LoadResult(result.library, problems + result.problems)


def snapshot(library: Library) -> dict[str, Any]:
    """A JSON-able picture of the library, to compare with a later version."""
    return {
        s.id: {
            "name": s.name,
            "pack": s.pack.name,
            "version": s.pack.version,
            "steps": {
                step.id: {"title": step.title, "phrases": {p.id: p.text for p in step.phrases}} for step in s.steps
            },
        }
        for s in library.scenarios
    }


@dataclass(frozen=True)
class PackChange:
    kind: str  # "added", "removed" or "edited"
    what: str  # "scenario", "step" or "phrase"
    scenario: str  # scenario name
    detail: str = ""

    def __str__(self) -> str:
        verb = {"added": "+", "removed": "−", "edited": "~"}[self.kind]
        return f"{verb} {self.what} {self.scenario}{(' · ' + self.detail) if self.detail else ''}"


def changed_versions(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """True when a scenario's pack version differs from the one seen last time."""
    return any(old[sid].get("version") != new[sid].get("version") for sid in set(old) & set(new)) or (
        bool(old) and set(old) != set(new)
    )


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[PackChange]:
    """Scenarios, steps and phrases added, removed or edited between two snapshots."""
    changes: list[PackChange] = []
    for sid in sorted(set(new) - set(old)):
        changes.append(PackChange("added", "scenario", new[sid]["name"]))
    for sid in sorted(set(old) - set(new)):
        changes.append(PackChange("removed", "scenario", old[sid]["name"]))
    for sid in sorted(set(old) & set(new)):
        before, after = old[sid], new[sid]
        name = after["name"]
        if before["name"] != after["name"]:
            changes.append(PackChange("edited", "scenario", name, f"{before['name']} → {after['name']}"))
        steps_before, steps_after = before["steps"], after["steps"]
        for step_id in steps_after.keys() - steps_before.keys():
            changes.append(PackChange("added", "step", name, steps_after[step_id]["title"]))
        for step_id in steps_before.keys() - steps_after.keys():
            changes.append(PackChange("removed", "step", name, steps_before[step_id]["title"]))
        for step_id in sorted(steps_before.keys() & steps_after.keys()):
            sb, sa = steps_before[step_id], steps_after[step_id]
            if sb["title"] != sa["title"]:
                changes.append(PackChange("edited", "step", name, f"{sb['title']} → {sa['title']}"))
            pb, pa = sb["phrases"], sa["phrases"]
            for pid in sorted(pa.keys() - pb.keys()):
                changes.append(PackChange("added", "phrase", name, pa[pid]))
            for pid in sorted(pb.keys() - pa.keys()):
                changes.append(PackChange("removed", "phrase", name, pb[pid]))
            for pid in sorted(pa.keys() & pb.keys()):
                if pa[pid] != pb[pid]:
                    changes.append(PackChange("edited", "phrase", name, pa[pid]))
    return changes


def watch_paths(packset: PackSet) -> Iterable[Path]:
    """Folders and files to watch for hot reload."""
    yield from (Path(d) for d in packset.dirs if Path(d).exists())
    yield from packset.files()
