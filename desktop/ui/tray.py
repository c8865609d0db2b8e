"""The tray icon: show/hide the panel, start/end a call, export, settings, quit."""

from __future__ import annotations

from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from desktop.models.call_model import CallModel
from desktop.models.hotkey_dispatcher import HotkeyDispatcher
from desktop.ui.panel import PanelWindow


class TrayIcon(QSystemTrayIcon):
    def __init__(self, model: CallModel, panel: PanelWindow, hotkeys: HotkeyDispatcher, icon: QIcon):
        super().__init__(icon, panel)
        self.model = model
        self.panel = panel
        self.hotkeys = hotkeys
        self.packs_version = ""
        menu = QMenu()
        self.toggle_action = QAction(self.tr("Show / hide panel"), menu)
        self.toggle_action.triggered.connect(self.toggle_panel)
        self.call_action = QAction(menu)
        self.call_action.triggered.connect(self.toggle_call)
        export = QAction(self.tr("Export shift…"), menu)
        export.triggered.connect(panel.menu.ask_export)
        settings = QAction(self.tr("Settings…"), menu)
        settings.triggered.connect(panel.menu.open_settings)
        quit_action = QAction(self.tr("Quit"), menu)
        quit_action.triggered.connect(QApplication.quit)
        for action in (self.toggle_action, self.call_action, export, settings):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(quit_action)
        self.menu = menu
        self.setContextMenu(menu)
        self.activated.connect(self._activated)
        model.callStateChanged.connect(self.refresh)
        hotkeys.failuresChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.call_action.setText(self.tr("End call") if self.model.in_call else self.tr("Start call"))
        tip = self.tr("Seatside — hotkeys: %s") % self.hotkeys.backend.name
        self.setToolTip(tip + ("\n" + self.packs_version if self.packs_version else ""))

    def set_packs_version(self, text: str) -> None:
        self.packs_version = text
        self.refresh()

    def toggle_panel(self) -> None:
        self.panel.setVisible(not self.panel.isVisible())

    def toggle_call(self) -> None:
        if self.model.in_call:
            self.panel.show()
        self.panel.toggle_call()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.toggle_panel()
