"""Typed background operations: each with its own handlers, the database thread apart."""

from __future__ import annotations

import threading

import pytest

from desktop.models.background import Background, DbOp, IoOp

DEADLINE_MS = 10_000


@pytest.fixture
def background(tmp_path):
    worker = Background(tmp_path / "calls.sqlite3")
    worker.wait_ready()
    yield worker
    worker.shutdown()


def test_success_handler_runs_on_the_gui_thread_with_the_result(qtbot, background):
    seen: list[tuple[object, bool]] = []
    DbOp("read the version", lambda store: store.user_version).success(
        lambda version: seen.append((version, threading.current_thread() is threading.main_thread()))
    ).run_in_background(background)
    qtbot.waitUntil(lambda: bool(seen), timeout=DEADLINE_MS)
    version, on_gui_thread = seen[0]
    assert isinstance(version, int) and version > 0
    assert on_gui_thread


@pytest.mark.expect_log
def test_a_failure_goes_to_its_own_handler_and_no_signal(qtbot, background, caplog):
    errors: list[Exception] = []
    signalled: list[tuple[str, str]] = []
    background.databaseFailed.connect(lambda what, error: signalled.append((what, error)))
    background.workFailed.connect(lambda what, error: signalled.append((what, error)))

    def broken(store):
        raise ValueError("no such thing")

    DbOp("break", broken).failure(errors.append).run_in_background(background)
    IoOp("break too", lambda: broken(None)).failure(errors.append).run_in_background(background)
    qtbot.waitUntil(lambda: len(errors) == 2, timeout=DEADLINE_MS)
    assert all(isinstance(e, ValueError) for e in errors)
    assert signalled == []
    logged = [r.getMessage() for r in caplog.get_records("call")]
    assert "background operation failed: break" in logged and "background operation failed: break too" in logged


@pytest.mark.expect_log
def test_unhandled_failures_say_what_failed_and_which_kind(qtbot, background):
    def broken(store):
        raise OSError("disk full")

    with qtbot.waitSignal(background.databaseFailed, timeout=DEADLINE_MS) as database:
        DbOp("save the notes", broken).run_in_background(background)
    assert database.args == ["save the notes", "disk full"]
    with qtbot.waitSignal(background.workFailed, timeout=DEADLINE_MS) as work:
        IoOp("index the phrases", lambda: broken(None)).run_in_background(background)
    assert work.args == ["index the phrases", "disk full"]


def test_other_work_does_not_wait_for_the_database_thread(qtbot, background):
    release = threading.Event()
    threads: dict[str, str] = {}

    def slow_database_job(store):
        threads["db"] = threading.current_thread().name
        assert release.wait(DEADLINE_MS / 1000)

    DbOp("hold the database", slow_database_job).run_in_background(background)
    index_built = IoOp("index", lambda: threads.setdefault("io", threading.current_thread().name))
    done: list[object] = []
    index_built.success(done.append).run_in_background(background)
    try:
        qtbot.waitUntil(lambda: bool(done), timeout=DEADLINE_MS)  # while the database job still runs
    finally:
        release.set()
    assert threads["db"].startswith("seatside-db")
    assert threads["io"].startswith("seatside-io")


def test_ordered_work_lands_in_the_order_it_was_queued(qtbot, background):
    landed: list[int] = []
    for n in range(50):
        IoOp("write", lambda n=n: landed.append(n), ordered=True).run_in_background(background)
    qtbot.waitUntil(lambda: len(landed) == 50, timeout=DEADLINE_MS)
    assert landed == list(range(50))


def test_shutdown_finishes_queued_work_then_refuses_more(tmp_path):
    worker = Background(tmp_path / "calls.sqlite3")
    written: list[str] = []
    IoOp("write a file", lambda: written.append("file"), ordered=True).run_in_background(worker)
    DbOp("write a row", lambda store: written.append("row")).run_in_background(worker)
    worker.shutdown()
    assert sorted(written) == ["file", "row"]
    with pytest.raises(RuntimeError, match="shut down"):
        DbOp("too late", lambda store: None).run_in_background(worker)
