"""Masking card, resident ID and mobile numbers in notes (desktop.core.privacy.masking)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from desktop.core.privacy.masking import (
    CARD,
    MOBILE,
    RESIDENT_ID,
    MaskPolicy,
    Match,
    find_pii,
    is_resident_id,
    mask_pii,
)


# -- numbers with real check digits, computed with stdnum ---------------------------
def card(prefix: str, length: int = 16) -> str:
    body = prefix + "3141592653589793238"[: length - len(prefix) - 1]
    return body + luhn.calc_check_digit(body)


def bad_card(prefix: str, length: int = 16) -> str:
    good = card(prefix, length)
    return good[:-1] + str((int(good[-1]) + 1) % 10)


def resident_id(region: str, born: str, seq: str = "123") -> str:
    body = region + born + seq
    return body + ric.calc_check_digit(body + "0")


def id_ending_x(region: str = "110105", born: str = "19491231") -> str:
    for seq in range(1000):
        number = resident_id(region, born, f"{seq:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError("no X check character found")


def not_luhn(number: str) -> bool:
    return not luhn.is_valid(number)


def id_failing(region: str, born: str) -> str:
    """An 18-digit number with a correct MOD 11-2 character but a bad birth date or
    region, and no valid Luhn digit (so it is not a card either)."""
    for seq in range(1000):
        number = resident_id(region, born, f"{seq:03d}")
        if number[-1] != "X" and not_luhn(number):
            return number
    raise AssertionError


CARD16 = card("622202")  # UnionPay debit, 16 digits
CARD19 = card("622848", 19)  # 19 digits
CARD13 = card("4", 13)  # an old 13-digit Visa
CARD_ABC = card("955990", 19)
ID = resident_id("110105", "19850315")
ID_X = id_ending_x()
ID_SHENZHEN_1960 = resident_id("440305", "19600101", "001")  # county code newer than the birth year
MOBILE1 = "13812345678"
MOBILE2 = "15900001111"


def grouped(number: str, size: int = 4, sep: str = " ") -> str:
    return sep.join(number[i : i + size] for i in range(0, len(number), size))


def fullwidth(number: str) -> str:
    return number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


POSITIVES: list[tuple[str, str, list[str]]] = [
    # (id, text, kinds found in order)
    ("card16", f"客户卡号{CARD16}，已核实", [CARD]),
    ("card19", f"卡号：{CARD19}", [CARD]),
    ("card13", f"旧卡{CARD13}已注销", [CARD]),
    ("card-abc", f"农行卡{CARD_ABC}", [CARD]),
    ("card-spaces", f"卡号 {grouped(CARD16)} 被吞", [CARD]),
    ("card-dashes", f"卡号{grouped(CARD19, sep='-')}。", [CARD]),
    ("card-fullwidth", f"卡号{fullwidth(CARD16)}", [CARD]),
    ("id", f"身份证{ID}", [RESIDENT_ID]),
    ("id-x", f"证件号{ID_X}，本人来电", [RESIDENT_ID]),
    ("id-lower-x", f"证件号{ID_X.lower()}", [RESIDENT_ID]),
    ("id-county-newer-than-birth", f"身份证号{ID_SHENZHEN_1960}", [RESIDENT_ID]),
    ("id-grouped", f"身份证 {ID[:6]} {ID[6:14]} {ID[14:]}", [RESIDENT_ID]),
    ("mobile", f"手机{MOBILE1}", [MOBILE]),
    ("mobile+86", f"电话+86{MOBILE1}", [MOBILE]),
    ("mobile-86-grouped", f"电话 +86 {MOBILE1[:3]} {MOBILE1[3:7]} {MOBILE1[7:]}", [MOBILE]),
    ("mobile-dashes", f"回拨{MOBILE1[:3]}-{MOBILE1[3:7]}-{MOBILE1[7:]}", [MOBILE]),
    ("mobile-0086", f"0086{MOBILE2}", [MOBILE]),
    ("mobile-english", f"call {MOBILE2} after 5pm", [MOBILE]),
    ("card-space-mobile", f"{CARD19} {MOBILE1}", [CARD, MOBILE]),
    ("mobile-comma-card", f"{MOBILE2},{CARD16}", [MOBILE, CARD]),
    ("mobile-then-amount", f"手机{MOBILE1} 20000.00元", [MOBILE]),
    ("id-bad-check", f"身份证{ID[:-1]}{'0' if ID[-1] != '0' else '1'}", [RESIDENT_ID]),
    ("card-glued-to-letters", f"TX{CARD16}", [CARD]),
    ("three-kinds", f"卡{CARD16}身份证{ID}手机{MOBILE2}", [CARD, RESIDENT_ID, MOBILE]),
]

NEGATIVES: list[tuple[str, str]] = [
    ("amount-decimal", "转账金额20000.00元"),
    ("amount-wan", "理财亏损约2万"),
    ("amount-yen", "扣款¥1,234，另付¥12,345,678"),
    ("date-compact", "交易日期20250621"),
    ("date-dashed", "2025-06-21 14:30:05 发生交易"),
    ("time", "14:30到15:45之间"),
    ("ref-bad-luhn-16", f"交易流水号{bad_card('202506', 16)}"),
    ("ref-bad-luhn-19", f"工单号{bad_card('100200', 19)}"),
    ("longer-run-card-prefix", f"流水{CARD16}1234"),  # a 20-digit run
    ("longer-run-mobile-inside", f"编号99{MOBILE1}123456789"),
    ("grouped-20-digits", f"{grouped(CARD16)} 1280"),
    ("11-digits-landline", "座机02112345678"),
    ("11-digits-12x", "编号12012345678"),
    ("id-born-1899", id_failing("110105", "18991231")),
    ("id-born-future", id_failing("110105", "20991231")),
    ("id-no-province", id_failing("990105", "19850315")),
    ("alnum-reference", f"TX{bad_card('622202')}"),
    ("labelled-card-like-order", f"订单号{CARD16}"),
    ("masked-card", "卡号622202******1234"),
    ("masked-mobile", "手机138****5678"),
    ("decimal-like-mobile", f"{MOBILE1}.50"),
    ("landline-area", "010-12345678 转 8001"),
    ("dated-reference", f"交易流水号{card('2025062100', 19)}"),  # Luhn-valid, but opens with a date
    ("timestamp-14", f"时间戳{card('2025062114', 14)}"),
]


@pytest.mark.parametrize("text, kinds", [p[1:] for p in POSITIVES], ids=[p[0] for p in POSITIVES])
def test_numbers_that_are_masked(text, kinds):
    found = find_pii(text)
    assert [m.kind for m in found] == kinds
    masked = mask_pii(text)
    assert len(masked) == len(text)
    for match in found:
        assert "*" in masked[match.start : match.end]
    assert find_pii(masked) == []
    assert mask_pii(masked) == masked


@pytest.mark.parametrize("text", [n[1] for n in NEGATIVES], ids=[n[0] for n in NEGATIVES])
def test_ordinary_numbers_are_left_alone(text):
    assert find_pii(text) == []
    assert mask_pii(text) == text


def test_the_table_is_big_enough():
    assert len(POSITIVES) >= 15 and len(NEGATIVES) >= 15


def test_what_stays_visible():
    assert mask_pii(CARD16) == CARD16[:6] + "******" + CARD16[-4:]
    assert mask_pii(CARD19) == CARD19[:6] + "*" * 9 + CARD19[-4:]
    assert mask_pii(ID_X) == "*" * 14 + ID_X[-4:]
    assert mask_pii(MOBILE1) == "*******5678"
    assert mask_pii("+86 138 1234 5678") == "+86 *** **** 5678"  # country code kept, separators kept
    assert mask_pii(grouped(CARD16)) == f"{CARD16[:4]} {CARD16[4:6]}** **** {CARD16[-4:]}"


def test_match_spans():
    text = f"卡号{CARD16}，手机 {MOBILE1[:3]}-{MOBILE1[3:7]}-{MOBILE1[7:]}。"
    card_match, mobile_match = find_pii(text)
    assert card_match == Match(CARD, 2, 18)
    assert text[mobile_match.start : mobile_match.end] == f"{MOBILE1[:3]}-{MOBILE1[3:7]}-{MOBILE1[7:]}"


def test_policy_is_configurable():
    policy = MaskPolicy(card_keep_first=0, card_keep_last=4, mobile_keep_last=4, mask_char="#")
    assert mask_pii(CARD16, policy) == "#" * 12 + CARD16[-4:]
    assert mask_pii(MOBILE1, policy) == "#######5678"
    assert mask_pii(mask_pii(MOBILE1, policy), policy) == "#######5678"
    assert mask_pii(ID, MaskPolicy(id_keep_first=0, id_keep_last=0)) == "*" * 18


@pytest.mark.parametrize("bad", ["", "**", "5", " ", "-", "X"])
def test_policy_rejects_unusable_mask_chars(bad):
    with pytest.raises(ValueError):
        MaskPolicy(mask_char=bad)


def test_resident_id_check_goes_beyond_stdnum_place_check():
    # stdnum rejects this real-world shape (Nanshan district code from 1990, born 1960) ...
    assert not ric.is_valid(ID_SHENZHEN_1960)
    # ... but it is a resident ID all the same and must be masked.
    assert is_resident_id(ID_SHENZHEN_1960)
    assert ric.is_valid(ID) and is_resident_id(ID)
    assert not is_resident_id(resident_id("110105", "20300101"), today=date(2026, 11, 25))


# -- properties ------------------------------------------------------------------
VALID_NUMBERS = [CARD16, CARD19, CARD13, CARD_ABC, ID, ID_X, MOBILE1, MOBILE2, grouped(CARD16),
                 grouped(CARD19, sep="-"), f"+86 {MOBILE1[:3]} {MOBILE1[3:7]} {MOBILE1[7:]}"]
PIECES = st.one_of(
    st.text(alphabet="0123456789", min_size=1, max_size=22),
    st.sampled_from(VALID_NUMBERS),
    st.sampled_from([" ", "-", " - ", ".", ",", "+", "*", "X", "x", "：", "卡号", "手机", "元", "。", "\n", "TX", "＊"]),
    st.text(alphabet="0123456789 -*Xx.", max_size=12),
)
TEXTS = st.lists(PIECES, max_size=12).map("".join)
POLICIES = st.builds(
    MaskPolicy,
    card_keep_first=st.integers(0, 6),
    card_keep_last=st.integers(0, 4),
    mobile_keep_last=st.integers(0, 4),
    id_keep_last=st.integers(0, 4),
    mask_char=st.sampled_from("*#•●"),
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_masking_keeps_length_only_hides_digits_and_is_idempotent(text):
    masked = mask_pii(text)
    assert len(masked) == len(text)
    for before, after in zip(text, masked):
        assert after == before or (after == "*" and (before.isdigit() or before in "xX"))
    assert mask_pii(masked) == masked
    assert find_pii(masked) == []


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, POLICIES)
def test_any_policy_is_idempotent(text, policy):
    masked = mask_pii(text, policy)
    assert len(masked) == len(text)
    assert mask_pii(masked, policy) == masked


@settings(max_examples=200)
@given(st.text(alphabet="客户来电称卡被吞已挂失，。", max_size=8), st.sampled_from(VALID_NUMBERS),
       st.text(alphabet="客户来电称卡被吞已挂失，。", max_size=8))
def test_a_number_between_chinese_text_is_always_masked(before, number, after):
    masked = mask_pii(before + number + after)
    middle = masked[len(before) : len(before) + len(number)]
    assert "*" in middle
    assert masked[: len(before)] == before and masked[len(before) + len(number) :] == after


# -- the cap on what stays readable ----------------------------------------------------
@pytest.mark.parametrize("field, value", [("card_keep_first", 7), ("card_keep_last", 5), ("mobile_keep_first", 3),
                                          ("mobile_keep_last", 5), ("id_keep_first", 6), ("id_keep_last", 19),
                                          ("card_keep_first", -1)])
def test_a_policy_cannot_show_more_than_pci_allows(field, value):
    with pytest.raises(ValueError):
        MaskPolicy(**{field: value})


def test_settings_asking_for_everything_are_cut_back():
    policy = MaskPolicy.from_settings({"card_keep_first": 19, "card_keep_last": 19, "mobile_keep_first": 11,
                                       "id_keep_first": 18, "id_keep_last": 18, "mask_char": "5"})
    assert (policy.card_keep_first, policy.card_keep_last, policy.mobile_keep_first, policy.id_keep_first,
            policy.id_keep_last, policy.mask_char) == (6, 4, 0, 0, 4, "*")
    assert mask_pii(CARD19, policy) == CARD19[:6] + "*" * 9 + CARD19[-4:]
    assert MaskPolicy.from_settings("19/19") == MaskPolicy()
    assert MaskPolicy.from_settings({"card_keep_first": True}) == MaskPolicy()
