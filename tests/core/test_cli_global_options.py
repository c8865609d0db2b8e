"""Global options (--data-dir, --packs, --no-builtin) before or after any sub-command,
and `seatside --version` naming the packs the data folder runs; real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop import __version__
from desktop.core.hubclient.hub_protocol import b64
from tests.helpers import MINIMAL_PACK, write_pack

ROOT = Path(__file__).resolve().parents[2]


def seatside(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), HOME=str(home), XDG_DATA_HOME=str(home / "xdg"))
    env.pop("SEATSIDE_DATA_DIR", None)
    return subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, text=True, timeout=60,
                          env=env, check=False)


def test_data_dir_works_after_the_sub_command(tmp_path: Path) -> None:
    data = tmp_path / "seat"
    # enroll refuses the address the same way in both places: the option was understood.
    before = seatside("--data-dir", str(data), "enroll", "ftp://nowhere", "CODE", home=tmp_path)
    after = seatside("enroll", "ftp://nowhere", "CODE", "--data-dir", str(data), home=tmp_path)
    assert before.returncode == after.returncode == 1
    assert before.stderr == after.stderr and "not a hub address" in after.stderr
    # sync --status reads the folder it is given, wherever the option stands.
    status = seatside("sync", "--status", "--data-dir", str(data), home=tmp_path)
    assert status.returncode == 1 and "not enrolled" in (status.stdout + status.stderr)
    assert not (tmp_path / "xdg" / "Seatside").exists()  # nothing went to the default folder


def test_packs_and_no_builtin_after_the_sub_command(tmp_path: Path) -> None:
    extra = write_pack(tmp_path / "extra", "mine.yaml", MINIMAL_PACK)
    (tmp_path / "d").mkdir()
    only_extra = seatside("search", "--no-builtin", "--packs", str(extra.parent), "--data-dir", str(tmp_path / "d"),
                          "稍等", home=tmp_path)
    assert only_extra.returncode == 0, only_extra.stderr
    assert "请您稍等" in only_extra.stdout
    mixed = seatside("--packs", str(extra.parent), "search", "--no-builtin", "--data-dir", str(tmp_path / "d"),
                     "稍等", home=tmp_path)
    assert mixed.stdout == only_extra.stdout and mixed.returncode == only_extra.returncode
    builtin = seatside("search", "--data-dir", str(tmp_path / "d"), "挂失", home=tmp_path)
    none = seatside("search", "--data-dir", str(tmp_path / "d"), "--no-builtin", "挂失", home=tmp_path)
    assert builtin.stdout.strip() and not none.stdout.strip()


def test_nested_sub_commands_take_them_too(tmp_path: Path) -> None:
    listed = seatside("backup", "list", "--data-dir", str(tmp_path / "empty"), home=tmp_path)
    assert "empty" in listed.stderr + listed.stdout  # names the folder it was given
    assert "unrecognized arguments" not in listed.stderr


def test_version_names_the_packs_the_folder_runs(tmp_path: Path) -> None:
    data = tmp_path / "seat"
    plain = seatside("--version", "--data-dir", str(data), home=tmp_path)
    assert plain.returncode == 0
    assert plain.stdout.splitlines() == [f"seatside {__version__}",
                                         "packs: built-in and the seat's own (not enrolled with a hub)"]
    data.mkdir()
    (data / "hub.json").write_text(json.dumps({
        "url": "https://hub.bank.example", "seat": "A01", "team": "信用卡一组", "public_key": b64(bytes(32)),
        "fingerprint": "x", "token_store": "file"}), encoding="utf-8")
    (data / "hub-packs.json").write_text(json.dumps({"version": 7, "installed_at": "2026-12-07T10:00:00+08:00"}),
                                         encoding="utf-8")
    enrolled = seatside("--version", "--data-dir", str(data), home=tmp_path)
    assert enrolled.stdout.splitlines()[1] == (
        "packs: team '信用卡一组' version 7 from https://hub.bank.example (installed 2026-12-07T10:00:00+08:00),"
        " over the built-in ones")
    (data / "hub.json").write_text("{broken", encoding="utf-8")
    damaged = seatside("--version", "--data-dir", str(data), home=tmp_path)
    assert damaged.returncode == 0 and damaged.stdout.splitlines()[1].startswith("packs: unknown (")
