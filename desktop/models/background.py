"""Typed background operations, in the manner of Anki's ``CollectionOp``.

An operation is a job, a short description of what it does, and its own success and
failure handlers, which run on the GUI thread::

    DbOp(tr("save the notes"), lambda store: store.save_notes(call_id, text, at)) \\
        .success(on_saved).failure(on_not_saved).run_in_background(background)

There are two kinds, run by two executors of :class:`Background`:

- :class:`DbOp` jobs take the open :class:`CallStore` and run one after another on the
  database thread, the only thread that touches SQLite, in the order they were queued;
- :class:`IoOp` jobs take nothing and run on a separate pool (search index builds, pack
  loads, spreadsheet imports), so they never hold up a notes save; ``ordered=True`` ones
  (settings files) run one after another on a thread of their own, so the last write wins.

An operation without a failure handler reports through a signal of :class:`Background`:
``databaseFailed(what, error)`` for a DbOp (the app then stops taking notes it could not
keep), ``workFailed(what, error)`` for an IoOp (a status message).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal

from desktop.core.records.storage import CallStore

log = logging.getLogger(__name__)
T = TypeVar("T")
OpT = TypeVar("OpT", bound="Op[Any]")

# Threads for work that is not the database's (index builds, pack loads, imports, files).
IO_THREADS = 2


class Background(QObject):
    """The database thread and the pool for other work; handlers come back on the GUI thread."""

    databaseFailed = Signal(str, str)  # what, error: a DbOp without its own failure handler
    workFailed = Signal(str, str)  # what, error: an IoOp without its own failure handler
    _finished = Signal(object)

    def __init__(self, db_path: Path, parent: QObject | None = None, *, io_threads: int = IO_THREADS):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seatside-db")
        self._io = ThreadPoolExecutor(max_workers=io_threads, thread_name_prefix="seatside-io")
        self._ordered = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seatside-files")
        self._store: CallStore | None = None
        self._closed = False
        self._finished.connect(self._deliver)
        # Open on the database thread: the connection belongs to that thread.
        self._opened = self._db.submit(self._open)

    def _open(self) -> None:
        self._store = CallStore(self.db_path)

    @property
    def closed(self) -> bool:
        return self._closed

    def wait_ready(self) -> None:
        """Block until the database is open; raises StorageError if it cannot be."""
        self._opened.result()

    def _start(self, op: Op[T], job: Callable[[], T], executor: ThreadPoolExecutor) -> Future[T]:
        if self._closed:
            raise RuntimeError(f"background work is shut down ({op.what})")

        def run() -> T:
            try:
                result = job()
            except Exception as exc:
                log.exception("background operation failed: %s", op.what)
                self._finished.emit((op, None, exc))
                raise
            self._finished.emit((op, result, None))
            return result

        return executor.submit(run)

    def run_db(self, op: DbOp[T]) -> Future[T]:
        def job() -> T:
            self._opened.result()
            assert self._store is not None  # opened above, or _opened raised
            return op.job(self._store)

        return self._start(op, job, self._db)

    def run_io(self, op: IoOp[T]) -> Future[T]:
        return self._start(op, op.job, self._ordered if op.ordered else self._io)

    def call(self, job: Callable[[CallStore], T]) -> T:
        """Run a database job and wait for its result (CLI, shutdown and tests only)."""
        return DbOp("wait for the database", job).run_in_background(self).result()

    def _deliver(self, payload: tuple[Op[Any], Any, Exception | None]) -> None:
        op, result, error = payload
        if error is None:
            if op.on_success is not None:
                op.on_success(result)
        elif op.on_failure is not None:
            op.on_failure(error)
        else:
            signal = self.databaseFailed if isinstance(op, DbOp) else self.workFailed
            signal.emit(op.what, str(error) or type(error).__name__)

    def shutdown(self) -> None:
        """Finish the queued work (other work first: it may queue database writes), then close."""
        if self._closed:
            return
        self._io.shutdown(wait=True)
        self._ordered.shutdown(wait=True)
        self._closed = True

        def close() -> None:
            if self._store is not None:
                self._store.close()

        self._db.submit(close)
        self._db.shutdown(wait=True)


class Op(Generic[T]):
    """A background job with what it does and its own handlers (builder methods chain)."""

    def __init__(self, what: str, job: Callable[..., T]):
        self.what = what
        self.job = job
        self.on_success: Callable[[T], object] | None = None
        self.on_failure: Callable[[Exception], object] | None = None

    def success(self: OpT, handler: Callable[[T], object]) -> OpT:
        """``handler(result)`` on the GUI thread once the job has run."""
        self.on_success = handler
        return self

    def failure(self: OpT, handler: Callable[[Exception], object]) -> OpT:
        """``handler(error)`` on the GUI thread if the job raised (else the Background's signal)."""
        self.on_failure = handler
        return self

    def run_in_background(self, background: Background) -> Future[T]:
        raise NotImplementedError


class DbOp(Op[T]):
    """``job(store)`` on the database thread, in queue order with every other DbOp."""

    job: Callable[[CallStore], T]

    def __init__(self, what: str, job: Callable[[CallStore], T]):
        super().__init__(what, job)

    def run_in_background(self, background: Background) -> Future[T]:
        return background.run_db(self)


class IoOp(Op[T]):
    """``job()`` on the pool for work that does not touch the database; ``ordered`` jobs
    run one at a time in the order queued (files rewritten whole, where the last must win)."""

    job: Callable[[], T]

    def __init__(self, what: str, job: Callable[[], T], *, ordered: bool = False):
        super().__init__(what, job)
        self.ordered = ordered

    def run_in_background(self, background: Background) -> Future[T]:
        return background.run_io(self)


class CallOp(DbOp[int]):
    """``job(store, call_id)`` for a call whose record may still be on its way in: it runs
    after the insert that creates the record (one queue) and succeeds with the call's id."""

    def __init__(self, what: str, call_id: Future[int], job: Callable[[CallStore, int], object]):
        def run(store: CallStore) -> int:
            job(store, call_id.result())
            return call_id.result()

        super().__init__(what, run)
