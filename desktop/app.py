"""The one place that wires settings, packs, database, OS hooks and views together."""

from __future__ import annotations

import logging
import os
import signal
import sys
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
    QLibraryInfo,
    QLocale,
    Qt,
    QTimer,
    QTranslator,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QBoxLayout, QMessageBox, QSystemTrayIcon

from desktop import __version__
from desktop.core.base.paths import HUB_CONFIG_FILE, data_dir, resources_dir
from desktop.core.base.paths import pack_dirs as packs_in
from desktop.core.base.permissions import restrict_umask, secure_data_folder
from desktop.core.hubclient.backoff import Backoff
from desktop.core.packs.banned import builtin_banned
from desktop.core.packs.loader import LoadResult, Problem
from desktop.core.packs.packset import PackSet
from desktop.core.privacy.logfile import log_to_file, log_uncaught_exceptions
from desktop.core.records import integrity
from desktop.core.records.backup import Comparison
from desktop.core.records.recovery import Recovery, needs_full_check, recover_at_start
from desktop.core.records.storage import DB_FILENAME, CallStore, StorageError
from desktop.core.records.texts import output_language
from desktop.core.seat.instance_lock import InstanceLock
from desktop.core.seat.settings import Settings
from desktop.core.seat.startup import UnknownScenario, safe_copy, writable
from desktop.models.background import Background, DbOp, IoOp
from desktop.models.call_model import CallModel
from desktop.models.followups import FollowUpsModel
from desktop.models.hotkey_dispatcher import HotkeyDispatcher
from desktop.models.insertion import InsertionController, PendingInsert
from desktop.models.pack_watcher import PackWatcher
from desktop.models.phrases_model import PhrasesModel
from desktop.models.records_model import RecordsModel
from desktop.models.retention_timer import RetentionTimer
from desktop.platform.clipboard import Clipboard
from desktop.platform.factories import (
    choose_backend,
    choose_clipboard,
    choose_inserter,
    protect_data_folder,
    watch_session_end,
)
from desktop.platform.hotkeys import HotkeyBackend, Trigger
from desktop.platform.insertion import Inserter, NoInserter, WindowInfo
from desktop.ui.appearance import apply_theme
from desktop.ui.panel import PanelWindow

if TYPE_CHECKING:  # loaded when first used, not at start
    from desktop.models.hub_sync import HubSync
    from desktop.models.live_model import LiveModel  # aiohttp loads only when the endpoint starts
    from desktop.platform.single_instance import InstanceServer
    from desktop.ui.help_box import HelpBox
    from desktop.ui.palette import SearchPalette
    from desktop.ui.tray import TrayIcon
    from desktop.ui.values_prompt import ValuesPrompt

log = logging.getLogger(__name__)

# Real OS hooks start this long after the panel is built.
HOOKS_DELAY_MS = 150
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
        tray.set_packs_version(self.panel.packs_version)
        self.packs_watcher.reloaded.connect(lambda _result: tray.set_packs_version(self.panel.packs_version))
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
        self.panel.flush_geometry()
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
            self.panel.flush_geometry()
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


def ensure_qapp(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Seatside")
    app.setApplicationDisplayName("坐席助手")
    app.setApplicationVersion(__version__)
    app.setQuitOnLastWindowClosed(True)
    return app


def install_translator(app: QApplication, language: str) -> list[QTranslator]:
    """Load the UI translation; source strings are English, zh_CN is the default."""
    if language.startswith("en"):
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return []
    translator = QTranslator(app)
    qm = resources_dir() / "i18n" / f"seatside_{language}.qm"
    if not translator.load(str(qm)):
        log.error("translation %s is missing; the UI stays in English", qm)
        return []
    app.installTranslator(translator)
    QLocale.setDefault(QLocale(language))
    installed = [translator]
    # Qt's own strings: OK/Cancel buttons, file dialogs, text-field menus.
    qt_strings = QTranslator(app)
    if qt_strings.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_strings)
        installed.append(qt_strings)
    return installed


