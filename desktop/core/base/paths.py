"""Where data and bundled resources live."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

import platformdirs

APP_NAME = "Seatside"
DATA_DIR_ENV = "SEATSIDE_DATA_DIR"
# In the data folder of a seat enrolled at the centre's hub (``desktop.core.hubclient.sync``).
HUB_CONFIG_FILE = "hub.json"


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
    return Path(__file__).resolve().parents[3] / "resources"


def builtin_packs_dir() -> Path:
    return resources_dir() / "scenarios"


def pack_dirs(data: Path, extra: Iterable[Path] = (), builtin: bool = True) -> list[Path]:
    """Where scenario packs are loaded from, in order: the built-in ones, the seat's own
    ``packs/`` in the data folder (imports land there), then any extra folders."""
    return ([builtin_packs_dir()] if builtin else []) + [Path(data) / "packs"] + [Path(p) for p in extra]
