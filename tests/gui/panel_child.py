"""The real panel process (``desktop.app.run``, live endpoint on) with a probe: every
200 ms it writes what the seat would see to ``STATE_FILE`` (atomically), and it takes
``finish DISPOSITION`` on stdin to end the wrap-up as the seat would (choose, OK).

Usage: python panel_child.py DATA_DIR PACK_DIR STATE_FILE
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, min(hard, max(1024, soft))))  # as on a desktop
    data, pack, state_file = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    from PySide6.QtCore import QObject, QTimer, Signal
    from PySide6.QtGui import QGuiApplication

    from desktop import app as app_module
    from desktop.ui.end_call_dialog import EndCallDialog

    built: list = []
    original_build = app_module.build

    def build(*args, **kwargs):
        kwargs["builtin"] = False
        app = original_build(*args, **kwargs)
        built.append(app)
        return app

    app_module.build = build
    app_module.ensure_qapp()  # before the probe's timer

    class Commands(QObject):
        line = Signal(str)

    commands = Commands()

    def finish(disposition: str) -> None:
        panel = built[0].panel
        for dialog in panel.findChildren(EndCallDialog):
            if dialog.isVisible():
                dialog.choose(disposition)
                dialog.accept()

    def untick(index: int) -> None:
        for dialog in built[0].panel.findChildren(EndCallDialog):
            if dialog.isVisible():
                dialog.continuity_boxes[index].setChecked(False)

    def command(text: str) -> None:
        if text.startswith("finish "):
            finish(text.split()[1])
        elif text.startswith("untick "):
            untick(int(text.split()[1]))

    commands.line.connect(command)

    def read_stdin() -> None:
        for line in sys.stdin:
            commands.line.emit(line.strip())

    def probe() -> None:
        if not built:
            return
        app = built[0]
        panel, live = app.panel, app.live
        frame = panel.frameGeometry()
        screen = (panel.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        wrapups = [d for d in panel.findChildren(EndCallDialog) if d.isVisible()]
        state = {
            "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
            "screen": [screen.x(), screen.y(), screen.width(), screen.height()],
            "in_call": app.model.in_call,
            "call_id": live.call.call_id if live is not None and live.call is not None else "",
            "suggestion_visible": panel.suggestion_box.isVisible(),
            "suggestion_text": panel.suggestion_label.text(),
            "suggestion_tip": panel.suggestion_box.toolTip(),
            "heard": panel.live_bar.heard.text() if live is not None else "",
            "wrapups": len(wrapups),
            "continuity": [[b.text(), b.isChecked()] for d in wrapups for b in d.continuity_boxes],
            "waiting": len(live.waiting) if live is not None else 0,
            "dot": panel.feed_dot.state if live is not None else "",
            "dot_text": panel.feed_dot.text() if live is not None else "",
            "dot_tip": panel.feed_dot.toolTip() if live is not None else "",
            "listening": live is not None and live.server is not None,
            "scenario": app.model.scenario.id if app.model.scenario is not None else "",
            "hotkeys": app.hotkeys.started and app.hotkeys.backend.name != "none",
        }
        tmp = state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, state_file)

    timer = QTimer()
    timer.setInterval(200)
    timer.timeout.connect(probe)
    timer.start()
    threading.Thread(target=read_stdin, daemon=True).start()
    return app_module.run(data, [pack], builtin=False)


if __name__ == "__main__":
    sys.exit(main())
