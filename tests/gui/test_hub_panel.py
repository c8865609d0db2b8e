"""The panel with the centre's hub: heartbeats, the outbox and new packs while it runs.

A real hub (real uvicorn, real PostgreSQL) on loopback and the fully wired panel.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg

from desktop.core.hubclient.sync import enroll
from tests.hub.conftest import (  # noqa: F401
    HubProcess,
    db,
    hub_db,
    hub_home,
    hub_server,
    pg_cluster,
    run_hub,
)

PACK = """\
pack:
  id: centre-team
  name: 一组话术
  version: "{version}"
scenarios:
  - id: centre-callback
    name: 中心回访
    keywords: [回访]
    steps:
      - id: greet
        title: 问候并说明来意
        mandatory: true
        phrases:
          - id: greet-1
            text: "您好，这里是银行客服中心，给您回个电话。"
      - id: confirm
        title: 确认问题已解决
        phrases:
          - id: confirm-1
            text: "上次您反映的问题，现在都处理好了吗？"
"""


def publish(server: HubProcess, folder: Path, version: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "centre.yaml").write_text(PACK.format(version=version), encoding="utf-8")
    result = run_hub(server.url, server.home, "packs", "publish", str(folder), "--team", "一组", "--note", version)
    assert result.returncode == 0, result.stderr


def test_panel_syncs_with_the_hub(make_app, qtbot, hub_server: HubProcess, db: psycopg.Connection,  # noqa: F811
                                  isolated_dirs: Path, tmp_path: Path) -> None:
    run_hub(hub_server.url, hub_server.home, "team", "add", "一组")
    code = run_hub(hub_server.url, hub_server.home, "seat", "add", "--team", "一组", "A001").stdout.split()[-1]
    enroll(isolated_dirs, hub_server.base, code)
    publish(hub_server, tmp_path / "packs", "1.0")
    app = make_app()
    state_file = isolated_dirs / "hub-packs.json"
    qtbot.waitUntil(lambda: state_file.exists() and json.loads(state_file.read_text())["version"] == 1, timeout=30000)
    qtbot.waitUntil(lambda: app.model.library.get("centre-callback") is not None, timeout=30000)

    def seat_state() -> str | None:
        row = db.execute("SELECT state FROM seat_state").fetchone()
        return row[0] if row else None

    qtbot.waitUntil(lambda: seat_state() == "idle", timeout=30000)
    app.model.start_call()
    app.model.choose_scenario("centre-callback")
    qtbot.waitUntil(lambda: seat_state() == "in_call", timeout=30000)
    app.model.set_step_ticked("greet", True)
    qtbot.waitUntil(lambda: db.execute("SELECT mandatory_done FROM seat_state").fetchone()[0] == 1, timeout=30000)
    app.model.end_call("resolved")
    qtbot.waitUntil(lambda: db.execute("SELECT count(*) FROM calls").fetchone()[0] == 1, timeout=30000)
    row = db.execute("SELECT scenario_id, mandatory_done, mandatory_total, pack_version FROM calls").fetchone()
    assert row == ("centre-callback", 1, 1, 1)
    qtbot.waitUntil(lambda: seat_state() == "idle", timeout=30000)

    # A newer version while the panel runs: the long-poll takes it, the watcher reloads it.
    publish(hub_server, tmp_path / "packs", "1.1")
    qtbot.waitUntil(lambda: json.loads(state_file.read_text())["version"] == 2, timeout=30000)
    qtbot.waitUntil(lambda: db.execute("SELECT version FROM seat_pack_versions").fetchone()[0] == 2, timeout=30000)
