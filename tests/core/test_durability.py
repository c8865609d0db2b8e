"""Nothing lost, nothing stuck: migrations under a race, integrity and salvage,
backups, the instance lock, bounded YAML and one-line CLI errors."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.packs.loader import load_pack_file
from desktop.core.records import backup, integrity
from desktop.core.records.recovery import recover_at_start
from desktop.core.records.storage import DB_FILENAME, SCHEMA_VERSION, CallStore
from desktop.core.seat.instance_lock import InstanceLock, folder_in_use
from desktop.core.seat.selfcheck import check_folder
from tests.helpers import MINIMAL_PACK, damage_pages, make_call, write_pack


def run_cli(*args: str, data: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ}
    if data is not None:
        env["SEATSIDE_DATA_DIR"] = str(data)
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args], capture_output=True, text=True, timeout=120, env=env, **kwargs
    )


def filled_store(folder: Path, calls: int = 30, repeat: int = 1) -> Path:
    """``calls`` calls, all in the shift of 2026-03-02."""
    store = CallStore(folder / DB_FILENAME)
    start = datetime(2026, 3, 2, 0, 5).astimezone()
    step = timedelta(seconds=min(420, 86000 // max(calls, 1)))
    for i in range(calls):
        make_call(store, start + step * i, notes=f"第{i}通：" + "客户称卡被ATM吞了，" * repeat, minutes=1)
    store.close()
    return folder / DB_FILENAME


def checkpoint(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def damage_middle(path: Path) -> None:
    """Overwrite pages in the middle of the file with garbage (headers of b-tree pages too)."""
    checkpoint(path)
    damage_pages(path)


# -- migrations ---------------------------------------------------------------


def test_migrations_race_on_a_fresh_folder_crash_nothing(tmp_path):
    """Several seed-demo and export processes on a new folder at the same moment."""
    for round_no in range(3):
        data = tmp_path / f"round{round_no}"
        env = {**os.environ, "SEATSIDE_DATA_DIR": str(data)}
        commands = [
            ["seed-demo", "--calls", "5", "--seed", "1"],
            ["seed-demo", "--calls", "5", "--seed", "2"],
            ["seed-demo", "--calls", "5", "--seed", "3"],
            ["export", "--shift", "today", "-o", str(tmp_path / f"r{round_no}.csv")],
        ]
        procs = [
            subprocess.Popen([sys.executable, "-m", "desktop", *c], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
            for c in commands
        ]
        results = [(p.communicate(timeout=120), p.returncode) for p in procs]
        for (_out, err), code in results[:3]:
            assert code == 0 and "Traceback" not in err, err
        (_out, err), code = results[3]
        assert "Traceback" not in err
        assert code == 0 or (code == 1 and "no Seatside data" in err), err
        store = CallStore(data / DB_FILENAME)
        try:
            assert store.user_version == SCHEMA_VERSION and store.count_calls() == 15
        finally:
            store.close()


# -- integrity, salvage, recovery ----------------------------------------------


def test_check_finds_garbage_in_the_middle_and_salvage_keeps_what_it_can(tmp_path):
    db = filled_store(tmp_path, calls=400)
    assert integrity.check(db).ok
    damage_middle(db)
    health = integrity.check(db)
    assert not health.ok and health.reason
    moved = integrity.set_aside(db)
    assert moved.name.startswith(f"{DB_FILENAME}.corrupt-") and not db.exists()
    report = integrity.salvage(moved, db)
    assert 0 < report.calls < 400
    store = CallStore(db)
    try:
        assert store.count_calls() == report.calls
        assert integrity.check(db).ok
        found = store.search_notes("ATM吞", limit=5)
        assert found and all("客户称卡被ATM吞了" in c.notes for c in found)
    finally:
        store.close()


def test_truncated_and_not_a_database_are_reported(tmp_path):
    db = filled_store(tmp_path, calls=100)
    checkpoint(db)
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    assert "truncated" in integrity.check(db).reason
    db.write_bytes(b"not a database at all" * 10)
    assert not integrity.check(db).ok
    db.write_bytes(b"")
    health = integrity.check(db)
    assert health.ok and health.empty


def test_recovery_salvages_without_backups_and_keeps_the_damaged_file(tmp_path):
    db = filled_store(tmp_path, calls=400)
    damage_middle(db)
    asked = []
    recovery = recover_at_start(tmp_path, DB_FILENAME, lambda b, r: asked.append(b) or True)
    assert recovery is not None and not asked  # no backup to offer
    assert recovery.moved_to is not None and recovery.moved_to.exists()
    assert recovery.salvaged is not None and recovery.salvaged.calls > 0
    assert integrity.check(db).ok
    assert recover_at_start(tmp_path, DB_FILENAME, lambda b, r: True) is None  # sound now


@pytest.mark.parametrize("damage", ["zero-bytes", "truncated"])
def test_an_emptied_database_with_backups_offers_the_newest(tmp_path, damage):
    db = filled_store(tmp_path, calls=50)
    store = CallStore(db)
    backup.make_backup(store.conn, tmp_path, now=datetime(2026, 3, 1, 18))
    make_call(store, datetime(2026, 3, 3, 9).astimezone())
    backup.make_backup(store.conn, tmp_path, now=datetime(2026, 3, 3, 18))
    store.close()
    checkpoint(db)
    db.write_bytes(b"" if damage == "zero-bytes" else db.read_bytes()[:5000])
    offered = []
    recovery = recover_at_start(tmp_path, DB_FILENAME, lambda b, reason: offered.append((b, reason)) or True)
    assert recovery is not None and recovery.restored is not None
    assert [b.taken for b, _ in offered] == [datetime(2026, 3, 3, 18)]
    store = CallStore(db)
    try:
        assert store.count_calls() == 51
    finally:
        store.close()


def test_declining_the_backup_starts_from_what_can_be_read(tmp_path):
    db = filled_store(tmp_path, calls=5)
    store = CallStore(db)
    backup.make_backup(store.conn, tmp_path)
    store.close()
    db.write_bytes(b"")
    recovery = recover_at_start(tmp_path, DB_FILENAME, lambda b, r: False)
    assert recovery is not None and recovery.restored is None
    # Declining was asked with what it drops: the backup's 5 calls, all of 2026-03-02.
    assert recovery.comparison is not None and recovery.comparison.in_current == 0
    assert recovery.comparison.days() == "2026-03-02 (5)"
    store = CallStore(db)
    try:
        assert store.count_calls() == 0
    finally:
        store.close()


# -- backups ----------------------------------------------------------------------


def test_backups_keep_the_last_seven_private_and_readable(tmp_path):
    db = filled_store(tmp_path, calls=3)
    store = CallStore(db)
    try:
        for day in range(1, 11):
            backup.make_backup(store.conn, tmp_path, now=datetime(2026, 3, day, 18))
    finally:
        store.close()
    kept = backup.list_backups(tmp_path)
    assert [b.number for b in kept] == list(range(1, 8))
    assert [b.taken.day for b in kept] == [10, 9, 8, 7, 6, 5, 4]
    for item in kept:
        assert stat.S_IMODE(item.path.stat().st_mode) == 0o600
        assert item.calls() == 3
    assert not list(backup.backup_dir(tmp_path).glob("*.tmp"))


def test_backup_list_and_restore_commands(tmp_path, capsys):
    data = tmp_path / "seat"
    data.mkdir()
    db = filled_store(data, calls=4)
    store = CallStore(db)
    backup.make_backup(store.conn, data, now=datetime(2026, 3, 2, 18))
    make_call(store, datetime(2026, 3, 3, 9).astimezone())
    store.close()
    assert main(["--data-dir", str(data), "backup", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith("1\t2026-03-02 18:00:00") and "4 calls" in out[0]
    assert main(["--data-dir", str(data), "backup", "restore", "2"]) == 1
    assert "no backup number 2" in capsys.readouterr().err
    lock = InstanceLock(data)
    assert lock.acquire()
    try:
        assert folder_in_use(data)
        assert main(["--data-dir", str(data), "backup", "restore", "1"]) == 1
        assert "Seatside is running" in capsys.readouterr().err
    finally:
        lock.release()
    assert main(["--data-dir", str(data), "backup", "restore", "1"]) == 0
    out = capsys.readouterr().out
    assert "restored backup 1" in out and "5 calls kept" in out and "none dropped" in out
    store = CallStore(db)
    try:
        assert store.count_calls() == 5  # the call made after the backup is not dropped
    finally:
        store.close()
    assert list(data.glob(f"{DB_FILENAME}.before-restore-*"))


def test_backup_restore_refuses_while_a_real_panel_process_holds_the_folder(tmp_path):
    """The lock is held by another process (as the panel does), not just this one."""
    data = tmp_path / "seat"
    data.mkdir()
    db = filled_store(data, calls=2)
    store = CallStore(db)
    backup.make_backup(store.conn, data)
    store.close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         ("import sys; from desktop.core.seat.instance_lock import InstanceLock\n"
          f"lock = InstanceLock({str(data)!r}); assert lock.acquire(); print('held', flush=True); sys.stdin.read()")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = run_cli("--data-dir", str(data), "backup", "restore", "1")
        assert result.returncode == 1 and "running" in result.stderr and "Traceback" not in result.stderr
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
        holder.stdout.close()
    assert not folder_in_use(data)


# -- single instance lock -----------------------------------------------------------


def test_instance_lock_is_exclusive_and_released(tmp_path):
    first, second = InstanceLock(tmp_path), InstanceLock(tmp_path)
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()
    assert stat.S_IMODE((tmp_path / "seatside.lock").stat().st_mode) == 0o600


# -- self-test of a data folder -------------------------------------------------------


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def test_self_check_of_a_folder_changes_nothing(tmp_path):
    data = tmp_path / "seat"
    data.mkdir()
    filled_store(data, calls=3)
    write_pack(data / "packs", "bad.yaml", "pack: [\n")
    before = snapshot(data)
    report = check_folder(data)
    assert report.schema == SCHEMA_VERSION and report.calls == 3
    assert report.pack_errors == 1 and not report.ok
    assert snapshot(data) == before
    (data / "packs" / "bad.yaml").unlink()
    write_pack(data / "packs", "good.yaml", MINIMAL_PACK)
    assert check_folder(data).ok


def test_self_check_reports_a_damaged_database(tmp_path):
    db = filled_store(tmp_path, calls=400)
    damage_middle(db)
    before = snapshot(tmp_path)
    report = check_folder(tmp_path)
    assert not report.ok and any("damaged" in p for p in report.problems)
    assert snapshot(tmp_path) == before


# -- hostile YAML ---------------------------------------------------------------------

BOMB_ANCHORS = """\
_bomb:
  a: &a ["哈哈", "哈哈", "哈哈", "哈哈", "哈哈", "哈哈", "哈哈", "哈哈", "哈哈"]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
  i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""