def packs_version_text(folder: Path) -> str:
    """One translated line: which packs this data folder runs (see ``desktop.core.packs.loader`` for the layers)."""
    from desktop.core.hubclient.sync import packs_status

    status = packs_status(folder)
    if status.error:
        return QCoreApplication.translate("Seatside", "Packs: unknown (%s)") % status.error
    if not status.enrolled:
        return QCoreApplication.translate("Seatside", "Packs: built-in and this seat's own")
    if not status.version:
        return QCoreApplication.translate("Seatside", "Packs: built-in; team %s has not sent any yet") % status.team
    return (QCoreApplication.translate(
        "Seatside", "Packs: team %1, version %2 from the hub (installed %3), over the built-in ones")
            .replace("%1", status.team).replace("%2", str(status.version))
            .replace("%3", status.installed_at.replace("T", " ")[:16]))


def build(
    data: Path | str | None = None,
    pack_dirs: list[Path] | None = None,
    **options,
) -> Seatside:
    """Compose the whole app. The caller shows ``panel`` and runs the event loop.

    The OS hooks (clipboard, hotkey backend, inserter) default to the best real
    ones for this session; tests pass fakes. The panel always starts: a data folder
    that cannot be written runs on a copy (and says so); a database that cannot be
    opened at all is set aside and a new one started; anything else that stops the
    start gives a panel with the built-in scenarios on a copy of what can be read.
    Each is told to the seat in one notice.
    """
    folder = data_dir(data)
    notes: list[str] = []
    if not writable(folder):
        return _on_a_copy(folder, pack_dirs, options, notes, QCoreApplication.translate(
            "Seatside", "The data folder %1 cannot be written. Seatside runs read-only on a copy: what you do now "
            "is not kept after you quit. Export what you need to keep.").replace("%1", str(folder)))
    try:
        return _build(folder, pack_dirs, start_notes=notes, **options)
    except UnknownScenario:
        raise
    except StorageError as exc:
        if "newer" in str(exc):  # a later version's database: never set aside
            return _on_a_copy(folder, pack_dirs, options, [], QCoreApplication.translate(
                "Seatside", "The database was written by a newer Seatside (%1). This one runs read-only on a copy."
            ).replace("%1", str(exc)))
        log.error("the database cannot be opened: %s", exc)
        moved = integrity.set_aside(folder / DB_FILENAME)
        notes.append(QCoreApplication.translate(
            "Seatside", "The database could not be opened (%1). It was kept aside as %2 and a new one was started."
        ).replace("%1", str(exc)).replace("%2", moved.name))
        try:
            integrity.salvage(moved, folder / DB_FILENAME)
        except Exception:
            log.exception("salvage of %s failed", moved)
            for path in integrity.companions(folder / DB_FILENAME):
                path.unlink(missing_ok=True)
        return _build(folder, pack_dirs, start_notes=notes, **options)
    except Exception as exc:  # the last resort: a panel on a copy, with the built-in scenarios
        log.exception("the start failed")
        return _on_a_copy(folder, [], {**options, "builtin": True}, [], QCoreApplication.translate(
            "Seatside", "Seatside could not start on its data folder (%1). It runs on a copy of what can be read, "
            "with the built-in scenarios: what you do now is not kept after you quit."
        ).replace("%1", f"{type(exc).__name__}: {exc}"))


def _on_a_copy(folder: Path, pack_dirs: list[Path] | None, options: dict, notes: list[str], why: str) -> Seatside:
    """The app on a temporary copy of what can be read of ``folder`` (removed at quit)."""
    import shutil
    import tempfile

    copy = Path(tempfile.mkdtemp(prefix="seatside-read-only-"))
    safe_copy(folder, copy)
    app = _build(copy, pack_dirs, start_notes=[why, *notes], read_only_source=folder, **options)
    app.panel.save_warning.setText(why)  # stays on the panel for the whole run
    app.panel.save_warning.show()
    app.qapp.aboutToQuit.connect(lambda: shutil.rmtree(copy, ignore_errors=True))
    return app


