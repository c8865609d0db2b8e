"""The panel under a failing or damaged database, steady typing, backups."""

from __future__ import annotations

import stat
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.core.records import backup
from desktop.core.records.storage import DB_FILENAME, CallStore
from desktop.models.call_model import NOTES_MAX_WAIT_MS
from tests.gui.conftest import type_text
from tests.helpers import damage_pages, make_call


def test_steady_typing_is_saved_before_the_typing_stops(seatside, qtbot):
    """Ten characters a second without a pause: the 300 ms debounce never fires, the
    maximum wait does (the old code saved nothing until the seat stopped typing)."""
    model, editor = seatside.model, seatside.panel.notes.editor
    model.start_call()
    saves: list[int] = []
    model.notesSaved.connect(lambda _call_id: saves.append(len(model.call.notes)))
    text = "card kept by the ATM at the branch, loss reported, pick-up"
    for ch in text:
        type_text(editor, ch)
        qtbot.wait(100)  # the typing rhythm itself
        if len(saves) >= 2:
            break
    typed_while_saving = len(editor.toPlainText())
    assert len(saves) >= 2, "nothing was saved while the seat kept typing"
    assert typed_while_saving < len(text) or len(saves) >= 2
    assert NOTES_MAX_WAIT_MS < 1000
    stored = seatside.worker.call(lambda store: store.active_calls()[0].notes)
    assert text.startswith(stored) and len(stored) >= saves[0] > 0


@pytest.mark.expect_log
def test_a_save_that_fails_keeps_the_notes_warns_and_retries_until_it_succeeds(seatside, qtbot):
    model, editor = seatside.model, seatside.panel.notes.editor
    model.start_call()
    qtbot.waitUntil(lambda: editor.isEnabled(), timeout=3000)
    seatside.worker.call(lambda store: store.conn.execute("PRAGMA query_only = ON"))  # every write now fails
    type_text(editor, "客户要求挂失")
    model.save_notes_now()
    warning = seatside.panel.save_warning
    qtbot.waitUntil(lambda: not warning.isHidden(), timeout=5000)
    assert not editor.isReadOnly() and "备注框" in warning.text()
    type_text(editor, "，已核实身份")  # typing goes on while the disk is full
    qtbot.keyClick(seatside.panel, Qt.Key.Key_Space)
    qtbot.keyClick(seatside.panel, Qt.Key.Key_Escape)
    assert not warning.isHidden()  # no key press dismisses it
    seatside.worker.call(lambda store: store.conn.execute("PRAGMA query_only = OFF"))
    qtbot.waitUntil(warning.isHidden, timeout=15_000)  # the retry saved
    stored = seatside.worker.call(lambda store: store.active_calls()[0].notes)
    assert stored == editor.toPlainText() == "客户要求挂失，已核实身份"


def fill(folder, calls: int) -> None:
    store = CallStore(folder / DB_FILENAME)
    # Recent calls: older ones would be purged at start (retention).
    start = (datetime.now() - timedelta(days=2)).replace(hour=0, minute=5).astimezone()
    for i in range(calls):
        make_call(store, start + timedelta(seconds=200 * i), notes=f"第{i}通：客户称卡被ATM吞了", minutes=1)
    store.close()


def damage(path, spare: tuple[str, ...] = ("sqlite_schema",)) -> None:
    damage_pages(path, spare)


def test_a_damaged_database_is_set_aside_salvaged_and_the_seat_told(make_app, isolated_dirs, qtbot):
    isolated_dirs.mkdir(parents=True)
    fill(isolated_dirs, 400)
    damage(isolated_dirs / DB_FILENAME)
    app = make_app(choose_backup=lambda b, r: pytest.fail("no backup to offer"))
    qtbot.waitUntil(lambda: app.notice is not None and app.notice.isVisible(), timeout=5000)
    aside = list(isolated_dirs.glob(f"{DB_FILENAME}.corrupt-*"))
    assert next(p.name for p in aside if not p.name.endswith(("-wal", "-shm"))) in app.notice.text()
    assert "数据库坏了" in app.notice.text()
    kept = app.worker.call(lambda store: store.count_calls())
    assert 0 < kept < 400 and f"读回了 {kept} 通电话" in app.notice.text()
    app.notice.close()