#: Every place of the pack schema a value can go, with the bomb (``*i``) there.
BOMB_FIELDS = {
    "pack.name": "pack:\n  name: *i\nscenarios: []\n",
    "pack.version": "pack:\n  name: x\n  version: *i\nscenarios: []\n",
    "scenarios": "scenarios: *i\n",
    "scenario.id": "scenarios:\n  - id: *i\n    name: x\n    steps: [{id: s, title: t, phrases: [p]}]\n",
    "scenario.name": "scenarios:\n  - id: x\n    name: *i\n    steps: [{id: s, title: t, phrases: [p]}]\n",
    "scenario.description": "scenarios:\n  - id: x\n    name: x\n    description: *i\n    steps: [{id: s, title: t, phrases: [p]}]\n",
    "scenario.keywords": "scenarios:\n  - id: x\n    name: x\n    keywords: *i\n    steps: [{id: s, title: t, phrases: [p]}]\n",
    "scenario.defaults": "scenarios:\n  - id: x\n    name: x\n    defaults: {称呼: *i}\n    steps: [{id: s, title: t, phrases: [p]}]\n",
    "scenario.defaults-merge": "scenarios:\n  - id: x\n    name: x\n    defaults: *i\n    steps: [{id: s, title: t, phrases: [p]}]\n",
    "scenario.continuity": "scenarios:\n  - id: x\n    name: x\n    continuity: *i\n    steps: [{id: s, title: t, phrases: [p]}]\n",
    "scenario.steps": "scenarios:\n  - id: x\n    name: x\n    steps: *i\n",
    "step.title": "scenarios:\n  - id: x\n    name: x\n    steps: [{id: s, title: *i, phrases: [p]}]\n",
    "step.guidance": "scenarios:\n  - id: x\n    name: x\n    steps: [{id: s, title: t, guidance: *i, phrases: [p]}]\n",
    "step.mandatory": "scenarios:\n  - id: x\n    name: x\n    steps: [{id: s, title: t, mandatory: *i, phrases: [p]}]\n",
    "step.facts": "scenarios:\n  - id: x\n    name: x\n    steps: [{id: s, title: t, facts: *i, phrases: [p]}]\n",
    "step.phrases": "scenarios:\n  - id: x\n    name: x\n    steps: [{id: s, title: t, phrases: *i}]\n",
    "phrase.text": "scenarios:\n  - id: x\n    name: x\n    steps: [{id: s, title: t, phrases: [{id: p, text: *i}]}]\n",
    "top-level key": "*i : x\nscenarios: []\n",
}