def _build(
    data: Path | str | None = None,
    pack_dirs: list[Path] | None = None,
    *,
    clipboard: Clipboard | None = None,
    builtin: bool = True,
    language: str | None = None,
    hotkey_backend: Callable[[Trigger], HotkeyBackend] | None = None,
    inserter: Inserter | None = None,
    scenario: str | None = None,
    insert_mode: str | None = None,
    choose_backup: Callable[[Comparison, str], bool] | None = None,
    live: bool = False,
    start_notes: list[str],
    read_only_source: Path | None = None,
) -> Seatside:
    """Compose the whole app. The caller shows ``panel`` and runs the event loop.

    The OS hooks (clipboard, hotkey backend, inserter) default to the best real
    ones for this session; tests pass fakes.
    """
    qapp = ensure_qapp()
    folder = data_dir(data)
    restrict_umask()  # everything created from here on: 0700 folders, 0600 files
    secure_data_folder(folder)  # and an existing installation is fixed
    protect_data_folder(folder)  # Windows: an owner-only access list (POSIX: the modes above)
    worker: Background | None = None
    # Settings files are written on the worker thread too, never on the GUI thread.
    settings = Settings(
        folder / "settings.json",
        schedule=lambda write: write() if worker is None or worker.closed else IoOp(
            QCoreApplication.translate("Seatside", "save the settings"), write, ordered=True
        ).run_in_background(worker),
    )
    if settings.problem is not None:
        start_notes.append(settings_notice(settings.problem))
    # The translation first: what recovery asks and says is in the seat's language.
    language = language or settings.get("language")
    translators = install_translator(qapp, language)
    # A damaged or emptied database is set aside and salvaged (a backup merged in) first.
    recovery = recover_at_start(folder, DB_FILENAME, choose_backup or ask_restore_backup)
    worker = Background(folder / DB_FILENAME)
    own_packs = folder / "packs"  # imported and team packs the seat keeps; hot-reloaded like the rest
    own_packs.mkdir(exist_ok=True)
    packset = PackSet(packs_in(folder, pack_dirs or [], builtin), banned=builtin_banned())
    packs = packset.load()
    for problem in packs.problems:
        log.log(logging.WARNING if problem.severity == "error" else logging.INFO, "scenario pack problem: %s", problem)
    if scenario and packs.library.get(scenario) is None:
        worker.shutdown()
        for translator in translators:
            qapp.removeTranslator(translator)
        raise UnknownScenario(f"unknown scenario '{scenario}'")
    apply_theme(qapp, settings.get("theme"))
    settings.on_change(lambda name, value: apply_theme(qapp, value) if name == "theme" else None)
    clipboard = clipboard or choose_clipboard()
    model = CallModel(packs.library, worker, settings)
    phrases = PhrasesModel(model, worker, clipboard, settings, parent=model)
    records = RecordsModel(worker, settings, own_packs, parent=model)
    if scenario:
        model.choose_scenario(scenario)
    platform_name = qapp.platformName()
    insertion = InsertionController(
        model, phrases, inserter or NoInserter(), clipboard, settings, mode_override=insert_mode
    )
    hotkeys = HotkeyDispatcher(hotkey_backend or (lambda fire: choose_backend(fire, platform_name)), settings)
    followups = FollowUpsModel(worker)
    panel = PanelWindow(
        model,
        phrases,
        records,
        packs.problems,
        lang=output_language(language),
        hotkeys=hotkeys,
        followups=followups,
        data_dir=folder,
    )
    try:
        worker.wait_ready()  # the database opened on its thread meanwhile
    except Exception:
        hotkeys.close()
        worker.shutdown()
        for translator in translators:
            qapp.removeTranslator(translator)
        raise
    phrases.load_personal()
    model.recover()
    # Imports the first masked save and export need: on the worker, once the panel is up.
    QTimer.singleShot(
        1500,
        lambda: None if worker.closed else IoOp("warm up", warm_up).failure(
            lambda error: log.warning("warm-up imports failed: %s", error)
        ).run_in_background(worker),
    )
    followups.start()
    RetentionTimer(records, worker, parent=model).start()  # purge old calls now and at each shift end
    model.callEnded.connect(lambda _call_id: followups.reload())
    followups.dueNow.connect(
        lambda due: panel.show_message(
            QCoreApplication.translate("Seatside", "Follow-up due: %s")
            % "；".join(f.label(output_language(language)) for f in due)
        )
    )
    watcher = PackWatcher(packset, model, worker, folder / "pack_snapshot.json")
    watcher.reloaded.connect(lambda result: panel.set_problems(result.problems))
    # Which packs run, for the About box and the tray: again whenever they reload (a sync lands).
    panel.set_packs_version(packs_version_text(folder))
    watcher.reloaded.connect(lambda _result: panel.set_packs_version(packs_version_text(folder)))
    watcher.changesFound.connect(panel.show_pack_changes)
    watcher.check_versions()
    app = Seatside(
        qapp, folder, settings, packs, worker, model, phrases, records, panel, hotkeys, insertion, watcher, followups,
        translators,
    )
    app.read_only_source = read_only_source
    hotkeys.triggered.connect(app.handle_action)
    insertion.valuesNeeded.connect(app.ask_values)
    insertion.failed.connect(panel.show_message)
    insertion.inserted.connect(lambda text, mode: panel.show_message(panel.inserted_message(text, mode)))
    app.choose_inserter = (lambda: inserter) if inserter is not None else (lambda: choose_inserter(platform_name))
    if hotkey_backend is not None and inserter is not None:
        app.start_hooks()  # fakes: at once
    else:
        # The real OS hooks (python-xlib, keyboard) take a moment to load: just after
        # the panel is on screen, not before.
        QTimer.singleShot(HOOKS_DELAY_MS, app.start_hooks)
    # After a lock screen the keyboard hook may think keys are still held: forget them
    # whenever the seat comes back to the desktop and Seatside becomes active.
    qapp.applicationStateChanged.connect(
        lambda state: hotkeys.backend.resync() if state == Qt.ApplicationState.ApplicationActive else None
    )
    if (folder / HUB_CONFIG_FILE).is_file():  # enrolled at the centre's hub: heartbeats, outbox and packs
        from desktop.models.hub_sync import HubSync
        from desktop.ui.end_call_dialog import EndCallDialog

        app.hub_sync = HubSync(folder, model, after_call=lambda: any(
            isinstance(w, EndCallDialog) and w.isVisible() for w in qapp.topLevelWidgets()))
        app.hub_sync.message.connect(panel.show_message)
        from desktop.ui.help_box import HelpBox

        app.help_box = HelpBox(panel)
        central = panel.centralWidget()
        central_layout = central.layout() if central is not None else None
        if isinstance(central_layout, QBoxLayout):
            central_layout.insertWidget(1, app.help_box)
        app.help_box.raiseRequested.connect(app.raise_hand)
        app.help_box.insertRequested.connect(app.insert_help)
        app.hub_sync.helpAnswered.connect(app.help_box.answered)
        app.hub_sync.helpAnswered.connect(lambda status, _reply: app.panel.show())
        app.hub_sync.start()
    qapp.aboutToQuit.connect(app.shutdown)
    # Logoff and shutdown: aboutToQuit may never come (Windows ends the process after WM_ENDSESSION).
    qapp.commitDataRequest.connect(lambda _manager: app.prepare_for_session_end())
    app.session_watch = watch_session_end(app.end_session)
    worker.databaseFailed.connect(app.storage_failed)
    worker.workFailed.connect(
        lambda what, error: panel.show_message(
            QCoreApplication.translate("Seatside", "Could not %s: %s") % (what, error)
        )
    )
    watcher.failed.connect(panel.show_message)
    app.shift_backups = ShiftBackups(app)
    if recovery is not None:
        start_notes.append(recovery_text(recovery))
        app.recovery = recovery
    if start_notes:
        app.tell_start(start_notes)
    if recovery is None and needs_full_check(folder / DB_FILENAME):
        QTimer.singleShot(HOOKS_DELAY_MS * 4, app.check_after_start)
    if live and settings.get("live_enabled"):
        start_live(app)
    return app


