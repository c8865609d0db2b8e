""":func:`write_pack`: write every generated pack file, or none."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from desktop.core.base.atomic import atomic_write
from desktop.core.packs.importer.results import ImportRefused, ImportResult


def write_pack(result: ImportResult, out_dir: Path, *, overwrite: bool = False) -> list[Path]:
    """Write ``result.files`` into ``out_dir``: all of them or none.

    Every file is first written beside its target under a temporary name (with
    :func:`atomic_write`); only when all are written are they renamed into
    place. A failure removes the temporary files and undoes the renames done so
    far. Raises :class:`ImportRefused` if the import has problems or, unless
    ``overwrite``, if a target file exists.
    """
    if not result.ok:
        raise ImportRefused("the import has problems; nothing written")
    out_dir = Path(out_dir)
    targets = [out_dir / name for name in result.files]
    if not overwrite:
        existing = [t.name for t in targets if t.exists()]
        if existing:
            raise ImportRefused(f"already in {out_dir}: {', '.join(existing)}; nothing written (--overwrite replaces them)")
    out_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(4)
    staged: list[tuple[Path, Path]] = []
    done: list[tuple[Path, Path | None, bool]] = []  # (target, backup of the old file, existed before)
    try:
        for target in targets:
            text = result.files[target.name]
            stage = out_dir / f".{target.name}.import-{token}.tmp"
            staged.append((stage, target))
            atomic_write(stage, text, "utf-8")
        for stage, target in staged:
            existed = target.exists()
            backup = None
            if existed:
                if not overwrite:
                    raise ImportRefused(f"{target} appeared while importing; nothing written")
                backup = out_dir / f".{target.name}.backup-{token}.tmp"
                try:
                    os.link(target, backup)
                except OSError:
                    backup = None
            os.replace(stage, target)
            done.append((target, backup, existed))
    except BaseException:
        for target, backup, existed in reversed(done):
            try:
                if backup is not None:
                    os.replace(backup, target)
                elif not existed:
                    target.unlink(missing_ok=True)
            except OSError:
                pass
        for stage, _ in staged:
            try:
                stage.unlink(missing_ok=True)
            except OSError:
                pass
        raise
    for _, backup, _ in done:
        if backup is not None:
            try:
                backup.unlink(missing_ok=True)
            except OSError:
                pass
    return targets

