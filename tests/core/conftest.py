"""Pure tests of ``desktop.core``: they must run without Qt."""

import sys

import pytest


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not session.config.pluginmanager.has_plugin("pytest-qt") and "PySide6" in sys.modules:
        print("\nerror: PySide6 was imported while running the Qt-free core tests", file=sys.stderr)
        session.exitstatus = 1
