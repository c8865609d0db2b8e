import time; T0 = time.perf_counter()  # noqa: E702, I001 - must stay the very first statement

# One start-up measurement, run as a script in a fresh interpreter:
#   python benchmarks/_startup_child.py MODE DATA_DIR [WIDTHxHEIGHT]
# MODE is "bare" or "seatside"; the bare window takes the given size (default
# 380x720). "bare+profile" and "seatside+profile" also
# record the peak RSS after each phase and time the parts of build() (used
# only for the "where the time goes" section, never for the medians).
# Writes "exposed" to stdout the moment the window is exposed on the display,
# then one JSON line with the timings (seconds from T0) and the peak RSS.

import sys  # noqa: E402 - after the statement that starts the clock

del sys.path[0]  # this folder; keep its modules from shadowing anything


def main() -> None:
    mode, _, option = sys.argv[1].partition("+")
    data = sys.argv[2]
    profile = option == "profile"
    marks: dict[str, float] = {}
    rss: dict[str, int] = {}
    phases: list[tuple[str, float, int]] = []

    if profile:
        import resource

        def mark(name: str) -> None:
            marks[name] = time.perf_counter() - T0
            rss[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    else:

        def mark(name: str) -> None:
            marks[name] = time.perf_counter() - T0

    if mode == "bare":
        from PySide6.QtCore import QEventLoop, QTimer
        from PySide6.QtWidgets import QApplication, QWidget

        mark("imported")
        qapp = QApplication(sys.argv[:1])
        width, _, height = (sys.argv[3] if len(sys.argv) > 3 else "380x720").partition("x")
        window = QWidget()
        window.resize(int(width), int(height))
        mark("built")
        window.show()
        app = None
    elif mode == "seatside":
        from PySide6.QtCore import QEventLoop, QTimer

        from desktop.app import build

        mark("imported")
        if profile:
            _time_build_parts(phases, resource)
        app = build(data)
        qapp, window = app.qapp, app.panel
        mark("built")
        window.show()
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    mark("shown")

    # Process events until the window is exposed; a repeating timer makes sure
    # WaitForMoreEvents can never block for long, and a deadline stops a hang.
    nudge = QTimer()
    nudge.start(20)
    deadline = T0 + 60.0
    handle = window.windowHandle()
    while handle is None or not handle.isExposed():
        if time.perf_counter() > deadline:
            raise SystemExit("the window was never exposed")
        qapp.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        handle = window.windowHandle()
    mark("exposed")
    import os

    os.write(1, b"exposed\n")
    nudge.stop()

    import json
    import resource

    result = {
        "mode": mode,
        "marks": marks,
        "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "rss_marks": rss,
        "phases": phases,
        "size": [window.width(), window.height()],
        "platform": qapp.platformName(),
    }
    if app is not None:
        app.panel.close()
        app.shutdown()
    else:
        window.close()
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


def _time_build_parts(phases: list, resource) -> None:
    """Wrap the steps of ``desktop.app.build`` to time each one (profile mode only)."""
    import desktop.app as app_module
    from desktop.models.background import Background

    def timed(name, func):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                phases.append((name, time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))

        return wrapper

    for attr, name in (
        ("ensure_qapp", "QApplication"),
        ("install_translator", "translator"),
        ("Background", "database worker thread"),
        ("CallModel", "call model"),
        ("PhrasesModel", "phrases model"),
        ("RecordsModel", "records model"),
        ("PanelWindow", "panel widgets"),
    ):
        if hasattr(app_module, attr):  # skip what build() no longer uses
            setattr(app_module, attr, timed(name, getattr(app_module, attr)))
    from desktop.core.packs.packset import PackSet

    PackSet.load = timed("scenario packs (read and checked)", PackSet.load)
    if hasattr(app_module, "builtin_banned"):
        app_module.builtin_banned = timed("banned-phrase list", app_module.builtin_banned)
    if hasattr(Background, "wait_ready"):
        label = "waiting for the database to open"
        Background.wait_ready = timed(label, Background.wait_ready)


main()
