"""The running app as a controller: what it does when something happens (a hotkey, a
failed save, the end of the session, quit). ``desktop.app`` builds it and connects it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

# First, before anything else imports PySide6: see desktop/platform/pyside_startup.py.
from desktop.platform import pyside_startup  # noqa: F401 - imported for its side effect

# isort: split
from PySide6.QtCore import (
    QCoreApplication,
    Qt,
    QTimer,
    QTranslator,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon

from desktop.core.base.paths import resources_dir
from desktop.core.hubclient.backoff import Backoff
from desktop.core.packs.loader import LoadResult
from desktop.core.records import integrity
from desktop.core.records.recovery import Recovery
from desktop.core.records.storage import DB_FILENAME, CallStore
from desktop.core.records.texts import output_language
from desktop.core.seat.settings import Settings
from desktop.models.background import Background, DbOp
from desktop.models.call_model import CallModel
from desktop.models.followups import FollowUpsModel
from desktop.models.hotkey_dispatcher import HotkeyDispatcher
from desktop.models.insertion import InsertionController, PendingInsert
from desktop.models.pack_watcher import PackWatcher
from desktop.models.phrases_model import PhrasesModel
from desktop.models.records_model import RecordsModel
from desktop.platform.insertion import Inserter, NoInserter, WindowInfo
from desktop.ui.panel import PanelWindow

if TYPE_CHECKING:  # loaded when first used, not at start
    from desktop.models.hub_sync import HubSync
    from desktop.models.live_model import LiveModel  # aiohttp loads only when the endpoint starts
    from desktop.ui.help_box import HelpBox
    from desktop.ui.palette import SearchPalette
    from desktop.ui.tray import TrayIcon
    from desktop.ui.values_prompt import ValuesPrompt


log = logging.getLogger(__name__)

# After a failed save, saving is tried again after at most this long.
SAVE_RETRY_MAX_S = 30.0


@dataclass
class Seatside:
    """Everything one running app is made of."""

    qapp: QApplication
    data_dir: Path
    settings: Settings
    packs: LoadResult
    worker: Background
    model: CallModel  # the call: life cycle, scenario, steps, notes, caller
    phrases: PhrasesModel  # team and personal phrases, their numbers, search and use
    records: RecordsModel  # shifts, dispositions, export and import
    panel: PanelWindow
    hotkeys: HotkeyDispatcher
    insertion: InsertionController
    packs_watcher: PackWatcher
    followups: FollowUpsModel
    translators: list[QTranslator] = field(default_factory=list)
    closed: bool = False
    tray: TrayIcon | None = None
    choose_inserter: Callable[[], Inserter] = NoInserter
    notice: QMessageBox | None = None  # the last plain-words notice about the data (recovery, save failure)
    saving_failed: bool = False
    shift_backups: ShiftBackups | None = None
    live: LiveModel | None = None  # the live call-event endpoint, when it listens
    hub_sync: HubSync | None = None  # heartbeats and uploads to the centre's hub, when enrolled
    help_box: HelpBox | None = None  # raise a hand and read the lead's answer, when enrolled
    built_palette: SearchPalette | None = None  # the search palette, once it has been opened
    session_watch: object | None = None  # Windows: the WM_ENDSESSION filter
    recovery: Recovery | None = None  # what was done at start with a damaged database
    save_retry: Backoff | None = None  # the wait before saving again after a failed save
    save_timer: QTimer | None = None  # fires the next save after a failed one
    read_only_source: Path | None = None  # the data folder when it cannot be written (this runs on a copy)

    @property
    def palette(self) -> SearchPalette:
        """The search palette, built the first time it is wanted (it is hidden at start)."""
        if self.built_palette is None:
            from desktop.ui.palette import SearchPalette

            self.built_palette = SearchPalette(self.phrases, self.insertion)
        return self.built_palette

    def own_window(self, window: WindowInfo | None) -> bool:
        ours = {int(w.winId()) for w in (self.panel, self.built_palette) if w is not None and w.isVisible()}
        return window is not None and window.id in ours

    def target_window(self) -> WindowInfo | None:
        """The window hotkeys insert into: the focused one, unless it is ours."""
        window = self.insertion.inserter.active_window()
        return None if self.own_window(window) else window

    def handle_action(self, action: str) -> None:
        """What each global hotkey (or its in-app twin) does."""
        if action == "insert-help":
            self.insert_help()
        elif action.startswith("insert-"):
            self.insertion.insert_nth(int(action.removeprefix("insert-")) - 1, self.target_window())
        elif action == "palette":
            target = self.target_window()
            self.palette.open_for(target)
            # Windows keeps the foreground from a program that takes it by itself: hand it over.
            self.insertion.inserter.take_foreground(int(self.palette.winId()))
        elif action == "toggle-panel":
            self.panel.setVisible(not self.panel.isVisible())
        elif action == "toggle-call":
            if self.model.in_call:
                self.panel.show()
                self.panel.toggle_call()
            else:
                self.model.start_call()
        elif action == "next-step":
            self.model.tick_current()
        elif action == "accept-suggestion":
            self.model.accept_suggestion()
        elif action == "dismiss-suggestion":
            self.model.dismiss_suggestion()
        elif action == "raise-hand":
            self.raise_hand()

    def raise_hand(self) -> None:
        """Ask the team lead for help (举手) through the hub."""
        if self.hub_sync is None or self.help_box is None:
            self.panel.show_message(QCoreApplication.translate("Seatside", "Raising a hand needs a hub: this seat is not enrolled"))
            return
        if self.hub_sync.raise_hand():
            self.help_box.asked()

    def insert_help(self) -> None:
        """Insert the lead's last reply into the focused program, as a phrase would be."""
        from desktop.core.packs.scenarios import PhraseChoice

        if self.help_box is None or not self.help_box.reply:
            self.panel.show_message(QCoreApplication.translate("Seatside", "No reply from the lead to insert"))
            return
        self.insertion.insert(PhraseChoice(key="personal/lead-reply", text=self.help_box.reply, personal=True),
                              self.target_window())

    def start_hooks(self) -> None:
        """Global hotkeys and insertion into other programs (once; idempotent)."""
        if self.hotkeys.started or self.closed:
            return
        self.insertion.inserter = self.choose_inserter()
        self.hotkeys.start()
        self.panel.add_in_app_shortcuts(self.settings.hotkeys(), self.hotkeys.failures, self.handle_action)

    def bring_forward(self) -> None:
        """A second launch asked for the panel."""
        self.panel.show()
        self.panel.take_focus()

    def add_tray(self) -> TrayIcon | None:
        """A tray icon where the desktop has a tray; closing the panel then hides it there."""
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return None
        from desktop.ui.tray import TrayIcon

        icon = QIcon(str(resources_dir() / "icons" / "seatside.svg"))
        tray = TrayIcon(self.model, self.panel, self.hotkeys, icon)
        tray.show()
        self.panel.hide_to_tray = True
        self.qapp.setQuitOnLastWindowClosed(False)
        self.hotkeys.failuresChanged.connect(tray.refresh)
        tray.set_packs_version(self.panel.menu.packs_version)
        self.packs_watcher.reloaded.connect(lambda _result: tray.set_packs_version(self.panel.menu.packs_version))
        lang = output_language(str(self.model.settings.get("language")))
        self.followups.dueNow.connect(
            lambda due: tray.showMessage(
                QCoreApplication.translate("Seatside", "Follow-up due"),
                "\n".join(f.label(lang) for f in due),
                QSystemTrayIcon.MessageIcon.Warning,
            )
        )
        self.tray = tray
        return tray

    def ask_values(self, pending: PendingInsert) -> ValuesPrompt:
        from desktop.ui.values_prompt import ValuesPrompt

        prompt = ValuesPrompt(self.insertion, pending, self.panel)  # parented: kept alive until closed
        prompt.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        prompt.show()
        prompt.activateWindow()
        self.insertion.inserter.take_foreground(int(prompt.winId()))  # past Windows' foreground lock
        return prompt

    def prepare_for_session_end(self) -> None:
        """The desktop session is about to end (Qt's commitDataRequest: logoff, shutdown; it may
        still be cancelled): save what is pending and make the quit backup now."""
        if self.closed:
            return
        self.panel.placement.flush()
        self.model.flush()
        if not self.saving_failed:
            self.worker.call(lambda store: backup_now(store, self.data_dir))

    def end_session(self) -> None:
        """The session ends for certain (WM_ENDSESSION): the process may be killed as soon as
        this returns, before any quit event is processed, so the whole quit runs here."""
        log.info("the desktop session is ending")
        self.shutdown()

    def shutdown(self) -> None:
        """Save what is pending, release the OS hooks, back up and close the database (idempotent)."""
        if self.closed:
            return
        self.closed = True
        try:
            if self.live is not None:
                self.live.close()
            self.panel.placement.flush()
            if self.hub_sync is not None:
                self.hub_sync.stop()
            self.packs_watcher.stop()
            self.followups.stop()
            self.hotkeys.close()
            self.insertion.close()
            if self.shift_backups is not None:
                self.shift_backups.stop()
            self.model.flush()
            if not self.saving_failed:
                self.worker.call(lambda store: backup_now(store, self.data_dir))
        finally:
            self.worker.shutdown()

    def show_notice(self, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> QMessageBox:
        """A dialog the seat has to acknowledge (kept in ``notice`` for tests)."""
        log.info("told the seat: %s: %s", title, text)  # for whoever reads the log afterwards
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self.panel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.notice = box
        box.open()
        return box

    def storage_failed(self, what: str, error: str) -> None:
        """A database operation (``what``) failed (a full disk, say): the notes stay in the box
        and in memory, a warning stays on the panel, and saving is tried again with back-off
        until it succeeds; only then does the warning go."""
        if self.closed:
            return
        text = QCoreApplication.translate(
            "Seatside",
            "Seatside could not %1 in its database: %2. What you type stays in the notes box and is saved as soon "
            "as the database can be written again (trying again in %3 s). Free some disk space if the disk is full.",
        )
        if self.save_retry is None:
            self.save_retry = Backoff(1.0, SAVE_RETRY_MAX_S)
            self.model.notesSaved.connect(lambda _call_id: self.saving_recovered())
            self.save_timer = QTimer(self.panel)  # goes with the panel
            self.save_timer.setSingleShot(True)
            self.save_timer.timeout.connect(lambda: self.retry_save())
        delay = self.save_retry.grow()
        self.panel.save_warning.setText(text.replace("%1", what).replace("%2", error).replace("%3", f"{delay:.0f}"))
        if not self.saving_failed:
            log.warning("notes cannot be saved: %s: %s", what, error)
        self.saving_failed = True
        self.panel.save_warning.show()
        if self.save_timer is not None and not self.save_timer.isActive():
            self.save_timer.start(int(delay * 1000))

    def retry_save(self) -> None:
        """Save the notes again (their newest text); a failure comes back to ``storage_failed``."""
        if self.closed or not self.saving_failed:
            return
        if self.model.in_call:
            self.model.save_notes_now()
        else:
            DbOp(QCoreApplication.translate("Seatside", "save the notes"), lambda store: store.count_calls()).success(
                lambda _count: self.saving_recovered()).run_in_background(self.worker)

    def saving_recovered(self) -> None:
        """A save succeeded: the warning goes."""
        if not self.saving_failed:
            return
        self.saving_failed = False
        if self.save_retry is not None:
            self.save_retry.attempt = 0
        self.panel.save_warning.hide()
        log.warning("notes are saved again")

    def check_after_start(self) -> None:
        """``PRAGMA quick_check`` of a large database on its thread, once the panel is up."""
        db = self.data_dir / DB_FILENAME

        def check(store: CallStore) -> str | None:
            health = integrity.quick_check(store.conn)
            if health.ok:
                return None
            integrity.mark_damaged(db, health.reason)
            return health.reason

        def done(reason: str | None) -> None:
            if reason is not None and not self.closed:
                self.panel.notes.editor.setReadOnly(True)
                self.saving_failed = True
                self.show_notice(
                    QCoreApplication.translate("Seatside", "Notes cannot be saved"),
                    QCoreApplication.translate(
                        "Seatside",
                        "Seatside's database is damaged (%s). The notes box is locked. Quit and start Seatside "
                        "again: it will set the damaged file aside and recover what can be read.",
                    ) % reason,
                    QMessageBox.Icon.Critical,
                )

        # A check that cannot even run is reported by databaseFailed like any other.
        DbOp(QCoreApplication.translate("Seatside", "check the database"), check).success(done).run_in_background(
            self.worker
        )

    def tell_start(self, notes: list[str]) -> QMessageBox:
        """Say in plain words what was wrong at start and what was done (one notice). After a
        salvage the damaged original is kept until the seat confirms; it can be exported."""
        box = self.show_notice(QCoreApplication.translate("Seatside", "Seatside started with problems"),
                               "\n\n".join(notes))
        box.setObjectName("startNotice")
        if self.recovery is not None and self.recovery.moved_to is not None and self.recovery.salvaged is not None:
            confirm = box.addButton(
                QCoreApplication.translate("Seatside", "The calls are all there: delete the damaged copy"),
                QMessageBox.ButtonRole.DestructiveRole,
            )
            confirm.setObjectName("confirmSalvage")
            confirm.clicked.connect(self.confirm_salvage)
        if self.recovery is not None or self.read_only_source is not None:
            export = box.addButton(QCoreApplication.translate("Seatside", "Export the calls read back…"),
                                   QMessageBox.ButtonRole.ActionRole)
            export.setObjectName("exportReadBack")
            export.clicked.connect(self.export_read_back)
        return box

    def confirm_salvage(self) -> None:
        """The seat has seen what was recovered: the damaged copy (and its -wal/-shm) goes."""
        if self.recovery is None or self.recovery.moved_to is None:
            return
        for path in integrity.companions(self.recovery.moved_to):
            path.unlink(missing_ok=True)
        self.recovery.moved_to = None

    def export_read_back(self) -> None:
        """Every call in the database (what was read back) to a file the seat chooses."""
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(
            self.notice, QCoreApplication.translate("Seatside", "Export the calls read back"),
            str(Path.home() / "seatside-calls.csv"), "CSV (*.csv);;Excel (*.xlsx)",
        )
        if path:
            self.export_calls_to(Path(path))

    def export_calls_to(self, path: Path) -> int | None:
        """Write every call in the database to ``path``; says on the panel how it went."""
        from desktop.core.records.export import ExportError, export_file, format_for

        def job(store: CallStore) -> int:
            return export_file(store.calls_between(datetime(1971, 1, 2).astimezone(),
                                                   datetime(9998, 1, 1).astimezone()), path, format_for(path) or "csv")

        try:
            count = self.worker.call(job)
        except ExportError as exc:
            self.panel.show_message(QCoreApplication.translate("Seatside", "Could not %s: %s") % (
                QCoreApplication.translate("Seatside", "export"), str(exc)))
            return None
        self.panel.show_message(QCoreApplication.translate("Seatside", "%d calls exported to %s") % (count, path))
        return count


def recovery_text(recovery: Recovery) -> str:
    """What was done with a damaged database, in the seat's language."""
    moved = recovery.moved_to.name if recovery.moved_to else ""
    parts = [QCoreApplication.translate(
        "Seatside",
        "The database was damaged (%1). It was kept aside as %2; %3 calls could be read back into a new database.",
    ).replace("%1", recovery.reason).replace("%2", moved).replace(
        "%3", str(recovery.salvaged.calls if recovery.salvaged is not None else 0))]
    if recovery.restored is not None:
        parts.append(QCoreApplication.translate(
            "Seatside", "The backup of %1 was merged in: it added %2 calls; none of the calls read back was dropped."
        ).replace("%1", f"{recovery.restored.taken:%Y-%m-%d %H:%M}").replace("%2", str(recovery.added)))
    elif recovery.comparison is not None and recovery.comparison.only_in_backup:
        parts.append(QCoreApplication.translate(
            "Seatside", "The backup of %1 was not used: its %2 other calls (%3) are not in the database."
        ).replace("%1", f"{recovery.comparison.taken:%Y-%m-%d %H:%M}").replace(
            "%2", str(len(recovery.comparison.only_in_backup))).replace("%3", recovery.comparison.days()))
    if recovery.damaged_backups:
        parts.append(QCoreApplication.translate(
            "Seatside", "%1 backups could not be read either.").replace("%1", str(recovery.damaged_backups)))
    parts.append(QCoreApplication.translate("Seatside", "Tell your team leader if calls are missing."))
    return " ".join(parts)


def settings_notice(problem: str) -> str:
    return QCoreApplication.translate(
        "Seatside", "The settings file could not be read (%1). It was kept aside as %2; the defaults are used."
    ).replace("%1", problem.split("|", 1)[0]).replace("%2", problem.split("|", 1)[-1])


def backup_now(store: CallStore, folder: Path) -> Path | None:
    """A backup of the open database (on the worker thread); a failure is logged, not raised."""
    from desktop.core.records.backup import make_backup

    try:
        return make_backup(store.conn, folder)
    except Exception:  # a failed backup must not stop a quit or a shift
        log.exception("backup of the database failed")
        return None


class ShiftBackups:
    """A backup when each shift ends (checked every minute, so a sleeping PC catches up)."""

    CHECK_MS = 60_000

    def __init__(self, app: Seatside):
        self.app = app
        self.next_end = self._next_end()
        self.timer = QTimer(app.panel)
        self.timer.setInterval(self.CHECK_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def _next_end(self) -> datetime:
        from desktop.core.base import clock

        now = clock.now()
        end = self.app.records.current_shift_bounds()[1]
        if end <= now:
            day = clock.current_shift(now, self.app.settings.get("shift_start"), self.app.settings.get("shift_end"))
            end = self.app.records.shift_bounds((day + timedelta(days=1)).isoformat())[1]
        return end

    def check(self) -> None:
        from desktop.core.base import clock

        if self.app.closed or self.app.saving_failed or clock.now() < self.next_end:
            return
        self.next_end = self._next_end()
        DbOp(
            QCoreApplication.translate("Seatside", "back up the database"),
            lambda store: backup_now(store, self.app.data_dir),
        ).run_in_background(self.app.worker)

    def stop(self) -> None:
        self.timer.stop()
