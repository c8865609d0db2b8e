"""Global hotkeys into the GUI thread: backend callbacks only emit a signal."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot

from desktop.core.seat.settings import Settings
from desktop.platform.hotkeys import HotkeyBackend, NoHotkeys, Trigger

log = logging.getLogger(__name__)


class HotkeyDispatcher(QObject):
    """Owns the hotkey backend; ``triggered(action)`` always arrives on the GUI thread."""

    triggered = Signal(str)
    failuresChanged = Signal()
    _fired = Signal(str)

    def __init__(self, make_backend: Callable[[Trigger], HotkeyBackend], settings: Settings,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        # Queued explicitly: the backend calls _on_trigger from its own thread.
        self._fired.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._make_backend = make_backend
        # Until start(): no global hotkeys yet (the real backend costs start-up time).
        self.backend: HotkeyBackend = NoHotkeys(self._on_trigger, "starting")
        self.started = False
        self.failures: dict[str, str] = {}
        settings.on_change(self._setting_changed)

    def _setting_changed(self, name: str, value: object) -> None:
        if name == "hotkeys":
            self.apply()

    def _on_trigger(self, action: str) -> None:
        """Called on the backend's thread: do nothing but emit."""
        self._fired.emit(action)

    @Slot(str)
    def _deliver(self, action: str) -> None:
        self.triggered.emit(action)

    def start(self) -> dict[str, str]:
        """Create the backend and register the bindings (once)."""
        if not self.started:
            self.started = True
            self.backend = self._make_backend(self._on_trigger)
        return self.apply()

    def apply(self) -> dict[str, str]:
        """(Re)register the bindings from the settings; returns action -> reason refused."""
        self.backend.unregister_all()
        self.failures = self.backend.register(self.settings.hotkeys())
        for action, reason in self.failures.items():
            log.info("hotkey %s not registered: %s", action, reason)
        self.failuresChanged.emit()
        return self.failures

    def close(self) -> None:
        try:
            self.backend.close()
        except Exception:  # closing must not stop the quit (logged)
            log.exception("closing the hotkey backend failed")
