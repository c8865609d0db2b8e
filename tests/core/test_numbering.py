"""Phrase numbers: fixed while a step is shown, re-ranked between calls when next shown."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from desktop.core.calls.numbering import StepNumbering


@dataclass(frozen=True)
class Choice:
    key: str


def ranked_by(score: dict[str, int]):
    return lambda choice: -score.get(choice.key, 0)


A, B, C, D = (Choice(k) for k in "abcd")


def keys(choices) -> list[str]:
    return [c.key for c in choices]


def test_first_showing_takes_the_ranking():
    numbering = StepNumbering()
    assert keys(numbering.arrange("s/1", [A, B, C], ranked_by({"c": 3, "b": 1}))) == ["c", "b", "a"]
    assert numbering.shown == "s/1"


def test_use_while_shown_moves_nothing_in_or_out_of_a_call():
    numbering = StepNumbering()
    assert keys(numbering.arrange("s/1", [A, B, C], ranked_by({}))) == ["a", "b", "c"]
    assert keys(numbering.arrange("s/1", [A, B, C], ranked_by({"c": 9}))) == ["a", "b", "c"]
    numbering.next_period()  # a call starts while the step is on screen
    assert keys(numbering.arrange("s/1", [A, B, C], ranked_by({"c": 9}))) == ["a", "b", "c"]
    numbering.next_period()  # and ends
    assert keys(numbering.arrange("s/1", [A, B, C], ranked_by({"c": 9}))) == ["a", "b", "c"]


def test_between_calls_a_step_takes_the_new_ranking_when_next_shown():
    numbering = StepNumbering()
    numbering.arrange("s/1", [A, B, C], ranked_by({}))
    numbering.arrange("s/2", [D], ranked_by({}))
    numbering.arrange("s/1", [A, B, C], ranked_by({"c": 9}))
    assert keys(numbering.arrange("s/1", [A, B, C], ranked_by({"c": 9}))) == ["a", "b", "c"]  # no call yet
    numbering.next_period()
    assert keys(numbering.arrange("s/1", [A, B, C], ranked_by({"c": 9}))) == ["a", "b", "c"]  # still shown
    numbering.arrange("s/2", [D], ranked_by({}))
    assert keys(numbering.arrange("s/1", [A, B, C], ranked_by({"c": 9}))) == ["c", "a", "b"]


def test_a_step_not_shown_at_the_call_boundary_is_re_ranked():
    numbering = StepNumbering()
    numbering.arrange("s/2", [A, B], ranked_by({}))
    numbering.arrange("s/1", [C], ranked_by({}))
    numbering.next_period()
    assert keys(numbering.arrange("s/2", [A, B], ranked_by({"b": 1}))) == ["b", "a"]


def test_a_new_phrase_takes_the_next_number_and_a_removed_one_closes_the_gap():
    numbering = StepNumbering()
    numbering.arrange("s/1", [B, C], ranked_by({}))
    assert keys(numbering.arrange("s/1", [A, B, C], ranked_by({"a": 5}))) == ["b", "c", "a"]
    assert keys(numbering.arrange("s/1", [A, C], ranked_by({"a": 5}))) == ["c", "a"]


@given(
    st.lists(st.sampled_from("abcdef"), unique=True, min_size=1),
    st.lists(st.tuples(st.sampled_from("abcdef"), st.integers(0, 50)), max_size=20),
)
def test_numbers_of_phrases_still_there_never_change_while_shown(initial, uses):
    numbering = StepNumbering()
    choices = [Choice(k) for k in initial]
    before = keys(numbering.arrange("s/1", choices, ranked_by({})))
    score: dict[str, int] = {}
    for key, weight in uses:
        score[key] = score.get(key, 0) + weight
        assert keys(numbering.arrange("s/1", choices, ranked_by(score))) == before
