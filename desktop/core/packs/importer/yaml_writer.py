"""Writing a scenario as pack YAML, and loading it back to check it."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from desktop.core.packs.importer.columns import _CONTROL_RE
from desktop.core.packs.importer.results import RowProblem
from desktop.core.packs.importer.rows import _one_line
from desktop.core.packs.loader import load_pack_file
from desktop.core.packs.scenarios import PackInfo, Scenario

# -- YAML -----------------------------------------------------------------------


class _FlowList(list[str]):
    """A short list written on one line: ``[吞卡, 取款机]``."""


_DumperBase: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_DumperBase):  # type: ignore[misc]  # a base chosen at run time (C or Python)
    pass


def _represent_flow(dumper: Any, data: Any) -> Any:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _represent_str(dumper: Any, data: Any) -> Any:
    style = "|" if "\n" in data else None  # the emitter falls back to quotes if a block cannot hold it
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(_FlowList, _represent_flow)
_Dumper.add_representer(str, _represent_str)


def _scenario_dict(scenario: Scenario) -> dict[str, Any]:
    out: dict[str, Any] = {"id": scenario.id, "name": scenario.name}
    if scenario.description:
        out["description"] = scenario.description
    if scenario.keywords:
        out["keywords"] = _FlowList(scenario.keywords)
    steps = []
    for step in scenario.steps:
        item: dict[str, Any] = {"id": step.id, "title": step.title}
        if step.guidance:
            item["guidance"] = step.guidance
        item["mandatory"] = step.mandatory
        if step.facts:
            item["facts"] = list(step.facts)
        phrases = []
        for phrase in step.phrases:
            entry: dict[str, Any] = {"id": phrase.id, "text": phrase.text}
            if phrase.tags:
                entry["tags"] = _FlowList(phrase.tags)
            phrases.append(entry)
        item["phrases"] = phrases
        steps.append(item)
    out["steps"] = steps
    return out


def pack_yaml(info: PackInfo, scenario: Scenario, source_name: str) -> str:
    """The text of one pack file holding ``scenario``."""
    data = {
        "pack": {
            "id": info.id,
            "name": info.name,
            "version": info.version,
            "author": info.author,
            "updated": info.updated,
        },
        "scenarios": [_scenario_dict(scenario)],
    }
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096, indent=2)
    origin = _CONTROL_RE.sub("", _one_line(source_name))
    return f"# 由 {origin} 导入 (seatside packs import)，{info.updated}\n{body}"


def _today() -> str:
    return date.today().isoformat()


def _round_trip(files: dict[str, str], expected: dict[str, Scenario], rows: dict[str, int],
                problems: list[RowProblem]) -> list[Scenario]:
    """Load every generated file back: a loader error, or anything that reads back
    differently from what was imported, is an error; loader warnings stay warnings."""
    loaded: list[Scenario] = []
    with tempfile.TemporaryDirectory(prefix="seatside-import-") as tmp:
        for name, text in files.items():
            path = Path(tmp) / name
            path.write_text(text, encoding="utf-8", newline="")  # scratch copy, read back at once
            _, scenarios, pack_problems = load_pack_file(path, display=name)
            row = rows[name]
            for problem in pack_problems:
                problems.append(RowProblem(row, None, f"the generated {name} does not load cleanly: "
                                           f"line {problem.line}: {problem.message}", problem.severity))
            if any(p.severity == "error" for p in pack_problems):
                continue
            if len(scenarios) != 1 or scenarios[0] != expected[name]:
                problems.append(RowProblem(row, None, f"the generated {name} does not read back as imported "
                                           "(please report this)"))
                continue
            loaded.append(scenarios[0])
    return loaded


