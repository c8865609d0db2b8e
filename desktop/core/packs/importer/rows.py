"""Turning rows into scenarios, steps and phrases: ids, multi-value cells, problems by row."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from desktop.core.packs.importer.columns import (
    _CONTROL_RE,
    _EXCEL_ERRORS,
    _FALSE_WORDS,
    _FULLWIDTH_PLACEHOLDER_RE,
    _MULTI_SPLIT_RE,
    _PLACEHOLDER_SPAN_RE,
    _SPACE_RUN_RE,
    _TRUE_WORDS,
    FIELD_LABELS,
    MAX_CELL_CHARS,
    MAX_ID_CHARS,
    MAX_ROWS,
    REQUIRED_FIELDS,
)
from desktop.core.packs.importer.header import _Header
from desktop.core.packs.importer.reading import _is_blank, _Table, _too_many_rows
from desktop.core.packs.importer.results import RowProblem
from desktop.core.packs.loader import ID_RE
from desktop.core.packs.placeholders import KNOWN_PLACEHOLDERS, placeholders_in
from desktop.core.packs.scenarios import Phrase, Scenario, Step

# -- ids ------------------------------------------------------------------------


def slug(text: str) -> str:
    """A lowercase dash-separated id from a name; Chinese becomes pinyin (吞卡处理 → tun-ka-chu-li)."""
    text = unicodedata.normalize("NFKC", text)
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:  # pragma: no cover - pypinyin is a dependency
        parts = [text]
    else:
        parts = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    words: list[str] = []
    for part in parts:
        ascii_part = unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode("ascii").lower()
        words.extend(w for w in re.split(r"[^a-z0-9]+", ascii_part) if w)
    result = ""
    for word in words:
        candidate = f"{result}-{word}" if result else word
        if len(candidate) > MAX_ID_CHARS:
            break
        result = candidate
    return result or (words[0][:MAX_ID_CHARS] if words else "")


def _unique_id(base: str, used: set[str]) -> str:
    if base not in used:
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"


# -- the rows -------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    scenario: str
    scenario_id: str
    step: str
    step_id: str
    phrase: str
    tags: list[str]
    keywords: list[str]
    facts: list[str]
    mandatory: bool | None
    guidance: str
    description: str


def _one_line(text: str) -> str:
    return _SPACE_RUN_RE.sub(" ", text).strip()


def _split_multi(text: str) -> list[str]:
    out: list[str] = []
    for item in _MULTI_SPLIT_RE.split(text):
        item = _one_line(item)
        if item and item not in out:
            out.append(item)
    return out


def _known_placeholders() -> str:
    return "、".join("{%s}" % k for k in KNOWN_PLACEHOLDERS)


class _Importer:
    def __init__(self, table: _Table, header: _Header, problems: list[RowProblem]):
        self.table = table
        self.header = header
        self.problems = problems
        self.invalid: set[int] = set()

    def error(self, row: int, field_name: str | None, message: str) -> None:
        self.problems.append(RowProblem(row, self._column(field_name), message))
        self.invalid.add(row)

    def warn(self, row: int, field_name: str | None, message: str) -> None:
        self.problems.append(RowProblem(row, self._column(field_name), message, "warning"))

    def _column(self, field_name: str | None) -> str | None:
        if field_name is None:
            return None
        return self.header.names.get(field_name) or FIELD_LABELS[field_name].split(" ")[0]

    # -- one row on its own ---------------------------------------------------------
    def rows(self) -> tuple[list[_Row], int]:
        data = [(n, cells) for n, cells in self.table.rows if n > self.header.row]
        columns = self.header.columns
        picked = []
        for number, cells in data:
            values = {f: (cells[i] if i < len(cells) else "") for f, i in columns.items()}
            if _is_blank(values.values()):
                continue
            picked.append((number, values))
        if len(picked) > MAX_ROWS:
            raise _too_many_rows()
        formulas: dict[tuple[int, int], str] = {}
        if self.table.formula_lookup is not None:
            wanted = {n for n, values in picked if any(not values[f].strip() for f in REQUIRED_FIELDS)}
            if wanted:
                formulas = self.table.formula_lookup(wanted)
        rows = []
        for number, values in picked:
            row = self.check_row(number, values, formulas)
            if row is not None:
                rows.append(row)
        return rows, len(picked)

    def check_row(self, number: int, values: dict[str, str], formulas: dict[tuple[int, int], str]) -> _Row | None:
        cleaned: dict[str, str] = {}
        for field_name, raw in values.items():
            text = raw.strip()
            if text in _EXCEL_ERRORS:
                self.error(number, field_name, f"the cell shows the formula error {text}")
                text = ""
            if len(text) > MAX_CELL_CHARS:
                self.error(number, field_name, f"the cell has {len(text):,} characters (limit {MAX_CELL_CHARS:,})")
                text = text[:MAX_CELL_CHARS]
            if _CONTROL_RE.search(text):
                self.warn(number, field_name, "invisible control characters removed")
                text = _CONTROL_RE.sub("", text)
            cleaned[field_name] = text.strip()

        def required(field_name: str, what: str) -> str:
            text = cleaned[field_name]
            if not text:
                formula = formulas.get((number, self.header.columns[field_name] + 1))
                if formula:
                    self.error(number, field_name, f"the cell holds the formula {formula[:60]} but the file has no "
                               "computed value for it; open the file in Excel or WPS and save it again")
                else:
                    self.error(number, field_name, f"missing {what}")
            return text

        scenario = _one_line(required("scenario", "the scenario name"))
        step = _one_line(required("step", "the step name"))
        phrase = required("phrase", "the phrase text")
        scenario_id = self.check_id(number, "scenario_id", cleaned.get("scenario_id", ""))
        step_id = self.check_id(number, "step_id", cleaned.get("step_id", ""))
        mandatory = None
        raw_mandatory = cleaned.get("mandatory", "")
        if raw_mandatory:
            word = unicodedata.normalize("NFKC", raw_mandatory).strip().casefold()
            if word in _TRUE_WORDS:
                mandatory = True
            elif word in _FALSE_WORDS:
                mandatory = False
            else:
                self.error(number, "mandatory", f"'{_short(raw_mandatory)}' is not a 必做 value: write 是 or 否 (Y/N, true/false, 1/0)")
        if phrase:
            self.check_placeholders(number, phrase)
        if number in self.invalid:
            return None
        return _Row(
            number=number,
            scenario=scenario,
            scenario_id=scenario_id,
            step=step,
            step_id=step_id,
            phrase=phrase,
            tags=_split_multi(cleaned.get("tags", "")),
            keywords=_split_multi(cleaned.get("keywords", "")),
            facts=_split_multi(cleaned.get("facts", "")),
            mandatory=mandatory,
            guidance=cleaned.get("guidance", ""),
            description=cleaned.get("description", ""),
        )

    def check_id(self, number: int, field_name: str, text: str) -> str:
        if not text:
            return ""
        if ID_RE.match(text):
            return text
        suggestion = slug(text)
        hint = f", e.g. '{suggestion}'" if suggestion else ""
        self.error(number, field_name, f"'{_short(text)}' is not a valid id: use lowercase letters, digits and dashes{hint}")
        return ""

    def check_placeholders(self, number: int, phrase: str) -> None:
        for name in placeholders_in(phrase):
            if name not in KNOWN_PLACEHOLDERS:
                self.error(number, "phrase", f"unknown placeholder '{{{name}}}' (known: {_known_placeholders()})")
        rest = _PLACEHOLDER_SPAN_RE.sub("", phrase)
        if "{" in rest or "}" in rest:
            self.warn(number, "phrase", "braces that are not a placeholder stay as they are; "
                      f"a placeholder is a name in braces without spaces (known: {_known_placeholders()})")
        for name in _FULLWIDTH_PLACEHOLDER_RE.findall(phrase):
            if name in KNOWN_PLACEHOLDERS:
                self.warn(number, "phrase", f"'｛{name}｝' has full-width braces and is not filled in; write {{{name}}}")

    # -- rows together ----------------------------------------------------------------
    def resolve(self, rows: list[_Row]) -> list[_Row]:
        """Give every row its scenario and step id; rows that contradict earlier ones are errors."""
        rows = self._resolve_scenarios(rows)
        return self._resolve_steps(rows)

    def _resolve_scenarios(self, rows: list[_Row]) -> list[_Row]:
        ids: dict[str, tuple[str, int]] = {}  # name → (explicit id, row)
        owners: dict[str, tuple[str, int]] = {}  # explicit id → (name, row)
        kept = []
        for row in rows:
            if row.scenario_id:
                if row.scenario in ids and ids[row.scenario][0] != row.scenario_id:
                    given, at = ids[row.scenario]
                    self.error(row.number, "scenario_id",
                               f"scenario '{row.scenario}' already has the id '{given}' (row {at})")
                    continue
                if row.scenario_id in owners and owners[row.scenario_id][0] != row.scenario:
                    other, at = owners[row.scenario_id]
                    self.error(row.number, "scenario_id",
                               f"the id '{row.scenario_id}' is already used for scenario '{other}' (row {at})")
                    continue
                ids.setdefault(row.scenario, (row.scenario_id, row.number))
                owners.setdefault(row.scenario_id, (row.scenario, row.number))
            kept.append(row)
        used = set(owners)
        chosen: dict[str, str] = {}
        for row in kept:
            if row.scenario not in chosen:
                if row.scenario in ids:
                    chosen[row.scenario] = ids[row.scenario][0]
                else:
                    chosen[row.scenario] = _unique_id(slug(row.scenario) or "scenario", used)
                    used.add(chosen[row.scenario])
            row.scenario_id = chosen[row.scenario]
        return kept

    def _resolve_steps(self, rows: list[_Row]) -> list[_Row]:
        ids: dict[tuple[str, str], tuple[str, int]] = {}  # (scenario id, title) → (explicit id, row)
        owners: dict[tuple[str, str], tuple[str, int]] = {}  # (scenario id, explicit id) → (title, row)
        mandatory: dict[tuple[str, str], tuple[bool, int]] = {}  # (scenario id, title) → (value, row)
        kept = []
        for row in rows:
            key = (row.scenario_id, row.step)
            if row.step_id:
                if key in ids and ids[key][0] != row.step_id:
                    given, at = ids[key]
                    self.error(row.number, "step_id", f"step '{row.step}' already has the id '{given}' (row {at})")
                    continue
                owner = owners.get((row.scenario_id, row.step_id))
                if owner and owner[0] != row.step:
                    self.error(row.number, "step_id",
                               f"the step id '{row.step_id}' is already used for step '{owner[0]}' "
                               f"of this scenario (row {owner[1]})")
                    continue
            if row.mandatory is not None and key in mandatory and mandatory[key][0] != row.mandatory:
                value, at = mandatory[key]
                self.error(row.number, "mandatory",
                           f"step '{row.step}' is marked {'是' if value else '否'} in row {at}; one step, one value")
                continue
            if row.step_id:
                ids.setdefault(key, (row.step_id, row.number))
                owners.setdefault((row.scenario_id, row.step_id), (row.step, row.number))
            if row.mandatory is not None:
                mandatory.setdefault(key, (row.mandatory, row.number))
            kept.append(row)
        used: dict[str, set[str]] = {}
        for scenario_id, step_id in owners:
            used.setdefault(scenario_id, set()).add(step_id)
        chosen: dict[tuple[str, str], str] = {}
        for row in kept:
            key = (row.scenario_id, row.step)
            if key not in chosen:
                if key in ids:
                    chosen[key] = ids[key][0]
                else:
                    taken = used.setdefault(row.scenario_id, set())
                    chosen[key] = _unique_id(slug(row.step) or "step", taken)
                    taken.add(chosen[key])
            row.step_id = chosen[key]
            if row.mandatory is None and key in mandatory:
                row.mandatory = mandatory[key][0]
        return kept

    def build(self, rows: list[_Row]) -> list[_Draft]:
        scenarios: dict[str, _Draft] = {}
        for row in rows:
            draft = scenarios.get(row.scenario_id)
            if draft is None:
                draft = scenarios[row.scenario_id] = _Draft(row.scenario_id, row.scenario, row.number)
            self._first_text(draft.text, "description", row, "description")
            _extend(draft.keywords, row.keywords)
            step = draft.steps.get(row.step_id)
            if step is None:
                step = draft.steps[row.step_id] = _StepDraft(row.step_id, row.step, bool(row.mandatory))
            self._first_text(step.text, "guidance", row, "guidance")
            _extend(step.facts, row.facts)
            duplicate = next((p for p in step.phrases if p.text == row.phrase), None)
            if duplicate is not None:
                self.warn(row.number, "phrase", f"the same phrase as row {duplicate.row} in step '{row.step}'; left out")
                _extend(duplicate.tags, row.tags)
                continue
            step.phrases.append(_PhraseDraft(row.phrase, list(row.tags), row.number))
            if "工作日" in placeholders_in(row.phrase) and not draft.warned_workdays:
                draft.warned_workdays = True
                self.warn(row.number, "phrase",
                          "{工作日} is filled from the scenario's defaults, which a spreadsheet cannot set; "
                          f"after importing add 'defaults: {{工作日: \"3\"}}' to {row.scenario_id}.yaml, "
                          "or such phrases cannot be copied")
        return list(scenarios.values())

    def _first_text(self, store: dict[str, tuple[str, int]], key: str, row: _Row, field_name: str) -> None:
        value = getattr(row, key)
        if not value:
            return
        if key not in store:
            store[key] = (value, row.number)
        elif store[key][0] != value:
            self.warn(row.number, field_name, f"differs from the {self._column(field_name)} in row {store[key][1]}; "
                      "the first one is kept")


def _short(text: str, limit: int = 40) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _extend(target: list[str], items: Iterable[str]) -> None:
    for item in items:
        if item not in target:
            target.append(item)


@dataclass
class _PhraseDraft:
    text: str
    tags: list[str]
    row: int


@dataclass
class _StepDraft:
    id: str
    title: str
    mandatory: bool
    text: dict[str, tuple[str, int]] = field(default_factory=dict)
    facts: list[str] = field(default_factory=list)
    phrases: list[_PhraseDraft] = field(default_factory=list)


@dataclass
class _Draft:
    id: str
    name: str
    row: int
    text: dict[str, tuple[str, int]] = field(default_factory=dict)
    keywords: list[str] = field(default_factory=list)
    steps: dict[str, _StepDraft] = field(default_factory=dict)
    warned_workdays: bool = False

    def model(self, source: str) -> Scenario:
        steps = tuple(
            Step(
                id=s.id,
                title=s.title,
                guidance=s.text.get("guidance", ("", 0))[0],
                mandatory=s.mandatory,
                facts=tuple(s.facts),
                phrases=tuple(Phrase(f"{s.id}-{i}", p.text, tuple(p.tags)) for i, p in enumerate(s.phrases, 1)),
            )
            for s in self.steps.values()
        )
        return Scenario(
            id=self.id,
            name=self.name,
            description=self.text.get("description", ("", 0))[0],
            keywords=tuple(self.keywords),
            steps=steps,
            source=source,
        )


