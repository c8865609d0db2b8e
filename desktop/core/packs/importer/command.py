""":func:`run_import`: what ``seatside packs import`` runs, with its report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.packs.importer.importing import import_table
from desktop.core.packs.importer.results import ImportRefused, ImportResult, _plural
from desktop.core.packs.importer.writing import write_pack

if TYPE_CHECKING:
    from _typeshed import SupportsWrite


def run_import(
    path: Path, out_dir: Path, *, skip_invalid: bool, overwrite: bool, out: SupportsWrite[str],
    err: SupportsWrite[str] | None = None,
) -> int:
    """Import ``path`` into ``out_dir`` and print the report.

    Returns 0 when the packs were written, 1 when there were problems or the input
    could not be read at all, and nothing was written (2 is kept for usage errors,
    as in every command). Problems of a failed
    import go to ``err`` (default ``out``).
    """
    path, out_dir = Path(path), Path(out_dir)
    err = err or out
    label = str(path)
    result = import_table(path, skip_invalid=skip_invalid)
    failed = result.unreadable or not result.ok
    for line in result.report_lines(label):
        print(line, file=err if failed else out)
    summary = result.summary(label)
    if result.unreadable:
        print(f"{summary}; nothing written", file=err)
        return 1
    if not result.ok:
        hint = "" if skip_invalid or not result.errors else " (--skip-invalid imports the valid rows)"
        print(f"{summary}; nothing written{hint}", file=err)
        return 1
    try:
        written = write_pack(result, out_dir, overwrite=overwrite)
    except ImportRefused as exc:
        print(f"{label}: {exc}", file=err)
        print(f"{summary}; nothing written", file=err)
        return 1
    except OSError as exc:
        print(f"{out_dir}: cannot write: {exc.strerror or exc}", file=err)
        print(f"{summary}; nothing written", file=err)
        return 1
    for target in written:
        print(f"wrote {target}", file=out)
    print(f"{summary}; wrote {len(written)} {_plural(len(written), 'file')} to {out_dir}", file=out)
    return 0


@dataclass
class ImportOutcome:
    """What importing a spreadsheet into a packs folder did: the checked table, the
    files written (none unless it was valid) and why writing failed, if it did."""

    result: ImportResult
    written: list[Path] = field(default_factory=list)
    error: str = ""


def import_into(path: Path, out_dir: Path, *, skip_invalid: bool = False) -> ImportOutcome:
    """Check ``path`` and, when it is valid (or ``skip_invalid``), write its packs into
    ``out_dir``, all or nothing: what the panel's 导入话术库 runs off the GUI thread."""
    outcome = ImportOutcome(import_table(Path(path), skip_invalid=skip_invalid))
    if outcome.result.ok:
        try:
            outcome.written = write_pack(outcome.result, Path(out_dir))
        except (ImportRefused, OSError) as exc:
            outcome.error = str(exc)
    return outcome
