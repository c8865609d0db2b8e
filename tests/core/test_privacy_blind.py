"""The masker on the blind set written by an independent reviewer (tests/data/blind).

The figures are reported by ``python -m benchmarks.privacy_blind`` and in
docs/benchmarks.md (first run and after the fixes it prompted). These tests check
that the set is there and that the grader can fail; they hold the masker to the
figure reached, so a change that loses ground on the set is seen.
"""

from __future__ import annotations

from benchmarks.privacy_blind import FILES, masked_enough, rows, score

#: Recall and wrongly masked rate reached after the fixes, 99.23% and 100% (the first run: 87.80% / 1.87%
#: on the generated file, 89.31% / 0.78% on the hand-written one).
REACHED = {
    "mask_blind.jsonl": (3074 / 3098, 0.0),
    "mask_blind_handwritten.jsonl": (1.0, 0.0),
    # the second set after the third round of fixes (tuned on: not a blind figure)
    "mask_blind2.jsonl": (2541 / 2599, 1 / 2520),
}
#: The second blind set (another tester, never tuned on when first run) and its size.
SECOND = "mask_blind2.jsonl"


def test_the_blind_set_is_complete():
    assert [len(rows(name)) for name in FILES] == [6000, 256, 5040]


def test_the_grader_fails_an_unmasked_number_and_a_half_masked_one():
    text = "客户手机一三八一二三四五六七八，已核实"
    assert not masked_enough(text, text, "13812345678", "mobile")
    assert not masked_enough(text, "客户手机一三八****五六七八，已核实", "13812345678", "mobile")
    assert masked_enough(text, "客户手机*******五六七八，已核实", "13812345678", "mobile")


def test_the_masker_holds_the_figures_reached_on_the_blind_set():
    for name in FILES:
        result = score(name)
        recall, wrong = REACHED[name]
        assert result.recall >= recall and result.false_mask_rate <= wrong, (name, result.recall,
                                                                            result.false_mask_rate)
