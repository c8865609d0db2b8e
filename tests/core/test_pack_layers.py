"""The order in which a seat combines its packs: built-in, the seat's own files,
the team's from the hub; a higher layer replaces a scenario, a marker retires it."""

from __future__ import annotations

from pathlib import Path

from desktop.core.base.paths import builtin_packs_dir, pack_dirs
from desktop.core.hubclient.hub_protocol import HUB_PACK_PREFIX
from desktop.core.packs.loader import (
    LAYER_BUILTIN,
    LAYER_LOCAL,
    LAYER_TEAM,
    TEAM_PACK_PREFIX,
    load_pack_file,
    load_packs,
    pack_layer,
)
from desktop.core.packs.packset import PackSet
from tests.helpers import write_pack

BUILTIN_GREETING = "您好，我是{坐席工号}号客服，很高兴为您服务，请问有什么可以帮您？"


def edited_opening() -> str:
    """The built-in opening scenario with its first phrase edited (as a lead would)."""
    text = (builtin_packs_dir() / "opening-identity.yaml").read_text(encoding="utf-8")
    assert BUILTIN_GREETING in text
    return text.replace(BUILTIN_GREETING, "您好，我是{坐席工号}号，信用卡中心二组为您服务，请讲。")


RETIRE = """\
scenarios:
  - id: points-redemption
    retired: true
    reason: 积分活动已结束
"""

LOCAL = """\
scenarios:
  - id: opening-identity
    name: 本地开场
    steps:
      - id: greet
        title: 问候
        phrases: [本地的问候]
"""


def phrases(library, scenario_id: str) -> list[str]:
    scenario = library.get(scenario_id)
    assert scenario is not None, scenario_id
    return [p.text for step in scenario.steps for p in step.phrases]


def test_layer_of_a_file_comes_from_where_it_is(tmp_path: Path) -> None:
    assert HUB_PACK_PREFIX == TEAM_PACK_PREFIX  # the files sync writes are the team layer
    assert pack_layer(builtin_packs_dir() / "opening-identity.yaml") == LAYER_BUILTIN
    assert pack_layer(tmp_path / "packs" / "mine.yaml") == LAYER_LOCAL
    assert pack_layer(tmp_path / "packs" / "hub-opening-identity.yaml") == LAYER_TEAM


def test_a_team_scenario_replaces_the_built_in_one_with_the_same_id(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_pack(data / "packs", "hub-opening-identity.yaml", edited_opening())
    result = load_packs(pack_dirs(data))
    assert result.errors == []
    assert not [p for p in result.problems if "already defined" in p.message]
    texts = phrases(result.library, "opening-identity")
    assert "您好，我是{坐席工号}号，信用卡中心二组为您服务，请讲。" in texts
    assert BUILTIN_GREETING not in texts
    # Exactly one opening scenario, still where the built-in one stood.
    assert [s.id for s in result.library.scenarios].count("opening-identity") == 1
    builtin_only = load_packs(pack_dirs(tmp_path / "empty"))
    assert [s.id for s in builtin_only.library.scenarios] == [s.id for s in result.library.scenarios]


def test_the_team_layer_wins_over_the_seats_own_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_pack(data / "packs", "opening.yaml", LOCAL)
    assert phrases(load_packs(pack_dirs(data)).library, "opening-identity") == ["本地的问候"]
    write_pack(data / "packs", "hub-opening-identity.yaml", edited_opening())
    texts = phrases(load_packs(pack_dirs(data)).library, "opening-identity")
    assert "您好，我是{坐席工号}号，信用卡中心二组为您服务，请讲。" in texts and "本地的问候" not in texts


def test_a_retirement_marker_takes_a_built_in_scenario_out(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert load_packs(pack_dirs(data)).library.get("points-redemption") is not None
    write_pack(data / "packs", "hub-retired.yaml", RETIRE)
    result = load_packs(pack_dirs(data))
    assert result.errors == []
    assert result.library.get("points-redemption") is None
    assert result.library.get("opening-identity") is not None
    # The same through the panel's reloading pack set.
    packset = PackSet(pack_dirs(data))
    assert packset.load().library.get("points-redemption") is None
    (data / "packs" / "hub-retired.yaml").unlink()
    assert packset.load().library.get("points-redemption") is not None


def test_duplicates_within_one_layer_are_still_reported(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_pack(data / "packs", "hub-a.yaml", edited_opening())
    write_pack(data / "packs", "hub-b.yaml", edited_opening())
    result = load_packs(pack_dirs(data))
    duplicate = [p for p in result.problems if "already defined" in p.message]
    assert len(duplicate) == 1 and duplicate[0].file.endswith("hub-b.yaml")


def test_a_retirement_marker_is_checked(tmp_path: Path) -> None:
    path = write_pack(tmp_path, "r.yaml", "scenarios:\n  - id: points-redemption\n    retired: yes-please\n")
    _, scenarios, problems = load_pack_file(path)
    assert scenarios == []
    assert [(p.line, p.severity) for p in problems] == [(3, "error")]
    assert "'retired' must be true" in problems[0].message
    path = write_pack(tmp_path, "s.yaml", RETIRE.replace("    reason", "    steps: []\n    reason"))
    _, scenarios, problems = load_pack_file(path)
    assert [s.retired for s in scenarios] == [True]
    assert [(p.line, p.severity) for p in problems] == [(4, "warning")]
