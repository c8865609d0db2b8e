"""The search palette: a focusable popup to find any phrase and insert it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop.core.packs.scenarios import PhraseChoice
from desktop.models.insertion import InsertionController
from desktop.models.phrases_model import PhrasesModel
from desktop.platform.insertion import WindowInfo
from desktop.ui.banned_highlighter import banned_warning


class SearchPalette(QDialog):
    """Type to filter, arrows to move, Enter inserts into the window that was
    active before the palette opened, Esc gives focus back to it."""

    closedWithout = Signal()

    def __init__(self, model: PhrasesModel, controller: InsertionController, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.controller = controller
        self.target: WindowInfo | None = None
        self._results: list[PhraseChoice] = []
        self.setWindowTitle(self.tr("Find a phrase"))
        self.setWindowFlags(Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("searchPalette")
        self.resize(560, 360)
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Type Chinese, pinyin or initials…"))
        self.query.setAccessibleName(self.tr("Search phrases"))
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Matching phrases"))
        self.list.setWordWrap(True)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hint = QLabel(self.tr("Enter: insert · Esc: back"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        self.query.textChanged.connect(self.refresh)  # committed text only: IME preedit is not in text()
        self.query.installEventFilter(self)
        self.list.itemActivated.connect(lambda item: self.insert_row(self.list.row(item)))

    def open_for(self, target: WindowInfo | None) -> None:
        """Remember where the seat was typing, then show and take focus."""
        self.target = target
        self.query.clear()
        self.refresh()
        screen = QGuiApplication.primaryScreen().availableGeometry()
        self.move(screen.center() - self.rect().center())
        self.show()
        self.raise_()
        self.activateWindow()
        self.query.setFocus()

    def refresh(self) -> None:
        self._results = self.model.search(self.query.text(), limit=50)
        self.list.clear()
        names = {s.id: s.name for s in self.model.library.scenarios}
        for choice in self._results:
            where = names.get(choice.scenario_id, self.tr("general") if not choice.scenario_id else choice.scenario_id)
            warning = banned_warning(choice.text)
            item = QListWidgetItem(f"{'⚠ ' if warning else ''}{choice.text}\n    — {where}")
            item.setToolTip(choice.text + ("\n" + self.tr("Contains a banned phrase: %s") % warning if warning else ""))
            self.list.addItem(item)
        if self._results:
            self.list.setCurrentRow(0)

    def results(self) -> list[PhraseChoice]:
        return list(self._results)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.query and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key = Qt.Key(event.key())
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}[key]
                if self.list.count():
                    row = max(0, min(self.list.count() - 1, self.list.currentRow() + step))
                    self.list.setCurrentRow(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.insert_row(self.list.currentRow())
                return True
        return super().eventFilter(watched, event)

    def insert_row(self, row: int) -> None:
        if not 0 <= row < len(self._results):
            return
        choice, target = self._results[row], self.target
        self.hide()
        self.controller.insert(choice, target)

    def reject(self) -> None:
        """Esc: close and give focus back to the window the seat came from."""
        self.hide()
        if self.target is not None:
            self.controller.inserter.activate(self.target)
        self.closedWithout.emit()
