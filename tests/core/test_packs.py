"""Pack loading and validation: every problem names file:line."""

from __future__ import annotations

import pytest

from desktop.core.packs.loader import load_pack_file, load_packs
from tests.helpers import MINIMAL_PACK, PACKS, write_pack


def test_builtin_packs_load_without_problems():
    result = load_packs([PACKS])
    assert result.problems == []
    ids = {s.id for s in result.library.scenarios}
    assert {"points-redemption", "card-retained-atm", "atm-cash-retained"} <= ids


@pytest.mark.parametrize("scenario_id", ["points-redemption", "card-retained-atm", "atm-cash-retained"])
def test_builtin_scenarios_are_complete(scenario_id):
    scenario = load_packs([PACKS]).library.get(scenario_id)
    assert scenario is not None
    assert scenario.name and scenario.description and scenario.keywords
    assert any(step.mandatory for step in scenario.steps)
    for step in scenario.steps:
        assert step.title
        assert 2 <= len(step.phrases) <= 6, step.id


def test_card_retained_reminds_to_cancel_the_loss_report():
    scenario = load_packs([PACKS]).library.get("card-retained-atm")
    mandatory_text = " ".join(p.text for s in scenario.steps if s.mandatory for p in s.phrases)
    assert "解挂" in mandatory_text or "解除挂失" in mandatory_text


def test_minimal_pack_loads(tmp_path):
    path = write_pack(tmp_path, "test.yaml", MINIMAL_PACK)
    info, scenarios, problems = load_pack_file(path)
    assert problems == []
    assert info.name == "测试包"
    (scenario,) = scenarios
    assert [s.id for s in scenario.steps] == ["first", "second"]
    assert scenario.steps[0].mandatory and not scenario.steps[1].mandatory
    assert [p.id for p in scenario.steps[0].phrases] == ["hello", "first-2"]
    assert scenario.steps[1].phrases[0].text == "好的"


BROKEN = {
    "syntax.yaml": ("scenarios:\n  - id: a\n    name: [unclosed\n", 4, "starts at line 3"),
    "tab.yaml": ("scenarios:\n  - id: a\n\tname: x\n", 3, "YAML syntax error"),
    "empty.yaml": ("", 1, "the file is empty"),
    "toplist.yaml": ("- just\n- a list\n", 1, "mapping"),
    "noscenarios.yaml": ("pack:\n  name: x\n", 1, "'scenarios' must be a non-empty list"),
    "missingname.yaml": ("scenarios:\n  - id: a\n    steps:\n      - id: s\n        title: t\n", 2, "missing required field 'name'"),
    "badid.yaml": ("scenarios:\n  - id: Bad_Id\n    name: n\n    steps:\n      - id: s\n        title: t\n", 2, "lowercase"),
    "mandatory.yaml": (
        "scenarios:\n  - id: a\n    name: n\n    steps:\n      - id: s\n        title: t\n        mandatory: yes please\n",
        7,
        "'mandatory' must be true or false",
    ),
    "placeholder.yaml": (
        "scenarios:\n  - id: a\n    name: n\n    steps:\n      - id: s\n        title: t\n        phrases:\n"
        "          - text: \"{客户名}您好\"\n",
        8,
        "unknown placeholder '{客户名}'",
    ),
    "dupstep.yaml": (
        "scenarios:\n  - id: a\n    name: n\n    steps:\n      - id: s\n        title: t\n      - id: s\n        title: u\n",
        2,
        "step id 's' is used twice",
    ),
    "wrongtype.yaml": ("scenarios:\n  - id: a\n    name: n\n    keywords: 7\n    steps:\n      - id: s\n        title: t\n", 4, "'keywords' must be a list"),  # noqa: E501 - one data item, clearer unbroken
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_pack_names_file_and_line(tmp_path, name):
    text, line, message = BROKEN[name]
    path = write_pack(tmp_path, name, text)
    _, scenarios, problems = load_pack_file(path)
    assert scenarios == []
    errors = [p for p in problems if p.severity == "error"]
    assert errors, problems
    assert any(p.line == line and message in p.message for p in errors), [str(p) for p in errors]
    assert all(str(p).startswith(f"{path}:") for p in errors)


def test_not_utf8_is_reported(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("scenarios:\n  - id: a\n    name: 吞卡\n".encode("gbk"))
    _, scenarios, problems = load_pack_file(path)
    assert scenarios == []
    assert problems[0].line == 3 and "UTF-8" in problems[0].message


def test_broken_file_is_skipped_and_the_others_load(tmp_path):
    write_pack(tmp_path, "a-good.yaml", MINIMAL_PACK)
    write_pack(tmp_path, "b-broken.yaml", "scenarios: [\n")
    result = load_packs([tmp_path])
    assert [s.id for s in result.library.scenarios] == ["test-scenario"]
    assert len(result.errors) == 1 and "b-broken.yaml" in result.errors[0].file


def test_duplicate_scenario_id_across_files(tmp_path):
    write_pack(tmp_path, "a.yaml", MINIMAL_PACK)
    write_pack(tmp_path, "b.yaml", "\n\n" + MINIMAL_PACK)
    result = load_packs([tmp_path])
    assert len(result.library) == 1
    (problem,) = result.errors
    assert problem.file.endswith("b.yaml") and problem.line == 6 and "already defined" in problem.message


def test_filter_by_name_and_keyword():
    library = load_packs([PACKS]).library
    assert next(s.id for s in library.filter("吞卡")) == "card-retained-atm"
    assert "points-redemption" in [s.id for s in library.filter("积分")]
    assert len(library.filter("")) == len(library)


def test_banned_phrases_are_warned_with_a_suggestion(tmp_path, capsys):
    from desktop.cli import main

    text = MINIMAL_PACK.replace("请您稍等", "这是规定，您听我说")
    path = write_pack(tmp_path, "banned.yaml", text)
    assert main(["packs", "check", str(tmp_path)]) == 0  # warnings alone do not fail
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and all(line.startswith(f"{path}:14: warning: ") for line in out)
    assert "'这是规定'" in out[0] and "'您听我说'" in out[1] and "say instead" in out[0]
    assert main(["packs", "check", "--strict", str(tmp_path)]) == 1


def test_builtin_banned_list_and_matching():
    from desktop.core.packs.banned import builtin_banned, find_banned

    entries = builtin_banned()
    assert len(entries) >= 8 and all(e.suggestion for e in entries)
    hits = find_banned("我不知道，你自己看吧，这个只能这样")
    assert [h.entry.phrase for h in hits][:2] == ["我不知道", "你自己看"]
    assert find_banned("您好，我帮您查一下") == []
