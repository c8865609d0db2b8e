"""The always-on-top panel beside the CRM: the sections, composed.

Each section takes its model and redraws itself from the model's signals; none keeps any
call state: ``CallBar`` (start or wrap up, follow-ups, timer), ``Notices``,
``SuggestionBar``, ``ScenarioPicker``, ``ChecklistView``, ``PhraseList``, ``NotesView``;
``PanelMenu`` (menus and their dialogs) and ``Placement`` (where the panel sits).
The wrap-up opens when the call model enters it (``phaseChanged``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QVBoxLayout, QWidget

from desktop.core.calls.call import Phase
from desktop.core.packs.loader import Problem
from desktop.models.call_model import CallModel
from desktop.models.followups import FollowUpsModel
from desktop.models.hotkey_dispatcher import HotkeyDispatcher
from desktop.models.phrases_model import PhrasesModel
from desktop.models.records_model import RecordsModel
from desktop.ui.call_bar import CallBar
from desktop.ui.checklist import ChecklistView
from desktop.ui.notes import NotesView
from desktop.ui.notices import Notices
from desktop.ui.panel_menu import PanelMenu
from desktop.ui.phrase_list import PhraseList
from desktop.ui.placement import Placement, layout_key
from desktop.ui.scenario_picker import ScenarioPicker
from desktop.ui.suggestion_bar import SuggestionBar

if TYPE_CHECKING:
    from desktop.models.live_model import LiveModel
    from desktop.ui.end_call_dialog import EndCallDialog
    from desktop.ui.records_dialog import RecordsDialog

APPEARANCE = {"opacity", "font_size", "compact"}
# The panel's width: fixed, so a long line wraps instead of pushing it off the screen.
PANEL_WIDTH = 400


class PanelWindow(QMainWindow):
    """Composes the sections around the call, phrases and records models."""

    def __init__(
        self,
        model: CallModel,
        phrases: PhrasesModel,
        records: RecordsModel,
        problems: list[Problem] | None = None,
        lang: str = "zh",
        hotkeys: HotkeyDispatcher | None = None,
        followups: FollowUpsModel | None = None,
        data_dir: Path | None = None,
    ):
        super().__init__()
        self.placement = Placement(self, model.settings, PANEL_WIDTH)
        self.model, self.phrase_model, self.records = model, phrases, records  # .phrases: the phrase list
        self.followups, self.lang = followups, lang
        self.hide_to_tray = False  # set when a tray icon is there to bring the panel back
        self.live: LiveModel | None = None  # the live feed, once attached
        self.setObjectName("seatsidePanel")
        self.setWindowTitle(self.tr("Seatside"))
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        if model.settings.get("always_on_top"):
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self.setFixedWidth(PANEL_WIDTH)
        self.resize(PANEL_WIDTH, 780)
        self._build_sections(model, phrases, records, problems or [], hotkeys)
        self.menu = PanelMenu(self, model.settings, records, lambda: self.notices.problems,
                              self.show_records if followups is not None else None, lang, data_dir)
        self._connect(model, phrases, records)
        self.apply_appearance()

    def _build_sections(self, model: CallModel, phrases: PhrasesModel, records: RecordsModel,
                        problems: list[Problem], hotkeys: HotkeyDispatcher | None) -> None:
        self.call_bar = CallBar(model, self.followups, self.toggle_call, self.show_records)
        self.notices = Notices(hotkeys, problems)
        self.statusBar().addPermanentWidget(self.notices.backend_label)
        self.suggestion_bar = SuggestionBar(model)
        self.picker = ScenarioPicker(model, phrases)
        self.checklist = ChecklistView(model)
        self.phrases = PhraseList(model, phrases)
        self.notes = NotesView(model)
        splitter = self.splitter = QSplitter(Qt.Orientation.Vertical)
        for index, (view, stretch) in enumerate(((self.checklist, 3), (self.phrases, 3), (self.notes, 2))):
            splitter.addWidget(view)
            splitter.setStretchFactor(index, stretch)
        splitter.setChildrenCollapsible(False)
        central = QWidget()
        layout = self.sections = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 8)
        for section in (self.call_bar, self.notices, self.suggestion_bar, self.picker):
            layout.addWidget(section)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        # The widgets other parts of the app (and its tests) reach by name.
        self.call_button, self.timer_label = self.call_bar.call_button, self.call_bar.timer_label
        self.followups_button = self.call_bar.followups_button
        self.save_warning, self.problem_label = self.notices.save_warning, self.notices.problem_label
        self.changes_box, self.changes_label = self.notices.changes_box, self.notices.changes_label
        self.hotkey_label, self.backend_label = self.notices.hotkey_label, self.notices.backend_label
        self.suggestion_box, self.suggestion_label = self.suggestion_bar, self.suggestion_bar.label
        self.suggestion_switch, self.suggestion_dismiss = self.suggestion_bar.switch, self.suggestion_bar.dismiss

    def _connect(self, model: CallModel, phrases: PhrasesModel, records: RecordsModel) -> None:
        for number in range(1, 10):
            shortcut = QShortcut(QKeySequence(str(number)), self)
            shortcut.activated.connect(lambda n=number: phrases.copy_phrase(n - 1, via="key"))
        model.phaseChanged.connect(self.open_wrapup)
        for messages in (model.message, phrases.message, records.message):
            messages.connect(self.show_message)
        phrases.phraseCopied.connect(lambda text: self.show_message(self.tr("Copied: %s") % text))
        records.imported.connect(self.menu.show_import)
        records.importFailed.connect(lambda error: self.show_message(self.tr("The import failed: %s") % error))
        records.exportFinished.connect(
            lambda path, count: self.show_message(self.tr("Exported %d calls to %s") % (count, path))
        )
        # Clicks on these ask for the keyboard (an editor's clicks land on its viewport).
        self._typing_targets = {
            self.picker.filter_edit: self.picker.filter_edit,
            self.notes.editor.viewport(): self.notes.editor,
            self.notes.customer: self.notes.customer,
            self.notes.reference: self.notes.reference,
        }
        for watched in self._typing_targets:
            watched.installEventFilter(self)
        model.settings.on_change(lambda name, value: self.apply_appearance() if name in APPEARANCE else None)

    # -- what the rest of the app tells the seat -------------------------------------------
    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    def inserted_message(self, text: str, mode: str) -> str:
        label = {"copy": self.tr("Copied"), "paste": self.tr("Pasted"), "type": self.tr("Typed")}.get(mode, mode)
        return f"{label}: {text}"

    def add_in_app_shortcuts(self, bindings: dict[str, str], refused: dict[str, str], handle) -> None:
        """Hotkeys the system refused still work while the panel has focus."""
        for action, combo in bindings.items():
            if action in refused and combo:
                shortcut = QShortcut(QKeySequence(combo.replace("super", "meta")), self)
                shortcut.activated.connect(lambda a=action: handle(a))

    def show_records(self) -> RecordsDialog | None:
        if self.followups is None:
            return None
        from desktop.ui.records_dialog import RecordsDialog  # dialogs load when first opened

        dialog = RecordsDialog(self.followups, self, self.lang)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.followups.reload()
        dialog.show()
        return dialog

    # -- the call and its wrap-up ------------------------------------------------------------
    def toggle_call(self) -> None:
        """Start a call, or open its wrap-up (the seat asked for it: with the keyboard)."""
        if not self.model.in_call:
            self.model.start_call()
            return
        dialog = self.wrapup_shown() or self.end_call_dialog()
        dialog.open()
        dialog.take_focus()
        self.model.begin_wrap_up()

    def wrapup_shown(self) -> EndCallDialog | None:
        from desktop.ui.end_call_dialog import EndCallDialog

        return next((d for d in self.findChildren(EndCallDialog) if d.isVisible()), None)

    def end_call_dialog(self) -> EndCallDialog:
        from desktop.ui.end_call_dialog import EndCallDialog

        dialog = EndCallDialog(self.model, self.records, self.lang, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.rejected.connect(self.model.resume_call)  # refused when the phone system ended the call
        return dialog

    def open_wrapup(self, phase: str = Phase.WRAP_UP.value) -> EndCallDialog | None:
        """The call entered its wrap-up (the phone system ended it): the wrap-up shows, once,
        without taking the keyboard from the CRM; the seat clicks into it when ready. Out
        of the wrap-up, a wrap-up still shown closes."""
        shown = self.wrapup_shown()
        if phase != Phase.WRAP_UP.value or not self.model.wrapping_up:
            if shown is not None:
                shown.reject()  # the call left its wrap-up elsewhere: the dialog follows
            return None
        if shown is not None:
            return shown
        dialog = self.end_call_dialog()
        dialog.show_without_focus()
        return dialog

    # -- live call events ---------------------------------------------------------------
    def attach_live(self, live: LiveModel) -> None:
        """Show the live feed: banned-phrase alerts, what was heard, the feed's state."""
        from desktop.ui.live_bar import FeedDot, LiveBar

        self.live = live
        self.live_bar = LiveBar(live)
        self.sections.insertWidget(self.sections.indexOf(self.suggestion_bar) + 1, self.live_bar)
        self.feed_dot = FeedDot(live)
        self.statusBar().addPermanentWidget(self.feed_dot)
        self.suggestion_bar.attach_live(live)
        live.listening.connect(lambda port: self.show_message(self.tr("Live call events on 127.0.0.1:%d") % port))

    def show_live_off(self, reason: str) -> None:
        self.show_message(self.tr("Live call events are off: %s") % reason)

    # -- appearance and place --------------------------------------------------------------
    def apply_appearance(self, *_args) -> None:
        settings = self.model.settings
        self.setWindowOpacity(settings.integer("opacity") / 100)  # the schema keeps it in range
        font = QApplication.font()
        if int(settings.get("font_size")) > 0:
            font.setPointSize(int(settings.get("font_size")))
        self.setFont(font)
        compact = bool(settings.get("compact"))
        for widget in (self.picker, self.notes, self.checklist.guidance_area):
            widget.setVisible(not compact)
        if compact:
            steps = self.checklist.sizeHint().height()
            self.splitter.setSizes([steps, max(200, self.splitter.height() - steps), 0])
        self.compact = compact

    layout_key = staticmethod(layout_key)

    def moveEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().moveEvent(event)
        self.placement.moved()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.placement.moved()

    # -- focus: the panel never takes it by itself ---------------------------------------
    def set_focusable(self, focusable: bool) -> None:
        """Without focus, clicks on steps and phrases leave the keyboard in the CRM."""
        handle = self.windowHandle()
        if handle is not None:
            handle.setFlag(Qt.WindowType.WindowDoesNotAcceptFocus, not focusable)

    def take_focus(self, widget: QWidget | None = None) -> None:
        """The seat wants to type here (notes, filter): accept focus for now."""
        self.set_focusable(True)
        self.activateWindow()
        self.raise_()
        if widget is not None:
            widget.setFocus(Qt.FocusReason.MouseFocusReason)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.MouseButtonPress and watched in self._typing_targets:
            self.take_focus(self._typing_targets[watched])
        return super().eventFilter(watched, event)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.ActivationChange and not self.isActiveWindow():
            self.set_focusable(False)  # the seat went back to the CRM
        super().changeEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.placement.keep_on_screen()
        if not self.isActiveWindow():
            self.set_focusable(False)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.hide_to_tray:
            event.ignore()
            self.hide()
            return
        self.model.flush()
        super().closeEvent(event)
