"""Loading and validating scenario packs (YAML files).

Every problem is reported as ``file:line: message``. A file with any error is
skipped as a whole; the other files still load.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from desktop.core.base.bounded import InputRefused, read_regular
from desktop.core.packs.banned import BannedPhrase, find_banned
from desktop.core.packs.patterns import PatternError, check_pattern
from desktop.core.packs.placeholders import KNOWN_PLACEHOLDERS, PLACEHOLDER_RE, placeholders_in
from desktop.core.packs.scenarios import ROUTING_KEYS, Fact, Library, PackInfo, Phrase, Scenario, Step
from desktop.core.packs.yaml_limits import YamlTooLarge, load_bounded

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_PACK_BYTES = 5 * 1024 * 1024
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Digits a ready-to-say phrase may hold: an amount, a hotline number or an absolute
# date. Any other number (刷了3次, 办了12期) would state a fact about this caller's
# account when pasted, so it belongs in a placeholder or a question.
_ALLOWED_NUMBERS = re.compile(
    r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?"  # an absolute date
    r"|\d{4}-\d{2}-\d{2}"
    r"|\d+(?:\.\d+)?\s*(?:万元|万美元|美元|元|块|万)"  # an amount
    r"|(?<!\d)(?:110|119|120|96110|12378|12321|12315|12363|12345|95\d{3,4}|400-?\d{3}-?\d{4})(?!\d)"  # a hotline
)
_DIGITS = re.compile(r"\d+")


def stray_numbers(text: str) -> list[str]:
    """Numbers in a phrase that are not placeholders, amounts, hotlines or absolute dates."""
    text = PLACEHOLDER_RE.sub("", text)
    text = _ALLOWED_NUMBERS.sub("", text)
    return _DIGITS.findall(text)


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

    def __init__(self, file: str, banned: tuple[BannedPhrase, ...] = (), today: date | None = None):
        self.file = file
        self.banned = banned
        self.today = today or date.today()
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
        if "retired" in node:
            return self.retirement(node, sid, where, info)
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
        self.identity_first(steps, raw_steps if isinstance(raw_steps, list) else [], where)
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

    def retirement(self, node: _Node, sid: str, where: str, info: PackInfo) -> Scenario:
        """``- id: X`` with ``retired: true``: the scenario X of a lower layer is taken out."""
        retired = node.get("retired")
        if retired is not True:
            self.error(self._line(node, "retired"), f"{where}: 'retired' must be true (or left out)")
        for key in node:
            if key not in ("id", "retired", "name", "reason"):
                self.warn(node.key_lines.get(str(key), node.line),
                          f"{where}: '{key}' is ignored: a retired scenario has only 'id' (and a 'name' or 'reason')")
        return Scenario(id=sid, name=self.text(node, "name", required=False, where=where) or sid,
                        description=self.text(node, "reason", required=False, where=where), source=self.file,
                        line=node.key_lines.get("id", node.line), pack=info, retired=True)

    def step(self, node: _Node, scenario_where: str) -> Step:
        step_id = self.ident(node, "id", f"{scenario_where}: step")
        where = f"{scenario_where}: step '{step_id or '?'}'"
        mandatory = self.flag(node, "mandatory", where)
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
            verifies_identity=self.flag(node, "verifies_identity", where),
            reads_account=self.flag(node, "reads_account", where),
        )

    def facts(self, node: _Node, where: str) -> tuple[Fact, ...]:
        """A fact is text, or a mapping with ``text``, optional ``source``, ``review`` and
        ``expires`` (a date after which the fact is reported for checking again)."""
        out: list[Fact] = []
        for i, (line, item) in enumerate(self.items(node, "facts", where)):
            if isinstance(item, _Node):
                fact_where = f"{where}: fact #{i + 1}"
                for key in item:
                    if key not in ("text", "source", "review", "expires"):
                        self.warn(item.key_lines.get(str(key), item.line), f"{fact_where}: unknown field '{key}'")
                text = self.text(item, "text", required=True, where=fact_where)
                source = self.text(item, "source", required=False, where=fact_where)
                review = item.get("review", False)
                if not isinstance(review, bool):
                    self.error(self._line(item, "review"), f"{fact_where}: 'review' must be true or false")
                    review = False
                if "source" in item and not source and item.get("source") is not None:
                    self.error(self._line(item, "source"), f"{fact_where}: 'source' must not be empty")
                expires = self.expires(item, fact_where)
                if text:
                    out.append(Fact(text, source, review, item.line, expires))
            elif isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.error(line, f"{where}: every item of 'facts' must be text or a mapping with 'text'")
            elif str(item).strip():
                out.append(Fact(str(item).strip(), line=line))
        return tuple(out)

    def expires(self, item: _Node, where: str) -> str:
        """The fact's ``expires`` date as ``YYYY-MM-DD`` (empty when absent); a date past is a warning."""
        if item.get("expires") is None:
            return ""
        raw = item["expires"]
        value = raw.isoformat() if isinstance(raw, date) else str(raw).strip()
        try:
            day = date.fromisoformat(value) if ISO_DATE_RE.match(value) else None
        except ValueError:
            day = None
        if day is None:
            self.error(self._line(item, "expires"), f"{where}: 'expires' must be a date like 2027-01-01")
            return ""
        if self.today > day:
            self.warn(self._line(item, "expires"), f"{where}: expired on {value}; check the fact again")
        return value

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
        numbers = stray_numbers(phrase.text)
        if numbers:
            self.warn(
                line,
                f"{where}: phrase '{phrase.id}' states the number(s) {', '.join(numbers)}; a fact about the"
                " caller's account belongs in a placeholder or a question",
            )
        for hit in find_banned(phrase.text, self.banned) if self.banned else ():
            self.warn(
                line,
                f"{where}: phrase '{phrase.id}' contains the banned phrase '{phrase.text[hit.start:hit.end]}'"
                f" (say instead: {hit.entry.suggestion})",
            )
        return phrase

    def identity_first(self, steps: list[Step], raw_steps: list[Any], where: str) -> None:
        """Every step tagged ``reads_account`` needs a mandatory ``verifies_identity`` step before it."""
        verified = False
        for i, step in enumerate(steps):
            if step.reads_account and not verified:
                self.error(
                    _item_line(raw_steps, i),
                    f"{where}: step '{step.id}' reads or changes account data but no mandatory"
                    " identity step (verifies_identity: true) comes before it",
                )
            if step.verifies_identity and step.mandatory:
                verified = True

    def _unique(self, ids: list[str], node: _Node, what: str) -> None:
        seen: set[str] = set()
        for value in ids:
            if value and value in seen:
                self.error(node.line, f"{what} '{value}' is used twice")
            seen.add(value)


