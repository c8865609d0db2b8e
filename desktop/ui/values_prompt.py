"""Ask for the placeholder values a phrase needs before it leaves the app."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from desktop.core.packs.placeholders import KNOWN_PLACEHOLDERS
from desktop.models.insertion import InsertionController, PendingInsert

_EXAMPLES = {"称呼": "王先生", "工作日": "3", "坐席工号": "A1024"}


class ValuesPrompt(QDialog):
    def __init__(self, controller: InsertionController, pending: PendingInsert, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self.pending = pending
        self.setWindowTitle(self.tr("Fill in the phrase"))
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        layout = QFormLayout(self)
        preview = QLabel(pending.choice.text)
        preview.setWordWrap(True)
        preview.setTextFormat(Qt.TextFormat.PlainText)
        layout.addRow(preview)
        self.fields: dict[str, QLineEdit] = {}
        for name in pending.missing:
            field = QLineEdit()
            field.setAccessibleName(name)
            if name in _EXAMPLES:
                field.setPlaceholderText(self.tr("e.g. %s") % _EXAMPLES[name])
            elif name not in KNOWN_PLACEHOLDERS:
                field.setPlaceholderText(name)
            self.fields[name] = field
            layout.addRow("{%s}" % name, field)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addRow(self.buttons)
        for field in self.fields.values():
            field.textChanged.connect(self._update_ok)
        self._update_ok()

    def _update_ok(self) -> None:
        filled = all(field.text().strip() for field in self.fields.values())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(filled)

    def fill(self, values: dict[str, str]) -> None:
        for name, value in values.items():
            self.fields[name].setText(value)

    def accept(self) -> None:
        values = {name: field.text() for name, field in self.fields.items()}
        if not all(v.strip() for v in values.values()):
            return
        super().accept()
        self.controller.complete(self.pending, values)

    def reject(self) -> None:
        """Cancelled: nothing is inserted; focus goes back to where the seat was."""
        super().reject()
        if self.pending.target is not None:
            self.controller.inserter.activate(self.pending.target)
