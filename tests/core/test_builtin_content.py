"""The built-in library: 22 scenarios, sourced facts, done_when cues, clean phrases."""

from __future__ import annotations

import re

import pytest

from desktop.core.banned import builtin_banned, find_banned
from desktop.core.packs import load_packs
from desktop.core.patterns import compile_pattern
from tests.helpers import PACKS

NEW = [
    "password-login", "instalments-fees", "account-restricted", "unrecognised-transaction", "scam-in-progress",
    "transfer-failed", "annual-fee-dispute", "lost-card-replacement", "campaign-rule-dispute",
]


@pytest.fixture(scope="module")
def library():
    result = load_packs([PACKS], banned=builtin_banned())
    assert result.problems == [], [str(p) for p in result.problems]  # no banned phrase in any phrase either
    return result.library


def test_twenty_two_scenarios(library):
    assert len(library) == 22 and set(NEW) <= {s.id for s in library.scenarios}


@pytest.mark.parametrize("scenario_id", NEW)
def test_new_scenarios_are_complete(library, scenario_id):
    scenario = library.get(scenario_id)
    assert scenario.name and scenario.description and len(scenario.keywords) >= 8 and len(scenario.cues) >= 5
    assert scenario.continuity and len(scenario.steps) >= 4
    assert sum(step.mandatory for step in scenario.steps) >= 2
    assert scenario.steps[-1].id == "follow-through"
    for step in scenario.steps:
        assert step.title and step.guidance and step.facts, step.id
        assert 2 <= len(step.phrases) <= 6, step.id


def test_every_mandatory_step_has_done_when_cues_said_by_its_phrases(library):
    for scenario in library.scenarios:
        for step in scenario.steps:
            if not step.mandatory:
                continue
            assert step.done_when, f"{scenario.id}/{step.id}"
            said = [p.text for p in step.phrases]
            assert any(compile_pattern(cue).search(text) for cue in step.done_when for text in said), (
                f"{scenario.id}/{step.id}: no phrase of the step says any done_when cue"
            )


def test_every_fact_has_a_source_or_is_marked_for_review(library):
    for scenario in library.scenarios:
        for step in scenario.steps:
            for fact in step.fact_items:
                assert fact.source or fact.review, f"{scenario.source}:{fact.line}: {fact}"


def test_no_bare_you_and_no_internal_jargon_in_phrases(library):
    for scenario in library.scenarios:
        for step in scenario.steps:
            for phrase in step.phrases:
                assert not find_banned(phrase.text), phrase.text
                if step.id != "transfer-brief":  # said to a colleague, not to the caller
                    assert "坐席" not in phrase.text.replace("{坐席工号}", ""), phrase.text


def test_outbound_openings_name_the_bank(library):
    pickup = library.get("card-pickup-notice").steps[0].phrases[0].text
    callback = library.get("supplementary-card-abroad").step("call-back").phrases[-1].text
    assert "{银行名称}" in pickup and "{银行名称}" in callback


def test_folksy_fillers_are_not_repeated(library):
    texts = " ".join(p.text for s in library.scenarios for st in s.steps for p in st.phrases)
    assert len(re.findall("交个底|说实在话|说句实在话", texts)) == 0
    assert "替家里人打听的吧" not in texts


def test_credit_repair_policy_and_wealth_entities(library):
    credit = library.get("credit-record-erasure").step("state-clearly")
    facts = " ".join(credit.facts)
    assert "2020年1月1日" in facts and "1万元" in facts and "2026年3月31日" in facts and "免申即享" in facts
    assert all("谁也删不掉" not in p.text for p in credit.phrases)
    wealth = library.get("wealth-product-loss")
    wealth_text = " ".join([*wealth.step("explain-risk").facts, *(p.text for p in wealth.step("explain-risk").phrases)])
    assert "独立法人" in wealth_text and "由咱们行这边负责投资管理" not in wealth_text
    assert "双录" in " ".join(wealth.step("guide-options").facts)
