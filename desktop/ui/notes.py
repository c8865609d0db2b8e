"""The customer's form of address and the call notes."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from desktop.models.call_model import CallModel
from desktop.ui.banned_highlighter import BannedHighlighter


class NotesView(QWidget):
    def __init__(self, model: CallModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.customer = QLineEdit()
        self.customer.setPlaceholderText(self.tr("e.g. 王先生"))
        self.customer.setAccessibleName(self.tr("Customer's form of address"))
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText(self.tr("Notes for this call (saved automatically)"))
        self.editor.setAccessibleName(self.tr("Call notes"))
        self.highlighter = BannedHighlighter(self.editor)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Address as"), self.customer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.editor)
        self.customer.textEdited.connect(model.set_customer)
        self.editor.textChanged.connect(lambda: model.set_notes(self.editor.toPlainText()))
        model.callStateChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        in_call = self.model.in_call
        self.editor.setEnabled(in_call)
        self.customer.setEnabled(in_call)
        if self.editor.toPlainText() != self.model.notes():
            self.editor.blockSignals(True)
            self.editor.setPlainText(self.model.notes())
            self.editor.blockSignals(False)
        if self.customer.text() != self.model.customer():
            self.customer.setText(self.model.customer())
