"""The records as a QObject: shifts, dispositions, the shift export and the phrase-library import.

Exports run on the database thread (a ``DbOp``: they read the calls); a spreadsheet
import runs on the pool (an ``IoOp``: it reads a file and writes a pack), and the
pack watcher picks the new pack up. The views only show the outcome.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from desktop.core.base import clock
from desktop.core.privacy.masking import MaskPolicy
from desktop.core.records.dispositions import Disposition, dispositions_from
from desktop.core.records.storage import CallStore
from desktop.core.seat.settings import Settings
from desktop.models.background import Background, DbOp, IoOp

if TYPE_CHECKING:
    from desktop.core.packs.importer import ImportOutcome


class RecordsModel(QObject):
    """How calls are kept (masking, shifts, dispositions), exports of a shift and imports
    into the seat's own packs."""

    exportFinished = Signal(str, int)  # path, number of calls
    exportProgress = Signal(int, int)  # done, total (from the database thread, queued)
    exportFailed = Signal(str)
    imported = Signal(object)  # ImportOutcome: what was read, written or refused
    importFailed = Signal(str)  # the import could not run at all
    message = Signal(str)  # a short status line for the seat

    def __init__(
        self, worker: Background, settings: Settings, own_packs: Path | None = None, parent: QObject | None = None
    ):
        super().__init__(parent)
        self.worker = worker
        self.settings = settings
        self.own_packs = own_packs  # where imported libraries are written (hot-reloaded)
        settings.on_change(lambda name, _value: self._push_policy() if name == "mask_policy" else None)
        self._push_policy()

    def _push_policy(self) -> None:
        """The store masks everything it writes with the seat's (capped) policy."""
        policy = MaskPolicy.from_settings(self.settings.get("mask_policy"))
        if not self.worker.closed:
            DbOp(self.tr("set the masking policy"), lambda store: setattr(store, "policy", policy)).run_in_background(
                self.worker
            )

    def dispositions(self) -> tuple[Disposition, ...]:
        return dispositions_from(self.settings.get("dispositions"))

    # -- shifts ------------------------------------------------------------------
    def shift_bounds(self, spec: str = "today") -> tuple[datetime, datetime]:
        return clock.shift_range(spec, start=self.settings.get("shift_start"), end=self.settings.get("shift_end"))

    def current_shift_bounds(self) -> tuple[datetime, datetime]:
        day = clock.current_shift(clock.now(), self.settings.get("shift_start"), self.settings.get("shift_end"))
        return self.shift_bounds(day.isoformat())

    # -- export ------------------------------------------------------------------
    def export_shift(self, path: Path, start: datetime, end: datetime, lang: str = "zh", fmt: str | None = None) -> None:
        """Export the calls of [start, end) on the database thread (CSV, XLSX or Markdown)."""
        from desktop.core.records.export import ExportError, export_file, format_for  # only when exporting

        path = Path(path)
        fmt = fmt or format_for(path) or "csv"
        dispositions = self.dispositions()

        def run(store: CallStore) -> int | str:
            calls = store.calls_between(start, end)
            try:
                return export_file(
                    calls, path, fmt, lang=lang, dispositions=dispositions, open_followups=store.open_followups(),
                    progress=lambda done, total: self.exportProgress.emit(done, total or len(calls)),
                )
            except ExportError as exc:
                return str(exc)

        def done(result: int | str) -> None:
            if isinstance(result, str):
                self.exportFailed.emit(result)
                self.message.emit(result)
            else:
                self.exportFinished.emit(str(path), result)

        # An export error the writer knows (full disk, bad path) comes back as text; anything
        # else reaches the seat through the same signal instead of locking the notes.
        DbOp(self.tr("export the shift"), run).success(done).failure(lambda error: done(str(error))).run_in_background(
            self.worker
        )

    # -- import ------------------------------------------------------------------
    def import_library(self, path: Path, skip_invalid: bool = False) -> None:
        """Check a spreadsheet and write it as a pack into ``own_packs`` (``import_into``, in
        the core) on the pool; the outcome arrives by ``imported``, the pack by hot reload."""
        from desktop.core.packs.importer import import_into  # only when importing

        out = self.own_packs
        if out is None:
            raise RuntimeError("no folder for imported packs")

        def run() -> ImportOutcome:
            return import_into(Path(path), out, skip_invalid=skip_invalid)

        IoOp(self.tr("import a phrase library"), run).success(self.imported.emit).failure(
            lambda error: self.importFailed.emit(str(error))
        ).run_in_background(self.worker)
