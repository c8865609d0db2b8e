"""Help on request (举手) in the panel: a button to raise the hand and the lead's answer.

Shown only when the seat is enrolled at a hub. The answer stays until the seat
dismisses it or raises the hand again; it can be inserted into the CRM with the
``insert-help`` hotkey (Ctrl+Alt+J by default) or the Insert button.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class HelpBox(QFrame):
    """The raise-hand button and the lead's latest answer."""

    raiseRequested = Signal()
    insertRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("helpBox")
        self.reply = ""
        self.status = ""
        self.raise_button = QPushButton(self.tr("Raise hand"))
        self.raise_button.setObjectName("raiseHandButton")
        self.raise_button.setToolTip(self.tr("Ask the team lead for help (Ctrl+Alt+H)"))
        self.answer_label = QLabel()
        self.answer_label.setObjectName("helpAnswer")
        self.answer_label.setWordWrap(True)
        self.insert_button = QPushButton(self.tr("Insert"))
        self.insert_button.setObjectName("insertHelpButton")
        self.insert_button.setToolTip(self.tr("Insert the lead's reply into the focused program (Ctrl+Alt+J)"))
        self.insert_button.hide()
        self.dismiss_button = QPushButton(self.tr("Dismiss"))
        self.dismiss_button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.raise_button)
        layout.addWidget(self.answer_label, 1)
        layout.addWidget(self.insert_button)
        layout.addWidget(self.dismiss_button)
        self.raise_button.clicked.connect(self.raiseRequested)
        self.insert_button.clicked.connect(self.insertRequested)
        self.dismiss_button.clicked.connect(self.clear)

    def asked(self) -> None:
        self.reply = ""
        self.status = "open"
        self.answer_label.setText(self.tr("Hand raised: waiting for the lead…"))
        self.insert_button.hide()
        self.dismiss_button.hide()

    def answered(self, status: str, reply: str) -> None:
        """Show the lead's answer: a reply to insert, or that the lead is coming over."""
        self.status = status
        self.reply = reply if status == "answered" else ""
        if status == "coming":
            self.answer_label.setText(self.tr("The lead is coming over"))
        else:
            self.answer_label.setText(self.tr("Lead: %s") % reply)
        self.insert_button.setVisible(bool(self.reply))
        self.dismiss_button.show()

    def clear(self) -> None:
        self.reply = ""
        self.status = ""
        self.answer_label.clear()
        self.insert_button.hide()
        self.dismiss_button.hide()
