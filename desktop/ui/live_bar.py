"""The live feed on the panel: a discreet banned-phrase alert with the softer wording,
the ringing caller's last digits, the latest words heard (wrapped, masked), and a
small dot saying whether the phone system (CTI) and speech (ASR) feeds are alive."""

from __future__ import annotations

import time
from typing import ClassVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from desktop.core.privacy.masking import mask_draft
from desktop.models.live_model import LiveModel

# How long the banned-phrase alert stays (it is discreet: no sound, no focus).
ALERT_MS = 8000
# The words heard: the most recent characters shown, wrapped in a box of HEARD_LINES
# lines whose height does not change with the text (no re-layout of the panel per word).
HEARD_CHARS = 80
HEARD_LINES = 3
# A feed that sent nothing for this long during a call is shown as quiet.
QUIET_S = 30


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
        self.heard.setWordWrap(True)  # a long line wraps; it never widens the panel
        self.heard.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        self.heard.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
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
        self.alert.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
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
        # Masked before it is shown (a partial result may hold part of a card number).
        masked = mask_draft(" ".join(text.split()), self.live.model.mask_policy())
        shown = masked if len(masked) <= HEARD_CHARS else "…" + masked[-(HEARD_CHARS - 1):]
        lines = QFontMetrics(self.heard.font()).lineSpacing() * HEARD_LINES
        if self.heard.height() != lines:
            self.heard.setFixedHeight(lines)
        self.heard.setText(f"{who}：{shown}")
        self.heard.setToolTip(masked)
        self.heard.show()

    def show_ringing(self, tail: str) -> None:
        self.heard.setText(self.tr("Incoming call, number ending %s") % tail if tail else self.tr("Incoming call"))
        self.heard.show()

    def _call_state_changed(self) -> None:
        if not self.live.model.in_call:
            self.heard.clear()
            self.heard.hide()


class FeedDot(QLabel):
    """● green: the endpoint listens and, during a call, both feeds spoke within
    ``QUIET_S``; amber: a feed is quiet during a call; grey: the endpoint is off.
    The words beside it say which feed and how long ago."""

    COLOURS: ClassVar[dict[str, str]] = {"live": "#2e7d32", "quiet": "#b26a00", "off": "#9e9e9e"}

    def __init__(self, live: LiveModel, parent: QWidget | None = None,
                 clock=time.monotonic):
        super().__init__(parent)
        self.live, self.clock = live, clock
        self.setObjectName("feedStatus")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.listening = False
        self.state = "off"
        self._heard = (False, False)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        live.feedChanged.connect(self._fed)
        live.listening.connect(self._listening)
        live.failed.connect(lambda _why: self._listening(0))
        live.model.callStateChanged.connect(self.refresh)
        self.refresh()

    def _fed(self) -> None:
        """A batch arrived: redraw only when the dot changes or a feed is heard for the
        first time (the timer redraws the ages every second; no work per event)."""
        cti, asr = self.ages()
        if self.state != self._state(cti, asr) or (cti is not None) != self._heard[0] or (
                asr is not None) != self._heard[1]:
            self.refresh()

    def _state(self, cti: float | None, asr: float | None) -> str:
        if not self.listening:
            return "off"
        if self.live.model.in_call and (asr is None or asr > QUIET_S or cti is None):
            return "quiet"
        return "live"

    def _listening(self, port: int) -> None:
        self.listening = bool(port)
        self.refresh()

    def ages(self) -> tuple[float | None, float | None]:
        now = self.clock()
        cti, asr = self.live.last_cti, self.live.last_asr
        return (None if cti is None else max(0.0, now - cti), None if asr is None else max(0.0, now - asr))

    def refresh(self) -> None:
        cti, asr = self.ages()
        state = self.state = self._state(cti, asr)
        self._heard = (cti is not None, asr is not None)
        words = {
            "live": self.tr("Live feed on"), "quiet": self.tr("Live feed quiet"), "off": self.tr("Live feed off"),
        }[state]
        detail = self.tr("Phone system: %s · Speech: %s") % (self.age_words(cti), self.age_words(asr))
        self.setText(f'<span style="color:{self.COLOURS[state]}">●</span> '
                     + (self.tr("CTI %s · ASR %s") % (self.short_age(cti), self.short_age(asr))))
        self.setToolTip(f"{words}\n{detail}")
        self.setAccessibleName(f"{words}. {detail}")

    def age_words(self, seconds: float | None) -> str:
        if seconds is None:
            return self.tr("nothing yet")
        if seconds < 60:
            return self.tr("%d s ago") % int(seconds)
        if seconds < 3600:
            return self.tr("%d min ago") % int(seconds // 60)
        return self.tr("over an hour ago")

    def short_age(self, seconds: float | None) -> str:
        if seconds is None:
            return "—"
        if seconds < 60:
            return self.tr("%ds") % int(seconds)
        if seconds < 3600:
            return self.tr("%dmin") % int(seconds // 60)
        return self.tr(">1h")
