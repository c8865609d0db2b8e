"""The live feed on the panel: a discreet banned-phrase alert with the softer wording,
the ringing caller's last digits, and the latest words heard."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.models.live_model import LiveModel

# How long the banned-phrase alert stays (it is discreet: no sound, no focus).
ALERT_MS = 8000


class LiveBar(QWidget):
    def __init__(self, live: LiveModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.live = live
        self.setObjectName("liveBar")
        self.alert = QLabel()
        self.alert.setObjectName("bannedAlert")
        self.alert.setWordWrap(True)
        self.alert.setTextFormat(Qt.TextFormat.PlainText)
        self.alert.setStyleSheet("background: #fff4e0; color: #8a5300; border-radius: 3px; padding: 2px 4px")
        self.alert.hide()
        self.heard = QLabel()
        self.heard.setObjectName("liveText")
        self.heard.setTextFormat(Qt.TextFormat.PlainText)
        self.heard.setStyleSheet("color: #666")
        self.heard.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.alert)
        layout.addWidget(self.heard)
        self._alert_timer = QTimer(self)
        self._alert_timer.setSingleShot(True)
        self._alert_timer.setInterval(ALERT_MS)
        self._alert_timer.timeout.connect(self.alert.hide)
        live.bannedSpoken.connect(self.show_banned)
        live.liveText.connect(self.show_heard)
        live.ringing.connect(self.show_ringing)
        live.missed.connect(self._call_state_changed)
        live.model.callStateChanged.connect(self._call_state_changed)

    def show_banned(self, phrase: str, suggestion: str) -> None:
        if suggestion:
            text = self.tr("You said “%s”. Softer: %s") % (phrase, suggestion)
        else:
            text = self.tr("You said “%s”, a banned phrase") % phrase
        count = self.live.model.banned_count
        if count > 1:
            text += " " + self.tr("(%d on this call)") % count
        self.alert.setText(text)
        self.alert.show()
        self._alert_timer.start()

    def show_heard(self, speaker: str, text: str, final: bool) -> None:
        who = self.tr("Customer") if speaker == "customer" else self.tr("You")
        shown = text if len(text) <= 60 else "…" + text[-59:]
        self.heard.setText(f"{who}：{shown}")
        self.heard.setToolTip(text)
        self.heard.show()

    def show_ringing(self, tail: str) -> None:
        self.heard.setText(self.tr("Incoming call, number ending %s") % tail if tail else self.tr("Incoming call"))
        self.heard.show()

    def _call_state_changed(self) -> None:
        if not self.live.model.in_call:
            self.heard.clear()
            self.heard.hide()
