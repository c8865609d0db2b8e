"""The core stays Qt-free; the layers only import downwards."""

from __future__ import annotations

import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path

import desktop.core

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_whole_core_does_not_load_qt():
    modules = [m.name for m in pkgutil.walk_packages(desktop.core.__path__, "desktop.core.")]
    assert len(modules) >= 60
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_import_linter_contracts_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is part of the test extra"
    result = subprocess.run([lint], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    kept = re.search(r"Contracts: (\d+) kept, 0 broken", result.stdout)
    assert kept and int(kept.group(1)) >= 6, result.stdout
    for contract in (
        "The core never imports Qt",
        "The hub imports no Qt and, of the desktop app, only its core",
        "Core domains import only downwards",
        "The command-line code stays out of the core",
    ):
        assert contract in result.stdout, result.stdout
