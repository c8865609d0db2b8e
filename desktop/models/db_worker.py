"""The one thread that touches SQLite; results come back to the GUI by signal."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from desktop.core.storage import CallStore

log = logging.getLogger(__name__)
T = TypeVar("T")


class DbWorker(QObject):
    """Runs ``job(store)`` calls one after another on a dedicated thread.

    ``done`` callbacks run on the GUI thread, delivered through a queued signal.
    """

    failed = Signal(str)
    _finished = Signal(object)

    def __init__(self, db_path: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seatside-db")
        self._store: CallStore | None = None
        self._closed = False
        self._finished.connect(self._deliver)
        # Open on the worker thread: the connection belongs to that thread.
        self._opened = self._executor.submit(self._open)

    def _open(self) -> None:
        self._store = CallStore(self.db_path)

    @property
    def closed(self) -> bool:
        return self._closed

    def wait_ready(self) -> None:
        """Block until the database is open; raises StorageError if it cannot be."""
        self._opened.result()

    def submit(self, job: Callable[[CallStore], T], done: Callable[[T], Any] | None = None) -> Future:
        """Queue ``job(store)``; ``done(result)`` is then called on the GUI thread."""
        if self._closed:
            raise RuntimeError("the database worker is shut down")

        def run() -> T:
            self._opened.result()
            assert self._store is not None
            return self._run(lambda: job(self._store), done)  # type: ignore[arg-type]  # the store is open here (asserted above)

        return self._executor.submit(run)

    def submit_io(self, job: Callable[[], T], done: Callable[[T], Any] | None = None) -> Future:
        """Queue other file I/O (settings, packs, imports) that must not wait for the database."""
        if self._closed:
            raise RuntimeError("the database worker is shut down")
        return self._executor.submit(self._run, job, done)

    def _run(self, job: Callable[[], T], done: Callable[[T], Any] | None) -> T:
        try:
            result = job()
        except Exception as exc:
            log.exception("background job failed")
            self._finished.emit((None, None, exc))
            raise
        if done is not None:
            self._finished.emit((done, result, None))
        return result

    def call(self, job: Callable[[CallStore], T]) -> T:
        """Run a job and wait for its result (CLI, shutdown and tests only)."""
        return self.submit(job).result()

    def _deliver(self, payload: tuple) -> None:
        done, result, error = payload
        if error is not None:
            self.failed.emit(str(error))
        elif done is not None:
            done(result)

    def shutdown(self) -> None:
        """Finish every queued write, then close the database."""
        if self._closed:
            return
        self._closed = True

        def close() -> None:
            if self._store is not None:
                self._store.close()

        self._executor.submit(close)
        self._executor.shutdown(wait=True)
