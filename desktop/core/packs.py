"""Loading and validating scenario packs (YAML files).

Every problem is reported as ``file:line: message``. A file with any error is
skipped as a whole; the other files still load.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from desktop.core.banned import BannedPhrase, find_banned
from desktop.core.bounded import InputRefused, read_regular
from desktop.core.patterns import PatternError, check_pattern
from desktop.core.placeholders import KNOWN_PLACEHOLDERS, placeholders_in
from desktop.core.scenarios import ROUTING_KEYS, Fact, Library, PackInfo, Phrase, Scenario, Step
from desktop.core.yaml_limits import YamlTooLarge, load_bounded

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_PACK_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack file."""

    file: str
    line: int
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        return f"{self.file}:{self.line}: {prefix}{self.message}"


@dataclass
class LoadResult:
    library: Library
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


class _Node(dict[str, Any]):
    """A mapping that remembers the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _List(list[Any]):
    line: int = 0
    item_lines: list[int]


# libyaml's parser when PyYAML was built with it (several times faster), else pure Python.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _item_line(items: list[Any], index: int) -> int:
    """The 1-based line of item ``index`` of a loaded list (0 when unknown)."""
    lines: list[int] = getattr(items, "item_lines", [])
    return lines[index] if index < len(lines) else 0


class _LineLoader(_SafeBase):  # type: ignore[misc, valid-type]  # a base chosen at run time (C or Python)
    """Safe loader that records 1-based line numbers on mappings and sequences."""

    def construct_mapping(self, node: Any, deep: bool = False) -> _Node:
        mapping = _Node(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {
            str(key_node.value): key_node.start_mark.line + 1 for key_node, _ in node.value
        }
        return mapping

    def construct_sequence(self, node: Any, deep: bool = False) -> _List:
        seq = _List(super().construct_sequence(node, deep=True))
        seq.line = node.start_mark.line + 1
        seq.item_lines = [item.start_mark.line + 1 for item in node.value]
        return seq


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)


class _PackError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class _Checker:
    """Turns the raw YAML tree of one file into scenarios, collecting problems."""

    def __init__(self, file: str, banned: tuple[BannedPhrase, ...] = ()):
        self.file = file
        self.banned = banned
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message, "warning"))

    # -- field helpers -------------------------------------------------------
    def _line(self, node: Any, key: str | None = None) -> int:
        if key is not None and isinstance(node, _Node):
            return node.key_lines.get(key, node.line)
        return getattr(node, "line", 1)

    def text(self, node: _Node, key: str, *, required: bool, where: str) -> str:
        if key not in node or node[key] is None:
            if required:
                self.error(node.line, f"{where}: missing required field '{key}'")
            return ""
        value = node[key]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(self._line(node, key), f"{where}: '{key}' must be text")
            return ""
        text = str(value).strip()
        if required and not text:
            self.error(self._line(node, key), f"{where}: '{key}' must not be empty")
        return text

    def ident(self, node: _Node, key: str, where: str) -> str:
        value = self.text(node, key, required=True, where=where)
        if value and not ID_RE.match(value):
            self.error(
                self._line(node, key),
                f"{where}: id '{value}' must be lowercase letters, digits and dashes",
            )
        return value

    def items(self, node: _Node, key: str, where: str) -> list[tuple[int, Any]]:
        """The items of the list under ``key`` with their lines; none (and an error)
        when it is not a list."""
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(self._line(node, key), f"{where}: '{key}' must be a list")
            return []
        lines = getattr(value, "item_lines", [])
        return [(lines[i] if i < len(lines) else self._line(node, key), item) for i, item in enumerate(value)]

    def text_items(self, node: _Node, key: str, where: str) -> list[tuple[int, str]]:
        """The list under ``key`` as text with lines; an item that is not text is an error."""
        out = []
        for line, item in self.items(node, key, where):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.error(line, f"{where}: every item of '{key}' must be text")
                continue
            out.append((line, str(item)))
        return out

    def text_list(self, node: _Node, key: str, where: str) -> tuple[str, ...]:
        return tuple(text.strip() for _line, text in self.text_items(node, key, where) if text.strip())

    def mapping(self, value: Any, line: int, where: str) -> _Node | None:
        if not isinstance(value, _Node):
            self.error(line, f"{where} must be a mapping of fields")
            return None
        return value

    # -- structure -----------------------------------------------------------
    def check_file(self, data: Any) -> tuple[PackInfo, list[Scenario]]:
        if data is None:
            self.error(1, "the file is empty")
            return PackInfo(), []
        root = self.mapping(data, 1, "the top level")
        if root is None:
            return PackInfo(), []
        for key in root:
            if key not in ("pack", "scenarios"):
                self.warn(self._line(root, key), f"unknown top-level field '{key}'")
        info = PackInfo()
        if "pack" in root:
            meta = self.mapping(root["pack"], self._line(root, "pack"), "'pack'")
            if meta is not None:
                info = PackInfo(
                    **{
                        k: self.text(meta, k, required=False, where="pack")
                        for k in ("id", "name", "version", "author", "updated")
                    }
                )
        raw = root.get("scenarios")
        if not isinstance(raw, list) or not raw:
            self.error(self._line(root, "scenarios"), "'scenarios' must be a non-empty list")
            return info, []
        scenarios = []
        for i, item in enumerate(raw):
            node = self.mapping(item, _item_line(raw, i), f"scenario #{i + 1}")
            if node is not None:
                scenarios.append(self.scenario(node, info))
        return info, scenarios

    def scenario(self, node: _Node, info: PackInfo) -> Scenario:
        sid = self.ident(node, "id", "scenario")
        where = f"scenario '{sid or '?'}'"
        name = self.text(node, "name", required=True, where=where)
        defaults: dict[str, str] = {}
        raw_defaults = node.get("defaults")
        if raw_defaults is not None:
            mapping = self.mapping(raw_defaults, self._line(node, "defaults"), f"{where}: 'defaults'")
            for key, value in (mapping or {}).items():
                if key not in KNOWN_PLACEHOLDERS and mapping is not None:
                    self.error(mapping.key_lines.get(str(key), mapping.line),
                               f"{where}: unknown placeholder '{key}' in defaults")
                defaults[str(key)] = "" if value is None else str(value)
        steps: list[Step] = []
        raw_steps = node.get("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            self.error(self._line(node, "steps"), f"{where}: 'steps' must be a non-empty list")
        else:
            for i, item in enumerate(raw_steps):
                step_node = self.mapping(item, _item_line(raw_steps, i), f"{where}: step #{i + 1}")
                if step_node is not None:
                    steps.append(self.step(step_node, where))
        self._unique([s.id for s in steps], node, f"{where}: step id")
        self._unique([p.id for s in steps for p in s.phrases], node, f"{where}: phrase id")
        order = node.get("order", 100)
        if isinstance(order, bool) or not isinstance(order, int):
            self.error(self._line(node, "order"), f"{where}: 'order' must be a whole number")
            order = 100
        return Scenario(
            id=sid,
            order=order,
            name=name,
            description=self.text(node, "description", required=False, where=where),
            keywords=self.text_list(node, "keywords", where),
            steps=tuple(steps),
            continuity=self.text_list(node, "continuity", where),
            cues=self.patterns(node, "cues", where),
            not_cues=self.patterns(node, "not_cues", where),
            routing=self.routing(node, where),
            safety=self.flag(node, "safety", where),
            defaults=defaults,
            source=self.file,
            line=node.key_lines.get("id", node.line),
            pack=info,
        )

    def step(self, node: _Node, scenario_where: str) -> Step:
        step_id = self.ident(node, "id", f"{scenario_where}: step")
        where = f"{scenario_where}: step '{step_id or '?'}'"
        mandatory = node.get("mandatory", False)
        if not isinstance(mandatory, bool):
            self.error(self._line(node, "mandatory"), f"{where}: 'mandatory' must be true or false")
            mandatory = False
        phrases: list[Phrase] = []
        raw = node.get("phrases")
        if raw is None:
            raw = _List()
        if not isinstance(raw, list):
            self.error(self._line(node, "phrases"), f"{where}: 'phrases' must be a list")
            raw = _List()
        for i, item in enumerate(raw):
            line = _item_line(raw, i)
            if isinstance(item, str):
                phrases.append(self.phrase_text(Phrase(f"{step_id}-{i + 1}", item.strip()), line, where))
                continue
            pnode = self.mapping(item, line, f"{where}: phrase #{i + 1}")
            if pnode is None:
                continue
            pid = self.ident(pnode, "id", f"{where}: phrase") if "id" in pnode else f"{step_id}-{i + 1}"
            text = self.text(pnode, "text", required=True, where=f"{where}: phrase '{pid}'")
            tags = self.text_list(pnode, "tags", where)
            phrases.append(self.phrase_text(Phrase(pid, text, tags), pnode.key_lines.get("text", line), where))
        return Step(
            id=step_id,
            title=self.text(node, "title", required=True, where=where),
            guidance=self.text(node, "guidance", required=False, where=where),
            mandatory=mandatory,
            facts=self.facts(node, where),
            phrases=tuple(phrases),
            done_when=self.patterns(node, "done_when", where),
        )

    def facts(self, node: _Node, where: str) -> tuple[Fact, ...]:
        """A fact is text, or a mapping with ``text``, optional ``source`` and ``review``."""
        out: list[Fact] = []
        for i, (line, item) in enumerate(self.items(node, "facts", where)):
            if isinstance(item, _Node):
                fact_where = f"{where}: fact #{i + 1}"
                for key in item:
                    if key not in ("text", "source", "review"):
                        self.warn(item.key_lines.get(str(key), item.line), f"{fact_where}: unknown field '{key}'")
                text = self.text(item, "text", required=True, where=fact_where)
                source = self.text(item, "source", required=False, where=fact_where)
                review = item.get("review", False)
                if not isinstance(review, bool):
                    self.error(self._line(item, "review"), f"{fact_where}: 'review' must be true or false")
                    review = False
                if "source" in item and not source and item.get("source") is not None:
                    self.error(self._line(item, "source"), f"{fact_where}: 'source' must not be empty")
                if text:
                    out.append(Fact(text, source, review, item.line))
            elif isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.error(line, f"{where}: every item of 'facts' must be text or a mapping with 'text'")
            elif str(item).strip():
                out.append(Fact(str(item).strip(), line=line))
        return tuple(out)

    def flag(self, node: _Node, key: str, where: str) -> bool:
        value = node.get(key, False)
        if not isinstance(value, bool):
            self.error(self._line(node, key), f"{where}: '{key}' must be true or false")
            return False
        return value

    def routing(self, node: _Node, where: str) -> tuple[tuple[tuple[str, str], ...], ...]:
        """``routing: [{ivr: "2-1"}, {queue: 信用卡挂失, tier: 白金}]``: each mapping is one rule."""
        if node.get("routing") is None:
            return ()
        rules: list[tuple[tuple[str, str], ...]] = []
        for line, item in self.items(node, "routing", where):
            if not isinstance(item, dict) or not item:
                self.error(line, f"{where}: every item of 'routing' must be a mapping such as {{ivr: \"2-1\"}}")
                continue
            rule: list[tuple[str, str]] = []
            for key, value in item.items():
                if key not in ROUTING_KEYS:
                    self.error(line, f"{where}: unknown routing key '{key}' (known: {', '.join(ROUTING_KEYS)})")
                elif isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value).strip():
                    self.error(line, f"{where}: routing key '{key}' must have a text value")
                else:
                    rule.append((str(key), str(value).strip()))
            if len(rule) == len(item):
                rules.append(tuple(rule))
        return tuple(rules)

    def patterns(self, node: _Node, key: str, where: str) -> tuple[str, ...]:
        """A list of patterns (text with optional … gaps); each must compile."""
        good: list[str] = []
        for line, text in self.text_items(node, key, where):
            try:
                good.append(check_pattern(text)[0])
            except PatternError as exc:
                self.error(line, f"{where}: '{key}': {exc}")
        return tuple(good)

    def phrase_text(self, phrase: Phrase, line: int, where: str) -> Phrase:
        if not phrase.text:
            self.error(line, f"{where}: phrase '{phrase.id}' is empty")
        for name in placeholders_in(phrase.text):
            if name not in KNOWN_PLACEHOLDERS:
                known = "、".join("{%s}" % k for k in KNOWN_PLACEHOLDERS)
                self.error(line, f"{where}: unknown placeholder '{{{name}}}' (known: {known})")
        for hit in find_banned(phrase.text, self.banned) if self.banned else ():
            self.warn(
                line,
                f"{where}: phrase '{phrase.id}' contains the banned phrase '{phrase.text[hit.start:hit.end]}'"
                f" (say instead: {hit.entry.suggestion})",
            )
        return phrase

    def _unique(self, ids: list[str], node: _Node, what: str) -> None:
        seen: set[str] = set()
        for value in ids:
            if value and value in seen:
                self.error(node.line, f"{what} '{value}' is used twice")
            seen.add(value)


def load_pack_file(
    path: Path, display: str | None = None, banned: tuple[BannedPhrase, ...] = ()
) -> tuple[PackInfo, list[Scenario], list[Problem]]:
    """Parse and check one pack file. Scenarios are returned only if it has no errors.

    With ``banned``, phrases containing a banned phrase give a warning.
    """
    name = display or str(path)
    checker = _Checker(name, banned)
    try:
        raw = read_regular(path, MAX_PACK_BYTES)  # a pipe or device is refused; the bytes read are counted
        text = raw.decode("utf-8-sig")
    except InputRefused as exc:
        return PackInfo(), [], [Problem(name, 1, exc.message.replace(str(path), "the file").replace(
            f"over {MAX_PACK_BYTES:,} bytes", f"limit {MAX_PACK_BYTES} bytes"))]
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return PackInfo(), [], [Problem(name, line, "the file is not UTF-8 text; save it as UTF-8")]
    except OSError as exc:
        return PackInfo(), [], [Problem(name, 1, f"cannot read the file: {exc.strerror or exc}")]
    try:
        data = load_bounded(text, _LineLoader)  # a SafeLoader subclass, aliases bounded
    except YamlTooLarge as exc:
        return PackInfo(), [], [Problem(name, exc.line, exc.message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = f"YAML syntax error: {exc.problem or exc.context}"
        if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            message += f" ({exc.context} that starts at line {exc.context_mark.line + 1})"
        return PackInfo(), [], [Problem(name, line, message)]
    except yaml.YAMLError as exc:
        return PackInfo(), [], [Problem(name, 1, f"YAML error: {exc}")]
    except (ValueError, RecursionError, MemoryError) as exc:  # a huge integer, nesting too deep
        why = "a number in it is too long" if "integer string conversion" in str(exc) else str(exc)[:120]
        return PackInfo(), [], [Problem(name, 1, f"the file cannot be read as a pack: {why}")]
    try:
        info, scenarios = checker.check_file(data)
    except (ValueError, RecursionError, MemoryError, TypeError) as exc:  # one bad file never stops the others
        return PackInfo(), [], [Problem(name, 1, f"the file cannot be checked: {str(exc)[:120]}")]
    errors = [p for p in checker.problems if p.severity == "error"]
    return info, ([] if errors else scenarios), checker.problems


def pack_files(dirs: Iterable[Path]) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files of the given folders (or files), sorted."""
    files: list[Path] = []
    for entry in dirs:
        entry = Path(entry)
        if entry.is_dir():
            # Not only regular files: a pipe or device named *.yaml is refused and reported when loaded.
            files.extend(sorted(p for p in entry.iterdir() if p.suffix in (".yaml", ".yml") and not p.is_dir()))
        else:
            files.append(entry)
    return files


def assemble(loaded: Iterable[tuple[Path, list[Scenario]]]) -> LoadResult:
    """One library from per-file scenarios, in order: a scenario id defined again is
    skipped and reported; sorted by ``order`` (stable, so file order within one value)."""
    library = Library()
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path, scenarios in loaded:
        for scenario in scenarios:
            if scenario.id in seen:
                problems.append(
                    Problem(str(path), scenario.line, f"scenario id '{scenario.id}' is already defined in {seen[scenario.id]}; skipped")
                )
                continue
            seen[scenario.id] = str(path)
            library.scenarios.append(scenario)
    library.scenarios.sort(key=lambda s: s.order)
    return LoadResult(library, problems)


def load_packs(dirs: Iterable[Path], banned: tuple[BannedPhrase, ...] = ()) -> LoadResult:
    """Load every pack file; broken files are skipped and reported, duplicates too."""
    problems: list[Problem] = []
    loaded: list[tuple[Path, list[Scenario]]] = []
    for path in pack_files(dirs):
        _, scenarios, file_problems = load_pack_file(path, banned=banned)
        problems.extend(file_problems)
        loaded.append((path, scenarios))
    result = assemble(loaded)
    return LoadResult(result.library, problems + result.problems)
