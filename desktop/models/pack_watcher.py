"""Hot reload of scenario packs, and the once-only "what changed" notice."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from desktop.core.base.atomic import atomic_write
from desktop.core.packs.loader import LoadResult
from desktop.core.packs.packset import PackChange, PackSet, changed_versions, diff, snapshot, watch_paths
from desktop.models.background import Background, IoOp
from desktop.models.call_model import CallModel

log = logging.getLogger(__name__)

RELOAD_DELAY_MS = 300


class PackWatcher(QObject):
    """Reloads the packs about a second after a file changes, on the worker thread."""

    reloaded = Signal(object)  # LoadResult
    changesFound = Signal(list)  # list[PackChange], when a pack's version changed
    failed = Signal(str)  # the packs could not be read again: the last good library stays

    def __init__(self, packset: PackSet, model: CallModel, worker: Background, snapshot_file: Path,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.packset = packset
        self.model = model
        self.worker = worker
        self.snapshot_file = snapshot_file
        self.versions_checked = False  # the last check_versions() has come back
        self._watcher = QFileSystemWatcher(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RELOAD_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self._watcher.fileChanged.connect(lambda _: self._timer.start())
        self._watcher.directoryChanged.connect(lambda _: self._timer.start())
        self._watch()

    def _watch(self) -> None:
        # Editors save by renaming a new file over the old one, which drops the watch:
        # re-add everything after each reload.
        wanted = {str(p) for p in watch_paths(self.packset)}
        current = set(self._watcher.files()) | set(self._watcher.directories())
        for path in current - wanted:
            self._watcher.removePath(path)
        missing = sorted(wanted - current)
        if missing:
            self._watcher.addPaths(missing)

    def stop(self) -> None:
        """Stop watching (at quit)."""
        self._timer.stop()
        paths = self._watcher.files() + self._watcher.directories()
        if paths:
            self._watcher.removePaths(paths)

    def reload(self) -> None:
        if self.worker.closed:
            return
        IoOp(self.tr("reload the scenario packs"), self.packset.load).success(self._deliver).failure(
            lambda error: self.failed.emit(self.tr("The scenario packs could not be reloaded: %s") % error)
        ).run_in_background(self.worker)

    def _deliver(self, result: LoadResult) -> None:
        self.model.set_library(result.library)
        self._watch()
        self.reloaded.emit(result)

    def check_versions(self) -> None:
        """Compare with the library seen last time (on the worker); emit changes once."""
        current = snapshot(self.model.library)
        path = self.snapshot_file
        self.versions_checked = False

        def compare() -> list[PackChange]:
            from desktop.core.base.bounded import read_regular

            try:  # a damaged snapshot (too large, too deep, a pipe) only means no "what changed" this time
                previous = json.loads(read_regular(path, 16 * 1024 * 1024).decode("utf-8"))
            except (OSError, ValueError, RecursionError):
                previous = None
            changes = diff(previous, current) if previous and changed_versions(previous, current) else []
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, json.dumps(current, ensure_ascii=False), mode=0o600)
            return changes

        def compared(changes: list[PackChange]) -> None:
            self.versions_checked = True
            if changes:
                self.changesFound.emit(changes)

        # A snapshot that cannot be read or written only costs the "what changed" notice.
        IoOp(self.tr("compare pack versions"), compare).success(compared).failure(
            lambda error: log.warning("pack versions not compared: %s", error)
        ).run_in_background(self.worker)
