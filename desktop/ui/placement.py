"""Where the panel sits: a place remembered per arrangement of screens, kept on screen,
snapped to the edge it was left near. Saved shortly after the seat stops moving it."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from desktop.core.seat.settings import Settings

# How long after the last move or resize the place is saved.
SAVE_AFTER_MS = 600


def layout_key() -> str:
    """Names the current arrangement of screens, so each gets its own position."""
    screens = QGuiApplication.screens()
    return ";".join(sorted(f"{g.x()},{g.y()},{g.width()}x{g.height()}" for g in (s.geometry() for s in screens)))


class Placement(QObject):
    """Moves ``window`` (of fixed ``width``) and keeps its place in the ``panel_geometry`` setting."""

    def __init__(self, window: QWidget, settings: Settings, width: int):
        super().__init__(window)
        self.window, self.settings, self.width = window, settings, width
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_AFTER_MS)
        self._timer.timeout.connect(self.remember)

    def moved(self) -> None:
        """The window moved or was resized: save its place once it rests."""
        if self.window.isVisible():
            self._timer.start()

    def restore(self) -> None:
        saved = self.settings.get("panel_geometry").get(layout_key())
        if isinstance(saved, list) and len(saved) == 4:
            rect = QRect(*[int(v) for v in saved])
            if any(s.availableGeometry().intersects(rect) for s in QGuiApplication.screens()):
                rect.setWidth(self.width)  # a width saved by an older version is not kept
                self.window.setGeometry(rect)
                self.keep_on_screen()
                return
        # No saved place for this layout (or its screen is gone): top right of the main screen.
        area = QGuiApplication.primaryScreen().availableGeometry()
        self.window.move(area.right() - self.window.width() - 16, area.top() + 40)

    def keep_on_screen(self) -> None:
        """Move the window back inside the screen it is on (all of it, never past an edge)."""
        screen = self.window.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area, frame = screen.availableGeometry(), self.window.frameGeometry()
        x = min(max(frame.x(), area.left()), max(area.left(), area.right() - frame.width() + 1))
        y = min(max(frame.y(), area.top()), max(area.top(), area.bottom() - frame.height() + 1))
        if (x, y) != (frame.x(), frame.y()):
            self.window.move(x, y)

    def flush(self) -> None:
        """Save a position change that is still waiting for its timer (at quit)."""
        if self._timer.isActive():
            self._timer.stop()
            self.remember()

    def remember(self) -> None:
        self.snap_to_edges()
        self.keep_on_screen()
        geometry = dict(self.settings.get("panel_geometry"))
        g = self.window.geometry()
        geometry[layout_key()] = [g.x(), g.y(), g.width(), g.height()]
        self.settings.set("panel_geometry", geometry)

    def snap_to_edges(self, distance: int = 24) -> None:
        """Stick to the screen edge the window was left near."""
        screen = self.window.screen()
        if screen is None:
            return
        area, frame = screen.availableGeometry(), self.window.frameGeometry()
        x, y = frame.x(), frame.y()
        if abs(frame.left() - area.left()) <= distance:
            x = area.left()
        elif abs(frame.right() - area.right()) <= distance:
            x = area.right() - frame.width() + 1
        if abs(frame.top() - area.top()) <= distance:
            y = area.top()
        elif abs(frame.bottom() - area.bottom()) <= distance:
            y = area.bottom() - frame.height() + 1
        if (x, y) != (frame.x(), frame.y()):
            self.window.move(x, y)
