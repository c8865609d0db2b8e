"""The one place that wires settings, packs, database, OS hooks and views together."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon

from desktop import __version__
from desktop.core.banned import builtin_banned
from desktop.core.pack_cache import PackCache
from desktop.core.packs import LoadResult, Problem
from desktop.core.packset import PackSet
from desktop.core.paths import data_dir, resources_dir
from desktop.core.paths import pack_dirs as packs_in
from desktop.core.settings import Settings
from desktop.core.storage import DB_FILENAME, StorageError
from desktop.core.texts import output_language
from desktop.models.call_model import CallModel
from desktop.models.db_worker import DbWorker
from desktop.models.followups import FollowUpsModel
from desktop.models.hotkey_dispatcher import HotkeyDispatcher
from desktop.models.insertion import InsertionController, PendingInsert
from desktop.models.pack_watcher import PackWatcher
from desktop.platform.clipboard import Clipboard, QtClipboard
from desktop.platform.factories import choose_backend, choose_inserter
from desktop.platform.hotkeys import HotkeyBackend, Trigger
from desktop.platform.insertion import Inserter, NoInserter, WindowInfo
from desktop.ui.appearance import apply_theme
from desktop.ui.palette import SearchPalette
from desktop.ui.panel import PanelWindow
from desktop.ui.tray import TrayIcon
from desktop.ui.values_prompt import ValuesPrompt

log = logging.getLogger(__name__)

#: Real OS hooks start this long after the panel is built.
HOOKS_DELAY_MS = 150


@dataclass
class Seatside:
    """Everything one running app is made of."""

    qapp: QApplication
    data_dir: Path
    settings: Settings
    packs: LoadResult
    worker: DbWorker
    model: CallModel
    panel: PanelWindow
    hotkeys: HotkeyDispatcher
    insertion: InsertionController
    palette: SearchPalette
    packs_watcher: PackWatcher
    followups: FollowUpsModel
    translators: list[QTranslator] = field(default_factory=list)
    closed: bool = False
    tray: TrayIcon | None = None
    choose_inserter: Callable[[], Inserter] = NoInserter

    def own_window(self, window: WindowInfo | None) -> bool:
        ours = {int(w.winId()) for w in (self.panel, self.palette) if w.isVisible()}
        return window is not None and window.id in ours

    def target_window(self) -> WindowInfo | None:
        """The window hotkeys insert into: the focused one, unless it is ours."""
        window = self.insertion.inserter.active_window()
        return None if self.own_window(window) else window

    def handle_action(self, action: str) -> None:
        """What each global hotkey (or its in-app twin) does."""
        if action.startswith("insert-"):
            self.insertion.insert_nth(int(action.removeprefix("insert-")) - 1, self.target_window())
        elif action == "palette":
            self.palette.open_for(self.target_window())
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
        icon = QIcon(str(resources_dir() / "icons" / "seatside.svg"))
        tray = TrayIcon(self.model, self.panel, self.hotkeys, icon)
        tray.show()
        self.panel.hide_to_tray = True
        self.qapp.setQuitOnLastWindowClosed(False)
        self.hotkeys.failuresChanged.connect(tray.refresh)
        self.followups.dueNow.connect(
            lambda due: tray.showMessage(
                self.panel.tr("Follow-up due"), "\n".join(f.text for f in due), QSystemTrayIcon.MessageIcon.Warning
            )
        )
        self.tray = tray
        return tray

    def ask_values(self, pending: PendingInsert) -> ValuesPrompt:
        prompt = ValuesPrompt(self.insertion, pending, self.panel)  # parented: kept alive until closed
        prompt.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        prompt.show()
        prompt.activateWindow()
        return prompt

    def shutdown(self) -> None:
        """Save what is pending, release the OS hooks, close the database (idempotent)."""
        if self.closed:
            return
        self.closed = True
        try:
            self.panel.flush_geometry()
            self.packs_watcher.stop()
            self.followups.stop()
            self.hotkeys.close()
            self.insertion.close()
            self.model.flush()
        finally:
            self.worker.shutdown()


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


def build(
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
) -> Seatside:
    """Compose the whole app. The caller shows ``panel`` and runs the event loop.

    The OS hooks (clipboard, hotkey backend, inserter) default to the best real
    ones for this session; tests pass fakes.
    """
    qapp = ensure_qapp()
    folder = data_dir(data)
    folder.mkdir(parents=True, exist_ok=True)
    worker = DbWorker(folder / DB_FILENAME)
    # Settings files are written on the worker thread too, never on the GUI thread.
    settings = Settings(
        folder / "settings.json", schedule=lambda write: write() if worker.closed else worker.submit_io(write)
    )
    own_packs = folder / "packs"  # imported and team packs the seat keeps; hot-reloaded like the rest
    own_packs.mkdir(exist_ok=True)
    pack_cache = PackCache(folder / "packs.cache")  # parsed packs from the last start, if unchanged
    packset = PackSet(packs_in(folder, pack_dirs or [], builtin), banned=builtin_banned(), cache=pack_cache)
    packs = packset.load()
    worker.submit_io(pack_cache.save)
    for problem in packs.problems:
        log.log(logging.WARNING if problem.severity == "error" else logging.INFO, "scenario pack problem: %s", problem)
    if scenario and packs.library.get(scenario) is None:
        worker.shutdown()
        raise ValueError(f"unknown scenario '{scenario}'")
    language = language or settings.get("language")
    translators = install_translator(qapp, language)
    apply_theme(qapp, settings.get("theme"))
    settings.on_change(lambda name, value: apply_theme(qapp, value) if name == "theme" else None)
    clipboard = clipboard or QtClipboard()
    model = CallModel(packs.library, worker, clipboard, settings)
    if scenario:
        model.choose_scenario(scenario)
    platform_name = qapp.platformName()
    insertion = InsertionController(model, inserter or NoInserter(), clipboard, settings, mode_override=insert_mode)
    hotkeys = HotkeyDispatcher(hotkey_backend or (lambda fire: choose_backend(fire, platform_name)), settings)
    followups = FollowUpsModel(worker)
    panel = PanelWindow(
        model,
        packs.problems,
        lang=output_language(language),
        hotkeys=hotkeys,
        own_packs=own_packs,
        followups=followups,
        data_dir=folder,
    )
    palette = SearchPalette(model, insertion)
    try:
        worker.wait_ready()  # the database opened on its thread meanwhile
    except Exception:
        hotkeys.close()
        worker.shutdown()
        for translator in translators:
            qapp.removeTranslator(translator)
        raise
    model.load_personal()
    model.recover()
    # Imports the first masked save and export need: on the worker, once the panel is up.
    QTimer.singleShot(1500, lambda: None if worker.closed else worker.submit_io(warm_up))
    followups.start()
    model.callEnded.connect(lambda _call_id: followups.reload())
    followups.dueNow.connect(
        lambda due: panel.show_message(panel.tr("Follow-up due: %s") % "；".join(f.text for f in due))
    )
    watcher = PackWatcher(packset, model, worker, folder / "pack_snapshot.json")
    watcher.reloaded.connect(lambda result: panel.set_problems(result.problems))
    watcher.changesFound.connect(panel.show_pack_changes)
    watcher.check_versions()
    app = Seatside(
        qapp, folder, settings, packs, worker, model, panel, hotkeys, insertion, palette, watcher, followups,
        translators,
    )
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
    qapp.aboutToQuit.connect(app.shutdown)
    return app


def warm_up() -> None:
    """Import what the first masked save and the first export need, off the GUI thread."""
    import desktop.core.export  # noqa: F401 - imported for its side effect: the module is cached
    from desktop.core.privacy import is_card_number

    is_card_number("6222020000000000")


def _quit_on_sigterm(qapp: QApplication) -> None:
    """Quit cleanly on SIGTERM/SIGINT: let Python's handler run every 200 ms."""

    def handler(signum, frame):  # both unused: the signal module calls it so
        qapp.quit()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, handler)
    timer = QTimer(qapp)
    timer.timeout.connect(lambda: None)
    timer.start(200)


