"""Runs the retention purge at start and at the end of every shift."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core.base import clock
from desktop.core.records.retention import purge, purge_copies, retention_days
from desktop.core.records.storage import CallStore
from desktop.models.background import Background, DbOp
from desktop.models.records_model import RecordsModel

log = logging.getLogger(__name__)

# Longest wait before the next check (timers drift over days; the clock may change).
MAX_WAIT_MS = 6 * 3600 * 1000


class RetentionTimer(QObject):
    purged = Signal(int)  # number of calls deleted

    def __init__(self, model: RecordsModel, worker: Background, parent: QObject | None = None):
        super().__init__(parent)
        self.model = model
        self.worker = worker
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._shift_ended)
        self._shift_end: datetime | None = None

    def start(self) -> None:
        self.purge_now()
        self._arm()

    def stop(self) -> None:
        self._timer.stop()

    def purge_now(self) -> None:
        if self.worker.closed:
            return
        days, now = retention_days(self.model.settings.get("retention_days")), clock.now()

        def run(store: CallStore) -> int:
            deleted = purge(store, days, now)
            # The same rule on the backups and the copies set aside (the database thread: one at a time).
            purge_copies(Path(store.path).parent, Path(store.path).name, days, now)
            return deleted

        DbOp(self.tr("delete calls past the retention period"), run).success(self.purged.emit).run_in_background(
            self.worker
        )

    def _arm(self) -> None:
        end = self._shift_end = self.model.current_shift_bounds()[1]
        wait = (end - clock.now()).total_seconds() * 1000
        self._timer.start(int(min(max(wait, 1000), MAX_WAIT_MS)))

    def _shift_ended(self) -> None:
        if self._shift_end is not None and clock.now() >= self._shift_end:
            self.purge_now()
        self._arm()