def ask_restore_backup(found: Comparison, reason: str) -> bool:
    """Ask the seat whether to merge the newest sound backup into what was read back,
    saying exactly how many calls either answer keeps and drops."""
    ensure_qapp()
    text = QCoreApplication.translate(
        "Seatside",
        "Seatside's database cannot be used (%1). %2 calls were read back from it.\n\n"
        "The newest backup, of %3, holds %4 calls; %5 of them are not among the calls read back (%6).\n\n"
        "Yes: merge the backup in. Every call read back stays and the backup adds its %5 calls.\n"
        "No: do not use the backup. Its %5 calls will be dropped.",
    )
    for key, value in (("%1", reason), ("%2", str(found.in_current)), ("%3", f"{found.taken:%Y-%m-%d %H:%M}"),
                       ("%4", str(found.in_backup)), ("%5", str(len(found.only_in_backup))),
                       ("%6", found.days() or "-")):
        text = text.replace(key, value)
    answer = QMessageBox.question(None, QCoreApplication.translate("Seatside", "Restore the backup?"), text)
    return answer == QMessageBox.StandardButton.Yes


def start_live(app: Seatside, wait: bool = False) -> LiveModel:
    """The live call-event endpoint on 127.0.0.1 (see docs/live.md); the panel follows it.
    It comes up on its own thread a moment later unless ``wait``."""
    from desktop.models.live_model import LiveModel

    live = LiveModel(app.model, parent=app.model)
    app.panel.attach_live(live)
    live.failed.connect(app.panel.show_live_off)
    app.live = live
    if wait:
        live.listen(app.data_dir, wait=True)
    else:
        # Loading aiohttp would compete with the panel's first frame: a moment after it.
        QTimer.singleShot(HOOKS_DELAY_MS, live, lambda: None if app.closed else live.listen(app.data_dir))
    return live


