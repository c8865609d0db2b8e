"""GUI tests: a real X11 display (pytest-xvfb starts Xvfb), each test with its
own data folder; Qt warnings fail the test (``qt_log_level_fail``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from desktop.core.base.paths import resources_dir

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The zh_CN .qm is a build product; compile it if this checkout lacks it."""
    ts = resources_dir() / "i18n" / "seatside_zh_CN.ts"
    qm = ts.with_suffix(".qm")
    if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
        import shutil
        import sys

        lrelease = shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent))
        subprocess.run([lrelease, "-silent", str(ts), "-qm", str(qm)], check=True)


@pytest.fixture
def make_app(qapp, isolated_dirs):
    """Build the fully wired app (as ``make run`` does) with a chosen clipboard."""
    from desktop import app as app_module
    from desktop.platform.clipboard import FakeClipboard

    built = []

    def factory(real_clipboard: bool = False, real_hooks: bool = False, **kwargs):
        """Fakes for the OS hooks unless ``real_clipboard``/``real_hooks`` ask for the X11 ones."""
        from desktop.platform.hotkeys import FakeHotkeys
        from desktop.platform.insertion import FakeInserter

        clipboard = None if real_clipboard else FakeClipboard()
        if not real_hooks:
            kwargs.setdefault("hotkey_backend", FakeHotkeys)
            kwargs.setdefault("inserter", FakeInserter())
        app = app_module.build(isolated_dirs, clipboard=clipboard, **kwargs)
        app.start_hooks()  # real hooks start just after the panel; tests want them now
        built.append(app)
        return app

    yield factory
    for app in built:
        app.panel.close()
        app.shutdown()
        qapp.aboutToQuit.disconnect(app.shutdown)
        for translator in app.translators:
            qapp.removeTranslator(translator)
        app.panel.deleteLater()
    qapp.processEvents()


@pytest.fixture
def seatside(make_app):
    return make_app()


def type_text(widget, text: str, preedit: str = "") -> None:
    """Type text the way a Chinese IME delivers it: optional preedit, then commit.

    (``qtbot.keyClicks`` with CJK characters aborts Qt.)
    """
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    if preedit:
        QApplication.sendEvent(widget, QInputMethodEvent(preedit, []))
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def x11_clipboard(qtbot) -> str:
    """What another X11 program reads from the CLIPBOARD selection right now.

    The Qt event loop keeps running meanwhile, so this process can answer.
    """
    import subprocess

    proc = subprocess.Popen(
        ["xclip", "-o", "-selection", "clipboard", "-t", "UTF8_STRING"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=5000)
    out, err = proc.communicate()
    assert proc.returncode == 0, err.decode(errors="replace")
    return out.decode("utf-8")