@pytest.mark.parametrize("field", sorted(BOMB_FIELDS))
def test_an_alias_bomb_in_any_field_is_refused_with_file_and_line(tmp_path, field):
    path = write_pack(tmp_path, "bomb.yaml", BOMB_ANCHORS + BOMB_FIELDS[field])
    _info, scenarios, problems = load_pack_file(path)
    assert scenarios == []
    assert len(problems) == 1 and problems[0].severity == "error"
    assert "expands to too much" in problems[0].message
    assert 2 <= problems[0].line <= BOMB_ANCHORS.count("\n") + BOMB_FIELDS[field].count("\n")
    assert str(problems[0]).startswith(f"{path}:")


def test_an_alias_bomb_through_the_cli_is_one_error(tmp_path):
    path = write_pack(tmp_path, "bomb.yaml", BOMB_ANCHORS + BOMB_FIELDS["scenario.defaults"])
    result = run_cli("packs", "check", str(path))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{path}:") and "expands to too much" in result.stdout
    assert "Traceback" not in result.stderr


def test_recursive_alias_and_too_many_values_are_refused(tmp_path):
    many = "scenarios:\n" + "".join(f"  - {i}\n" for i in range(60_000))
    problems = load_pack_file(write_pack(tmp_path, "many.yaml", many))[2]
    assert len(problems) == 1 and "too many values" in problems[0].message
    problems = load_pack_file(write_pack(tmp_path, "loop.yaml", "pack:\n  name: &x [1, *x]\nscenarios: []\n"))[2]
    assert len(problems) == 1 and problems[0].line == 2 and "contains it" in problems[0].message


