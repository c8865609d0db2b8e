"""One source of packs, end to end, with real processes: a real hub (uvicorn) on a real
PostgreSQL, the lead's dashboard in Debian's chromium (Playwright), `seatside` as a real
process, and the panel under Xvfb with its real X11 hotkeys typing into another program.

The team starts, as every real team does, from the built-in scenarios published as they
are (version 1); each test enrols a seat of its own and works from the newest version.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from desktop.core.base.paths import builtin_packs_dir
from hub import admin
from hub.cluster import EmbeddedCluster
from hub.security import hash_password
from tests.gui.test_x11_insertion import crm, received  # noqa: F401 - the focused program as a fixture
from tests.hub.conftest import HubProcess, _drop_database, _new_database, pg_cluster, run_hub  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
TEAM = "信用卡二组"
LEAD = "zhangli"
PASSWORD = "correct horse battery"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

SCENARIO = "atm-cash-retained"
STEP = "reassure"
PHRASE = "reassure-safe"
OLD = "{称呼}，您先放心，机器没吐出来的钱不会凭空没了，机器清点对账的时候会核对出来，我们有专门的流程跟进到底。"
RETIRED = "points-redemption"
RETIRED_PHRASE = "积分是您一笔一笔刷卡攒下来的"


@dataclass
class TeamHub:
    server: HubProcess
    url: str
    home: Path

    @property
    def base(self) -> str:
        return self.server.base

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True)

    def latest(self) -> int:
        with self.connect() as conn:
            row = conn.execute("SELECT max(version) FROM packs").fetchone()
        assert row is not None and row[0] is not None
        return int(row[0])

    def new_seat(self, name: str, data: Path) -> None:
        """A seat added by the centre and enrolled by the real program (global option after the command)."""
        with self.connect() as conn:
            code = admin.add_seat(conn, TEAM, name, hours=1)
        enrolled = seatside("enroll", self.base, code, "--data-dir", str(data))
        assert enrolled.returncode == 0, enrolled.stderr


@pytest.fixture(scope="module")
def team_hub(pg_cluster: EmbeddedCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeamHub]:  # noqa: F811
    name = _new_database(pg_cluster)
    url = pg_cluster.url_for(name)
    home = tmp_path_factory.mktemp("hub-home")
    assert run_hub(url, home, "keys", "init").returncode == 0
    with psycopg.connect(url, autocommit=True) as conn:
        admin.add_team(conn, TEAM)
        admin.add_lead(conn, TEAM, LEAD)
        conn.execute("UPDATE leads SET password_hash = %s, must_change = false WHERE name = %s",
                     (hash_password(PASSWORD), LEAD))
    first = run_hub(url, home, "packs", "publish", str(builtin_packs_dir()), "--team", TEAM, "--note", "内置场景")
    assert first.returncode == 0, first.stderr
    server = HubProcess(url, home)
    server.start()
    try:
        yield TeamHub(server, url, home)
    finally:
        stderr = server.stop()
        _drop_database(pg_cluster, name)
        assert "Traceback" not in stderr, stderr


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Debian's chromium is not installed (scripts/system-deps.sh installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def lead(browser: Browser, team_hub: TeamHub) -> Iterator[Page]:
    """The lead, signed in to the dashboard in Chinese; a script error fails the test."""
    context = browser.new_context(base_url=team_hub.base, locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("dialog", lambda dialog: dialog.accept())  # the lead says yes to "roll back?"
    page.goto("/packs")
    page.fill("#name", LEAD)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    expect(page).to_have_url(team_hub.base + "/packs")
    yield page
    context.close()
    assert not problems, problems


def seatside(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("SEATSIDE_DATA_DIR", None)  # every command names its folder
    return subprocess.run([sys.executable, "-m", "desktop", *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def sync(data: Path) -> subprocess.CompletedProcess[str]:
    return seatside("sync", "--data-dir", str(data))


def search(data: Path, query: str) -> list[list[str]]:
    """`seatside search` as a process: rank, key, scenario, match, text per hit."""
    found = seatside("search", query, "--limit", "50", "--data-dir", str(data))
    assert found.returncode in (0, 1), found.stderr
    return [line.split("\t") for line in found.stdout.splitlines() if line]


def edited_file(folder: Path, text: str) -> Path:
    """The lead's edit: the built-in scenario's file with one phrase changed."""
    source = (builtin_packs_dir() / f"{SCENARIO}.yaml").read_text(encoding="utf-8")
    assert OLD in source
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{SCENARIO}.yaml"
    path.write_text(source.replace(OLD, text), encoding="utf-8")
    return path


def upload_and_publish(page: Page, path: Path, note: str, old: str, new: str) -> int:
    """Upload one edited file on the dashboard, read the side-by-side diff, publish."""
    page.goto("/packs")
    page.set_input_files("#files", [str(path)])
    page.click("#upload")
    expect(page.locator("#check-ok")).to_be_visible()
    expect(page.locator("#merged")).to_be_visible()  # merged into the team set, not replacing it
    expect(page.locator("#drops")).to_have_count(0)  # no scenario is left out
    row = page.locator(f'section[data-scenario="{SCENARIO}"] tr[data-phrase="{PHRASE}"]')
    expect(row.locator("td.old")).to_have_text(old)
    expect(row.locator("td.new")).to_have_text(new)
    page.fill("#note", note)
    page.click("#publish")
    expect(page.locator("#published-note")).to_be_visible()
    return int(page.url.split("published=")[1])


def phrase_of(app, scenario_id: str, step_id: str, phrase_id: str) -> str:
    scenario = app.model.library.get(scenario_id)
    assert scenario is not None, scenario_id
    return {p.id: p.text for p in scenario.step(step_id).phrases}[phrase_id]


def show_step(app, scenario_id: str, step_id: str) -> None:
    app.model.start_call()
    app.model.choose_scenario(scenario_id)
    scenario = app.model.library.get(scenario_id)
    for step in scenario.steps:
        if step.id == step_id:
            break
        app.model.set_step_ticked(step.id, True)
    assert app.model.call.current_step_id() == step_id


def test_an_edited_phrase_reaches_the_panel_and_is_inserted_with_its_hotkey(
        team_hub: TeamHub, lead: Page, make_app, crm, qtbot, isolated_dirs: Path, tmp_path: Path) -> None:  # noqa: F811
    new = "{称呼}，您放心，机器吞掉的钱一分都不会少，我们二组跟进到底。"
    data = isolated_dirs
    team_hub.new_seat("B01", data)
    before = team_hub.latest()
    version = upload_and_publish(lead, edited_file(tmp_path / "lead", new), "改了吞钞安抚话术", OLD, new)
    assert version == before + 1
    # Merged: the team set still has every built-in scenario (one of them edited).
    with team_hub.connect() as conn:
        row = conn.execute("SELECT files, scenarios FROM packs WHERE version = %s", (version,)).fetchone()
    assert row is not None and row[0] >= 22 and row[1] >= 22

    synced = sync(data)
    assert synced.returncode == 0, synced.stderr
    assert f"packs: version {version} installed" in synced.stdout
    version_line = seatside("--version", "--data-dir", str(data)).stdout.splitlines()[1]
    assert f"version {version}" in version_line and TEAM in version_line
    hits = [hit for hit in search(data, "一分都不会少") if hit[1] == f"{SCENARIO}/{PHRASE}"]
    assert hits and hits[0][4] == new
    assert not [hit for hit in search(data, "凭空没了") if hit[1] == f"{SCENARIO}/{PHRASE}"]

    app = make_app(real_clipboard=True, real_hooks=True, insert_mode="type")
    assert app.hotkeys.backend.name == "X11 (XGrabKey)" and app.hotkeys.failures == {}
    assert phrase_of(app, SCENARIO, STEP, PHRASE) == new  # the team's version, not the built-in one
    assert f"{version}" in app.panel.packs_version and TEAM in app.panel.packs_version
    app.panel.show_about()
    assert app.panel.about_box is not None and app.panel.packs_version in app.panel.about_box.text()
    app.panel.about_box.close()
    show_step(app, SCENARIO, STEP)
    app.model.set_value("称呼", "王先生")
    choices = app.phrases.current_choices()
    number = next(i for i, c in enumerate(choices) if c.key == f"{SCENARIO}/{PHRASE}") + 1
    assert choices[number - 1].text == new
    assert any(text.endswith(new) for text in app.panel.phrases.texts())  # on screen at that step
    expected = "王先生，您放心，机器吞掉的钱一分都不会少，我们二组跟进到底。"
    subprocess.run(["xdotool", "search", "--sync", "--name", "seatside-test-target", "windowfocus", "--sync"],
                   check=True, timeout=10, capture_output=True)
    with qtbot.waitSignal(app.insertion.inserted, timeout=10000) as blocker:
        subprocess.run(["xdotool", "key", f"ctrl+alt+{number}"], check=True)
    assert blocker.args == [expected, "type"]
    qtbot.waitUntil(lambda: received(crm) == expected, timeout=10000)

    # The dashboard: the seat runs this version and has just synced.
    lead.goto("/packs")
    seat_row = lead.locator('tr[data-seat="B01"]')
    expect(seat_row.locator(".seat-version")).to_have_text(f"v{version}")
    expect(seat_row.locator(".seat-synced")).not_to_have_text("–")
    expect(seat_row.locator(".seat-refused")).to_have_text("–")


def test_a_retired_scenario_leaves_the_picker_and_the_search(team_hub: TeamHub, lead: Page, make_app, qtbot,
                                                             isolated_dirs: Path) -> None:
    data = isolated_dirs
    team_hub.new_seat("B02", data)
    assert sync(data).returncode == 0
    assert [hit for hit in search(data, RETIRED_PHRASE) if hit[2] == RETIRED]
    app = make_app()
    assert RETIRED in app.panel.picker.visible_ids()

    lead.goto("/packs")
    lead.fill("#retire-ids", RETIRED)
    lead.click("#retire")
    expect(lead.locator("#check-ok")).to_be_visible()
    expect(lead.locator(f'section[data-scenario="{RETIRED}"]')).to_contain_text("停用")
    lead.click("#publish")
    expect(lead.locator("#published-note")).to_be_visible()
    version = int(lead.url.split("published=")[1])

    # The running panel takes it by its long-poll: gone from the picker and the palette's search.
    state = data / "hub-packs.json"
    qtbot.waitUntil(lambda: json.loads(state.read_text())["version"] == version, timeout=60000)
    qtbot.waitUntil(lambda: app.model.library.get(RETIRED) is None, timeout=30000)
    qtbot.waitUntil(lambda: RETIRED not in app.panel.picker.visible_ids(), timeout=10000)
    assert app.model.library.get("opening-identity") is not None  # only that one went
    # The palette's index is rebuilt in the background a moment after a reload.
    qtbot.waitUntil(lambda: not [c for c in app.phrases.search(RETIRED_PHRASE) if c.scenario_id == RETIRED],
                    timeout=10000)
    assert not [hit for hit in search(data, RETIRED_PHRASE) if hit[2] == RETIRED]


def test_a_roll_back_brings_the_old_phrase_back(team_hub: TeamHub, lead: Page, make_app, qtbot,
                                               isolated_dirs: Path, tmp_path: Path) -> None:
    data = isolated_dirs
    team_hub.new_seat("B03", data)
    good = team_hub.latest()
    current_text = phrase_text_of_version(team_hub, good)
    edited = "{称呼}，这句是要撤回的话术。"
    version = upload_and_publish(lead, edited_file(tmp_path / "lead", edited), "一版要撤回的", current_text, edited)
    assert sync(data).returncode == 0
    app = make_app()
    assert phrase_of(app, SCENARIO, STEP, PHRASE) == edited

    lead.goto("/packs")
    lead.locator(f'form[action="/packs/versions/{good}/rollback"] button').click()
    expect(lead.locator("#published-note")).to_be_visible()
    rolled = int(lead.url.split("published=")[1])
    assert rolled == version + 1
    # The whole earlier set, as a new version: the same files as before the edit.
    with team_hub.connect() as conn:
        rows = dict(conn.execute("SELECT version, bundle FROM packs WHERE version IN (%s, %s)",
                                 (good, rolled)).fetchall())
    assert admin.bundle_files(bytes(rows[good])) == admin.bundle_files(bytes(rows[rolled]))
    state = data / "hub-packs.json"
    qtbot.waitUntil(lambda: json.loads(state.read_text())["version"] == rolled, timeout=60000)
    qtbot.waitUntil(lambda: phrase_of(app, SCENARIO, STEP, PHRASE) == current_text, timeout=30000)
    assert not [hit for hit in search(data, "要撤回的话术") if hit[1] == f"{SCENARIO}/{PHRASE}"]


def phrase_text_of_version(hub: TeamHub, version: int) -> str:
    import yaml

    with hub.connect() as conn:
        row = conn.execute("SELECT bundle FROM packs WHERE version = %s", (version,)).fetchone()
    assert row is not None
    files = admin.bundle_files(bytes(row[0]))
    for text in files.values():
        for scenario in (yaml.safe_load(text) or {}).get("scenarios", []):
            if scenario.get("id") == SCENARIO:
                for step in scenario["steps"]:
                    for phrase in step.get("phrases", []):
                        if isinstance(phrase, dict) and phrase.get("id") == PHRASE:
                            return str(phrase["text"])
    raise AssertionError("the phrase is not in that version")


def test_a_tampered_set_is_refused_and_the_dashboard_says_why(team_hub: TeamHub, lead: Page, isolated_dirs: Path,
                                                              tmp_path: Path) -> None:
    data = isolated_dirs
    team_hub.new_seat("B04", data)
    assert sync(data).returncode == 0
    good = team_hub.latest()
    current = phrase_text_of_version(team_hub, good)
    version = upload_and_publish(lead, edited_file(tmp_path / "lead", "{称呼}，这一版会在路上被改掉。"),
                                 "被篡改的一版", current, "{称呼}，这一版会在路上被改掉。")
    # Someone changes the stored set after it was signed.
    with team_hub.connect() as conn:
        changed = conn.execute(
            "UPDATE packs SET bundle = convert_to(replace(convert_from(bundle, 'UTF8'), '在路上被改掉', '被人改过了'),"
            " 'UTF8') WHERE version = %s", (version,)).rowcount
    assert changed == 1
    refused = sync(data)
    assert refused.returncode == 1
    assert "signature does not match" in refused.stdout
    assert json.loads((data / "hub-packs.json").read_text())["version"] == good  # the last good packs stay
    assert not search(data, "被人改过了")

    lead.goto("/packs")
    cell = lead.locator('tr[data-seat="B04"] .seat-refused')
    expect(cell).to_contain_text(f"拒收第 {version} 版")
    expect(cell).to_contain_text("签名与中心密钥不符")
    expect(lead.locator('tr[data-seat="B04"] .seat-version')).to_contain_text(f"v{good}")