def warm_up() -> None:
    """Import what the first masked save, the first export and the first scenario suggestion
    need, off the GUI thread."""
    import desktop.core.records.export  # noqa: F401 - imported for its side effect: the module is cached
    from desktop.core.privacy.masking import is_card_number

    is_card_number("6222020000000000")
    from desktop.core.search.suggest import warm_up as warm_suggestions

    warm_suggestions()


def _quit_on_sigterm(qapp: QApplication) -> QTimer:
    """Quit cleanly on SIGTERM/SIGINT: let Python's handler run every 200 ms (the timer returned)."""

    def handler(signum, frame):  # both unused: the signal module calls it so
        # Queued, not called: quit() does nothing unless the event loop runs, and the signal
        # may come after the window is mapped but before qapp.exec() has started.
        QTimer.singleShot(0, qapp.quit)
        _report_a_hang()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, handler)
    timer = QTimer(qapp)
    timer.timeout.connect(lambda: None)
    timer.start(200)
    return timer


# Seconds a quit may take before every thread's stack is written to stderr.
SHUTDOWN_REPORT_S = 8


def _report_a_hang() -> None:
    """Write every thread's stack to stderr if the process is still running in
    SHUTDOWN_REPORT_S: a quit that hangs (in the event loop, the shutdown or the
    interpreter's exit, which joins worker threads) then says where."""
    import faulthandler

    if sys.stderr is None:  # pythonw: nowhere to write
        return
    try:
        faulthandler.dump_traceback_later(SHUTDOWN_REPORT_S, exit=False)
    except (AttributeError, ValueError, OSError):  # a stderr that is no file
        log.debug("no stack report on a hung quit: stderr is not a file")


