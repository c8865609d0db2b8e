"""Typing simulation: numbers typed key by key with autosaves at random phases.

The editor keeps what the seat types; each autosave stores ``mask_draft`` of the
text at that moment (what ``CallStore.save_notes`` writes), the end of the call
stores ``mask_pii`` of the whole notes. Neither may ever show more of a personal
number than the display limit (first 6 + last 4 of a card, last 4 of an ID or a
mobile), in any style of writing, including when the seat leaves a number half
typed to edit elsewhere.
"""

from __future__ import annotations

import random

from benchmarks.privacy_corpus import (
    STYLES,
    Sample,
    card_number,
    first_generation_id,
    hidden_enough,
    mobile,
    off_scheme_card,
    resident_id,
    styled,
)
from desktop.core.privacy.masking import CARD, MOBILE, RESIDENT_ID, mask_draft, mask_pii

NUMBERS = 5_000
BEFORE = {CARD: ["卡号", "客户卡号是", "银行卡 ", "信用卡号码：", ""], RESIDENT_ID: ["身份证", "证件号码：", "身份证号是", ""],
          MOBILE: ["手机", "回拨", "客户手机号是", "电话：", ""]}
AFTER = ["，已核实", "。金额20000元，95588", " 次日回访", "", "，2026年12月7日来电"]


def _number(rng: random.Random) -> tuple[str, str]:
    kind = rng.choice([CARD, CARD, RESIDENT_ID, MOBILE])
    if kind == CARD:
        return kind, off_scheme_card(rng) if rng.random() < 0.15 else card_number(rng)
    if kind == RESIDENT_ID:
        return kind, first_generation_id(rng) if rng.random() < 0.1 else resident_id(rng)
    return kind, ("0" if rng.random() < 0.05 else "") + mobile(rng)


def _written(rng: random.Random, number: str) -> str:
    style = rng.choice(["plain", "plain", "groups of 4", *STYLES])
    if style == "plain":
        return number
    if style == "groups of 4":
        return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    return styled(rng, number, style)


def test_the_display_limit_holds_at_every_autosave_and_at_the_end():
    rng = random.Random(2026_12_07)
    drafts = left_behind = 0
    failures: list[str] = []
    for _ in range(NUMBERS):
        kind, number = _number(rng)
        before, written, after = rng.choice(BEFORE[kind]), _written(rng, number), rng.choice(AFTER)
        full = before + written + after
        start, end = len(before), len(before) + len(written)
        save_chance = rng.uniform(0.05, 0.5)  # the autosave's phase against the typing
        wander_at = rng.randrange(start + 1, end) if rng.random() < 0.1 else -1
        for typed_to in range(1, len(full) + 1):
            typed = full[:typed_to]
            # Sometimes the seat leaves the number half typed and edits the start of the notes.
            cursor = 0 if typed_to == wander_at else typed_to
            if rng.random() >= save_chance and typed_to != wander_at:
                continue
            drafts += 1
            left_behind += cursor != typed_to
            draft = mask_draft(typed, cursor=cursor)
            assert len(draft) == len(typed)
            if typed_to > start:
                part = Sample("draft", typed, (start, min(end, typed_to), kind))
                if not hidden_enough(part, draft):
                    failures.append(f"draft {typed!r} → {draft!r}")
        final = mask_pii(full)
        if not hidden_enough(Sample("final", full, (start, end, kind)), final):
            failures.append(f"final {full!r} → {final!r}")
    print(f"{NUMBERS} numbers, {drafts} drafts, {left_behind} with the cursor away from the number")
    assert drafts > NUMBERS * 5 and left_behind > NUMBERS // 20  # the simulation did what it says
    assert failures == [], f"{len(failures)} failures, e.g. {failures[:5]}"


def test_finished_amounts_dates_hotlines_and_references_stay_readable_in_drafts():
    rng = random.Random(7)
    kept = 0
    for _ in range(500):
        done = rng.choice(["金额20000元", "2026年12月7日", "拨打95588", "订单号2026120712345678", "转8001",
                           "还款1500000.00元", "¥12,345", "工单号1381234567", "流水号6222021234567890"])
        text = f"客户来电，{done}，"
        typing = "正在记录" + str(rng.randint(0, 9))
        draft = mask_draft(text + typing)
        assert draft.startswith(text), draft
        kept += 1
    assert kept == 500
