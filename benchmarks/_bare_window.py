# The baseline program of the start-up benchmark, run as a script in a fresh interpreter:
#   python benchmarks/_bare_window.py WIDTHxHEIGHT
# A bare PySide6 window of the panel's size that stays open, like Seatside, until it
# is told to stop (SIGTERM), then exits 0. The benchmark watches the X server for
# the window to be mapped and reads the peak RSS of this process from outside.

import signal
import sys

del sys.path[0]  # this folder; keep its modules from shadowing anything


def main() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    qapp = QApplication(sys.argv[:1])
    width, _, height = sys.argv[1].partition("x")
    window = QWidget()
    window.resize(int(width), int(height))
    # Seatside quits the same way: a Python signal handler, run at least every 200 ms, that
    # queues the quit (a quit() before exec() would be lost).
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: QTimer.singleShot(0, qapp.quit))
    timer = QTimer()
    timer.timeout.connect(lambda: None)
    timer.start(200)
    window.show()
    return qapp.exec()


sys.exit(main())
