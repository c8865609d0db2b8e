"""One dialog over the settings schema: hotkeys, insertion, appearance, language,
data folder, dispositions, shift times and masking."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.base.clock import parse_hhmm
from desktop.core.privacy.masking import MaskPolicy
from desktop.core.records.dispositions import MAX_DISPOSITIONS, dispositions_from
from desktop.core.seat.settings import DEFAULT_HOTKEYS, INSERT_MODES, Settings, limits
from desktop.models.insertion import DEFAULT_NEWLINE, NEWLINE_POLICIES
from desktop.platform.hotkeys import check_bindings

ACTION_NAMES = {
    **{f"insert-{n}": (QT_TRANSLATE_NOOP("SettingsDialog", "Insert suggestion %d"), n) for n in range(1, 10)},
    "palette": (QT_TRANSLATE_NOOP("SettingsDialog", "Open the search palette"), None),
    "toggle-panel": (QT_TRANSLATE_NOOP("SettingsDialog", "Show / hide the panel"), None),
    "toggle-call": (QT_TRANSLATE_NOOP("SettingsDialog", "Start / end call"), None),
    "next-step": (QT_TRANSLATE_NOOP("SettingsDialog", "Tick the current step"), None),
    "accept-suggestion": (QT_TRANSLATE_NOOP("SettingsDialog", "Switch to the suggested scenario"), None),
    "dismiss-suggestion": (QT_TRANSLATE_NOOP("SettingsDialog", "Ignore the suggested scenario"), None),
    "raise-hand": (QT_TRANSLATE_NOOP("SettingsDialog", "Raise a hand: ask the team lead for help"), None),
    "insert-help": (QT_TRANSLATE_NOOP("SettingsDialog", "Insert the team lead's reply"), None),
}


class SettingsDialog(QDialog):
    """Edits a copy of the values; OK validates everything, then saves them together."""

    def __init__(self, settings: Settings, data_dir: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Settings"))
        self.resize(560, 520)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._hotkeys_page(), self.tr("Hotkeys"))
        self.tabs.addTab(self._insertion_page(), self.tr("Insertion"))
        self.tabs.addTab(self._appearance_page(), self.tr("Appearance"))
        self.tabs.addTab(self._calls_page(), self.tr("Calls"))
        self.tabs.addTab(self._data_page(data_dir), self.tr("Data"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.buttons)

    def _restore_default_hotkeys(self) -> None:
        for action, edit in self.hotkey_edits.items():
            edit.setText(DEFAULT_HOTKEYS[action])

    # -- pages -----------------------------------------------------------------------
    def _hotkeys_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.hotkey_edits: dict[str, QLineEdit] = {}
        current = self.settings.hotkeys()
        for action in DEFAULT_HOTKEYS:
            text, number = ACTION_NAMES[action]
            label = self.tr(str(text)) % number if number else self.tr(str(text))
            edit = QLineEdit(current.get(action, ""))
            edit.setPlaceholderText(self.tr("off"))
            edit.setAccessibleName(label)
            self.hotkey_edits[action] = edit
            form.addRow(label, edit)
        reset = QPushButton(self.tr("Restore defaults"))
        reset.clicked.connect(self._restore_default_hotkeys)
        form.addRow(reset)
        return page

    def _insertion_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        self.insert_mode = QComboBox()
        for mode, label in zip(INSERT_MODES, (self.tr("Copy only"), self.tr("Paste"), self.tr("Type"))):
            self.insert_mode.addItem(label, mode)
        self.insert_mode.setCurrentIndex(max(0, list(INSERT_MODES).index(self.settings.get("insert_mode"))
                                             if self.settings.get("insert_mode") in INSERT_MODES else 0))
        form.addRow(self.tr("Hotkeys insert by"), self.insert_mode)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Per program (window class or executable, e.g. wps, chrome.exe):")))
        self.profiles = QTableWidget(0, 4)
        self.profiles.setHorizontalHeaderLabels(
            [self.tr("Program"), self.tr("Mode"), self.tr("Paste keys"), self.tr("Line breaks when typing")])
        self.profiles.horizontalHeader().setStretchLastSection(True)
        for profile in self.settings.get("app_profiles"):
            if isinstance(profile, dict):
                self._add_profile_row(str(profile.get("app", "")), str(profile.get("mode", "copy")),
                                      str(profile.get("paste_keys", "ctrl+v")),
                                      str(profile.get("newline", DEFAULT_NEWLINE)))
        layout.addWidget(self.profiles)
        layout.addLayout(self._row_buttons(self.profiles, self.tr("Add program"),
                                           lambda: self._add_profile_row("", "paste", "ctrl+v")))
        return page

    def _row_buttons(self, table: QTableWidget, add_label: str, add) -> QHBoxLayout:
        """Add and Remove buttons under an editable table."""
        row = QHBoxLayout()
        add_button = QPushButton(add_label)
        add_button.clicked.connect(add)
        remove = QPushButton(self.tr("Remove"))
        remove.clicked.connect(lambda: table.removeRow(table.currentRow()))
        row.addWidget(add_button)
        row.addWidget(remove)
        row.addStretch(1)
        return row

    def _add_profile_row(self, app: str, mode: str, keys: str, newline: str = DEFAULT_NEWLINE) -> None:
        row = self.profiles.rowCount()
        self.profiles.insertRow(row)
        self.profiles.setItem(row, 0, QTableWidgetItem(app))
        combo = QComboBox()
        combo.addItems(list(INSERT_MODES))
        combo.setCurrentText(mode if mode in INSERT_MODES else "copy")
        self.profiles.setCellWidget(row, 1, combo)
        self.profiles.setItem(row, 2, QTableWidgetItem(keys))
        breaks = QComboBox()
        for value, label in (("shift+enter", self.tr("Shift+Enter (no form is sent)")), ("enter", self.tr("Enter")),
                             ("refuse", self.tr("Copy the phrase instead"))):
            breaks.addItem(label, value)
        breaks.setCurrentIndex(max(0, breaks.findData(newline if newline in NEWLINE_POLICIES else DEFAULT_NEWLINE)))
        self.profiles.setCellWidget(row, 3, breaks)

    def _appearance_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.theme = QComboBox()
        for value, label in (("system", self.tr("Follow the system")), ("light", self.tr("Light")),
                             ("dark", self.tr("Dark"))):
            self.theme.addItem(label, value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(self.settings.get("theme"))))
        form.addRow(self.tr("Theme"), self.theme)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(*limits("opacity"))
        self.opacity.setValue(int(self.settings.get("opacity")))
        self.opacity.setAccessibleName(self.tr("Opacity"))
        form.addRow(self.tr("Opacity"), self.opacity)
        self.font_size = QSpinBox()
        self.font_size.setRange(*limits("font_size"))
        self.font_size.setSpecialValueText(self.tr("system"))
        self.font_size.setValue(int(self.settings.get("font_size")))
        form.addRow(self.tr("Font size"), self.font_size)
        self.compact = QCheckBox(self.tr("Compact panel (checklist and phrases only)"))
        self.compact.setChecked(bool(self.settings.get("compact")))
        form.addRow(self.compact)
        self.language = QComboBox()
        self.language.addItem("中文（简体）", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(self.settings.get("language"))))
        form.addRow(self.tr("Language (at next start)"), self.language)
        return page

    def _calls_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        self.seat_id = QLineEdit(self.settings.get("seat_id"))
        form.addRow(self.tr("Staff number"), self.seat_id)
        self.bank_name = QLineEdit(self.settings.get("bank_name"))
        self.bank_name.setPlaceholderText(self.tr("as said on outbound calls"))
        form.addRow(self.tr("Bank name"), self.bank_name)
        self.shift_start = QLineEdit(self.settings.get("shift_start"))
        self.shift_end = QLineEdit(self.settings.get("shift_end"))
        shift = QHBoxLayout()
        shift.addWidget(self.shift_start)
        shift.addWidget(QLabel("→"))
        shift.addWidget(self.shift_end)
        form.addRow(self.tr("Shift (HH:MM)"), shift)
        self.complaint_days = QSpinBox()
        self.complaint_days.setRange(*limits("complaint_days"))
        self.complaint_days.setValue(int(self.settings.get("complaint_days")))
        form.addRow(self.tr("Complaint deadline (days)"), self.complaint_days)
        policy = self.settings.get("mask_policy")
        self.card_keep = QLineEdit(f"{policy.get('card_keep_first', 6)}/{policy.get('card_keep_last', 4)}")
        self.mobile_keep = QLineEdit(f"{policy.get('mobile_keep_first', 0)}/{policy.get('mobile_keep_last', 4)}")
        self.id_keep = QLineEdit(f"{policy.get('id_keep_first', 0)}/{policy.get('id_keep_last', 4)}")
        form.addRow(self.tr("Card digits kept (first/last)"), self.card_keep)
        form.addRow(self.tr("Mobile digits kept (first/last)"), self.mobile_keep)
        form.addRow(self.tr("ID digits kept (first/last)"), self.id_keep)
        self.retention_days = QSpinBox()
        self.retention_days.setObjectName("retentionDays")
        self.retention_days.setRange(*limits("retention_days"))
        self.retention_days.setValue(int(self.settings.get("retention_days")))
        form.addRow(self.tr("Keep calls for (days)"), self.retention_days)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Dispositions (up to %d):") % MAX_DISPOSITIONS))
        self.dispositions = QTableWidget(0, 3)
        self.dispositions.setHorizontalHeaderLabels([self.tr("Code"), self.tr("Chinese"), self.tr("English")])
        self.dispositions.horizontalHeader().setStretchLastSection(True)
        for item in dispositions_from(self.settings.get("dispositions")):
            self._add_disposition_row(item.code, item.zh, item.en)
        layout.addWidget(self.dispositions)
        layout.addLayout(self._row_buttons(self.dispositions, self.tr("Add"),
                                           lambda: self._add_disposition_row("", "", "")))
        return page

    def _add_disposition_row(self, code: str, zh: str, en: str) -> None:
        row = self.dispositions.rowCount()
        self.dispositions.insertRow(row)
        for column, value in enumerate((code, zh, en)):
            self.dispositions.setItem(row, column, QTableWidgetItem(value))

    def _data_page(self, data_dir: str) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        path = QLineEdit(data_dir)
        path.setReadOnly(True)
        form.addRow(self.tr("Data folder"), path)
        open_button = QPushButton(self.tr("Open folder"))
        open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(data_dir)))
        form.addRow(open_button)
        note = QLabel(self.tr("Start Seatside with --data-dir DIR (or SEATSIDE_DATA_DIR) to use another folder."))
        note.setWordWrap(True)
        form.addRow(note)
        return page

    # -- reading and saving ----------------------------------------------------------------
    def values(self) -> dict:
        """Everything on the pages, checked; raises ValueError naming what is wrong."""
        hotkeys = {action: edit.text().strip().lower() for action, edit in self.hotkey_edits.items()}
        problems = check_bindings(hotkeys)
        if problems:
            action, why = next(iter(problems.items()))
            raise ValueError(self.tr("Hotkey for %s: %s") % (action, why))
        profiles = []
        for row in range(self.profiles.rowCount()):
            app = _cell(self.profiles, row, 0).lower()
            if app:
                keys = _cell(self.profiles, row, 2) if self.profiles.item(row, 2) else "ctrl+v"
                mode_box = self.profiles.cellWidget(row, 1)
                profile = {"app": app, "mode": mode_box.currentText() if isinstance(mode_box, QComboBox) else "copy",
                           "paste_keys": keys or "ctrl+v"}
                breaks_box = self.profiles.cellWidget(row, 3)
                newline = breaks_box.currentData() if isinstance(breaks_box, QComboBox) else DEFAULT_NEWLINE
                if newline != DEFAULT_NEWLINE:
                    profile["newline"] = newline
                profiles.append(profile)
        dispositions = []
        for row in range(self.dispositions.rowCount()):
            cells = [_cell(self.dispositions, row, c) for c in range(3)]
            if any(cells):
                if not cells[0] or not cells[1]:
                    raise ValueError(self.tr("Every disposition needs a code and a Chinese name"))
                dispositions.append({"code": cells[0], "zh": cells[1], "en": cells[2] or cells[0]})
        if len(dispositions) > MAX_DISPOSITIONS:
            raise ValueError(self.tr("At most %d dispositions") % MAX_DISPOSITIONS)
        if len({d["code"] for d in dispositions}) != len(dispositions):
            raise ValueError(self.tr("Disposition codes must be different"))
        for text in (self.shift_start.text(), self.shift_end.text()):
            parse_hhmm(text.strip())  # ValueError with a readable message
        policy: dict[str, int] = {}
        for prefix, edit in (("card", self.card_keep), ("mobile", self.mobile_keep), ("id", self.id_keep)):
            first, _, last = edit.text().partition("/")
            if not (first.strip().isdigit() and last.strip().isdigit()):
                raise ValueError(self.tr("Digits kept must look like 6/4"))
            policy[f"{prefix}_keep_first"], policy[f"{prefix}_keep_last"] = int(first), int(last)
        try:
            MaskPolicy(**policy)  # type: ignore[arg-type]  # the six *_keep_* fields, all int
        except ValueError:
            raise ValueError(
                self.tr("At most the first 6 and last 4 digits of a card and the last 4 of an ID or mobile may stay "
                        "readable (6/4, 0/4, 0/4)")
            ) from None
        own = {a: c for a, c in hotkeys.items() if c != DEFAULT_HOTKEYS[a]}
        return {
            "hotkeys": own,
            "insert_mode": self.insert_mode.currentData(),
            "app_profiles": profiles,
            "theme": self.theme.currentData(),
            "opacity": self.opacity.value(),
            "font_size": self.font_size.value(),
            "compact": self.compact.isChecked(),
            "language": self.language.currentData(),
            "seat_id": self.seat_id.text().strip(),
            "bank_name": self.bank_name.text().strip(),
            "shift_start": self.shift_start.text().strip(),
            "shift_end": self.shift_end.text().strip(),
            "complaint_days": self.complaint_days.value(),
            "mask_policy": policy,
            "retention_days": self.retention_days.value(),
            "dispositions": dispositions,
        }

    def accept(self) -> None:
        try:
            values = self.values()
        except ValueError as exc:
            QMessageBox.warning(self, self.tr("Settings"), str(exc))
            return
        for name, value in values.items():
            self.settings.set(name, value)
        super().accept()


def _cell(table: QTableWidget, row: int, column: int) -> str:
    """The stripped text of a table cell ('' when the cell was never filled)."""
    item = table.item(row, column)
    return item.text().strip() if item is not None else ""
