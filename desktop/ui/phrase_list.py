"""The phrases of the highlighted step, numbered 1-9 for the keyboard."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from desktop.models.call_model import CallModel


class PhraseList(QListWidget):
    def __init__(self, model: CallModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.setWordWrap(True)
        self.setAccessibleName(self.tr("Phrases"))
        self.setToolTip(self.tr("Click a phrase or press its number to copy it"))
        self.itemClicked.connect(lambda item: self.model.copy_phrase(self.row(item), via="click"))
        model.scenarioChanged.connect(self.refresh)
        model.stepsChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.clear()
        for number, phrase in enumerate(self.model.current_phrases(), start=1):
            prefix = f"{number}. " if number <= 9 else "   "
            item = QListWidgetItem(prefix + phrase.text)
            item.setToolTip(phrase.text)
            self.addItem(item)

    def texts(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]
