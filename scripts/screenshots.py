"""Render the README screenshots of the panel on a virtual X11 display.

Usage: python scripts/screenshots.py OUTPUT_DIR
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(out_dir: str) -> int:
    display = None
    if not os.environ.get("DISPLAY"):
        from pyvirtualdisplay import Display

        display = Display(visible=False, size=(1280, 900), color_depth=24)
        display.start()
    try:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QInputMethodEvent
        from PySide6.QtWidgets import QApplication

        from desktop.app import build
        from desktop.platform.clipboard import FakeClipboard

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="seatside-shots-") as tmp:
            app = build(tmp, clipboard=FakeClipboard())
            panel, model = app.panel, app.model
            panel.show()
            model.start_call()
            model.choose_scenario("card-retained-atm")
            panel.checklist.list.item(0).setCheckState(Qt.CheckState.Checked)
            panel.notes.customer.setText("王先生")
            model.set_customer("王先生")
            event = QInputMethodEvent("", [])
            event.setCommitString("客户昨晚在本行ATM取款后忘记拿卡，已核实身份。")
            panel.notes.editor.setFocus()
            QApplication.sendEvent(panel.notes.editor, event)
            for _ in range(20):
                QApplication.processEvents()
            path = out / "panel.png"
            panel.grab().save(str(path))
            print(f"wrote {path}")
            panel.close()
            app.shutdown()
    finally:
        if display is not None:
            display.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