def run(
    data: str | None,
    pack_dirs: list[Path],
    builtin: bool = True,
    scenario: str | None = None,
    insert_mode: str | None = None,
) -> int:
    """Run the panel until it is closed or the process is told to stop."""
    qapp = ensure_qapp()
    folder = data_dir(data)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # build() runs on a copy of what can be read and says so
    # The folder's lock first, before anything opens it: of two panels started at
    # the same moment exactly one gets it; the other asks that one to show itself.
    lock = InstanceLock(folder)
    try:
        got = lock.acquire()
    except OSError:  # a folder that cannot be written: the panel runs on a copy, there is nothing to lock
        got = True
    if not got:
        from desktop.platform.single_instance import ask_running_instance  # QtNetwork: only here

        answered = ask_running_instance(folder)
        print(f"seatside: already running{'; brought its panel forward' if answered else ''}", file=sys.stderr)
        return 0
    restrict_umask()
    try:
        log_file: logging.Handler | None = log_to_file(folder, console=True)  # after the lock: one writer
    except OSError:  # a folder that cannot be written: the log goes where the panel's copy is, see build()
        log_file = None
    log_uncaught_exceptions()
    _log_qt_messages()
    log.info("seatside %s starting on %s (%s)", __version__, sys.platform, qapp.platformName())
    try:
        app = build(data, pack_dirs, builtin=builtin, scenario=scenario, insert_mode=insert_mode, live=True)
    except StorageError as exc:
        # Started from a desktop icon nobody sees stderr: say it in a window too.
        print(f"seatside: {exc}", file=sys.stderr)
        QMessageBox.critical(None, "Seatside", str(exc))
        lock.release()
        return 1
    servers: list[InstanceServer] = []

    def listen() -> None:
        """The private socket a later launch asks to show the panel through. Until it listens
        (just after the panel is up), a later launch still finds the lock and stops."""
        from desktop.platform.single_instance import InstanceServer  # QtNetwork: after the first frame

        server = InstanceServer(folder, qapp)
        server.messageReceived.connect(lambda message: app.bring_forward() if message == "show" else None)
        if not server.listen():
            log.info("single-instance server could not listen")
        servers.append(server)

    QTimer.singleShot(HOOKS_DELAY_MS, listen)
    tray = app.add_tray()
    _quit_on_sigterm(qapp)
    app.panel.restore_geometry()
    app.panel.show()
    code = qapp.exec()
    _report_a_hang()  # armed until the process ends
    app.shutdown()
    for server in servers:
        server.close()
    lock.release()
    if tray is not None:
        tray.hide()
    log.info("seatside stopped (%s)", code)
    if log_file is not None:
        log_file.close()
    return code


def _log_qt_messages() -> None:
    """Qt's own warnings (a failed plugin, a bad stylesheet) into the log file too."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}
    qt_log = logging.getLogger("qt")
    previous = None

    def handler(kind, context, message) -> None:
        qt_log.log(levels.get(kind, logging.WARNING), "%s", message)
        if previous is not None:
            previous(kind, context, message)
        elif sys.stderr is not None and kind != QtMsgType.QtDebugMsg:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)


def self_test(pack_dirs: list[Path], data: str | None = None) -> int:
    """Build the whole app offscreen on a temporary data dir; print one line. With
    ``data``, first check that data folder without changing it (``core.seat.selfcheck``)."""
    import tempfile

    if data is not None:
        from desktop.core.seat.selfcheck import check_folder

        report = check_folder(data_dir(data), pack_dirs)
        for problem in report.problems:
            print(f"self-test: {problem}", file=sys.stderr)
        if not report.ok:
            print(f"self-test failed: {report.summary()}", file=sys.stderr)
            return 1
        print(report.summary())
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="seatside-self-test-") as tmp:
        app = build(tmp, pack_dirs)
        try:
            if len(app.packs.library) == 0:
                print("self-test failed: no scenario loaded", file=sys.stderr)
                return 1
            app.panel.show()
            app.qapp.processEvents()
            image = app.panel.grab()
            if image.isNull() or image.width() == 0:
                print("self-test failed: the panel did not render", file=sys.stderr)
                return 1
            version = app.worker.call(lambda store: store.user_version)
            errors = len(app.packs.errors)
            # What the one-folder build trims still works: search data, ICU, plugins, libraries.
            from desktop.selftest import run_checks

            passed, failed = run_checks(app)
            for problem in failed:
                print(f"self-test failed: {problem}", file=sys.stderr)
            if failed:
                return 1
            print(
                f"seatside {__version__} self-test ok: {len(app.packs.library)} scenarios, "
                f"{errors} pack errors, database schema v{version}, panel {image.width()}x{image.height()}, "
                f"{', '.join(passed)}"
            )
            return 0
        finally:
            app.panel.close()
            app.shutdown()


__all__ = ["Problem", "Seatside", "build", "run", "self_test"]
