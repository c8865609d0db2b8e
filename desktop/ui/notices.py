"""What the panel tells the seat above the call: a save that failed, updated or broken
scenario packs, and the hotkeys' state. Each notice hides itself when there is nothing to say."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.core.packs.loader import Problem
from desktop.models.hotkey_dispatcher import HotkeyDispatcher
from desktop.ui.appearance import set_text_colour

# Pack changes listed by name; the rest counted.
CHANGES_SHOWN = 8


def _plain_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class Notices(QWidget):
    """The notices, stacked; ``backend_label`` (which hotkey backend runs) is for the status bar."""

    def __init__(self, hotkeys: HotkeyDispatcher | None, problems: list[Problem], parent: QWidget | None = None):
        super().__init__(parent)
        self.hotkeys = hotkeys
        self.problems = list(problems)
        # Shown while notes cannot be saved; no button and no focus, so no key press dismisses it:
        # it goes only when a save succeeds.
        self.save_warning = _plain_label("saveWarning")
        self.save_warning.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        set_text_colour(self.save_warning, "warning")
        self.save_warning.hide()
        self.changes_label = _plain_label("packChanges")
        self.changes_close = QPushButton(self.tr("Dismiss"))
        self.changes_close.clicked.connect(self.dismiss_pack_changes)
        self.changes_box = QWidget()
        changes_layout = QHBoxLayout(self.changes_box)
        changes_layout.setContentsMargins(0, 0, 0, 0)
        changes_layout.addWidget(self.changes_label, 1)
        changes_layout.addWidget(self.changes_close, 0, Qt.AlignmentFlag.AlignTop)
        self.changes_box.hide()
        self.problem_label = _plain_label("packProblems")
        set_text_colour(self.problem_label, "warning")
        self.hotkey_label = _plain_label("hotkeyStatus")
        self.backend_label = QLabel()
        self.backend_label.setObjectName("hotkeyBackend")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.save_warning, self.changes_box, self.problem_label, self.hotkey_label):
            layout.addWidget(widget)
        if hotkeys is not None:
            hotkeys.failuresChanged.connect(self.show_hotkey_status)
        self.show_problems()
        self.show_hotkey_status()

    # -- scenario packs --------------------------------------------------------------
    def set_problems(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        self.show_problems()

    def show_problems(self) -> None:
        errors = [p for p in self.problems if p.severity == "error"]
        files = sorted({p.file for p in errors})
        if not files:
            self.problem_label.hide()
            return
        first = errors[0]
        self.problem_label.setText(
            self.tr("%d scenario file(s) skipped: %s") % (len(files), f"{first.file}:{first.line}: {first.message}")
        )
        self.problem_label.setToolTip("\n".join(str(p) for p in self.problems))
        self.problem_label.show()

    def show_pack_changes(self, changes: list) -> None:
        """Once after a pack's version changed: what was added, removed or edited."""
        shown = [str(c) for c in changes[:CHANGES_SHOWN]]
        if len(changes) > CHANGES_SHOWN:
            shown.append(self.tr("… and %d more") % (len(changes) - CHANGES_SHOWN))
        self.changes_label.setText(self.tr("Scenario packs were updated:") + "\n" + "\n".join(shown))
        self.changes_label.setToolTip("\n".join(str(c) for c in changes))
        self.changes_box.show()

    def dismiss_pack_changes(self) -> None:
        self.changes_box.hide()

    # -- hotkeys ---------------------------------------------------------------------------
    def show_hotkey_status(self) -> None:
        """Which backend serves the global hotkeys, and which bindings it refused."""
        if self.hotkeys is None:
            self.hotkey_label.hide()
            self.backend_label.hide()
            return
        backend = self.hotkeys.backend
        failures = self.hotkeys.failures
        if not self.hotkeys.started:  # the real backend comes up a moment after the panel
            self.hotkey_label.hide()
            self.backend_label.setText(self.tr("Hotkeys: starting…"))
            return
        if backend.name == "none":
            reason = getattr(backend, "reason", "")
            text = self.tr("Global hotkeys are off (%s); the panel's own keys still work.") % reason
        elif failures:
            refused = "; ".join(f"{action}: {why}" for action, why in sorted(failures.items()))
            text = self.tr("Hotkeys via %s. Not registered: %s") % (backend.name, refused)
        else:
            text = self.tr("Hotkeys via %s") % backend.name
        self.hotkey_label.setText(text)
        self.hotkey_label.setToolTip(text)
        self.hotkey_label.setVisible(backend.name == "none" or bool(failures))
        self.backend_label.setText(self.tr("Hotkeys: %s") % backend.name)
        self.backend_label.setToolTip(text)
