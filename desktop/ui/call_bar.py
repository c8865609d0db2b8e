"""The panel's top row: start or end the call, the open follow-ups, the call's timer."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.core.base import clock
from desktop.models.call_model import CallModel
from desktop.models.followups import FollowUpsModel
from desktop.ui.appearance import set_text_colour


class CallBar(QWidget):
    """Redrawn from the call model (``callStateChanged``) and the follow-ups model; the
    buttons call back into the panel (``toggle``: start or wrap up; ``show_records``)."""

    def __init__(
        self,
        model: CallModel,
        followups: FollowUpsModel | None,
        toggle: Callable[[], object],
        show_records: Callable[[], object],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.model = model
        self.followups = followups
        self.call_button = QPushButton()
        self.call_button.setObjectName("callButton")
        self.call_button.clicked.connect(lambda: toggle())
        self.timer_label = QLabel()
        self.timer_label.setObjectName("callTimer")
        self.followups_button = QPushButton()
        self.followups_button.setObjectName("followUpsButton")
        self.followups_button.setFlat(True)
        self.followups_button.clicked.connect(lambda: show_records())
        self.followups_button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.call_button)
        layout.addWidget(self.followups_button)
        layout.addStretch(1)
        layout.addWidget(self.timer_label)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.update_timer)
        model.callStateChanged.connect(self.refresh)
        if followups is not None:
            followups.changed.connect(self.show_followup_count)
        self.refresh()

    def refresh(self) -> None:
        if self.model.in_call:
            self.call_button.setText(self.tr("End call"))
            self._tick.start()
        else:
            self.call_button.setText(self.tr("Start call"))
            self._tick.stop()
        self.update_timer()

    def update_timer(self) -> None:
        session = self.model.session
        if session is None:
            self.timer_label.setText(self.tr("No call"))
            return
        seconds = max(0, int((clock.now() - session.started).total_seconds()))
        self.timer_label.setText(f"{seconds // 60:02d}:{seconds % 60:02d}")

    def show_followup_count(self) -> None:
        assert self.followups is not None  # connected only when there is one
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
