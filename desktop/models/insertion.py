"""Putting a phrase into the program the seat is typing in: copy, paste or type."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core.base.machine_load import busy_factor
from desktop.core.packs.scenarios import PhraseChoice
from desktop.core.seat.settings import INSERT_MODES, Settings
from desktop.models.call_model import CallModel
from desktop.models.phrases_model import PhrasesModel
from desktop.platform.clipboard import Clipboard, ClipboardBusy
from desktop.platform.insertion import ElevatedTarget, Inserter, NoInserter, WindowInfo

log = logging.getLogger(__name__)

MODIFIER_POLL_MS = 10
MODIFIER_WAIT_POLLS = 150  # give up waiting for held modifiers after 1.5 s
# What a line break becomes in type mode (a profile's "newline"): Shift+Enter starts a new
# line in a text box without submitting the form Enter may submit; "refuse" copies instead.
NEWLINE_POLICIES = ("shift+enter", "enter", "refuse")
DEFAULT_NEWLINE = "shift+enter"


@dataclass(frozen=True)
class PendingInsert:
    """An insertion waiting for placeholder values the seat must type."""

    choice: PhraseChoice
    target: WindowInfo | None
    missing: tuple[str, ...]


class InsertionController(QObject):
    """Renders a phrase and delivers it to the target window in the right mode."""

    valuesNeeded = Signal(object)  # PendingInsert
    inserted = Signal(str, str)  # text, mode
    clipboardRestored = Signal(bool)  # after a paste: the seat's clipboard was given back (or left: copied over)
    failed = Signal(str)
    _typed = Signal(object)  # (choice, text, error) from the typing thread

    def __init__(
        self,
        model: CallModel,
        phrases: PhrasesModel,
        inserter: Inserter,
        clipboard: Clipboard,
        settings: Settings,
        mode_override: str | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.model = model
        self.phrases = phrases
        self.inserter = inserter
        self.clipboard = clipboard
        self.settings = settings
        if mode_override is not None and mode_override not in INSERT_MODES:
            raise ValueError(f"unknown insert mode {mode_override!r}")
        self.mode_override = mode_override
        self._typist = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seatside-type")
        self._typed.connect(self._typing_done)

    # -- choosing the mode -------------------------------------------------------
    def profile_for(self, window: WindowInfo | None) -> dict:
        """The seat's profile for ``window``: its "app" matches the executable (with or
        without .exe), the X11 WM_CLASS class or the Windows window class."""
        if window is None:
            return {}
        names = {window.app, window.app.removesuffix(".exe"), window.window_class} - {""}
        for profile in self.settings.get("app_profiles"):
            if isinstance(profile, dict) and str(profile.get("app", "")).lower() in names:
                return profile
        return {}

    def mode_for(self, window: WindowInfo | None) -> tuple[str, str]:
        """(mode, paste keys) for ``window``: the run's override, its profile, the default."""
        profile = self.profile_for(window)
        mode, keys = profile.get("mode", self.settings.get("insert_mode")), profile.get("paste_keys", "ctrl+v")
        if self.mode_override:
            mode = self.mode_override
        if mode not in INSERT_MODES:
            mode = "copy"
        if mode != "copy" and (isinstance(self.inserter, NoInserter) or window is None):
            mode = "copy"  # nothing to send keys to: the clipboard is the honest fallback
        return mode, keys

    def newline_for(self, window: WindowInfo | None) -> str:
        """What a line break is typed as in ``window`` (see NEWLINE_POLICIES)."""
        policy = self.profile_for(window).get("newline", DEFAULT_NEWLINE)
        return policy if policy in NEWLINE_POLICIES else DEFAULT_NEWLINE

    def explain(self, error: BaseException) -> str:
        """Why sending failed, in the seat's words."""
        if isinstance(error, ElevatedTarget):
            return self.tr(
                "%s runs as administrator: Windows does not let Seatside send keys to it. "
                "Paste the phrase yourself with Ctrl+V, or ask IT to run both the same way."
            ) % (error.app or self.tr("The program"))
        if isinstance(error, ClipboardBusy):
            return self.tr("The clipboard is held by %s; try again in a moment") % (
                error.holder or self.tr("another program"))
        return str(error)

    # -- inserting -----------------------------------------------------------------
    def insert_nth(self, number: int, target: WindowInfo | None) -> bool:
        """Insert suggestion ``number`` (0-based) of the current step into ``target``."""
        choices = self.phrases.current_choices()
        if not 0 <= number < len(choices):
            self.phrases.message.emit(self.tr("No phrase %d for this step") % (number + 1))
            return False
        return self.insert(choices[number], target)

    def insert(self, choice: PhraseChoice, target: WindowInfo | None) -> bool:
        rendered = self.phrases.render(choice)
        if not rendered.complete:
            self.valuesNeeded.emit(PendingInsert(choice, target, rendered.missing))
            return False
        self._deliver(choice, rendered.text, target)
        return True

    def complete(self, pending: PendingInsert, values: dict[str, str]) -> bool:
        """The seat typed the missing values: remember them and insert."""
        for name, value in values.items():
            if value.strip():
                self.model.set_value(name, value.strip())
        if not self.phrases.render(pending.choice).complete:
            return False
        return self.insert(pending.choice, pending.target)

    def _deliver(self, choice: PhraseChoice, text: str, target: WindowInfo | None) -> None:
        mode, keys = self.mode_for(target)
        try:
            if mode == "copy":
                self.clipboard.set_text(text)
                self._done(choice, text, "copy")
            elif mode == "paste":
                previous = self.clipboard.snapshot()
                self.clipboard.set_text(text)
                self._after_modifiers(lambda: self._paste(choice, text, target, keys, previous))
            elif "\n" in text and self.newline_for(target) == "refuse":
                self.clipboard.set_text(text)
                self.failed.emit(self.tr("Line breaks are not typed into this program; the phrase is on the clipboard"))
                self._done(choice, text, "copy")
            else:
                self._after_modifiers(lambda: self._type(choice, text, target))
        except ClipboardBusy as exc:
            self.failed.emit(self.explain(exc))

    def _after_modifiers(self, action: Callable[[], None], polls: int = MODIFIER_WAIT_POLLS) -> None:
        """Run ``action`` once Ctrl/Alt/Shift are released, so they can't corrupt the keys we send."""
        if polls > 0 and self.inserter.modifiers_down():
            QTimer.singleShot(MODIFIER_POLL_MS, lambda: self._after_modifiers(action, polls - 1))
            return
        action()

    def _focus(self, target: WindowInfo | None) -> None:
        if target is None:
            return
        current = self.inserter.active_window()
        if current is None or current.id != target.id:
            self.inserter.activate(target)

    def _paste(self, choice: PhraseChoice, text: str, target: WindowInfo | None, keys: str, previous) -> None:
        try:
            self._focus(target)
            self.inserter.send_keys(keys)
        except ElevatedTarget as exc:
            self.failed.emit(self.explain(exc))
            self._done(choice, text, "copy")
            return
        except Exception as exc:  # noqa: BLE001 - the text is still on the clipboard
            self.failed.emit(self.tr("Could not paste (%s); the phrase is on the clipboard") % exc)
            self._done(choice, text, "copy")
            return
        self._done(choice, text, "paste")
        # Given back once the program has read the paste: later on a busy machine.
        delay = int(self.settings.get("clipboard_restore_ms") * busy_factor())
        QTimer.singleShot(delay, lambda: self._restore(text, previous))

    def _restore(self, ours: str, previous) -> None:
        """Put the seat's clipboard back, unless something else was copied meanwhile."""
        try:
            restored = self.clipboard.text() == ours
            if restored:
                self.clipboard.restore(previous)
        except ClipboardBusy as exc:  # the seat's own clipboard stays lost: say so
            log.warning("clipboard not restored: %s", exc)
            self.failed.emit(self.explain(exc))
            restored = False
        self.clipboardRestored.emit(restored)

    def _type(self, choice: PhraseChoice, text: str, target: WindowInfo | None) -> None:
        self._focus(target)
        newline = self.newline_for(target)
        lines = text.replace("\r\n", "\n").split("\n")

        def work():
            try:
                for number, line in enumerate(lines):
                    if number:
                        self.inserter.send_keys(newline)
                    if line:
                        self.inserter.type_text(line)
                self._typed.emit((choice, text, None))
            except Exception as exc:  # noqa: BLE001 - reported on the GUI thread
                self._typed.emit((choice, text, exc))

        self._typist.submit(work)

    def _typing_done(self, payload) -> None:
        choice, text, error = payload
        if error is not None:
            try:
                self.clipboard.set_text(text)
            except ClipboardBusy as exc:
                self.failed.emit(self.explain(exc))
                return
            if isinstance(error, ElevatedTarget):
                self.failed.emit(self.explain(error))
            else:
                self.failed.emit(self.tr("Could not type (%s); the phrase is on the clipboard") % error)
            self._done(choice, text, "copy")
        else:
            self._done(choice, text, "type")

    def _done(self, choice: PhraseChoice, text: str, mode: str) -> None:
        self.phrases.record_use(choice, text, mode)
        self.inserted.emit(text, mode)

    def close(self) -> None:
        self._typist.shutdown(wait=True)
        self.inserter.close()
