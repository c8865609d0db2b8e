"""The caller: form of address, reference (masked) with earlier calls, and the notes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.core.records.dispositions import disposition_label
from desktop.core.records.storage import CallRecord
from desktop.core.records.texts import output_language
from desktop.models.call_model import CallModel
from desktop.ui.banned_highlighter import BannedHighlighter


class NotesView(QWidget):
    def __init__(self, model: CallModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.customer = QLineEdit()
        self.customer.setPlaceholderText(self.tr("e.g. 王先生"))
        self.customer.setAccessibleName(self.tr("Customer's form of address"))
        self.reference = QLineEdit()
        self.reference.setPlaceholderText(self.tr("phone or card tail, CRM id"))
        self.reference.setAccessibleName(self.tr("Customer reference"))
        self.history = QListWidget()
        self.history.setObjectName("callerHistory")
        self.history.setAccessibleName(self.tr("Earlier calls of this customer"))
        self.history.setWordWrap(True)
        self.history.setMaximumHeight(110)
        self.history.hide()
        self.history_notice = QLabel(
            self.tr("Caller history is off: no OS key store, and no customer id from the CRM for this call "
                    "(the last digits alone could show someone else's calls)")
        )
        self.history_notice.setObjectName("historyNotice")
        self.history_notice.setWordWrap(True)
        self.history_notice.hide()
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText(self.tr("Notes for this call (saved automatically; numbers are masked)"))
        self.editor.setAccessibleName(self.tr("Call notes"))
        self.highlighter = BannedHighlighter(self.editor)
        notes_label = QLabel(self.tr("&Notes"))
        notes_label.setBuddy(self.editor)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Address as"), self.customer)
        form.addRow(self.tr("Customer ref."), self.reference)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.history_notice)
        layout.addWidget(self.history)
        layout.addWidget(notes_label)
        layout.addWidget(self.editor)
        self.customer.textEdited.connect(model.set_customer)
        self.reference.editingFinished.connect(self._reference_entered)
        self.editor.textChanged.connect(
            lambda: model.set_notes(self.editor.toPlainText(), self.editor.textCursor().position())
        )
        model.callStateChanged.connect(self.refresh)
        model.referenceChanged.connect(self.refresh)
        model.notesMasked.connect(self.show_masked)
        model.historyLoaded.connect(self.show_history)
        model.historyExact.connect(lambda exact: self.history_notice.setVisible(not exact))
        self.refresh()

    def refresh(self) -> None:
        in_call = self.model.in_call
        for widget in (self.editor, self.customer, self.reference):
            widget.setEnabled(in_call)
        if self.editor.toPlainText() != self.model.call.notes:
            self.editor.blockSignals(True)
            self.editor.setPlainText(self.model.call.notes)
            self.editor.blockSignals(False)
        if self.customer.text() != self.model.call.customer:
            self.customer.setText(self.model.call.customer)
        reference = self.model.session.customer_ref if self.model.session else ""
        if self.reference.text() != reference:
            self.reference.setText(reference)
        if not in_call:
            self.show_history([])
            self.history_notice.hide()

    def _reference_entered(self) -> None:
        masked = self.model.set_customer_ref(self.reference.text())
        if masked != self.reference.text():
            self.reference.setText(masked)

    def show_masked(self) -> None:
        """Replace the masked digits in place: same length, so the cursor stays put."""
        current, masked = self.editor.toPlainText(), self.model.call.notes
        if len(current) != len(masked):
            self.refresh()
            return
        cursor = QTextCursor(self.editor.document())
        cursor.beginEditBlock()
        index = 0
        while index < len(current):
            if current[index] == masked[index]:
                index += 1
                continue
            end = index
            while end < len(current) and current[end] != masked[end]:
                end += 1
            cursor.setPosition(index)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(masked[index:end])
            index = end
        cursor.endEditBlock()

    def show_history(self, calls: list[CallRecord]) -> None:
        self.history.clear()
        lang = output_language(str(self.model.settings.get("language")))
        for call in calls:
            open_followups = [f for f in call.followups if not f.done]
            line = f"{call.started_at[:16].replace('T', ' ')} · {call.scenario_name or '—'} · " + (
                disposition_label(call.disposition, lang) if call.disposition else self.tr("in progress")
            )
            if open_followups:
                line += " · " + self.tr("open: %s") % "；".join(f.label(lang) for f in open_followups)
            if call.notes:
                line += "\n" + call.notes
            item = QListWidgetItem(line)
            item.setToolTip(line)
            item.setData(Qt.ItemDataRole.UserRole, call.id)
            self.history.addItem(item)
        self.history.setVisible(bool(calls))
