"""Every input has a limit and every write replaces only a regular file: the real
``seatside`` command as a subprocess, on pipes, devices, links and oversized input."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desktop.core.records.storage import DB_FILENAME, CallStore
from tests.helpers import MINIMAL_PACK, make_call, write_pack

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, data: Path | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ}
    if data is not None:
        env["SEATSIDE_DATA_DIR"] = str(data)
    # The timeout only keeps a hang from stalling the run; a hang is the failure itself.
    result = subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, timeout=180, env=env,
                            input=stdin, cwd=ROOT)
    return subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode(),
                                       result.stderr.decode())


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr


@pytest.fixture
def seat(tmp_path):
    from datetime import datetime

    data = tmp_path / "seat"
    data.mkdir()
    store = CallStore(data / DB_FILENAME)
    make_call(store, datetime.now().astimezone())
    store.close()
    return data


@pytest.mark.parametrize("target", ["/dev/full", "folder", "link-to-device", "link-to-folder"])
def test_export_never_replaces_anything_but_a_regular_file(seat, tmp_path, target):
    folder = tmp_path / "out"
    folder.mkdir()
    paths = {
        "/dev/full": Path("/dev/full"),
        "folder": folder,
        "link-to-device": tmp_path / "device.csv",
        "link-to-folder": tmp_path / "folder.csv",
    }
    path = paths[target]
    if target == "link-to-device":
        path.symlink_to("/dev/null")
    if target == "link-to-folder":
        path.symlink_to(folder)
    before = os.lstat(path)
    result = run_cli("export", "--shift", "today", "-o", str(path), "--format", "csv", data=seat)
    err = one_line_error(result)
    assert "regular file" in err or "folder" in err
    after = os.lstat(path)
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode) and after.st_ino == before.st_ino
    assert not list(path.parent.glob(f".{path.name}.*.tmp")) if target != "/dev/full" else True


def test_export_through_a_link_to_a_regular_file_writes_that_file(seat, tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    result = run_cli("export", "--shift", "today", "-o", str(link), data=seat)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and "old" not in real.read_text(encoding="utf-8-sig")


def test_packs_check_reports_every_bad_file_and_checks_the_rest(tmp_path):
    packs = tmp_path / "packs"
    write_pack(packs, "a-good.yaml", MINIMAL_PACK)
    write_pack(packs, "b-huge-int.yaml", "pack:\n  name: x\n  version: " + "9" * 100_000 + "\nscenarios: []\n")
    os.mkfifo(packs / "c-pipe.yaml")
    (packs / "d-zero.yaml").symlink_to("/dev/zero")
    write_pack(packs, "e-good.yaml", MINIMAL_PACK.replace("test-scenario", "second-scenario"))
    result = run_cli("packs", "check", str(packs))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    out = result.stdout
    for bad in ("b-huge-int.yaml", "c-pipe.yaml", "d-zero.yaml"):
        assert bad in out, out
    assert "named pipe" in out and "device" in out
    assert "2 scenarios loaded" in result.stderr  # both good files, around the bad ones


def test_standard_input_is_capped(tmp_path):
    result = run_cli("check-text", "-", stdin="您好".encode() * (25 * 1024 * 1024 // 6))
    assert "too large" in one_line_error(result)


def test_a_pipe_given_as_a_spreadsheet_is_refused_without_waiting(tmp_path):
    pipe = tmp_path / "phrases.csv"
    os.mkfifo(pipe)
    holder = threading.Thread(target=lambda: None)  # nobody ever writes to the pipe
    holder.start()
    result = run_cli("packs", "import", str(pipe), "-o", str(tmp_path / "out.yaml"))
    holder.join()
    assert result.returncode == 1 and "named pipe" in result.stdout + result.stderr, result.stdout + result.stderr


def test_one_cell_in_column_xfd_reads_only_the_first_columns(tmp_path):
    import xlsxwriter

    sheet_path = tmp_path / "wide.xlsx"
    workbook = xlsxwriter.Workbook(str(sheet_path), {"constant_memory": True})
    sheet = workbook.add_worksheet("话术库")
    sheet.write_row(0, 0, ["场景", "步骤", "话术"])
    for row in range(1, 400):
        sheet.write_row(row, 0, ["挂失", f"第{row % 5}步", f"您好，第{row}句"])
        sheet.write(row, 16383, "x")  # column XFD
    workbook.close()
    result = run_cli("packs", "import", str(sheet_path), "-o", str(tmp_path / "out.yaml"))
    assert "Traceback" not in result.stderr
    assert "column XFD" in result.stdout + result.stderr and "first 64 columns" in result.stdout + result.stderr
    assert "399 rows read" in result.stdout + result.stderr


def test_replay_refuses_a_device_without_reading_it(tmp_path):
    link = tmp_path / "call.jsonl"
    link.symlink_to("/dev/zero")
    result = run_cli("replay", str(link), data=tmp_path / "seat")
    assert "not a regular file" in one_line_error(result)
