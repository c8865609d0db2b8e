"""Fact sources, review marks and done_when cues in pack files."""

from __future__ import annotations

import pickle

import pytest

from desktop.core.packs.loader import load_pack_file
from desktop.core.packs.scenarios import Fact, Step
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

    from desktop.core.calls.session import CallSession
    from desktop.core.seat.settings import Settings

    settings = Settings(tmp_path / "settings.json")
    assert settings.get("bank_name") == ""
    settings.set("bank_name", "示例银行信用卡中心")
    assert Settings(tmp_path / "settings.json").get("bank_name") == "示例银行信用卡中心"
    session = CallSession(started=datetime(2026, 12, 1, 9, 0))
    assert session.render("您好，这里是{银行名称}", bank_name=settings.get("bank_name")).text == "您好，这里是示例银行信用卡中心"
    missing = session.render("您好，这里是{银行名称}")
    assert missing.missing == ("银行名称",)


IDENTITY_PACK = """\
scenarios:
  - id: guarded
    name: 查账户的场景
    steps:
      - id: verify
        title: 核实身份
        mandatory: {mandatory}
        verifies_identity: true
        done_when: [核实一下身份]
        phrases: [我先跟您核实一下身份]
      - id: read
        title: 念交易
        reads_account: true
        phrases: [我把交易念给您]
"""


def test_a_step_that_reads_account_data_needs_a_mandatory_identity_step_before_it(tmp_path):
    path = write_pack(tmp_path, "ok.yaml", IDENTITY_PACK.format(mandatory="true"))
    _, (scenario,), problems = load_pack_file(path)
    assert problems == []
    assert scenario.step("verify").verifies_identity and scenario.step("read").reads_account

    optional = write_pack(tmp_path, "optional.yaml", IDENTITY_PACK.format(mandatory="false"))
    _, scenarios, problems = load_pack_file(optional)
    assert scenarios == []
    assert [(p.line, p.severity) for p in problems] == [(11, "error")]
    assert "step 'read' reads or changes account data" in problems[0].message

    # the identity step after the reading step does not count
    head, verify = IDENTITY_PACK.format(mandatory="true").split("      - id: verify\n")
    verify, read = verify.split("      - id: read\n")
    text = head + "      - id: read\n" + read + "      - id: verify\n" + verify
    _, scenarios, problems = load_pack_file(write_pack(tmp_path, "late.yaml", text))
    assert scenarios == [] and any("no mandatory identity step" in p.message for p in problems)

    bad = write_pack(tmp_path, "bad.yaml", IDENTITY_PACK.format(mandatory="true").replace("reads_account: true", "reads_account: 是"))
    _, scenarios, problems = load_pack_file(bad)
    assert scenarios == [] and any("'reads_account' must be true or false" in p.message for p in problems)


def test_a_fact_past_its_expiry_date_is_a_warning_and_goes_to_review(tmp_path, capsys):
    from datetime import date

    from desktop.cli import main

    text = PACK.replace(
        "            source: 本行借记卡章程第12条\n", "            source: 本行借记卡章程第12条\n            expires: 2027-01-01\n"
    )
    path = write_pack(tmp_path, "p.yaml", text)
    _, (scenario,), problems = load_pack_file(path, today=date(2026, 12, 31))
    fact = scenario.step("first").fact_items[0]
    assert problems == [] and fact.expires == "2027-01-01" and not fact.expired(date(2027, 1, 1))
    _, scenarios, problems = load_pack_file(path, today=date(2027, 1, 2))
    assert scenarios and [(p.line, p.severity) for p in problems] == [(12, "warning")]
    assert "expired on 2027-01-01" in problems[0].message
    assert fact.expired(date(2027, 1, 2))

    past = write_pack(tmp_path, "past.yaml", text.replace("2027-01-01", "2020-01-01"))
    assert main(["packs", "check", "--review", str(past)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert f"{past}:10: review: sourced/first: 临时挂失5天后自动失效 (expired on 2020-01-01)" in out
    assert main(["packs", "check", "--strict", str(past)]) == 1

    for value in ("明年", "2027-13-01", "2027/01/01"):
        broken = write_pack(tmp_path, "broken.yaml", text.replace("2027-01-01", f"'{value}'"))
        _, scenarios, problems = load_pack_file(broken)
        assert scenarios == [] and any("'expires' must be a date" in p.message for p in problems), value


@pytest.mark.parametrize(
    ("phrase", "numbers"),
    [
        ("您这张卡一年刷了3次", ["3"]),
        ("您之前办了12期的分期", ["12"]),
        ("您办了{期数}期，这一年刷了{次数}次", []),
        ("每人每年不超过等值10万元人民币，每张卡每天1万元", []),
        ("您马上打110报警，或者拨打12378、95588", []),
        ("人民银行2025年12月22日公布的政策，2026年3月31日前还清的", []),
        ("取款少吐了500块", []),
        ("大概3天内通知您", ["3"]),
    ],
)
def test_phrases_that_state_stray_numbers_are_flagged(tmp_path, phrase, numbers):
    from desktop.core.packs.loader import stray_numbers

    assert stray_numbers(phrase) == numbers
    path = write_pack(tmp_path, "n.yaml", PACK.replace("phrases: [好的]", f"phrases: ['{phrase}']"))
    _, scenarios, problems = load_pack_file(path)
    assert scenarios  # a warning, not an error
    warned = [p for p in problems if "states the number" in p.message]
    assert len(warned) == (1 if numbers else 0) and all(p.severity == "warning" and p.line == 15 for p in warned)
