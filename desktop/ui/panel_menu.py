"""The panel's menus and what they open: export, import, follow-ups, pack problems, the
staff number, settings and About. Dialogs load when first opened."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from desktop.core.base import clock
from desktop.core.packs.loader import Problem
from desktop.core.seat.settings import Settings
from desktop.models.records_model import RecordsModel

if TYPE_CHECKING:
    from desktop.core.packs.importer import ImportOutcome
    from desktop.ui.settings_dialog import SettingsDialog


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


class PanelMenu(QObject):
    """Builds the File and Help menus on ``window`` and runs their actions."""

    def __init__(
        self,
        window: QMainWindow,
        settings: Settings,
        records: RecordsModel,
        problems: Callable[[], list[Problem]],
        show_records: Callable[[], object] | None,
        lang: str = "zh",
        data_dir: Path | None = None,
    ):
        super().__init__(window)
        self.window, self.settings, self.records, self.problems = window, settings, records, problems
        self.lang, self.data_dir = lang, data_dir
        self.packs_version = ""
        self.about_box: QMessageBox | None = None
        self.import_report: QMessageBox | None = None
        self.export_progress: ExportProgress | None = None
        menu = window.menuBar().addMenu(self.tr("&File"))
        self.export_action = self._add(menu, self.tr("Export shift (CSV, Excel, Markdown)…"), self.ask_export)
        self.import_action = self._add(menu, self.tr("Import a phrase library (Excel/CSV)…"), self.ask_import)
        self.import_action.setEnabled(records.own_packs is not None)
        self.records_action = self._add(menu, self.tr("Follow-ups and call history…"), show_records or (lambda: None))
        self.records_action.setEnabled(show_records is not None)
        self.problems_action = self._add(menu, self.tr("Scenario pack problems…"), self.show_problems_dialog)
        self.seat_id_action = self._add(menu, self.tr("Staff number…"), self.ask_seat_id)
        self.settings_action = self._add(menu, self.tr("Settings…"), self.open_settings)
        menu.addSeparator()
        self._add(menu, self.tr("Quit"), QApplication.quit).setShortcut(QKeySequence.StandardKey.Quit)
        help_menu = window.menuBar().addMenu(self.tr("&Help"))
        self.about_action = self._add(help_menu, self.tr("About Seatside…"), self.show_about)

    def _add(self, menu, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    # -- About ---------------------------------------------------------------------------
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
                                         QMessageBox.StandardButton.Close, self.window)
            self.about_box.setModal(False)
        self.about_box.setText(self.about_text())
        self.about_box.show()
        self.about_box.raise_()

    # -- export and import -----------------------------------------------------------------
    def export_shift(self, path: Path, shift: str | None = None, fmt: str | None = None) -> ExportProgress:
        """Export a shift (the current one by default); a progress dialog follows long exports."""
        start, end = self.records.shift_bounds(shift) if shift else self.records.current_shift_bounds()
        self.export_progress = ExportProgress(self.records, self.window)
        self.records.export_shift(path, start, end, self.lang, fmt)
        return self.export_progress

    def ask_export(self) -> None:
        default = Path.home() / f"seatside-{clock.now():%Y-%m-%d}.xlsx"
        filters = ";;".join([self.tr("Excel (*.xlsx)"), self.tr("CSV (*.csv)"), self.tr("Markdown (*.md)")])
        path, chosen = QFileDialog.getSaveFileName(self.window, self.tr("Export shift"), str(default), filters)
        if path:
            from desktop.core.records.export import format_for

            fmt = "csv" if "csv" in chosen else "md" if ".md" in chosen else "xlsx"
            target = Path(path)
            if not target.suffix:
                target = target.with_suffix("." + fmt)
            self.export_shift(target, fmt=format_for(target) or fmt)

    def ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("Import a phrase library"), str(Path.home()),
            self.tr("Spreadsheets (*.xlsx *.xlsm *.csv *.tsv *.txt)"),
        )
        if path:
            self.import_library(Path(path))

    def import_library(self, path: Path, skip_invalid: bool = False) -> None:
        """The records model imports; the report shows when it is done (``show_import``)."""
        self.records.import_library(path, skip_invalid=skip_invalid)

    def show_import(self, outcome: ImportOutcome) -> None:
        result, written, error = outcome.result, outcome.written, outcome.error
        report = "\n".join(result.report_lines()) or self.tr("No problems found.")
        box = QMessageBox(self.window)
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

    # -- the seat's own settings -----------------------------------------------------------
    def ask_seat_id(self) -> None:
        current = self.settings.get("seat_id")
        text, ok = QInputDialog.getText(
            self.window, self.tr("Staff number"), self.tr("Your staff number, filled into {坐席工号}:"), text=current
        )
        if ok:
            self.settings.set("seat_id", text.strip())

    def show_problems_dialog(self) -> None:
        text = "\n".join(str(p) for p in self.problems()) or self.tr("All scenario packs loaded without problems.")
        QMessageBox.information(self.window, self.tr("Scenario pack problems"), text)

    def open_settings(self) -> SettingsDialog:
        from desktop.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, str(self.data_dir or ""), self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
