"""Generated command lines and bad files: every run ends with exit 0, 1 or 2, never a
traceback, and a failure says why on stderr (one line, or argparse's usage + error)."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.cli import main
from desktop.core.records.backup import make_backup
from desktop.core.records.storage import DB_FILENAME, CallStore
from tests.helpers import MINIMAL_PACK, make_call

BOMB = """\
a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
scenarios:
  - id: x
    name: x
    defaults: {称呼: *g}
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """Bad and good files, and data folders: good, damaged, emptied, with backups."""
    root = tmp_path_factory.mktemp("fuzz-template")
    files = root / "files"
    files.mkdir()
    (files / "empty.yaml").write_bytes(b"")
    (files / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    (files / "good.yaml").write_text(MINIMAL_PACK, encoding="utf-8")
    (files / "binary.xlsx").write_bytes(bytes(range(256)) * 40)
    (files / "fake.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    (files / "gbk-broken.csv").write_bytes("场景,步骤,话术\n".encode("gbk") + b"\xff\xfe\x80\x81,\n")
    (files / "ok.csv").write_text("场景,步骤,话术\n挂失咨询,安抚,您先别着急\n", encoding="utf-8")
    (files / "huge-line.csv").write_text("场景,步骤,话术\n" + "长" * 200_000 + ",a,b\n", encoding="utf-8")
    (files / "folder.yaml").mkdir()
    good = root / "good-data"
    store = CallStore(good / DB_FILENAME)
    start = datetime.now().astimezone().replace(hour=9, minute=0, second=0, microsecond=0)
    for i in range(20):
        make_call(store, start - timedelta(hours=3 * i), notes=f"第{i}通")
    make_backup(store.conn, good)
    store.close()
    damaged = root / "damaged-data"
    shutil.copytree(good, damaged)
    db = damaged / DB_FILENAME
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(db, "r+b") as handle:
        for offset in range(4096, db.stat().st_size, 4096 * 2):
            handle.seek(offset)
            handle.write(b"\xba\xad" * 512)
    emptied = root / "emptied-data"
    emptied.mkdir()
    (emptied / DB_FILENAME).write_bytes(b"")
    return root


PATH_NAMES = [
    "files/empty.yaml", "files/bomb.yaml", "files/good.yaml", "files/binary.xlsx", "files/fake.xlsx",
    "files/gbk-broken.csv", "files/ok.csv", "files/huge-line.csv", "files/folder.yaml", "files/missing.csv",
    "good-data", "damaged-data", "emptied-data", "no/such/dir", "out/new.csv", "out/new.xlsx", "out/new.md",
    "files", "", "-", "files/good.yaml/inside",
]

paths = st.sampled_from(PATH_NAMES).map(lambda name: f"@{name}")
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
numbers = st.one_of(st.integers(-3, 40), st.integers(-(10**12), 10**12)).map(str)
values = st.one_of(texts, numbers, paths, st.sampled_from(["today", "yesterday", "9999-12-31", "0001-01-01",
                                                            "2026-02-30", "tunka", "吞卡", "--", "-x"]))

OPTIONS = {
    "export": ["--shift", "--format", "--lang", "-o"],
    "seed-demo": ["--calls", "--days", "--seed"],
    "search": ["--scenario", "--limit"],
    "packs check": ["--strict"],
    "packs import": ["-o", "--skip-invalid", "--overwrite"],
    "backup list": [],
    "backup restore": [],
}


@st.composite
def command_lines(draw) -> list[str]:
    argv: list[str] = []
    if draw(st.booleans()):
        argv += ["--data-dir", draw(st.sampled_from(["@good-data", "@damaged-data", "@emptied-data", "@no/such/dir",
                                                     "@files/good.yaml"]))]
    if draw(st.booleans()):
        argv += ["--packs", draw(paths)]
    command = draw(st.sampled_from(sorted(OPTIONS)))
    argv += command.split()
    for _ in range(draw(st.integers(0, 5))):
        choice = draw(st.integers(0, 3))
        if choice == 0 and OPTIONS[command]:
            argv.append(draw(st.sampled_from(OPTIONS[command])))
        elif choice == 1 and command == "seed-demo":
            argv += [draw(st.sampled_from(["--calls", "--days"])), str(draw(st.integers(-2, 30)))]
        else:
            argv.append(draw(values))
    if command == "seed-demo" and "--calls" not in argv:
        argv += ["--calls", str(draw(st.integers(-1, 20)))]
    # seed-demo with a huge --calls would only be slow, not wrong: keep runs short.
    for i, arg in enumerate(argv[:-1]):
        if command == "seed-demo" and arg == "--calls" and argv[i + 1].lstrip("-").isdigit():
            argv[i + 1] = str(max(-1, min(int(argv[i + 1]), 30)))
    return argv


def materialise(argv: list[str], root: Path) -> list[str]:
    return [str(root / a[1:]) if a.startswith("@") and a != "@" else a for a in argv]


def check_outcome(argv: list[str], code: object, out: str, err: str) -> None:
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in out + err and "Exception ignored" not in err, (argv, err)
    if code == 0:
        return
    lines = [line for line in err.split("\n") if line.strip()]
    assert lines, (argv, code, out)
    if code == 2 and any(line.startswith("usage:") for line in lines):
        assert lines[-1].startswith("seatside") and ": error: " in lines[-1], (argv, err)
        return
    if argv and "packs" in argv and ("check" in argv or "import" in argv):
        return  # a report: file:line problems, then the summary line
    assert len(lines) == 1 and lines[0].startswith("seatside"), (argv, err)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(argv=command_lines())
def test_generated_command_lines_in_process(template, argv):
    with tempfile.TemporaryDirectory(prefix="seatside-fuzz-") as tmp:
        root = Path(tmp)
        shutil.copytree(template, root, dirs_exist_ok=True)
        (root / "out").mkdir()
        real = materialise(argv, root)
        out, err = io.StringIO(), io.StringIO()
        cwd = os.getcwd()
        os.chdir(root)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code: object = main(real)
                except SystemExit as exc:
                    code = exc.code
        finally:
            os.chdir(cwd)
        check_outcome(real, code, out.getvalue(), err.getvalue())
        if not {"export", "search", "backup"}.isdisjoint(argv) and "seed-demo" not in argv:
            assert not (root / "no").exists(), real  # read-only commands create nothing where there was no data


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(argv=command_lines())
def test_generated_command_lines_as_real_processes(template, argv):
    with tempfile.TemporaryDirectory(prefix="seatside-fuzz-") as tmp:
        root = Path(tmp)
        shutil.copytree(template, root, dirs_exist_ok=True)
        (root / "out").mkdir()
        real = materialise(argv, root)
        env = {**os.environ, "SEATSIDE_DATA_DIR": str(root / "env-data")}
        result = subprocess.run([sys.executable, "-m", "desktop", *real], capture_output=True, text=True,
                                timeout=120, cwd=root, env=env, check=False)
        check_outcome(real, result.returncode, result.stdout, result.stderr)
