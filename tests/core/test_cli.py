"""The command line, run as a real process where it matters."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import datetime, timedelta

from desktop import __version__
from desktop.cli import main
from desktop.core.records.storage import CallStore
from tests.helpers import MINIMAL_PACK, PACKS, make_call, write_pack


def seatside(*args: str, env_data=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args], capture_output=True, text=True, timeout=60
    )


def test_version():
    result = seatside("--version")
    assert result.returncode == 0 and result.stdout.splitlines()[0] == f"seatside {__version__}"
    assert result.stdout.splitlines()[1].startswith("packs: ")


def test_packs_check_builtin_is_clean():
    result = seatside("packs", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_packs_check_reports_file_line(tmp_path, capsys):
    write_pack(tmp_path, "good.yaml", MINIMAL_PACK)
    bad = write_pack(tmp_path, "bad.yaml", "scenarios:\n  - id: x\n    name: n\n    steps: []\n")
    assert main(["packs", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{bad}:4: scenario 'x': 'steps' must be a non-empty list"]


def test_packs_check_missing_folder(tmp_path, capsys):
    assert main(["packs", "check", str(tmp_path / "nope")]) == 1
    assert "no such file" in capsys.readouterr().out


def test_export_today_writes_excel_csv(tmp_path, isolated_dirs):
    store = CallStore(isolated_dirs / "seatside.db")
    now = datetime.now().astimezone().replace(hour=10, minute=0, second=0, microsecond=0)
    make_call(store, now, notes="吞卡，已挂失")
    make_call(store, now - timedelta(days=1), notes="昨天的")
    store.close()
    out = tmp_path / "today.csv"
    result = seatside("export", "--shift", "today", "--format", "csv", "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [r["备注"] for r in rows] == ["吞卡，已挂失"]
    assert out.read_bytes()[:3] == b"\xef\xbb\xbf"


def test_export_with_data_dir_option(tmp_path, capsys):
    store = CallStore(tmp_path / "elsewhere" / "seatside.db")
    make_call(store, datetime(2026, 3, 2, 9).astimezone())
    store.close()
    out = tmp_path / "march.csv"
    assert main(["--data-dir", str(tmp_path / "elsewhere"), "export", "--shift", "2026-03-02", "-o", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 2


def test_export_bad_shift_and_unwritable_target(tmp_path, capsys, isolated_dirs):
    CallStore(isolated_dirs / "seatside.db").close()
    assert main(["export", "--shift", "someday", "-o", str(tmp_path / "x.csv")]) == 2
    assert "unknown shift" in capsys.readouterr().err
    assert main(["export", "-o", str(tmp_path / "no" / "such" / "dir.csv")]) == 1
    assert "nothing was written" in capsys.readouterr().err


def test_builtin_packs_path_exists():
    assert (PACKS / "card-retained-atm.yaml").is_file()


def test_packs_import_round_trip_then_check(tmp_path, capsys):
    source = tmp_path / "话术库.csv"
    source.write_bytes(
        "场景,步骤,话术,关键词\n挂失咨询,安抚,您先别着急，我马上帮您处理,挂失\n挂失咨询,办理,挂失已经办好了,挂失\n".encode("gbk")
    )
    out = tmp_path / "packs"
    assert main(["packs", "import", str(source), "-o", str(out)]) == 0
    written = sorted(p.name for p in out.glob("*.yaml"))
    assert len(written) == 1
    assert main(["packs", "check", str(out)]) == 0
    from desktop.core.packs.loader import load_packs

    (scenario,) = load_packs([out]).library.scenarios
    assert scenario.name == "挂失咨询" and [s.title for s in scenario.steps] == ["安抚", "办理"]


def test_packs_import_refuses_a_broken_sheet(tmp_path, capsys):
    source = tmp_path / "bad.csv"
    source.write_text("场景,步骤,话术\n挂失咨询,,缺步骤\n", encoding="utf-8")
    assert main(["packs", "import", str(source), "-o", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    assert "bad.csv:2:" in captured.err and captured.out == ""  # errors go to stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_search_command_prints_ranked_phrases(capsys):
    assert main(["search", "tunka", "--limit", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert 1 <= len(lines) <= 3
    rank, key, scenario, match, text = lines[0].split("\t")
    assert rank == "1" and key.startswith(scenario + "/") and "吞" in text and match == "pinyin"
    assert main(["search", "zzzzqqqq"]) == 1
    assert main(["search", "x", "--scenario", "nope"]) == 2


def test_seed_demo_then_export_xlsx_and_markdown(tmp_path, capsys):
    import openpyxl

    assert main(["seed-demo", "--calls", "40", "--days", "2"]) == 0
    out = tmp_path / "shift.xlsx"
    assert main(["export", "--shift", "today", "--format", "xlsx", "-o", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    assert len(book.sheetnames) == 2
    md = tmp_path / "shift.md"
    assert main(["export", "--shift", "yesterday", "--format", "md", "-o", str(md)]) == 0
    assert md.read_text(encoding="utf-8").startswith("#")
