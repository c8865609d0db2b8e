"""The phrases of the highlighted step, numbered 1-9 for the keyboard.

Right-click: favourite, add, edit or delete the seat's own phrases.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QListWidget, QListWidgetItem, QMenu, QWidget

from desktop.core.packs.scenarios import PhraseChoice
from desktop.models.call_model import CallModel
from desktop.models.phrases_model import PhrasesModel
from desktop.ui.banned_highlighter import banned_warning


class PhraseList(QListWidget):
    def __init__(self, model: CallModel, phrases: PhrasesModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.call_model = model  # not .model: QListWidget.model() is Qt's
        self.phrase_model = phrases
        self.setWordWrap(True)
        self.setAccessibleName(self.tr("Phrases"))
        self.setToolTip(self.tr("Click a phrase or press its number to copy it; right-click for more"))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.itemClicked.connect(lambda item: self.phrase_model.copy_phrase(self.row(item), via="click"))
        model.scenarioChanged.connect(self.refresh)
        model.stepsChanged.connect(self.refresh)
        phrases.phrasesChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.clear()
        for number, choice in enumerate(self.phrase_model.current_choices(), start=1):
            prefix = f"{number}. " if number <= 9 else "   "
            marks = ("★ " if choice.favourite else "") + (self.tr("[mine] ") if choice.personal else "")
            warning = banned_warning(choice.text)
            if warning:
                marks = "⚠ " + marks
            item = QListWidgetItem(prefix + marks + choice.text)
            item.setToolTip(choice.text + (("\n" + self.tr("Contains a banned phrase: %s") % warning) if warning else ""))
            item.setData(Qt.ItemDataRole.UserRole, choice.key)
            self.addItem(item)

    def texts(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]

    def choice_at(self, row: int) -> PhraseChoice | None:
        choices = self.phrase_model.current_choices()
        return choices[row] if 0 <= row < len(choices) else None

    def _menu(self, pos) -> None:
        item = self.itemAt(pos)
        choice = self.choice_at(self.row(item)) if item is not None else None
        menu = QMenu(self)
        if choice is not None:
            label = self.tr("Remove from favourites") if choice.favourite else self.tr("Add to favourites")
            menu.addAction(label, lambda: self.phrase_model.set_favourite(choice, not choice.favourite))
            if choice.personal:
                menu.addAction(self.tr("Edit my phrase…"), lambda: self.edit_personal(choice))
                menu.addAction(self.tr("Delete my phrase"), lambda: self.phrase_model.delete_personal(int(choice.phrase_id)))
        menu.addAction(self.tr("Add my own phrase for this step…"), self.add_personal)
        menu.addAction(self.tr("Add a general phrase of my own…"), lambda: self.add_personal(general=True))
        menu.popup(self.viewport().mapToGlobal(pos))

    def add_personal(self, general: bool = False) -> None:
        text, ok = QInputDialog.getMultiLineText(self, self.tr("My phrase"), self.tr("Phrase text:"))
        if ok and text.strip():
            scenario = "" if general or self.call_model.scenario is None else self.call_model.scenario.id
            step = "" if general else self.call_model.call.current_step_id()
            self.phrase_model.add_personal(text, scenario, step)

    def edit_personal(self, choice: PhraseChoice) -> None:
        text, ok = QInputDialog.getMultiLineText(self, self.tr("My phrase"), self.tr("Phrase text:"), choice.text)
        if ok and text.strip():
            self.phrase_model.edit_personal(int(choice.phrase_id), text, choice.scenario_id, choice.step_id)
