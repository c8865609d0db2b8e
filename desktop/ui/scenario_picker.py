"""Pick the call's scenario from a list filtered by typing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop.models.call_model import CallModel
from desktop.models.phrases_model import PhrasesModel


class ScenarioPicker(QWidget):
    def __init__(self, model: CallModel, phrases: PhrasesModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.phrases = phrases
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr("Filter scenarios…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName(self.tr("Filter scenarios"))
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Scenarios"))
        self.list.setMaximumHeight(96)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list)
        self.filter_edit.textChanged.connect(self.refresh)
        self.filter_edit.returnPressed.connect(self._choose_first)
        self.list.itemActivated.connect(self._choose)
        self.list.itemClicked.connect(self._choose)
        model.scenarioChanged.connect(self.refresh)
        self.refresh()

    def visible_ids(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def refresh(self) -> None:
        current = self.model.scenario.id if self.model.scenario else None
        self.list.blockSignals(True)
        self.list.clear()
        for scenario in self.phrases.filter_scenarios(self.filter_edit.text()):
            item = QListWidgetItem(scenario.name)
            item.setData(Qt.ItemDataRole.UserRole, scenario.id)
            item.setToolTip(scenario.description)
            self.list.addItem(item)
            if scenario.id == current:
                item.setSelected(True)
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def _choose(self, item: QListWidgetItem) -> None:
        self.model.choose_scenario(item.data(Qt.ItemDataRole.UserRole))

    def _choose_first(self) -> None:
        if self.list.count():
            self._choose(self.list.item(0))