def load_pack_file(
    path: Path, display: str | None = None, banned: tuple[BannedPhrase, ...] = (), today: date | None = None
) -> tuple[PackInfo, list[Scenario], list[Problem]]:
    """Parse and check one pack file. Scenarios are returned only if it has no errors.

    With ``banned``, phrases containing a banned phrase give a warning. Facts whose
    ``expires`` date is before ``today`` (default: the real today) give a warning.
    """
    name = display or str(path)
    checker = _Checker(name, banned, today)
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


# The layers a seat combines, lowest first: a scenario id defined in a higher layer
# replaces the one below, and a retirement marker (``retired: true``) takes it out.
# The seat's personal phrases and favourites (its database) go on top of all three.
LAYER_BUILTIN = 0  # resources/scenarios, shipped with the app
LAYER_LOCAL = 1  # the seat's own pack files: imports in the data folder's packs/, --packs
LAYER_TEAM = 2  # the team's packs from the hub (packs/hub-*.yaml, written by desktop.core.hubclient.sync)
LAYER_NAMES = {LAYER_BUILTIN: "built-in", LAYER_LOCAL: "local", LAYER_TEAM: "team"}
TEAM_PACK_PREFIX = "hub-"


def pack_layer(path: Path) -> int:
    """The layer a pack file belongs to, from where it is."""
    from desktop.core.base.paths import builtin_packs_dir

    path = Path(path)
    if path.name.startswith(TEAM_PACK_PREFIX):
        return LAYER_TEAM
    try:
        if path.resolve().parent == builtin_packs_dir().resolve():
            return LAYER_BUILTIN
    except OSError:
        pass
    return LAYER_LOCAL


def assemble(loaded: Iterable[tuple[Path, list[Scenario]]]) -> LoadResult:
    """One library from per-file scenarios, layer by layer (:func:`pack_layer`).

    Within a layer a scenario id defined again is skipped and reported; a higher
    layer's scenario replaces a lower one's with the same id (keeping its place),
    and its retirement marker takes it out. Sorted by ``order`` (stable, so file
    order within one value)."""
    library = Library()
    problems: list[Problem] = []
    chosen: dict[str, Scenario] = {}
    seen: dict[str, tuple[int, str]] = {}  # id -> (layer, file) of the definition in use
    ordered = sorted(((pack_layer(path), i, path, scenarios) for i, (path, scenarios) in enumerate(loaded)),
                     key=lambda item: (item[0], item[1]))
    for layer, _i, path, scenarios in ordered:
        for scenario in scenarios:
            before = seen.get(scenario.id)
            if before is not None and before[0] == layer:
                problems.append(
                    Problem(str(path), scenario.line, f"scenario id '{scenario.id}' is already defined in {before[1]}; skipped")
                )
                continue
            seen[scenario.id] = (layer, str(path))
            chosen[scenario.id] = scenario
    library.scenarios.extend(s for s in chosen.values() if not s.retired)
    library.scenarios.sort(key=lambda s: s.order)
    return LoadResult(library, problems)


def load_packs(
    dirs: Iterable[Path], banned: tuple[BannedPhrase, ...] = (), today: date | None = None
) -> LoadResult:
    """Load every pack file; broken files are skipped and reported, duplicates too."""
    problems: list[Problem] = []
    loaded: list[tuple[Path, list[Scenario]]] = []
    for path in pack_files(dirs):
        _, scenarios, file_problems = load_pack_file(path, banned=banned, today=today)
        problems.extend(file_problems)
        loaded.append((path, scenarios))
    result = assemble(loaded)
    return LoadResult(result.library, problems + result.problems)
