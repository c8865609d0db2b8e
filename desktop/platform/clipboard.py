"""The system clipboard."""

from __future__ import annotations

from abc import ABC, abstractmethod


class Clipboard(ABC):
    """Puts text on, and reads text from, the clipboard other programs see."""

    @abstractmethod
    def set_text(self, text: str) -> None: ...

    @abstractmethod
    def text(self) -> str: ...


class FakeClipboard(Clipboard):
    """In-memory clipboard that records every text set on it."""

    def __init__(self) -> None:
        self.history: list[str] = []

    def set_text(self, text: str) -> None:
        self.history.append(text)

    def text(self) -> str:
        return self.history[-1] if self.history else ""


class QtClipboard(Clipboard):
    """The real clipboard through Qt (X11 CLIPBOARD selection, Windows clipboard)."""

    def __init__(self) -> None:
        from PySide6.QtGui import QClipboard, QGuiApplication

        self._clipboard = QGuiApplication.clipboard()
        self._mode = QClipboard.Mode.Clipboard

    def set_text(self, text: str) -> None:
        self._clipboard.setText(text, self._mode)

    def text(self) -> str:
        return self._clipboard.text(self._mode)
