"""Behaving like a desktop program: settings, theme, compact mode, geometry, tray, single instance."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from desktop.ui.appearance import is_dark
from desktop.ui.settings_dialog import SettingsDialog
from desktop.ui.tray import TrayIcon


def test_settings_dialog_saves_every_page(seatside, qtbot):
    dialog = SettingsDialog(seatside.settings, str(seatside.data_dir))
    qtbot.addWidget(dialog)
    dialog.hotkey_edits["palette"].setText("ctrl+shift+p")
    dialog.insert_mode.setCurrentIndex(dialog.insert_mode.findData("paste"))
    dialog._add_profile_row("wps", "paste", "shift+insert")
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.opacity.setValue(80)
    dialog.compact.setChecked(True)
    dialog.seat_id.setText("A1024")
    dialog.shift_start.setText("22:00")
    dialog.shift_end.setText("06:00")
    dialog.card_keep.setText("4/4")
    dialog.accept()
    s = seatside.settings
    assert s.hotkeys()["palette"] == "ctrl+shift+p" and s.get("hotkeys") == {"palette": "ctrl+shift+p"}
    assert s.get("insert_mode") == "paste"
    assert s.get("app_profiles") == [{"app": "wps", "mode": "paste", "paste_keys": "shift+insert"}]
    assert (s.get("theme"), s.get("opacity"), s.get("compact"), s.get("seat_id")) == ("dark", 80, True, "A1024")
    assert (s.get("shift_start"), s.get("shift_end")) == ("22:00", "06:00")
    assert s.get("mask_policy")["card_keep_first"] == 4
    # the panel and the theme follow at once; the hotkeys are re-registered
    assert seatside.panel.windowOpacity() == pytest.approx(0.8, abs=0.01)
    assert seatside.panel.picker.isHidden() and seatside.panel.notes.isHidden()
    assert is_dark(QApplication.instance())
    assert "palette" in seatside.hotkeys.backend.bindings.values()
    assert seatside.hotkeys.backend.press("ctrl+shift+p")


def test_settings_dialog_refuses_bad_values(seatside, qtbot):
    dialog = SettingsDialog(seatside.settings, str(seatside.data_dir))
    qtbot.addWidget(dialog)
    dialog.hotkey_edits["palette"].setText("ctrl+alt+1")
    with pytest.raises(ValueError, match="insert-1"):
        dialog.values()
    dialog.hotkey_edits["palette"].setText("ctrl+alt+space")
    dialog.shift_start.setText("25:00")
    with pytest.raises(ValueError):
        dialog.values()
    dialog.shift_start.setText("08:00")
    for _ in range(16):
        dialog._add_disposition_row("x", "某", "")
    with pytest.raises(ValueError):
        dialog.values()


def test_light_theme_and_back_to_system(seatside):
    seatside.settings.set("theme", "light")
    assert not is_dark(QApplication.instance())
    seatside.settings.set("theme", "system")


def test_geometry_is_remembered_per_screen_layout_and_kept_on_screen(seatside, qtbot):
    panel = seatside.panel
    panel.show()
    qtbot.waitExposed(panel)
    panel.setGeometry(QRect(300, 200, 420, 700))
    qtbot.waitUntil(lambda: panel.layout_key() in seatside.settings.get("panel_geometry"), timeout=3000)
    saved = seatside.settings.get("panel_geometry")[panel.layout_key()]
    assert saved[2:] == [400, 700]  # the width is fixed: a long line wraps, it never widens the panel
    # a layout whose screen is gone: the panel comes back on the screen it has
    seatside.settings.set("panel_geometry", {panel.layout_key(): [5000, 4000, 400, 700]})
    panel.placement.restore()
    area = QGuiApplication.primaryScreen().availableGeometry()
    assert area.intersects(panel.frameGeometry())


def test_snaps_to_the_nearest_edge(seatside, qtbot):
    panel = seatside.panel
    panel.show()
    qtbot.waitExposed(panel)
    area = panel.screen().availableGeometry()
    panel.move(area.left() + 10, area.top() + 100)
    panel.placement.snap_to_edges()
    assert panel.frameGeometry().left() == area.left()


def test_tray_menu_and_hide_to_tray(seatside, qtbot):
    tray = TrayIcon(seatside.model, seatside.panel, seatside.hotkeys, QIcon())
    texts = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert texts == ["显示/隐藏面板", "开始通话", "导出本班次…", "设置…", "退出"]
    assert tray.toolTip() == "坐席助手 — 快捷键：fake"
    seatside.panel.show()
    seatside.panel.hide_to_tray = True
    seatside.panel.close()
    assert not seatside.panel.isVisible()
    tray.toggle_call()
    assert seatside.model.in_call and tray.call_action.text() == "结束通话"
    seatside.panel.hide_to_tray = False


def test_second_launch_brings_the_first_forward(tmp_path, qapp):
    env = {**os.environ, "SEATSIDE_DATA_DIR": str(tmp_path / "data")}
    env.pop("QT_QPA_PLATFORM", None)
    first = subprocess.Popen([sys.executable, "-m", "desktop"], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        from tests.gui.test_process import visible_windows, wait_for

        assert wait_for(lambda: visible_windows(first.pid), timeout=30)
        second = subprocess.run([sys.executable, "-m", "desktop"], env=env, capture_output=True, text=True, timeout=30)
        assert second.returncode == 0 and "already running" in second.stderr
        assert first.poll() is None
    finally:
        first.terminate()
        first.wait(timeout=15)
        first.stderr.close()