def run(
    data: str | None,
    pack_dirs: list[Path],
    builtin: bool = True,
    scenario: str | None = None,
    insert_mode: str | None = None,
) -> int:
    """Run the panel until it is closed or the process is told to stop."""
    from desktop.platform.single_instance import InstanceServer, ask_running_instance  # QtNetwork: run() only

    qapp = ensure_qapp()
    folder = data_dir(data)
    if ask_running_instance(folder):
        print("seatside: already running; brought its panel forward", file=sys.stderr)
        return 0
    try:
        app = build(data, pack_dirs, builtin=builtin, scenario=scenario, insert_mode=insert_mode)
    except StorageError as exc:
        # Started from a desktop icon nobody sees stderr: say it in a window too.
        print(f"seatside: {exc}", file=sys.stderr)
        QMessageBox.critical(None, "Seatside", str(exc))
        return 1
    server = InstanceServer(folder, qapp)
    server.messageReceived.connect(lambda message: app.bring_forward() if message == "show" else None)
    if not server.listen():
        log.info("single-instance server could not listen")
    tray = app.add_tray()
    _quit_on_sigterm(qapp)
    app.panel.restore_geometry()
    app.panel.show()
    code = qapp.exec()
    app.shutdown()
    server.close()
    if tray is not None:
        tray.hide()
    return code


def self_test(pack_dirs: list[Path]) -> int:
    """Build the whole app offscreen on a temporary data dir; print one line."""
    import tempfile

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
            # The search engine's data (pinyin, OpenCC) is there: a pinyin query finds its phrase.
            found = app.model.search("tunka", limit=1)
            if not found or "吞" not in found[0].text:
                print("self-test failed: phrase search does not work", file=sys.stderr)
                return 1
            print(
                f"seatside {__version__} self-test ok: {len(app.packs.library)} scenarios, "
                f"{errors} pack errors, database schema v{version}, panel {image.width()}x{image.height()}, "
                f"search ok"
            )
            return 0
        finally:
            app.panel.close()
            app.shutdown()


__all__ = ["Problem", "Seatside", "build", "run", "self_test"]
