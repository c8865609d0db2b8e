"""Follow-ups to do, and a search over the notes of past calls."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.records.dispositions import disposition_label
from desktop.core.records.storage import CallRecord
from desktop.core.records.texts import output_language
from desktop.models.followups import FollowUpsModel
from desktop.ui.appearance import theme_colour

SEARCH_DELAY_MS = 250


class RecordsDialog(QDialog):
    def __init__(self, followups: FollowUpsModel, parent: QWidget | None = None, lang: str = "zh"):
        super().__init__(parent)
        self.followups = followups
        self.lang = output_language(lang)  # of the disposition names
        self.setWindowTitle(self.tr("Follow-ups and call history"))
        self.resize(520, 480)
        tabs = QTabWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)

        todo = QWidget()
        todo_layout = QVBoxLayout(todo)
        self.todo_list = QListWidget()
        self.todo_list.setObjectName("followUps")
        self.todo_list.setAccessibleName(self.tr("Open follow-ups"))
        self.todo_list.setWordWrap(True)
        self.done_button = QPushButton(self.tr("Mark done"))
        self.done_button.clicked.connect(self.mark_selected_done)
        todo_layout.addWidget(self.todo_list)
        todo_layout.addWidget(self.done_button)
        tabs.addTab(todo, self.tr("Follow-ups"))

        search = QWidget()
        search_layout = QVBoxLayout(search)
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Search the notes of past calls…"))
        self.query.setAccessibleName(self.tr("Search notes"))
        self.results = QListWidget()
        self.results.setObjectName("noteResults")
        self.results.setWordWrap(True)
        search_layout.addWidget(self.query)
        search_layout.addWidget(self.results)
        tabs.addTab(search, self.tr("Search notes"))
        self.tabs = tabs

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(lambda: followups.search_notes(self.query.text()))
        self.query.textChanged.connect(lambda _: self._search_timer.start())
        followups.changed.connect(self.refresh)
        followups.searchResults.connect(self.show_results)
        self.refresh()

    def refresh(self) -> None:
        self.todo_list.clear()
        now = datetime.now().astimezone()
        for followup in self.followups.open:
            due = followup.due_at[:16].replace("T", " ") if followup.due_at else self.tr("no due time")
            item = QListWidgetItem(f"{due} · {followup.label(self.lang)}")
            item.setData(Qt.ItemDataRole.UserRole, followup.id)
            if followup.due_at and datetime.fromisoformat(followup.due_at) <= now:
                item.setForeground(QBrush(theme_colour("required")))
                item.setText(self.tr("OVERDUE") + " · " + item.text())
            self.todo_list.addItem(item)
        self.done_button.setEnabled(self.todo_list.count() > 0)

    def mark_selected_done(self) -> None:
        item = self.todo_list.currentItem()
        if item is not None:
            self.followups.mark_done(item.data(Qt.ItemDataRole.UserRole))

    def show_results(self, query: str, calls: list[CallRecord]) -> None:
        if query != self.query.text():
            return  # a newer query is on its way: drop stale results
        self.results.clear()
        lang = self.lang
        for call in calls:
            head = f"{call.started_at[:16].replace('T', ' ')} · {call.scenario_name or '—'}"
            if call.disposition:
                head += " · " + disposition_label(call.disposition, lang)
            item = QListWidgetItem(f"{head}\n{call.notes}")
            item.setData(Qt.ItemDataRole.UserRole, call.id)
            self.results.addItem(item)
