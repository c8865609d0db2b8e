"""The system clipboard."""

from __future__ import annotations

from abc import ABC, abstractmethod


class ClipboardBusy(RuntimeError):
    """Another program kept the clipboard open for longer than we waited."""

    def __init__(self, holder: str = ""):
        super().__init__(f"the clipboard is held by {holder or 'another program'}")
        self.holder = holder


class Clipboard(ABC):
    """Puts text on, and reads text from, the clipboard other programs see."""

    @abstractmethod
    def set_text(self, text: str) -> None: ...

    @abstractmethod
    def text(self) -> str: ...

    def snapshot(self) -> object:
        """Whatever the clipboard holds now, to put back later with ``restore``."""
        return self.text()

    def restore(self, snapshot: object) -> None:
        self.set_text(str(snapshot))


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

    def snapshot(self) -> object:
        """A copy of every format on the clipboard (text, HTML, images…)."""
        from PySide6.QtCore import QMimeData

        copy = QMimeData()
        source = self._clipboard.mimeData(self._mode)
        if source is not None:
            for fmt in source.formats():
                copy.setData(fmt, source.data(fmt))
        return copy

    def restore(self, snapshot: object) -> None:
        from PySide6.QtCore import QMimeData

        if isinstance(snapshot, QMimeData):
            if snapshot.formats():
                self._clipboard.setMimeData(snapshot, self._mode)
            else:
                self._clipboard.clear(self._mode)
        else:
            super().restore(snapshot)
