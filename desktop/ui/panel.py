"""The always-on-top panel beside the CRM."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QRect, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.core.base import clock
from desktop.core.packs.loader import Problem
from desktop.core.packs.patterns import PatternError, compile_pattern
from desktop.core.privacy.masking import mask_draft
from desktop.models.call_model import CallModel
from desktop.models.followups import FollowUpsModel
from desktop.models.hotkey_dispatcher import HotkeyDispatcher
from desktop.models.phrases_model import PhrasesModel
from desktop.models.records_model import RecordsModel
from desktop.ui.appearance import set_text_colour
from desktop.ui.checklist import ChecklistView
from desktop.ui.notes import NotesView
from desktop.ui.phrase_list import PhraseList
from desktop.ui.scenario_picker import ScenarioPicker

if TYPE_CHECKING:
    from desktop.core.packs.importer import ImportOutcome
    from desktop.ui.end_call_dialog import EndCallDialog
    from desktop.ui.records_dialog import RecordsDialog
    from desktop.ui.settings_dialog import SettingsDialog

APPEARANCE = {"opacity", "font_size", "compact"}
# The panel's width: fixed, so a long line wraps instead of pushing it off the screen.
PANEL_WIDTH = 400


def cue_words(cue: str, said: str) -> str:
    """A cue as words for the seat: a pattern with gaps (卡…{8}被吞) becomes what was
    actually said for it (masked), or its words joined by an ellipsis; never its syntax."""
    try:
        pattern = compile_pattern(cue)
    except PatternError:
        return cue
    if not pattern.has_gap:
        return pattern.pieces[0]
    span = pattern.search(said)
    if span is not None:
        return mask_draft(" ".join(said[span[0] : span[1]].split()))
    return "…".join(pattern.pieces)


class ExportProgress(QProgressDialog):
    """Shown when an export takes longer than a moment; closes itself when it ends."""

    def __init__(self, model: RecordsModel, parent: QWidget):
        super().__init__(QCoreApplication.translate("ExportProgress", "Exporting…"), "", 0, 0, parent)
        self.model = model
        self.setObjectName("exportProgress")
        self.setCancelButton(None)
        self.setMinimumDuration(400)
        model.exportProgress.connect(self.step)
        model.exportFinished.connect(self.finish)
        model.exportFailed.connect(self.finish)

    def step(self, done: int, total: int) -> None:
        self.setMaximum(max(total, 1))
        self.setValue(done)

    def finish(self, *_args) -> None:
        self.model.exportProgress.disconnect(self.step)
        self.model.exportFinished.disconnect(self.finish)
        self.model.exportFailed.disconnect(self.finish)
        self.close()


class PanelWindow(QMainWindow):
    """Composes the views around the call, phrases and records models."""

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
        self.model = model
        self.phrase_model = phrases  # not .phrases: that is the phrase list below
        self.records = records
        self.hotkeys = hotkeys
        self.followups = followups
        self.data_dir = data_dir
        self.hide_to_tray = False  # set when a tray icon is there to bring the panel back
        self.lang = lang
        self.problems = list(problems or [])
        self.setObjectName("seatsidePanel")
        self.setWindowTitle(self.tr("Seatside"))
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        if model.settings.get("always_on_top"):
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self.setFixedWidth(PANEL_WIDTH)
        self.resize(PANEL_WIDTH, 780)
        self.live = None  # the live feed, once attached

        self.call_button = QPushButton()
        self.call_button.setObjectName("callButton")
        self.call_button.clicked.connect(self.toggle_call)
        self.timer_label = QLabel()
        self.timer_label.setObjectName("callTimer")
        self.followups_button = QPushButton()
        self.followups_button.setObjectName("followUpsButton")
        self.followups_button.setFlat(True)
        self.followups_button.clicked.connect(self.show_records)
        self.followups_button.hide()
        top = QHBoxLayout()
        top.addWidget(self.call_button)
        top.addWidget(self.followups_button)
        top.addStretch(1)
        top.addWidget(self.timer_label)

        self.backend_label = QLabel()
        self.backend_label.setObjectName("hotkeyBackend")
        self.statusBar().addPermanentWidget(self.backend_label)
        self.hotkey_label = QLabel()
        self.hotkey_label.setObjectName("hotkeyStatus")
        self.hotkey_label.setWordWrap(True)
        self.hotkey_label.setTextFormat(Qt.TextFormat.PlainText)

        self.suggestion_label = QLabel()
        self.suggestion_label.setObjectName("scenarioSuggestion")
        self.suggestion_label.setWordWrap(True)
        self.suggestion_label.setTextFormat(Qt.TextFormat.PlainText)
        self.suggestion_switch = QPushButton(self.tr("Switch"))
        self.suggestion_dismiss = QPushButton(self.tr("Ignore"))
        self.suggestion_box = QWidget()
        suggestion_layout = QHBoxLayout(self.suggestion_box)
        suggestion_layout.setContentsMargins(0, 0, 0, 0)
        suggestion_layout.addWidget(self.suggestion_label, 1)
        suggestion_layout.addWidget(self.suggestion_switch)
        suggestion_layout.addWidget(self.suggestion_dismiss)
        self.suggestion_box.hide()
        self.suggestion_switch.clicked.connect(model.accept_suggestion)
        self.suggestion_dismiss.clicked.connect(model.dismiss_suggestion)
        self.suggestion_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        model.scenarioSuggested.connect(self.show_suggestion)
        model.suggestionExplained.connect(self.explain_suggestion)

        self.changes_label = QLabel()
        self.changes_label.setObjectName("packChanges")
        self.changes_label.setWordWrap(True)
        self.changes_label.setTextFormat(Qt.TextFormat.PlainText)
        self.changes_close = QPushButton(self.tr("Dismiss"))
        self.changes_close.clicked.connect(self.dismiss_pack_changes)
        self.changes_box = QWidget()
        changes_layout = QHBoxLayout(self.changes_box)
        changes_layout.setContentsMargins(0, 0, 0, 0)
        changes_layout.addWidget(self.changes_label, 1)
        changes_layout.addWidget(self.changes_close, 0, Qt.AlignmentFlag.AlignTop)
        self.changes_box.hide()

        self.problem_label = QLabel()
        self.problem_label.setObjectName("packProblems")
        self.problem_label.setWordWrap(True)
        set_text_colour(self.problem_label, "warning")
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)

        # Shown while notes cannot be saved; no button and no focus, so no key press dismisses it:
        # it goes only when a save succeeds.
        self.save_warning = QLabel()
        self.save_warning.setObjectName("saveWarning")
        self.save_warning.setWordWrap(True)
        self.save_warning.setTextFormat(Qt.TextFormat.PlainText)
        self.save_warning.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        set_text_colour(self.save_warning, "warning")
        self.save_warning.hide()

        self.picker = ScenarioPicker(model, phrases)
        self.checklist = ChecklistView(model)
        self.phrases = PhraseList(model, phrases)
        self.notes = NotesView(model)
        splitter = self.splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.checklist)
        splitter.addWidget(self.phrases)
        splitter.addWidget(self.notes)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.save_warning)
        layout.addWidget(self.changes_box)
        layout.addWidget(self.suggestion_box)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.hotkey_label)
        layout.addWidget(self.picker)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.packs_version = ""
        self.about_box: QMessageBox | None = None
        self._build_menu()

        for number in range(1, 10):
            shortcut = QShortcut(QKeySequence(str(number)), self)
            shortcut.activated.connect(lambda n=number: phrases.copy_phrase(n - 1, via="key"))

        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._update_timer)
        model.callStateChanged.connect(self.refresh)
        for messages in (model.message, phrases.message, records.message):
            messages.connect(self.show_message)
        phrases.phraseCopied.connect(lambda text: self.show_message(self.tr("Copied: %s") % text))
        records.imported.connect(self._imported)
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
        self._geometry_timer = QTimer(self)
        self._geometry_timer.setSingleShot(True)
        self._geometry_timer.setInterval(600)
        self._geometry_timer.timeout.connect(self._remember_geometry)
        model.settings.on_change(lambda name, value: self.apply_appearance() if name in APPEARANCE else None)
        self.apply_appearance()
        self.refresh()
        self._show_problems()
        if followups is not None:
            followups.changed.connect(self.show_followup_count)
        if hotkeys is not None:
            hotkeys.failuresChanged.connect(self.show_hotkey_status)
        self.show_hotkey_status()

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu(self.tr("&File"))
        self.export_action = QAction(self.tr("Export shift (CSV, Excel, Markdown)…"), self)
        self.export_action.triggered.connect(self.ask_export)
        menu.addAction(self.export_action)
        self.import_action = QAction(self.tr("Import a phrase library (Excel/CSV)…"), self)
        self.import_action.triggered.connect(self.ask_import)
        self.import_action.setEnabled(self.records.own_packs is not None)
        menu.addAction(self.import_action)
        self.records_action = QAction(self.tr("Follow-ups and call history…"), self)
        self.records_action.triggered.connect(self.show_records)
        self.records_action.setEnabled(self.followups is not None)
        menu.addAction(self.records_action)
        self.problems_action = QAction(self.tr("Scenario pack problems…"), self)
        self.problems_action.triggered.connect(self.show_problems_dialog)
        menu.addAction(self.problems_action)
        self.seat_id_action = QAction(self.tr("Staff number…"), self)
        self.seat_id_action.triggered.connect(self.ask_seat_id)
        menu.addAction(self.seat_id_action)
        self.settings_action = QAction(self.tr("Settings…"), self)
        self.settings_action.triggered.connect(self.open_settings)
        menu.addAction(self.settings_action)
        menu.addSeparator()
        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(QApplication.quit)
        menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.about_action = QAction(self.tr("About Seatside…"), self)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def set_packs_version(self, text: str) -> None:
        """Which packs the panel runs (built-in only, or the team's version from the hub)."""
        self.packs_version = text
        if self.about_box is not None:
            self.about_box.setText(self.about_text())

    def about_text(self) -> str:
        return self.tr("Seatside %s") % QCoreApplication.applicationVersion() + "\n" + self.packs_version

    def show_about(self) -> None:
        """The program's version and the packs version it runs (not modal: the call goes on)."""
        if self.about_box is None:
            self.about_box = QMessageBox(QMessageBox.Icon.Information, self.tr("About Seatside"), "",
                                         QMessageBox.StandardButton.Close, self)
            self.about_box.setModal(False)
        self.about_box.setText(self.about_text())
        self.about_box.show()
        self.about_box.raise_()

    # -- state ---------------------------------------------------------------
    def refresh(self) -> None:
        self.clear_suggestion()  # a call started or ended: the last call's offer is gone
        if self.model.in_call:
            self.call_button.setText(self.tr("End call"))
            self._tick.start()
        else:
            self.call_button.setText(self.tr("Start call"))
            self._tick.stop()
        self._update_timer()

    def _update_timer(self) -> None:
        session = self.model.session
        if session is None:
            self.timer_label.setText(self.tr("No call"))
            return
        seconds = max(0, int((clock.now() - session.started).total_seconds()))
        self.timer_label.setText(f"{seconds // 60:02d}:{seconds % 60:02d}")

    def _show_problems(self) -> None:
        errors = [p for p in self.problems if p.severity == "error"]
        files = sorted({p.file for p in errors})
        if not files:
            self.problem_label.hide()
            return
        first = errors[0]
        self.problem_label.setText(
            self.tr("%d scenario file(s) skipped: %s") % (len(files), f"{first.file}:{first.line}: {first.message}")
        )
        self.problem_label.setToolTip("\n".join(str(p) for p in self.problems))
        self.problem_label.show()

    def show_hotkey_status(self) -> None:
        """Which backend serves the global hotkeys, and which bindings it refused."""
        if self.hotkeys is None:
            self.hotkey_label.hide()
            self.backend_label.hide()
            return
        backend = self.hotkeys.backend
        failures = self.hotkeys.failures
        if not self.hotkeys.started:  # the real backend comes up a moment after the panel
            self.hotkey_label.hide()
            self.backend_label.setText(self.tr("Hotkeys: starting…"))
            return
        if backend.name == "none":
            reason = getattr(backend, "reason", "")
            text = self.tr("Global hotkeys are off (%s); the panel's own keys still work.") % reason
        elif failures:
            refused = "; ".join(f"{action}: {why}" for action, why in sorted(failures.items()))
            text = self.tr("Hotkeys via %s. Not registered: %s") % (backend.name, refused)
        else:
            text = self.tr("Hotkeys via %s") % backend.name
        self.hotkey_label.setText(text)
        self.hotkey_label.setToolTip(text)
        self.hotkey_label.setVisible(backend.name == "none" or bool(failures))
        self.backend_label.setText(self.tr("Hotkeys: %s") % backend.name)
        self.backend_label.setToolTip(text)

    def add_in_app_shortcuts(self, bindings: dict[str, str], refused: dict[str, str], handle) -> None:
        """Hotkeys the system refused still work while the panel has focus."""
        for action, combo in bindings.items():
            if action in refused and combo:
                shortcut = QShortcut(QKeySequence(combo.replace("super", "meta")), self)
                shortcut.activated.connect(lambda a=action: handle(a))

    def inserted_message(self, text: str, mode: str) -> str:
        label = {"copy": self.tr("Copied"), "paste": self.tr("Pasted"), "type": self.tr("Typed")}.get(mode, mode)
        return f"{label}: {text}"

    def show_followup_count(self) -> None:
        assert self.followups is not None
        total, overdue = len(self.followups.open), len(self.followups.overdue())
        if not total:
            self.followups_button.hide()
            return
        text = self.tr("Follow-ups: %d") % total
        if overdue:
            text += " " + self.tr("(%d due)") % overdue
        self.followups_button.setText(text)
        set_text_colour(self.followups_button, "required" if overdue else None)
        self.followups_button.show()

    def show_records(self) -> RecordsDialog | None:
        if self.followups is None:
            return None
        from desktop.ui.records_dialog import RecordsDialog  # dialogs load when first opened

        dialog = RecordsDialog(self.followups, self, self.lang)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.followups.reload()
        dialog.show()
        return dialog

    def clear_suggestion(self) -> None:
        self.suggestion_label.clear()
        self.suggestion_box.setToolTip("")
        self.suggestion_box.hide()

    def said_so_far(self) -> str:
        """The notes and what the customer said on this call (where a cue is looked up)."""
        call = getattr(self.live, "call", None)
        heard = call.transcript.customer_text() if call is not None else ""
        return self.model.call.notes + "\n" + heard

    def show_suggestion(self, scenario_id: str, keyword: str) -> None:
        """One scenario switch at a time, offered, never made by itself; its reason in words."""
        scenario = self.model.library.get(scenario_id) if scenario_id else None
        if scenario is None or not self.model.in_call:
            self.clear_suggestion()
            return
        words = cue_words(keyword, self.said_so_far())
        self.suggestion_label.setText(self.tr("The notes mention “%s”: switch to %s?") % (words, scenario.name))
        self.explain_suggestion()
        self.suggestion_box.show()

    def explain_suggestion(self, *_explanation: str) -> None:
        """The cues behind the offered scenario, in words, as the suggestion bar's tooltip;
        with the hotkeys that accept or dismiss it."""
        suggestion = self.model.call.suggestion
        said = self.said_so_far()
        cues = [cue_words(e.cue, said) for e in suggestion.evidence if not e.negative] if suggestion else []
        keys = self.model.settings.hotkeys()
        lines = [self.tr("Why this scenario: %s") % "、".join(f"“{c}”" for c in dict.fromkeys(cues))] if cues else []
        if keys.get("accept-suggestion") or keys.get("dismiss-suggestion"):
            lines.append(self.tr("Switch: %s · Ignore: %s") % (
                keys.get("accept-suggestion", "").title() or "—", keys.get("dismiss-suggestion", "").title() or "—"))
        self.suggestion_box.setToolTip("\n".join(lines))

    def set_problems(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        self._show_problems()

    def show_pack_changes(self, changes: list) -> None:
        """Once after a pack's version changed: what was added, removed or edited."""
        shown = [str(c) for c in changes[:8]]
        if len(changes) > 8:
            shown.append(self.tr("… and %d more") % (len(changes) - 8))
        self.changes_label.setText(self.tr("Scenario packs were updated:") + "\n" + "\n".join(shown))
        self.changes_label.setToolTip("\n".join(str(c) for c in changes))
        self.changes_box.show()

    def dismiss_pack_changes(self) -> None:
        self.changes_box.hide()

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    # -- actions -------------------------------------------------------------
    def toggle_call(self) -> None:
        if self.model.in_call:
            dialog = self.wrapup_shown() or self.end_call_dialog()
            dialog.open()
            dialog.take_focus()  # the seat asked for it
        else:
            self.model.start_call()

    def wrapup_shown(self) -> EndCallDialog | None:
        from desktop.ui.end_call_dialog import EndCallDialog

        for dialog in self.findChildren(EndCallDialog):
            if dialog.isVisible():
                return dialog
        return None

    def end_call_dialog(self) -> EndCallDialog:
        from desktop.ui.end_call_dialog import EndCallDialog

        dialog = EndCallDialog(self.model, self.records, self.lang, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return dialog

    def export_shift(self, path: Path, shift: str | None = None, fmt: str | None = None) -> ExportProgress:
        """Export a shift (the current one by default); a progress dialog follows long exports."""
        start, end = self.records.shift_bounds(shift) if shift else self.records.current_shift_bounds()
        progress = ExportProgress(self.records, self)
        self.export_progress = progress
        self.records.export_shift(path, start, end, self.lang, fmt)
        return progress

    def ask_export(self) -> None:
        default = Path.home() / f"seatside-{clock.now():%Y-%m-%d}.xlsx"
        filters = ";;".join([self.tr("Excel (*.xlsx)"), self.tr("CSV (*.csv)"), self.tr("Markdown (*.md)")])
        path, chosen = QFileDialog.getSaveFileName(self, self.tr("Export shift"), str(default), filters)
        if path:
            from desktop.core.records.export import format_for

            fmt = "csv" if "csv" in chosen else "md" if ".md" in chosen else "xlsx"
            target = Path(path)
            if not target.suffix:
                target = target.with_suffix("." + fmt)
            self.export_shift(target, fmt=format_for(target) or fmt)

    def ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import a phrase library"), str(Path.home()),
            self.tr("Spreadsheets (*.xlsx *.xlsm *.csv *.tsv *.txt)"),
        )
        if path:
            self.import_library(Path(path))

    def import_library(self, path: Path, skip_invalid: bool = False) -> None:
        """The records model imports; this window shows the report when it is done."""
        self.records.import_library(path, skip_invalid=skip_invalid)

    def _imported(self, outcome: ImportOutcome) -> None:
        result, written, error = outcome.result, outcome.written, outcome.error
        report = "\n".join(result.report_lines()) or self.tr("No problems found.")
        box = QMessageBox(self)
        box.setObjectName("importReport")
        box.setWindowTitle(self.tr("Import a phrase library"))
        box.setText(result.summary() + (f"\n{error}" if error else ""))
        box.setDetailedText(report)
        self.import_report = box
        if written:
            box.setIcon(QMessageBox.Icon.Information)
            box.setInformativeText(self.tr("The new scenarios appear in the list in a moment."))
        elif not result.ok and not result.unreadable and result.rows_read and not result.skipped_rows:
            box.setIcon(QMessageBox.Icon.Warning)
            box.setInformativeText(self.tr("Nothing was written. Import the valid rows and skip the others?"))
            box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
            box.buttonClicked.connect(
                lambda button: self.import_library(result.source, skip_invalid=True)
                if box.standardButton(button) == QMessageBox.StandardButton.Yes
                else None
            )
        else:
            box.setIcon(QMessageBox.Icon.Warning)
        box.open()

    def ask_seat_id(self) -> None:
        current = self.model.settings.get("seat_id")
        text, ok = QInputDialog.getText(
            self, self.tr("Staff number"), self.tr("Your staff number, filled into {坐席工号}:"), text=current
        )
        if ok:
            self.model.settings.set("seat_id", text.strip())

    def show_problems_dialog(self) -> None:
        text = "\n".join(str(p) for p in self.problems) or self.tr("All scenario packs loaded without problems.")
        QMessageBox.information(self, self.tr("Scenario pack problems"), text)

    # -- settings and appearance -----------------------------------------------------
    def open_settings(self) -> SettingsDialog:
        from desktop.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.model.settings, str(self.data_dir or ""), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

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

    def layout_key(self) -> str:
        """Names the current arrangement of screens, so each gets its own position."""
        screens = QGuiApplication.screens()
        return ";".join(sorted(f"{g.x()},{g.y()},{g.width()}x{g.height()}" for g in (s.geometry() for s in screens)))

    def restore_geometry(self) -> None:
        saved = self.model.settings.get("panel_geometry").get(self.layout_key())
        if isinstance(saved, list) and len(saved) == 4:
            rect = QRect(*[int(v) for v in saved])
            if any(s.availableGeometry().intersects(rect) for s in QGuiApplication.screens()):
                rect.setWidth(PANEL_WIDTH)  # a width saved by an older version is not kept
                self.setGeometry(rect)
                self.keep_on_screen()
                return
        # No saved place for this layout (or its screen is gone): top right of the main screen.
        area = QGuiApplication.primaryScreen().availableGeometry()
        self.move(area.right() - self.width() - 16, area.top() + 40)

    def keep_on_screen(self) -> None:
        """Move the panel back inside the screen it is on (all of it, never past an edge)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area, frame = screen.availableGeometry(), self.frameGeometry()
        x = min(max(frame.x(), area.left()), max(area.left(), area.right() - frame.width() + 1))
        y = min(max(frame.y(), area.top()), max(area.top(), area.bottom() - frame.height() + 1))
        if (x, y) != (frame.x(), frame.y()):
            self.move(x, y)

    def flush_geometry(self) -> None:
        """Save a position change that is still waiting for its timer (at quit)."""
        if self._geometry_timer.isActive():
            self._geometry_timer.stop()
            self._remember_geometry()

    def _remember_geometry(self) -> None:
        self.snap_to_edges()
        self.keep_on_screen()
        geometry = dict(self.model.settings.get("panel_geometry"))
        g = self.geometry()
        geometry[self.layout_key()] = [g.x(), g.y(), g.width(), g.height()]
        self.model.settings.set("panel_geometry", geometry)

    def snap_to_edges(self, distance: int = 24) -> None:
        """Stick to the screen edge the panel was left near."""
        screen = self.screen()
        if screen is None:
            return
        area, frame = screen.availableGeometry(), self.frameGeometry()
        x, y = frame.x(), frame.y()
        if abs(frame.left() - area.left()) <= distance:
            x = area.left()
        elif abs(frame.right() - area.right()) <= distance:
            x = area.right() - frame.width() + 1
        if abs(frame.top() - area.top()) <= distance:
            y = area.top()
        elif abs(frame.bottom() - area.bottom()) <= distance:
            y = area.bottom() - frame.height() + 1
        if (x, y) != (frame.x(), frame.y()):
            self.move(x, y)

    def moveEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().moveEvent(event)
        if self.isVisible():
            self._geometry_timer.start()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self.isVisible():
            self._geometry_timer.start()

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
        self.keep_on_screen()
        if not self.isActiveWindow():
            self.set_focusable(False)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.hide_to_tray:
            event.ignore()
            self.hide()
            return
        self.model.flush()
        super().closeEvent(event)

    # -- live call events ---------------------------------------------------------------
    def attach_live(self, live) -> None:
        """Show the live feed (``desktop.models.live_model.LiveModel``): banned-phrase alerts,
        what was heard, and the wrap-up when the platform says the call ended."""
        from desktop.ui.live_bar import LiveBar

        self.live_bar = LiveBar(live)
        central = self.centralWidget()
        assert central is not None  # set in __init__
        layout = central.layout()
        assert isinstance(layout, QVBoxLayout)  # built in __init__
        layout.insertWidget(layout.indexOf(self.suggestion_box) + 1, self.live_bar)
        from desktop.ui.live_bar import FeedDot

        self.live = live
        self.feed_dot = FeedDot(live)
        self.statusBar().addPermanentWidget(self.feed_dot)
        live.wrapUpRequested.connect(self.open_wrapup)
        self.model.scenarioSuggested.connect(lambda scenario_id, keyword: self._said_by_customer(live, scenario_id, keyword))
        live.listening.connect(lambda port: self.show_message(self.tr("Live call events on 127.0.0.1:%d") % port))

    def _said_by_customer(self, live, scenario_id: str, keyword: str) -> None:
        """A suggestion the customer's words made says so (after ``show_suggestion``)."""
        scenario = self.model.library.get(scenario_id) if scenario_id else None
        if scenario is not None and live.speech_suggested == scenario_id and self.model.in_call:
            words = cue_words(keyword, self.said_so_far())
            self.suggestion_label.setText(self.tr("The customer said “%s”: switch to %s?") % (words, scenario.name))

    def show_live_off(self, reason: str) -> None:
        self.show_message(self.tr("Live call events are off: %s") % reason)

    def open_wrapup(self) -> EndCallDialog | None:
        """The wrap-up the platform asked for, once (a second "ended" while it is open
        changes nothing). It shows without taking the keyboard from the CRM: the seat
        clicks into it when ready."""
        if not self.model.in_call:
            return None
        shown = self.wrapup_shown()
        if shown is not None:
            return shown
        dialog = self.end_call_dialog()
        dialog.show_without_focus()
        return dialog

