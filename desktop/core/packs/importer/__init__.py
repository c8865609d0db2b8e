"""Import a team lead's spreadsheet 话术库 (.xlsx or CSV) into scenario packs.

One row per phrase: scenario, step, phrase, and optionally ids, tags, keywords,
mandatory, facts, guidance and description. :func:`import_table` reads and
checks the whole table and reports every problem by spreadsheet row;
:func:`write_pack` writes one YAML pack per scenario, all or nothing;
:func:`run_import` is what ``seatside packs import`` runs.

Nothing is written unless the whole table is valid, or ``skip_invalid`` is
given, in which case invalid rows are left out and reported as skipped. The
YAML is checked by loading it back with :func:`desktop.core.packs.loader.load_pack_file`
before anything is written.
"""

from __future__ import annotations

from desktop.core.packs.importer.columns import (
    FIELD_LABELS,
    HEADER_ALIASES,
    HEADER_SEARCH_ROWS,
    MAX_BLANK_RUN,
    MAX_CELL_CHARS,
    MAX_FILE_BYTES,
    MAX_ID_CHARS,
    MAX_ROWS,
    MAX_XLSX_EXPANDED_BYTES,
    MULTI_VALUE_FIELDS,
    PREFERRED_SHEETS,
    REQUIRED_FIELDS,
    SILENTLY_IGNORED_HEADERS,
)
from desktop.core.packs.importer.command import ImportOutcome, import_into, run_import
from desktop.core.packs.importer.header import column_letter, field_for_header
from desktop.core.packs.importer.importing import import_table
from desktop.core.packs.importer.reading import cell_text
from desktop.core.packs.importer.results import ImportRefused, ImportResult, RowProblem
from desktop.core.packs.importer.rows import slug
from desktop.core.packs.importer.writing import write_pack
from desktop.core.packs.importer.yaml_writer import pack_yaml

__all__ = [
    "FIELD_LABELS",
    "HEADER_ALIASES",
    "HEADER_SEARCH_ROWS",
    "MAX_BLANK_RUN",
    "MAX_CELL_CHARS",
    "MAX_FILE_BYTES",
    "MAX_ID_CHARS",
    "MAX_ROWS",
    "MAX_XLSX_EXPANDED_BYTES",
    "MULTI_VALUE_FIELDS",
    "PREFERRED_SHEETS",
    "REQUIRED_FIELDS",
    "SILENTLY_IGNORED_HEADERS",
    "ImportOutcome",
    "ImportRefused",
    "ImportResult",
    "RowProblem",
    "cell_text",
    "column_letter",
    "field_for_header",
    "import_into",
    "import_table",
    "pack_yaml",
    "run_import",
    "slug",
    "write_pack",
]