def test_an_emptied_database_offers_the_newest_backup(make_app, isolated_dirs, qtbot):
    isolated_dirs.mkdir(parents=True)
    fill(isolated_dirs, 5)
    store = CallStore(isolated_dirs / DB_FILENAME)
    backup.make_backup(store.conn, isolated_dirs, now=datetime(2026, 3, 2, 18))
    store.close()
    (isolated_dirs / DB_FILENAME).write_bytes(b"")
    for extra in ("-wal", "-shm"):
        (isolated_dirs / f"{DB_FILENAME}{extra}").unlink(missing_ok=True)
    offered = []
    app = make_app(choose_backup=lambda b, reason: offered.append(b.taken) or True)
    assert offered == [datetime(2026, 3, 2, 18)]
    assert app.worker.call(lambda store: store.count_calls()) == 5
    qtbot.waitUntil(lambda: app.notice is not None and app.notice.isVisible(), timeout=5000)
    assert "2026-03-02 18:00" in app.notice.text()
    app.notice.close()


def test_a_backup_at_quit_and_at_the_end_of_the_shift(make_app, isolated_dirs, qtbot):
    app = make_app()
    app.model.start_call()
    with qtbot.waitSignal(app.model.callEnded):
        app.model.end_call("resolved")
    app.shift_backups.next_end = datetime.now().astimezone() - timedelta(seconds=1)
    app.shift_backups.check()
    qtbot.waitUntil(lambda: len(backup.list_backups(isolated_dirs)) == 1, timeout=5000)
    assert app.shift_backups.next_end > datetime.now().astimezone()
    app.shutdown()
    backups = backup.list_backups(isolated_dirs)
    assert len(backups) == 2 and all(b.calls() == 1 for b in backups)
    assert all(stat.S_IMODE(b.path.stat().st_mode) == 0o600 for b in backups)


@pytest.mark.expect_log
def test_a_large_database_is_checked_after_start_and_repaired_at_the_next(make_app, isolated_dirs, qtbot,
                                                                           monkeypatch):
    from desktop.core.records import recovery

    monkeypatch.setattr(recovery, "FULL_CHECK_MAX_BYTES", 0)  # every database counts as large here
    isolated_dirs.mkdir(parents=True)
    fill(isolated_dirs, 400)
    # Damage that opening the file does not meet (it reads the schema and the meta table).
    damage(isolated_dirs / DB_FILENAME, spare=("sqlite_schema", "meta", "sqlite_autoindex_meta_1"))
    first = make_app(choose_backup=lambda b, r: pytest.fail("no backup to offer"))
    marker = isolated_dirs / f"{DB_FILENAME}.damaged"
    qtbot.waitUntil(marker.exists, timeout=10_000)
    qtbot.waitUntil(lambda: first.notice is not None and "坏了" in first.notice.text(), timeout=5000)
    assert first.panel.notes.editor.isReadOnly()
    assert first.notice.icon() == QMessageBox.Icon.Critical
    first.notice.close()
    first.shutdown()
    assert backup.list_backups(isolated_dirs) == []  # no backup of a damaged file
    second = make_app(choose_backup=lambda b, r: pytest.fail("no backup to offer"))
    qtbot.waitUntil(lambda: second.notice is not None and second.notice.isVisible(), timeout=5000)
    assert "数据库坏了" in second.notice.text() and not marker.exists()
    assert list(isolated_dirs.glob(f"{DB_FILENAME}.corrupt-*"))
    assert second.worker.call(lambda store: store.count_calls()) > 0
    second.notice.close()
