"""Every format of the privacy review, one test per category of the generated corpus,
and the review's own examples."""

from __future__ import annotations

import pytest
from stdnum import luhn

from benchmarks.privacy_corpus import (
    _negatives,
    _positives,
    hidden_enough,
    informative,
    score,
)
from desktop.core.privacy.masking import (
    CARD,
    MOBILE,
    RESIDENT_ID,
    find_pii,
    mask_draft,
    mask_pii,
)

PER_CATEGORY = 300
VALID_6217 = "621700287001234567" + luhn.calc_check_digit("621700287001234567")


@pytest.mark.parametrize("category", sorted(_positives()))
def test_every_personal_number_of_the_category_is_masked(category):
    import random

    rng = random.Random(category)
    make = _positives()[category]
    for _ in range(PER_CATEGORY):
        sample = make(rng)
        masked = mask_pii(sample.text)
        assert hidden_enough(sample, masked), f"{sample.text} → {masked}"
        assert mask_pii(masked) == masked


@pytest.mark.parametrize("category", sorted(_negatives()))
def test_ordinary_numbers_of_the_category_stay_readable(category):
    import random

    rng = random.Random(category)
    make = _negatives()[category]
    for _ in range(PER_CATEGORY):
        sample = make(rng)
        assert mask_pii(sample.text) == sample.text


def test_the_scorer_can_fail():
    scores, _, _ = score(informative(400))
    assert sum(s.failures for s in scores.values()) > 0  # random digits sometimes are card numbers


@pytest.mark.parametrize(
    "text, kind",
    [
        ("tel13912345678", MOBILE),
        ("ID110101199003074514", RESIDENT_ID),
        ("card6222021234567890128", CARD),
        (f"No.{VALID_6217}", CARD),
        ("卡号 6228 9028 4770 0971 23", CARD),
        ("客户１３８１２３４５６７８来电", MOBILE),
        ("身份证 110101 19900307 4514", RESIDENT_ID),
        ("回拨0086-13812345678", MOBILE),
        ("身份证号310104196802043983", RESIDENT_ID),
        ("卡号621700702622297517", CARD),
        ("客户13812345678…卡6222021234567890128", MOBILE),
    ],
)
def test_the_reviews_examples(text, kind):
    assert find_pii(text)[0].kind == kind
    assert mask_pii(text) != text


def test_an_order_number_that_passes_luhn_stays_readable():
    assert mask_pii("订单号27106412343979") == "订单号27106412343979"
    assert mask_pii("订单号：6222021234567890128") == "订单号：6222021234567890128"
    assert mask_pii("流水号 2025062100012345678") == "流水号 2025062100012345678"


def test_a_word_ending_in_card_is_no_card_word():
    # "discard" is not "card": the number after it needs a scheme and Luhn to be a card.
    assert mask_pii("discard 6222021234567890129") == "discard 6222021234567890129"


@pytest.mark.parametrize("typed", ["138123", "1381234", "138 1234 5", "6222021234", "２０２５０６２"])
def test_drafts_hide_every_run_of_five_digits_or_more(typed):
    draft = mask_draft(f"客户手机{typed}")
    assert sum(ch.isdigit() for ch in draft) == 0
    assert len(draft) == len(f"客户手机{typed}")


def test_drafts_keep_short_numbers():
    assert mask_draft("2025年6月，转8001，金额2000元") == "2025年6月，转8001，金额2000元"
    assert mask_draft("手机13812345678，已回拨") == "手机*******5678，已回拨"
    # At the cursor a number may still be growing (11 digits may become a card): hidden whole.
    assert mask_draft("手机13812345678") == "手机***********"
    assert mask_draft("手机13812345678，已回拨", cursor=13) == "手机***********，已回拨"


def test_drafts_keep_finished_amounts_dates_hotlines_and_references():
    text = "2026年12月7日转账20000元，拨打95588，订单号2026120700012345，流水号1381234567，客户说"
    assert mask_draft(text) == text
    assert mask_draft(text + "卡号6222") == text + "卡号6222"
    assert mask_draft(text + "卡号622202") == text + "卡号******"


def test_drafts_hide_a_piece_of_a_number_left_behind():
    # The seat moved away in the middle of a mobile: its first digits are still hidden.
    assert mask_draft("手机1381234，然后", cursor=0) == "手机*******，然后"
    assert mask_draft("卡号6222 0212 3456，然后", cursor=0) == "卡号**** **** ****，然后"


def test_last_four_words_between_a_card_label_and_a_whole_card_do_not_unlabel_it():
    # A seat's note: "asked for the card's last four" and then the whole number was said.
    assert mask_pii("先请客户报卡号后四位 6222021234567890123") == "先请客户报卡号后四位 622202*********0123"
    assert mask_pii("客户卡号后四位1234") == "客户卡号后四位1234"  # the tail itself stays readable
