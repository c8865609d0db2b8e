"""What an import reports: problems by row, the result, and the refusal to overwrite."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.packs.scenarios import PackInfo, Scenario

# -- public types ---------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    """One problem with the table, located as the spreadsheet shows it."""

    row: int  # 1-based, the header is row 1 (or the row it is on)
    column: str | None  # the column's header as written in the file, or None
    message: str
    severity: str = "error"  # or "warning"

    def format(self, file: str, *, skipped: bool = False) -> str:
        column = f"[{self.column}] " if self.column else ""
        prefix = "warning: " if self.severity == "warning" else ""
        suffix = " (row skipped)" if skipped and self.severity == "error" else ""
        return f"{file}:{self.row}: {column}{prefix}{self.message}{suffix}"

    def __str__(self) -> str:
        return self.format("")[1:]


class ImportRefused(Exception):
    """:func:`write_pack` would not write: problems in the import, or files in the way."""


@dataclass
class ImportResult:
    """What :func:`import_table` found. ``files`` is what :func:`write_pack` writes."""

    source: Path
    scenarios: list[Scenario] = field(default_factory=list)  # as loaded back from ``files``
    files: dict[str, str] = field(default_factory=dict)  # file name → YAML text, in sheet order
    problems: list[RowProblem] = field(default_factory=list)  # sorted by row
    skipped_rows: list[int] = field(default_factory=list)
    rows_read: int = 0  # non-blank rows under the header
    unreadable: bool = False  # the file could not be read at all (exit code 2)
    sheet: str | None = None  # the worksheet read, for .xlsx
    pack: PackInfo = field(default_factory=PackInfo)

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def blocking(self) -> list[RowProblem]:
        """Errors that stop the import (those of skipped rows do not)."""
        skipped = set(self.skipped_rows)
        return [p for p in self.errors if p.row not in skipped]

    @property
    def ok(self) -> bool:
        return not self.unreadable and bool(self.files) and not self.blocking

    def report_lines(self, file: str | None = None) -> list[str]:
        """``FILE:ROW: [column] message`` for every problem, in row order."""
        label = str(self.source) if file is None else file
        skipped = set(self.skipped_rows)
        return [p.format(label, skipped=p.row in skipped) for p in self.problems]

    def summary(self, file: str | None = None) -> str:
        label = str(self.source) if file is None else file
        steps = sum(len(s.steps) for s in self.scenarios)
        phrases = sum(len(st.phrases) for s in self.scenarios for st in s.steps)
        parts = [f"{self.rows_read} {_plural(self.rows_read, 'row')} read"]
        if self.sheet is not None:
            parts[0] += f" from sheet '{self.sheet}'"
        if self.ok:
            parts.append(
                f"{len(self.scenarios)} {_plural(len(self.scenarios), 'scenario')}, "
                f"{steps} {_plural(steps, 'step')}, {phrases} {_plural(phrases, 'phrase')}"
            )
        parts.append(
            f"{len(self.errors)} {_plural(len(self.errors), 'error')}, "
            f"{len(self.warnings)} {_plural(len(self.warnings), 'warning')}"
        )
        if self.skipped_rows:
            parts.append(f"{len(self.skipped_rows)} {_plural(len(self.skipped_rows), 'row')} skipped")
        return f"{label}: " + "; ".join(parts)


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


