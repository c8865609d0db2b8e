"""Wrap-up: choose how the call ended; see forgotten mandatory steps and hand-overs."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.dispositions import DISPOSITIONS
from desktop.models.call_model import CallModel


class EndCallDialog(QDialog):
    def __init__(self, model: CallModel, lang: str = "zh", parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.setWindowTitle(self.tr("End call"))
        layout = QVBoxLayout(self)
        session = model.session
        missing = session.unticked_mandatory() if session else []
        if missing:
            names = "\n".join(f"• {step.title}" for step in missing)
            warning = QLabel(self.tr("Required steps not ticked:") + "\n" + names)
            warning.setObjectName("missingSteps")
            warning.setStyleSheet("color: #b3261e")
            layout.addWidget(warning)
        scenario = model.scenario
        if scenario is not None and scenario.continuity:
            reminders = "\n".join(f"• {item}" for item in scenario.continuity)
            layout.addWidget(QLabel(self.tr("Hand on to the next contact:") + "\n" + reminders))
        layout.addWidget(QLabel(self.tr("How did the call end?")))
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for disposition in DISPOSITIONS:
            button = QRadioButton(disposition.zh if lang == "zh" else disposition.en)
            button.setObjectName(f"disposition-{disposition.code}")
            self.group.addButton(button)
            self.buttons[disposition.code] = button
            layout.addWidget(button)
        self.box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("End call"))
        self.ok_button.setEnabled(False)
        self.group.buttonToggled.connect(lambda *_: self.ok_button.setEnabled(self.disposition() is not None))
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        layout.addWidget(self.box)

    def disposition(self) -> str | None:
        for code, button in self.buttons.items():
            if button.isChecked():
                return code
        return None

    def choose(self, code: str) -> None:
        self.buttons[code].setChecked(True)

    def accept(self) -> None:
        code = self.disposition()
        if code is None:
            return
        self.model.end_call(code)
        super().accept()
