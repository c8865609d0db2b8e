"""Underline banned phrases (服务禁语) as the seat types, with the softer wording as a tooltip."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QHelpEvent, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import QPlainTextEdit, QToolTip

from desktop.core.packs.banned import BannedPhrase, find_banned


class BannedHighlighter(QSyntaxHighlighter):
    def __init__(self, editor: QPlainTextEdit, entries: tuple[BannedPhrase, ...] | None = None):
        super().__init__(editor.document())
        self.editor = editor
        self.entries = entries
        self.banned_format = QTextCharFormat()
        self.banned_format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self.banned_format.setUnderlineColor(QColor("#d32f2f"))
        self.banned_format.setToolTip("")
        editor.viewport().installEventFilter(self)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt API
        for hit in find_banned(text, self.entries):
            self.setFormat(hit.start, hit.end - hit.start, self.banned_format)

    def hits_at(self, position: int):
        """The banned phrases covering the character at document ``position``."""
        block = self.editor.document().findBlock(position)
        offset = position - block.position()
        return [h for h in find_banned(block.text(), self.entries) if h.start <= offset < h.end]

    def tooltip_at(self, position: int) -> str:
        hits = self.hits_at(position)
        if not hits:
            return ""
        hit = hits[0]
        return self.tr("Banned phrase “%s”. Say instead: %s") % (hit.text or hit.entry.phrase, hit.entry.suggestion)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)  # a ToolTip event is one
            cursor = self.editor.cursorForPosition(event.pos())
            text = self.tooltip_at(cursor.position())
            if text:
                QToolTip.showText(event.globalPos(), text, self.editor.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().eventFilter(watched, event)


def banned_warning(text: str, entries: tuple[BannedPhrase, ...] | None = None) -> str:
    """A one-line warning for a phrase about to be inserted, or ''."""
    hits = find_banned(text, entries)
    return "；".join(f"“{h.text or h.entry.phrase}” → {h.entry.suggestion}" for h in hits)



