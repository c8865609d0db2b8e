"""Where data and bundled resources live."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "Seatside"
DATA_DIR_ENV = "SEATSIDE_DATA_DIR"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The per-user data folder: ``override``, else ``$SEATSIDE_DATA_DIR``, else the OS default."""
    chosen = override or os.environ.get(DATA_DIR_ENV)
    path = Path(chosen) if chosen else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return path.expanduser().resolve()


def resources_dir() -> Path:
    """``resources/`` from the PyInstaller bundle or from the source tree."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def builtin_packs_dir() -> Path:
    return resources_dir() / "scenarios"
