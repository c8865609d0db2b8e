"""Fact sources, review marks and done_when cues in pack files."""

from __future__ import annotations

import pickle

import pytest

from desktop.core.packs import load_pack_file
from desktop.core.scenarios import Fact, Step
from tests.helpers import write_pack

PACK = """\
scenarios:
  - id: sourced
    name: 有出处的场景
    steps:
      - id: first
        title: 第一步
        mandatory: true
        done_when: [已经为您办理了临时挂失, 已经…挂失]
        facts:
          - text: 临时挂失5天后自动失效
            source: 本行借记卡章程第12条
          - text: 约3个工作日退回
            review: true
          - 没有出处的事实
        phrases: [好的]
"""


def test_fact_source_review_and_done_when_are_loaded(tmp_path):
    path = write_pack(tmp_path, "p.yaml", PACK)
    _, (scenario,), problems = load_pack_file(path)
    assert problems == []
    step = scenario.step("first")
    assert step.done_when == ("已经为您办理了临时挂失", "已经…挂失")
    sourced, review, bare = step.fact_items
    assert (sourced, sourced.source, sourced.review, sourced.line) == ("临时挂失5天后自动失效", "本行借记卡章程第12条", False, 10)
    assert not sourced.needs_review
    assert review.review and review.needs_review and review.line == 12
    assert bare.source == "" and bare.needs_review and bare.line == 14
    assert step.facts == ("临时挂失5天后自动失效", "约3个工作日退回", "没有出处的事实")


def test_plain_text_facts_still_work():
    step = Step("s", "t", facts=("甲",))
    assert step.fact_items == (Fact("甲"),) and step.fact_items[0].needs_review
    fact = Fact("乙", "出处", True, 3)
    copy = pickle.loads(pickle.dumps(fact))  # noqa: S301 - our own bytes, made one line above
    assert (copy, copy.source, copy.review, copy.line) == ("乙", "出处", True, 3)


BROKEN = {
    "review-not-bool": ("          - text: 甲\n            review: 是\n", 11, "'review' must be true or false"),
    "fact-no-text": ("          - source: 章程\n", 10, "missing required field 'text'"),
    "fact-list": ("          - [甲, 乙]\n", 10, "must be text or a mapping"),
    "empty-source": ("          - text: 甲\n            source: ''\n", 11, "'source' must not be empty"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_facts_name_the_line(tmp_path, name):
    tail, line, message = BROKEN[name]
    text = PACK.split("        facts:\n")[0] + "        facts:\n" + tail
    path = write_pack(tmp_path, f"{name}.yaml", text)
    _, scenarios, problems = load_pack_file(path)
    assert scenarios == []
    assert any(p.line == line and message in p.message for p in problems), [str(p) for p in problems]


@pytest.mark.parametrize(
    ("value", "message"),
    [("[…挂失]", "not at an end"), ("[已经……挂失]", "in a row"), ("已经挂失", "must be a list"), ("[[a]]", "must be text")],
)
def test_broken_done_when_names_the_line(tmp_path, value, message):
    path = write_pack(tmp_path, "d.yaml", PACK.replace("[已经为您办理了临时挂失, 已经…挂失]", value))
    _, scenarios, problems = load_pack_file(path)
    assert scenarios == []
    assert any(p.line == 8 and message in p.message for p in problems), [str(p) for p in problems]


def test_unknown_fact_field_is_a_warning(tmp_path):
    path = write_pack(tmp_path, "w.yaml", PACK.replace("            review: true\n", "            review: true\n            note: x\n"))
    _, scenarios, problems = load_pack_file(path)
    assert scenarios and [p.severity for p in problems] == ["warning"] and "unknown field 'note'" in problems[0].message


def test_packs_check_review_lists_unsourced_and_to_review_facts(tmp_path, capsys):
    from desktop.cli import main

    path = write_pack(tmp_path, "p.yaml", PACK)
    assert main(["packs", "check", "--review", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"{path}:12: review: sourced/first: 约3个工作日退回 (marked for review)",
        f"{path}:14: review: sourced/first: 没有出处的事实 (no source)",
    ]
    assert "2 facts to review" in captured.err
    assert main(["packs", "check", str(tmp_path)]) == 0
    assert capsys.readouterr().out == ""


def test_bank_name_setting_fills_its_placeholder(tmp_path):
    from datetime import datetime

    from desktop.core.session import CallSession
    from desktop.core.settings import Settings

    settings = Settings(tmp_path / "settings.json")
    assert settings.get("bank_name") == ""
    settings.set("bank_name", "示例银行信用卡中心")
    assert Settings(tmp_path / "settings.json").get("bank_name") == "示例银行信用卡中心"
    session = CallSession(started=datetime(2026, 12, 1, 9, 0))
    assert session.render("您好，这里是{银行名称}", bank_name=settings.get("bank_name")).text == "您好，这里是示例银行信用卡中心"
    missing = session.render("您好，这里是{银行名称}")
    assert missing.missing == ("银行名称",)
