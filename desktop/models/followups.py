"""Open follow-ups (callbacks, complaint deadlines, hand-overs) and their due times."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core.base import clock
from desktop.core.records.storage import CallRecord, CallStore, FollowUp
from desktop.models.background import Background, DbOp

CHECK_INTERVAL_MS = 60_000


class FollowUpsModel(QObject):
    """Keeps the list of open follow-ups; announces each one once when it falls due."""

    changed = Signal()
    dueNow = Signal(list)  # follow-ups that just became due or overdue
    searchResults = Signal(str, list)  # query, list[CallRecord]

    def __init__(self, worker: Background, parent: QObject | None = None):
        super().__init__(parent)
        self.worker = worker
        self.open: list[FollowUp] = []
        self._announced: set[int] = set()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.reload)

    def start(self) -> None:
        self.reload()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def reload(self) -> None:
        if not self.worker.closed:
            DbOp(self.tr("read the follow-ups"), lambda store: store.open_followups()).success(
                self._loaded
            ).run_in_background(self.worker)

    def _loaded(self, followups: list[FollowUp]) -> None:
        self.open = followups
        self.changed.emit()
        now = clock.now()
        due = [f for f in followups if f.id not in self._announced and self.is_due(f, now)]
        if due:
            self._announced.update(f.id for f in due)
            self.dueNow.emit(due)

    @staticmethod
    def is_due(followup: FollowUp, now: datetime | None = None) -> bool:
        if not followup.due_at:
            return False
        return datetime.fromisoformat(followup.due_at) <= (now or clock.now())

    def overdue(self) -> list[FollowUp]:
        now = clock.now()
        return [f for f in self.open if self.is_due(f, now)]

    def mark_done(self, followup_id: int, done: bool = True) -> None:
        at = clock.now() if done else None
        DbOp(self.tr("mark the follow-up done"), lambda store: store.set_followup_done(followup_id, at)).success(
            lambda _: self.reload()
        ).run_in_background(self.worker)

    def search_notes(self, query: str) -> None:
        """Full-text search of past notes; results arrive by ``searchResults``."""

        def run(store: CallStore) -> list[CallRecord]:
            return store.search_notes(query)

        DbOp(self.tr("search the notes"), run).success(
            lambda calls: self.searchResults.emit(query, calls)
        ).run_in_background(self.worker)
