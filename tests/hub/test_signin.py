"""The sign-in rules on their own: the throttle's waits on a clock of its own, the password rules."""

from __future__ import annotations

from hub.settings import HubSettings
from hub.signin import Throttle, device_token, device_trusted, masked_name, password_problem


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_waits_grow_are_capped_and_end() -> None:
    clock = Clock()
    throttle = Throttle(HubSettings(), clock=clock)
    for _ in range(5):
        assert throttle.wait_s("10.0.0.1", "lead-a") == 0
        throttle.failed("10.0.0.1", "lead-a")
    assert throttle.wait_s("10.0.0.1", "lead-a") == 0  # five free failures
    waits = []
    for _ in range(14):
        throttle.failed("10.0.0.1", "other-name")
        waits.append(throttle.wait_s("10.0.0.1"))
    assert waits[:5] == [1, 2, 4, 8, 16] and max(waits) == 900  # doubled, capped at 15 min
    assert throttle.wait_s("10.0.0.2") == 0  # another address is not held
    clock.now += 900
    assert throttle.wait_s("10.0.0.1") == 0  # the wait ends: never a lock-out
    clock.now += 3600
    throttle.failed("10.0.0.1", "x")
    assert throttle.wait_s("10.0.0.1") == 0  # an hour on, earlier failures are forgotten


def test_a_names_wait_is_short_and_skipped_by_its_leads_browser() -> None:
    clock = Clock()
    throttle = Throttle(HubSettings(), clock=clock)
    for n in range(30):
        throttle.failed(f"10.0.1.{n}", "Lead-A")
    assert 0 < throttle.wait_s("10.0.2.1", "lead-a") <= 60
    assert throttle.wait_s("10.0.2.1", "lead-a", trusted_device=True) == 0
    token = device_token(7, "$argon2id$hash")
    assert device_trusted(token, 7, "$argon2id$hash")
    assert not device_trusted(token, 8, "$argon2id$hash") and not device_trusted(token, 7, "$argon2id$new")


def test_password_rules() -> None:
    for weak in ["1111111111", "zhaomin123", "111111111111", "password1234", "qwertyuiop123", "zhaomin12345",
                 "woaini1314520", "zhang.wei.2024!"]:
        assert password_problem(weak) is not None, weak
    for strong in ["a much longer one", "Tide-Lantern-47-Orchid", "river-stone-mango-92"]:
        assert password_problem(strong) is None, strong
    assert password_problem("x" * 1001) == "long"
    assert masked_name("zhangsan0") == "zh***" and masked_name("abc") == "***"
