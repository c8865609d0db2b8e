"""atomic_write: the whole file or the old one, never half of it; permissions as asked."""

from __future__ import annotations

import os
import stat

import pytest

from desktop.core.base.atomic import atomic_path, atomic_write


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_text_with_line_ends_as_given(tmp_path):
    path = tmp_path / "a.csv"
    assert atomic_write(path, "一\r\n二\n") is None
    assert path.read_bytes() == "一\r\n二\n".encode()
    assert atomic_write(path, lambda handle: handle.write("新"), "utf-8-sig") == 1
    assert path.read_bytes() == "\ufeff新".encode()
    assert leftovers(tmp_path) == []


def test_a_failure_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("old", encoding="utf-8")

    def half_then_fail(handle):
        handle.write("half")
        raise RuntimeError("disk trouble")

    with pytest.raises(RuntimeError, match="disk trouble"):
        atomic_write(path, half_then_fail)
    assert path.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


def test_a_failed_rename_cleans_up(tmp_path, monkeypatch):
    path = tmp_path / "x.md"

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        atomic_write(path, "text")
    assert not path.exists() and leftovers(tmp_path) == []


def test_private_mode_and_the_umask_default(tmp_path):
    private = tmp_path / "private.json"
    atomic_write(private, "{}", mode=0o600)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    old = os.umask(0o022)
    try:
        shared = tmp_path / "export.csv"
        atomic_write(shared, "x")
        assert stat.S_IMODE(shared.stat().st_mode) == 0o644
    finally:
        os.umask(old)


def test_atomic_path_for_writers_that_want_a_file_name(tmp_path):
    path = tmp_path / "book.xlsx"
    with atomic_path(path) as tmp:
        assert tmp.parent == tmp_path and tmp != path
        tmp.write_bytes(b"PK")
        assert not path.exists()
    assert path.read_bytes() == b"PK"
