"""The real panel typed into with xdotool: autosaves while numbers are typed never
hold more of them than the display limit, and a kill -9 in the middle of a number
leaves no fragment of it on disk while the amounts, dates and hotlines typed before
stay readable."""

from __future__ import annotations

import random
import re
import subprocess

from stdnum import luhn

from tests.gui.test_durability_process import active_notes, start_panel
from tests.gui.test_process import visible_windows, wait_for
from tests.helpers_privacy import find_in_folder, fragments

#: Fast but steady typing; the autosave runs after each pause and at least every few seconds.
DELAY_MS = 40


def _card(prefix: str) -> str:
    body = prefix + "31415926535897"[: 18 - len(prefix)]
    return body + luhn.calc_check_digit(body)


CARD = _card("621700")  # 19 digits
MOBILE = "13912345678"
ID = "11010519491231002X"


def _leaks(text: str) -> list[str]:
    """More of a number than the display limit: 7 digits of a card from its first, 5 of a mobile or an ID."""
    runs = [re.sub(r"[ -]", "", run).upper() for run in re.findall(r"[0-9Xx](?:[ -]?[0-9Xx])*", text)]
    return [f for f in fragments(CARD, 7) + fragments(MOBILE, 5) + fragments(ID, 5) if any(f in r for r in runs)]


def test_typing_numbers_into_the_real_panel_and_a_kill_in_the_middle_of_one(tmp_path, qapp):
    data = tmp_path / "seat-data"
    proc = start_panel(data)
    drafts: list[str] = []
    try:
        (panel,) = wait_for(lambda: visible_windows(proc.pid), timeout=30)[:1]
        for _ in range(20):  # the global hotkey starts a call (its backend comes up just after the panel)
            subprocess.run(["xdotool", "key", "ctrl+alt+c"], check=True)
            if wait_for(lambda: active_notes(data) is not None, timeout=1.5):
                break
        subprocess.run(["xdotool", "windowfocus", "--sync", panel], check=True)
        subprocess.run(["xdotool", "key", "alt+n"], check=True)  # mnemonic: focus the notes
        done = f"amount 20000 on 2026-12-07, hotline 95588, card {CARD} mobile {MOBILE[:3]} {MOBILE[3:7]} {MOBILE[7:]} ok"
        text = done + f" id {ID[:10]}"
        # Typed in pieces cut at random places (in the middle of numbers too); after each
        # piece the seat pauses until the autosave has stored it.
        rng = random.Random(20)
        cuts = [*sorted(rng.sample(range(1, len(text)), 14)), len(text)]
        typed = 0
        for cut in cuts:
            subprocess.run(["xdotool", "type", "--delay", str(DELAY_MS), "--", text[typed:cut]], check=True)
            typed = cut
            assert wait_for(lambda n=cut: len(active_notes(data) or "") == n, timeout=10), (text[:cut], drafts)
            drafts.append(active_notes(data) or "")
        proc.kill()
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
    assert len(drafts) == 15, drafts  # the autosave ran after every piece
    assert [(d, _leaks(d)) for d in drafts if _leaks(d)] == [], drafts
    last = active_notes(data)  # what a restart after the kill brings back
    assert last == drafts[-1]
    # What was finished stays readable: amount, date, hotline; the numbers as the record keeps them.
    assert last.startswith("amount 20000 on 2026-12-07, hotline 95588, card 621700"), last
    assert f"{CARD[-4:]} mobile *** **** {MOBILE[7:]} ok id **********" in last, last
    needles = fragments(CARD, 7)[1:] + fragments(MOBILE, 5) + fragments(ID[:10], 5)
    assert find_in_folder(data, needles) == []
    assert find_in_folder(data, ["hotline 95588"])  # the scan is not blind
