"""Wrap-up: tick forgotten mandatory steps or say why not, choose how the call
ended, see the hand-overs, optionally promise a callback; the after-call work is timed."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QElapsedTimer, QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.base import clock
from desktop.core.records.texts import texts
from desktop.models.call_model import CallModel
from desktop.models.records_model import RecordsModel
from desktop.ui.appearance import set_text_colour


class EndCallDialog(QDialog):
    def __init__(self, model: CallModel, records: RecordsModel, lang: str = "zh", parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.ended = clock.now()  # the conversation ends now; what follows is after-call work
        self._acw = QElapsedTimer()
        self._acw.start()
        self.setWindowTitle(self.tr("End call"))
        layout = QVBoxLayout(self)

        self.timer_label = QLabel()
        self.timer_label.setObjectName("wrapupTimer")
        layout.addWidget(self.timer_label)
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._update_timer)
        self._tick.start(1000)
        self._update_timer()

        session = model.session
        self.missing_boxes: dict[str, QCheckBox] = {}
        missing = session.unticked_mandatory() if session else []
        self.reason = QLineEdit()
        self.reason.setObjectName("endReason")
        self.reason.setPlaceholderText(self.tr("Why were they not done? (required to end anyway)"))
        if missing:
            warning = QLabel(self.tr("Required steps not ticked — tick them now, or say why:"))
            warning.setObjectName("missingSteps")
            set_text_colour(warning, "required")
            layout.addWidget(warning)
            for step in missing:
                box = QCheckBox(step.title)
                box.toggled.connect(self._update_ok)
                self.missing_boxes[step.id] = box
                layout.addWidget(box)
            layout.addWidget(self.reason)
            self.reason.textChanged.connect(self._update_ok)
        else:
            self.reason.hide()

        scenario = model.scenario
        self.continuity_boxes: list[QCheckBox] = []
        if scenario is not None and scenario.continuity:
            label = QLabel(self.tr("Hand on to the next contact (the ticked ones are kept as follow-ups):"))
            label.setObjectName("continuity")
            label.setWordWrap(True)
            layout.addWidget(label)
            for item in scenario.continuity:  # suggestions: the seat unticks what does not apply
                box = QCheckBox(item)
                box.setObjectName("continuityItem")
                box.setChecked(True)
                self.continuity_boxes.append(box)
                layout.addWidget(box)

        layout.addWidget(QLabel(self.tr("How did the call end?")))
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for disposition in records.dispositions():
            button = QRadioButton(texts(lang).pick(disposition.zh, disposition.en))
            button.setObjectName(f"disposition-{disposition.code}")
            self.group.addButton(button)
            self.buttons[disposition.code] = button
            layout.addWidget(button)

        callback_row = QHBoxLayout()
        self.callback = QCheckBox(self.tr("Promised a callback at"))
        self.callback_time = QDateTimeEdit(QDateTime.currentDateTime().addSecs(2 * 3600))
        self.callback_time.setCalendarPopup(True)
        self.callback_time.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.callback_time.setEnabled(False)
        self.callback.toggled.connect(self.callback_time.setEnabled)
        callback_row.addWidget(self.callback)
        callback_row.addWidget(self.callback_time, 1)
        layout.addLayout(callback_row)

        self.box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("End call"))
        self.group.buttonToggled.connect(self._update_ok)
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        layout.addWidget(self.box)
        self._update_ok()

    def _update_timer(self) -> None:
        seconds = self._acw.elapsed() // 1000
        self.timer_label.setText(self.tr("After-call work: %02d:%02d") % (seconds // 60, seconds % 60))

    def unticked(self) -> list[str]:
        return [step_id for step_id, box in self.missing_boxes.items() if not box.isChecked()]

    def _update_ok(self, *_args) -> None:
        needs_reason = bool(self.unticked()) and not self.reason.text().strip()
        self.ok_button.setEnabled(self.disposition() is not None and not needs_reason)

    def disposition(self) -> str | None:
        for code, button in self.buttons.items():
            if button.isChecked():
                return code
        return None

    def choose(self, code: str) -> None:
        self.buttons[code].setChecked(True)

    def accept(self) -> None:
        code = self.disposition()
        if code is None or not self.ok_button.isEnabled():
            return
        for step_id, box in self.missing_boxes.items():
            if box.isChecked():
                self.model.set_step_ticked(step_id, True)
        callback = None
        if self.callback.isChecked():
            callback = self.callback_time.dateTime().toPython().astimezone()  # type: ignore[attr-defined]  # toPython() is a datetime here
        self.model.end_call(
            code,
            kept=[box.text() for box in self.continuity_boxes if box.isChecked()],
            wrapup_s=self._acw.elapsed() / 1000,
            end_reason=self.reason.text().strip() if self.unticked() else "",
            callback=callback,
            ended=self.ended,
        )
        self._tick.stop()
        super().accept()


    # -- shown by the platform's "call ended": the CRM keeps the keyboard -------------------
    def show_without_focus(self) -> None:
        """Show without activating: the seat's typing stays in the CRM until the seat
        clicks into the wrap-up."""
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        self.setWindowFlag(Qt.WindowType.WindowDoesNotAcceptFocus, True)
        for child in self.findChildren(QWidget):
            child.installEventFilter(self)
        self.show()

    def take_focus(self) -> None:
        handle = self.windowHandle()
        if handle is not None:
            handle.setFlag(Qt.WindowType.WindowDoesNotAcceptFocus, False)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, False)
        self.activateWindow()
        self.raise_()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.MouseButtonPress:
            handle = self.windowHandle()
            if handle is not None and handle.flags() & Qt.WindowType.WindowDoesNotAcceptFocus:
                self.take_focus()
        return super().eventFilter(watched, event)
