""":func:`import_table`: read, check and convert a whole spreadsheet."""

from __future__ import annotations

from pathlib import Path

from desktop.core.packs.importer.header import _find_header
from desktop.core.packs.importer.reading import _read_table, _Unreadable
from desktop.core.packs.importer.results import ImportResult, RowProblem
from desktop.core.packs.importer.rows import _Importer, slug
from desktop.core.packs.importer.yaml_writer import _round_trip, _today, pack_yaml
from desktop.core.packs.scenarios import PackInfo, Scenario

# -- the API --------------------------------------------------------------------


def import_table(path: Path, *, skip_invalid: bool = False) -> ImportResult:
    """Read and check a spreadsheet; nothing is written. See :class:`ImportResult`."""
    path = Path(path)
    result = ImportResult(source=path)
    problems: list[RowProblem] = []
    try:
        table = _read_table(path)
    except _Unreadable as exc:
        result.unreadable = True
        result.problems = [RowProblem(exc.row, None, exc.message)]
        return result
    result.sheet = table.sheet
    problems.extend(table.problems)
    if not table.rows:
        problems.append(RowProblem(1, None, "the file is empty" if table.sheet is None
                                   else f"the sheet '{table.sheet}' is empty"))
        result.problems = problems
        return result
    header = _find_header(table, problems)
    if header is None:
        result.problems = _sorted(problems)
        return result
    importer = _Importer(table, header, problems)
    try:
        rows, result.rows_read = importer.rows()
    except _Unreadable as exc:
        result.unreadable = True
        result.problems = [RowProblem(exc.row, None, exc.message)]
        return result
    rows = importer.resolve(rows)
    drafts = importer.build(rows)
    if skip_invalid:
        result.skipped_rows = sorted(importer.invalid)
    if result.rows_read == 0:
        problems.append(RowProblem(header.row, None, "there are no rows under the header"))
    elif not drafts and skip_invalid:
        problems.append(RowProblem(header.row, None, "no valid rows to import: every row has a problem"))
    result.problems = problems
    if result.blocking or not drafts:
        result.problems = _sorted(problems)
        return result

    result.pack = PackInfo(
        id=slug(path.stem) or "imported",
        name=path.name,
        version="1",
        author="",
        updated=_today(),
    )
    files: dict[str, str] = {}
    expected: dict[str, Scenario] = {}
    first_rows: dict[str, int] = {}
    for draft in drafts:
        name = f"{draft.id}.yaml"
        expected[name] = draft.model(name)
        files[name] = pack_yaml(result.pack, expected[name], path.name)
        first_rows[name] = draft.row
    loaded = _round_trip(files, expected, first_rows, problems)
    result.problems = _sorted(problems)
    if len(loaded) == len(files) and not result.blocking:
        result.files = files
        result.scenarios = loaded
    return result


def _sorted(problems: list[RowProblem]) -> list[RowProblem]:
    return sorted(problems, key=lambda p: p.row)