def test_aliases_of_a_sensible_size_still_load(tmp_path):
    text = MINIMAL_PACK.replace("    keywords: [测试]", "    keywords: &kw [测试, 试一下]\n    description: 说明")
    text += ("  - id: second-scenario\n    name: 第二个\n    keywords: *kw\n"
             "    steps:\n      - id: a\n        title: 一\n        phrases: [好的]\n")
    _info, scenarios, problems = load_pack_file(write_pack(tmp_path, "ok.yaml", text))
    assert [p for p in problems if p.severity == "error"] == []
    assert scenarios[1].keywords == ("测试", "试一下")


# -- one-line CLI errors --------------------------------------------------------------


def assert_one_line_error(result: subprocess.CompletedProcess, code: int = 1) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_export_of_a_date_out_of_range_is_one_line(tmp_path):
    data = tmp_path / "seat"
    data.mkdir()
    filled_store(data, calls=1)
    line = assert_one_line_error(run_cli("export", "--shift", "9999-12-31", "-o", str(tmp_path / "x.csv"), data=data), 2)
    assert "9999-12-31" in line


@pytest.mark.parametrize("command", [
    ["export", "-o", "out.csv"],
    ["search", "tunka"],
    ["backup", "list"],
    ["backup", "restore", "1"],
])
def test_read_only_commands_on_a_missing_folder_create_nothing(tmp_path, command):
    missing = tmp_path / "no" / "such" / "dir"
    result = run_cli("--data-dir", str(missing), *command, cwd=tmp_path)
    line = assert_one_line_error(result)
    assert f"no Seatside data in {missing}" in line
    assert not (tmp_path / "no").exists() and not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("command", [
    ["export", "--shift", "2026-03-02", "-o", "out.csv"],
    ["seed-demo", "--calls", "3"],
])
def test_commands_on_a_damaged_database_say_so_in_one_line(tmp_path, command):
    data = tmp_path / "seat"
    data.mkdir()
    damage_middle(filled_store(data, calls=400))
    result = run_cli(*command, data=data, cwd=tmp_path)
    line = assert_one_line_error(result)
    assert "damaged" in line


