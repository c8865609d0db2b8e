"""Render the README screenshots of the panel on a virtual X11 display.

Usage: python scripts/screenshots.py OUTPUT_DIR

Writes panel-light.png (a call in progress with the caller's history),
panel-dark.png (a newer scenario, unrecognised-transaction) and panel-compact.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def settle() -> None:
    from PySide6.QtWidgets import QApplication

    for _ in range(30):
        QApplication.processEvents()


def type_into(widget, text: str) -> None:
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def earlier_call(app) -> None:
    """One earlier call of the same customer, with an open hand-over."""
    from desktop.core.base import clock

    def job(store):
        started = clock.now() - timedelta(days=26, hours=3)
        call = store.start_call(started)
        store.set_scenario(call, "card-retained-atm", "ATM吞卡与挂失")
        store.set_customer_ref(call, "*******5678", store.customer_key("13812345678"))
        store.end_call(call, started + timedelta(minutes=6), "follow-up",
                       "本行ATM吞卡，已办5天临时挂失并登记；已提醒取卡时在柜台解挂", wrapup_s=48)
        store.add_followup(call, "continuity", "提醒客户取卡时在柜台当场解除挂失", None, started)

    app.worker.call(job)


def main(out_dir: str) -> int:
    display = None
    if not os.environ.get("DISPLAY"):
        from pyvirtualdisplay import Display

        display = Display(visible=False, size=(1280, 900), color_depth=24)
        display.start()
    try:
        from PySide6.QtCore import Qt

        from desktop.app import build
        from desktop.platform.clipboard import FakeClipboard
        from desktop.platform.insertion import FakeInserter

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="seatside-shots-") as tmp:
            app = build(tmp, clipboard=FakeClipboard(), inserter=FakeInserter())
            panel, model = app.panel, app.model
            app.start_hooks()
            earlier_call(app)
            panel.show()
            model.start_call()
            model.choose_scenario("card-retained-atm")
            panel.checklist.list.item(0).setCheckState(Qt.CheckState.Checked)
            panel.notes.customer.setText("王先生")
            model.set_customer("王先生")
            panel.notes.reference.setText("13812345678")
            panel.notes.reference.editingFinished.emit()
            app.worker.call(lambda store: None)
            settle()
            panel.notes.editor.setFocus()
            type_into(panel.notes.editor, "客户称卡在他行ATM被吞，上次挂失未解除。")
            settle()
            shots = {}
            shots["panel-light.png"] = panel.grab()
            app.settings.set("theme", "dark")
            model.choose_scenario("unrecognised-transaction")  # one of the newer scenarios
            panel.checklist.list.item(0).setCheckState(Qt.CheckState.Checked)
            panel.notes.editor.clear()
            type_into(panel.notes.editor, "客户称收到两笔境外消费短信，卡在身上，不是本人刷的。")
            settle()
            shots["panel-dark.png"] = panel.grab()
            app.settings.set("theme", "light")
            app.settings.set("compact", True)
            panel.resize(panel.width(), 420)
            settle()
            shots["panel-compact.png"] = panel.grab()
            for name, pixmap in shots.items():
                pixmap.save(str(out / name))
                print(f"wrote {out / name}")
            app.model.end_call("follow-up", end_reason="screenshot")
            panel.close()
            app.shutdown()
    finally:
        if display is not None:
            display.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
