"""The scenario's steps as a checklist, with the highlighted step's guidance."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QBrush, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.core.packs.scenarios import Fact, Step
from desktop.models.call_model import CallModel
from desktop.ui.appearance import theme_colour

GUIDANCE_MIN_HEIGHT = 60
GUIDANCE_MAX_LINES = 14  # taller guidance scrolls

# Combined once: building a flag combination is slow in PySide's Python enums.
STEP_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
LABEL_ROLE = Qt.ItemDataRole.UserRole + 1  # the step's label without the "ticked by speech" mark


class ChecklistView(QWidget):
    def __init__(self, model: CallModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.title = QLabel()
        self.title.setObjectName("scenarioTitle")
        self.title.setWordWrap(True)
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.title.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Steps"))
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.guidance = QLabel()
        self.guidance.setWordWrap(True)
        self.guidance.setObjectName("stepGuidance")
        self.guidance.setTextFormat(Qt.TextFormat.PlainText)
        self.guidance.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.guidance.setContentsMargins(4, 4, 4, 4)
        scroll = QScrollArea()
        scroll.setWidget(self.guidance)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setMinimumHeight(GUIDANCE_MIN_HEIGHT)
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.guidance_area = scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        layout.addWidget(scroll, 1)
        layout.addStretch(0)
        self.list.itemChanged.connect(self._item_changed)
        model.scenarioChanged.connect(self.refresh)
        model.stepsChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        scenario = self.model.scenario
        current = self.model.current_index()
        self.list.blockSignals(True)
        try:
            if scenario is None:
                self.list.clear()
                self.title.setText(self.tr("Choose a scenario above"))
                self.guidance.clear()
                return
            self.title.setText(scenario.name)
            ids = [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]
            if ids != [step.id for step in scenario.steps]:
                # A new scenario: rebuild. Otherwise update in place, since this may
                # run inside the itemChanged signal of one of these items.
                self.list.clear()
                for index, step in enumerate(scenario.steps):
                    self.list.addItem(self._new_item(index, step))
                rows = sum(self.list.sizeHintForRow(i) for i in range(self.list.count()))
                self.list.setFixedHeight(rows + 2 * self.list.frameWidth() + 2)
            for index, step in enumerate(scenario.steps):
                self._update_item(self.list.item(index), step, index == current)
        finally:
            self.list.blockSignals(False)
        shown: Step | None = scenario.steps[current] if current is not None else None
        if shown is None:
            self.guidance.setText(self.tr("All steps done. End the call when ready."))
        else:
            lines = [shown.guidance] if shown.guidance else []
            lines += [self._fact_line(fact) for fact in shown.fact_items]
            self.guidance.setText("\n".join(lines))
            unconfirmed = any(fact.needs_review for fact in shown.fact_items)
            self.guidance.setToolTip(
                self.tr("⚑ marks a fact the business has not confirmed yet: say it with care.") if unconfirmed else ""
            )
        self._fit_guidance()

    def _fact_line(self, fact: Fact) -> str:
        """A fact as a bullet; one still to be confirmed carries a small ⚑ mark."""
        if fact.needs_review:
            return f"• {fact}  ⚑" + self.tr("to confirm")
        return f"• {fact}"

    def _fit_guidance(self) -> None:
        """Make the guidance box tall enough for all its text, up to GUIDANCE_MAX_LINES
        lines; beyond that it scrolls, with its scroll bar showing."""
        area = self.guidance_area
        # The width without a scroll bar: the text fits when it needs no scroll bar.
        needed = self.guidance.heightForWidth(max(1, area.contentsRect().width()))
        line = self.guidance.fontMetrics().lineSpacing()
        cap = GUIDANCE_MAX_LINES * line + 8
        area.setMinimumHeight(max(GUIDANCE_MIN_HEIGHT, min(needed, cap)))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():  # the text wraps anew
            self._fit_guidance()

    def _new_item(self, index: int, step) -> QListWidgetItem:
        label = f"{index + 1}. {step.title}"
        if step.mandatory:
            label += "  " + self.tr("[required]")
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, step.id)
        item.setData(LABEL_ROLE, label)
        item.setFlags(STEP_FLAGS)
        item.setToolTip(step.guidance)
        return item

    def _update_item(self, item: QListWidgetItem, step, highlighted: bool) -> None:
        ticked = self.model.is_ticked(step.id)
        item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        # Colours of the theme in effect: the current step's background, required steps in red.
        item.setBackground(QBrush(theme_colour("step_highlight")) if highlighted else QBrush())
        item.setForeground(QBrush(theme_colour("required")) if step.mandatory else QBrush())
        font = QFont(item.font())
        font.setBold(highlighted)
        item.setFont(font)
        # A step the seat's speech ticked says so; unticking it works as for any step.
        label = item.data(LABEL_ROLE)
        if ticked and self.model.ticked_by_speech(step.id):
            label += "  " + self.tr("· ticked by speech")
        if item.text() != label:
            item.setText(label)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):  # a new theme
            self.refresh()

    def highlighted_row(self) -> int | None:
        return self.model.current_index()

    def _item_changed(self, item: QListWidgetItem) -> None:
        checked = item.checkState() == Qt.CheckState.Checked
        self.model.set_step_ticked(item.data(Qt.ItemDataRole.UserRole), checked)
