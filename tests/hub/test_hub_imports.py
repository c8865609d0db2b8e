"""The hub is a server program: it never loads Qt."""

from __future__ import annotations

import subprocess
import sys


def test_hub_never_imports_qt() -> None:
    code = ("import sys, hub.app, hub.cli, hub.admin, hub.loadtest, hub.live, hub.queries, desktop.core.hubclient.sync;"
            "from hub.settings import HubSettings; hub.app.create_app(HubSettings(), 'postgresql://x@/y');"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'));"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
