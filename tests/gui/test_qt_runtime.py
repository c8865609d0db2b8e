"""The Qt binding must survive a seat's whole shift of signals.

PySide6 6.12.0 lost a reference to a Python singleton on every emission and
aborted with "Fatal Python error: bool_dealloc" after some thousands of them;
this runs a shift's worth in a separate process so a regression cannot hide.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def test_many_signal_emissions_do_not_crash_the_process():
    code = textwrap.dedent(
        """
        import sys
        from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

        app = QCoreApplication(sys.argv)

        class Source(QObject):
            text = Signal(str)
            anything = Signal(object)
            bare = Signal()

        source, seen = Source(), []
        source.text.connect(lambda value: seen.append(value))
        source.anything.connect(lambda value: seen.append(value), Qt.ConnectionType.QueuedConnection)
        source.bare.connect(lambda: seen.append(None))
        for i in range(60_000):
            source.text.emit("x")
            source.anything.emit((None, True, i))
            source.bare.emit()
            if i % 1000 == 0:
                app.processEvents()
        app.processEvents()
        print(len(seen))
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "180000"


def test_modules_imported_after_pyside_are_not_read_for_its_feature_scan():
    """PySide6 reads the source of every module imported after it (kept in linecache) unless
    ``desktop.platform.pyside_startup`` turns that off; a PySide6 without the hook fails here."""
    code = textwrap.dedent(
        """
        import linecache
        import desktop.app  # imports PySide6 through desktop.platform.pyside_startup
        import desktop.core.records.export  # a module the start never imports
        from desktop.platform.pyside_startup import skip_feature_source_scan

        assert skip_feature_source_scan(), "this PySide6 has no source scan to turn off"
        read = [name for name in linecache.cache if "desktop" in name]
        assert not read, read
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