def test_packs_import_errors_go_to_stderr(tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("场景,步骤,话术\n挂失咨询,,缺步骤\n", encoding="utf-8")
    result = run_cli("packs", "import", str(source), "-o", str(tmp_path / "out"))
    assert result.returncode == 1 and result.stdout == ""
    assert "bad.csv:2:" in result.stderr and "Traceback" not in result.stderr


LIMITED_EXPORT = """\
import resource, signal, sys
from desktop.core.records import export
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
real_export = export.export_file
def limited(*args, **kwargs):
    # The database has been read by now: from here on no file may grow past the limit.
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
    return real_export(*args, **kwargs)
export.export_file = limited
from desktop.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
@pytest.mark.parametrize(("fmt", "limit"), [("xlsx", 2_000), ("xlsx", 40_000), ("csv", 2_000), ("csv", 40_000),
                                            ("md", 300)])
def test_export_that_runs_out_of_file_space_is_one_line_and_leaves_nothing(tmp_path, fmt, limit):
    data = tmp_path / "seat"
    data.mkdir()
    filled_store(data, calls=300, repeat=8)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", LIMITED_EXPORT, str(limit), "export", "--shift", "2026-03-02", "--format", fmt,
         "-o", str(out_dir / f"shift.{fmt}")],
        capture_output=True, text=True, timeout=120, env={**os.environ, "SEATSIDE_DATA_DIR": str(data)},
    )
    line = assert_one_line_error(result)
    assert "nothing was written" in line
    assert list(out_dir.iterdir()) == []


def test_export_to_a_full_tmpfs_is_one_line_and_leaves_nothing(tmp_path):
    """A real full disk: a 64 KiB tmpfs (needs mount rights; root in CI)."""
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(small)], capture_output=True,
                             check=False)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root)")
    try:
        data = tmp_path / "seat"
        data.mkdir()
        filled_store(data, calls=1500, repeat=12)
        result = run_cli("export", "--shift", "2026-03-02", "--format", "xlsx", "-o", str(small / "shift.xlsx"),
                         data=data)
        line = assert_one_line_error(result)
        assert "No space left" in line or "nothing was written" in line
        assert list(small.iterdir()) == []
    finally:
        subprocess.run(["umount", str(small)], check=True)


def test_self_test_with_data_dir_is_read_only(tmp_path):
    data = tmp_path / "seat"
    data.mkdir()
    filled_store(data, calls=3)
    before = snapshot(data)
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--self-test", "--data-dir", str(data)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    assert f"data folder {data}: database schema v{SCHEMA_VERSION}, 3 calls, 0 pack errors" in result.stdout
    assert "self-test ok" in result.stdout
    assert snapshot(data) == before
    damage_middle(data / DB_FILENAME)
    before = snapshot(data)
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--self-test", "--data-dir", str(data)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 1 and "damaged" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(data) == before


def test_commands_leave_an_emptied_or_truncated_database_for_the_panel_to_repair(tmp_path):
    """A command must not turn a zero-byte file into a fresh empty database: the
    panel would then no longer offer the backup."""
    data = tmp_path / "seat"
    data.mkdir()
    db = filled_store(data, calls=100)
    store = CallStore(db)
    backup.make_backup(store.conn, data)
    store.close()
    checkpoint(db)
    for content, words in ((b"", "is empty"), (db.read_bytes()[:5000], "is damaged")):
        db.write_bytes(content)
        for command in (["export", "--shift", "2026-03-02", "-o", "out.csv"], ["seed-demo", "--calls", "2"]):
            line = assert_one_line_error(run_cli(*command, data=data, cwd=tmp_path))
            assert words in line
            assert db.read_bytes() == content and not (tmp_path / "out.csv").exists()


def test_the_quick_check_of_a_large_file_finds_damage_that_would_stop_it_opening(tmp_path):
    """A file too large for a full check at start is still refused at once when what
    opening it reads (the meta table and its key) is damaged."""
    db = filled_store(tmp_path, calls=50)
    checkpoint(db)
    conn = sqlite3.connect(db)
    try:
        pages = [page for (page,) in conn.execute(
            "SELECT pageno FROM dbstat WHERE name IN ('meta', 'sqlite_autoindex_meta_1')")]
    finally:
        conn.close()
    assert integrity.check(db, full=False).ok
    with open(db, "r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * 4096)
            handle.write(b"\xde\xad\xbe\xef" * 1024)
    health = integrity.check(db, full=False)
    assert not health.ok and "malformed" in health.reason
