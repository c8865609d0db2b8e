"""The log file in the data folder: rotating, private, and masked like everything stored.

A windowed build has no console, so warnings, failed slots and uncaught exceptions would
otherwise go nowhere. Every line passes through the one masker (``core.privacy.masking``), so a
card, ID or mobile number that reaches a message never reaches the disk.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from desktop.core.privacy.masking import mask_pii

LOG_NAME = "seatside.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3  # seatside.log.1 … .3: at most 4 MB in all
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s]: %(message)s"


class MaskingFormatter(logging.Formatter):
    """Formats a record (traceback included), then masks the whole line."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_pii(super().format(record))


class PrivateRotatingFileHandler(RotatingFileHandler):
    """Each file it opens (first, and after every rotation) is 0600 on POSIX."""

    def _open(self):  # type: ignore[no-untyped-def]  # typeshed types it per Python version
        stream = super()._open()
        if sys.platform != "win32":
            os.chmod(self.baseFilename, 0o600)
        return stream


def log_to_file(folder: Path, level: int = logging.INFO, console: bool = False) -> logging.Handler:
    """Send this process's log (level and up) to ``folder/seatside.log``; the handler returned.

    With ``console``, warnings also still reach stderr where there is one (what Python's
    last-resort handler did while no handler was set), masked the same way.
    """
    Path(folder).mkdir(mode=0o700, parents=True, exist_ok=True)
    handler = PrivateRotatingFileHandler(
        Path(folder) / LOG_NAME, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
    )
    handler.setFormatter(MaskingFormatter(FORMAT))
    handler.setLevel(level)
    root = logging.getLogger()
    root.addHandler(handler)
    if console and sys.stderr is not None:
        echo = logging.StreamHandler(sys.stderr)
        echo.setFormatter(MaskingFormatter("%(levelname)s %(name)s: %(message)s"))
        echo.setLevel(logging.WARNING)
        root.addHandler(echo)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    return handler


def log_uncaught_exceptions() -> None:
    """Uncaught exceptions (in slots, which PySide6 reports through ``sys.excepthook``, and in
    threads) go to the log as well as to the previous hook."""
    log = logging.getLogger("desktop")
    previous = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        log.critical("uncaught exception", exc_info=(kind, error, trace))
        if sys.stderr is not None:
            previous(kind, error, trace)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            log.critical("uncaught exception in thread %s", getattr(args.thread, "name", "?"),
                         exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    sys.excepthook = hook
    threading.excepthook = thread_hook


def ensure_std_streams() -> None:
    """The windowed Windows build has no console: ``sys.stdout`` and ``sys.stderr`` are None
    there, and writing to them would raise. They become the null device; the console build
    (``seatside-cli.exe``) is the one that prints, and the log file keeps the warnings."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - open for the process's life
