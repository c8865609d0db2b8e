"""The administrator's command line against a real PostgreSQL, as real processes."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import psycopg

from tests.hub.conftest import run_hub

ROOT = Path(__file__).resolve().parents[2]


def test_team_seat_lead_keys_and_audit(hub_db: str, hub_home: Path, db: psycopg.Connection) -> None:
    assert run_hub(hub_db, hub_home, "team", "add", "一组").returncode == 0
    seat = run_hub(hub_db, hub_home, "seat", "add", "--team", "一组", "A001")
    assert seat.returncode == 0, seat.stderr
    code = seat.stdout.strip().splitlines()[-1]
    assert len(code) == 19 and code.count("-") == 3
    # Only a hash of the code is kept.
    stored = db.execute("SELECT code_hash FROM enrolment_codes").fetchall()
    assert len(stored) == 1 and code.encode() not in bytes(stored[0][0])

    lead = run_hub(hub_db, hub_home, "lead", "add", "--team", "一组", "wang")
    assert lead.returncode == 0, lead.stderr
    password = lead.stdout.strip().splitlines()[-1]
    hashed = db.execute("SELECT password_hash FROM leads WHERE name = 'wang'").fetchone()[0]
    assert hashed.startswith("$argon2id$") and password not in hashed

    keys = run_hub(hub_db, hub_home, "keys", "init")
    assert keys.returncode == 0, keys.stderr
    assert keys.stdout.strip().splitlines()[-1].startswith("SHA256:")
    key_file = hub_home / "signing-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = run_hub(hub_db, hub_home, "keys", "init")
    assert again.returncode == 1 and "already exists" in again.stderr and len(again.stderr.splitlines()) == 1

    revoke = run_hub(hub_db, hub_home, "seat", "revoke", "A001")
    assert revoke.returncode == 0, revoke.stderr
    actions = [r[0] for r in db.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["team.add", "seat.add", "lead.add", "keys.init", "seat.revoke"]


def test_publish_versions_and_signs(hub_db: str, hub_home: Path, db: psycopg.Connection) -> None:
    from desktop.core.hubclient.hub_protocol import open_bundle

    run_hub(hub_db, hub_home, "team", "add", "一组")
    run_hub(hub_db, hub_home, "keys", "init")
    packs = ROOT / "resources" / "scenarios"
    first = run_hub(hub_db, hub_home, "packs", "publish", str(packs), "--team", "一组", "--note", "首版")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().splitlines()[-1] == "1"
    second = run_hub(hub_db, hub_home, "packs", "publish", str(packs), "--team", "一组")
    assert second.stdout.strip().splitlines()[-1] == "2"
    bundle, signature, public = db.execute(
        "SELECT p.bundle, p.signature, k.public_key FROM packs p JOIN signing_keys k ON k.fingerprint = p.key_fingerprint"
        " WHERE version = 2"
    ).fetchone()
    opened = open_bundle(bytes(public), bytes(bundle), bytes(signature))
    assert opened.version == 2 and opened.team == "一组"
    assert set(opened.files) == {p.name for p in packs.glob("*.yaml")}


def test_publish_refuses_broken_packs(hub_db: str, hub_home: Path, tmp_path: Path, db: psycopg.Connection) -> None:
    run_hub(hub_db, hub_home, "team", "add", "一组")
    run_hub(hub_db, hub_home, "keys", "init")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "bad.yaml").write_text("scenarios: [ {id: x, name: 1", encoding="utf-8")
    result = run_hub(hub_db, hub_home, "packs", "publish", str(broken), "--team", "一组")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "bad.yaml" in result.stderr
    assert "Traceback" not in result.stderr
    assert db.execute("SELECT count(*) FROM packs").fetchone()[0] == 0
    empty = run_hub(hub_db, hub_home, "packs", "publish", str(tmp_path / "nowhere"), "--team", "一组")
    assert empty.returncode == 1 and "not a folder" in empty.stderr


def test_stats_is_one_json_object(hub_db: str, hub_home: Path) -> None:
    run_hub(hub_db, hub_home, "team", "add", "一组")
    result = run_hub(hub_db, hub_home, "stats", "--team", "一组", "--day", "2026-03-02")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["calls"] == 0 and summary["team"] == "一组"


def test_errors_are_one_line(hub_db: str, hub_home: Path) -> None:
    cases = [
        (("stats", "--team", "nobody", "--day", "2026-03-02"), 1, "no team named"),
        (("stats", "--team", "x", "--day", "yesterday"), 2, "YYYY-MM-DD"),
        (("seat", "add", "A1"), 2, "--team"),
        (("seat", "revoke", "ghost"), 1, "no seat named"),
        (("team", "add", "  "), 1, "1-100 characters"),
        (("serve", "--host", "0.0.0.0"), 2, "plain HTTP"),
        (("packs", "publish", ".", "--team", "x"), 1, ""),
        (("frobnicate",), 2, "invalid choice"),
    ]
    for args, code, text in cases:
        result = run_hub(hub_db, hub_home, *args)
        assert result.returncode == code, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
        assert text in result.stderr and "Traceback" not in result.stderr


def test_unreachable_database_is_one_line(hub_home: Path) -> None:
    result = run_hub("postgresql://nobody@/none?host=/nonexistent-socket-dir", hub_home, "team", "add", "x")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "cannot connect" in result.stderr


def test_publish_that_leaves_scenarios_out_needs_each_named(hub_db: str, hub_home: Path, tmp_path: Path,
                                                           db: psycopg.Connection) -> None:
    run_hub(hub_db, hub_home, "team", "add", "一组")
    run_hub(hub_db, hub_home, "keys", "init")
    packs = ROOT / "resources" / "scenarios"
    assert run_hub(hub_db, hub_home, "packs", "publish", str(packs), "--team", "一组").returncode == 0
    smaller = tmp_path / "smaller"
    smaller.mkdir()
    names = sorted(p.name for p in packs.glob("*.yaml"))
    for name in names[:-2]:
        (smaller / name).write_text((packs / name).read_text(encoding="utf-8"), encoding="utf-8")
    left_out = [name.removesuffix(".yaml") for name in names[-2:]]  # one scenario per file, named by its id
    refused = run_hub(hub_db, hub_home, "packs", "publish", str(smaller), "--team", "一组")
    assert refused.returncode == 1 and len(refused.stderr.strip().splitlines()) == 1
    assert all(sid in refused.stderr for sid in left_out) and "--drop" in refused.stderr
    half = run_hub(hub_db, hub_home, "packs", "publish", str(smaller), "--team", "一组", "--drop", left_out[0])
    assert half.returncode == 1 and left_out[1] in half.stderr and left_out[0] not in half.stderr
    assert db.execute("SELECT count(*) FROM packs").fetchone()[0] == 1
    done = run_hub(hub_db, hub_home, "packs", "publish", str(smaller), "--team", "一组",
                   "--drop", left_out[0], "--drop", left_out[1])
    assert done.returncode == 0, done.stderr
    detail = db.execute("SELECT detail FROM audit_log WHERE action = 'packs.publish' ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert detail["dropped"] == sorted(left_out)


def test_scores_fills_in_calls_stored_before_scoring(hub_db: str, hub_home: Path, db: psycopg.Connection) -> None:
    assert run_hub(hub_db, hub_home, "team", "add", "一组").returncode == 0
    assert run_hub(hub_db, hub_home, "seat", "add", "--team", "一组", "A001").returncode == 0
    team, seat = db.execute("SELECT team_id, id FROM seats WHERE name = 'A001'").fetchone()
    # A call as an earlier hub stored it: banned entries without a source, no score.
    db.execute(
        "INSERT INTO calls (seat_id, team_id, call_uid, revision, started_at, duration_s, wrapup_s, disposition,"
        " mandatory_done, mandatory_total, banned_hits, steps, skipped, banned)"
        " VALUES (%s, %s, 'old-1', 1, now(), 200, 20, 'resolved', 1, 2, 1,"
        " '[{\"step_id\": \"verify\", \"title\": \"核实身份\", \"mandatory\": true}]',"
        " '[{\"step_id\": \"remind\", \"title\": \"提醒风险\", \"reason\": \"\"}]',"
        " '[{\"phrase\": \"你…听我说\", \"count\": 1}]')", (seat, team))
    first = run_hub(hub_db, hub_home, "scores", "--team", "一组")
    assert first.returncode == 0, first.stderr
    assert "1 calls scored" in first.stdout
    row = db.execute("SELECT score, revision, reasons FROM call_scores WHERE call_uid = 'old-1'").fetchone()
    assert row is not None
    assert row[0] == 100 - 15 - 20 - 5 and row[1] == 1  # a mandatory step, a typed banned phrase, no reason
    assert {r["code"] for r in row[2]} == {"mandatory_missed", "banned_typed", "no_skip_reason"}
    again = run_hub(hub_db, hub_home, "scores", "--team", "一组")
    assert again.returncode == 0 and "0 calls scored" in again.stdout

    db.execute("UPDATE teams SET settings = '{\"score\": {\"banned_typed\": 50}}' WHERE id = %s", (team,))
    everything = run_hub(hub_db, hub_home, "scores", "--team", "一组", "--all")
    assert everything.returncode == 0 and "1 calls scored" in everything.stdout
    assert db.execute("SELECT score FROM call_scores WHERE call_uid = 'old-1'").fetchone() == (100 - 15 - 50 - 5,)

    missing = run_hub(hub_db, hub_home, "scores", "--team", "nobody")
    assert missing.returncode == 1 and "no team named" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1 and "Traceback" not in missing.stderr
