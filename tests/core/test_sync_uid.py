"""A call's uid on the wire never reads as a card, ID or mobile number."""

from __future__ import annotations

import random
import re

from desktop.core.hubclient.sync import wire_uid
from desktop.core.privacy.masking import find_pii, mask_pii


def test_a_uid_whose_prefix_joins_the_id_into_a_mobile_is_rewritten_stably() -> None:
    prefix, call_id = "sabc1381234", 5678
    assert find_pii(f"{prefix}-{call_id}")  # as it was sent before: masked, then refused by the hub
    uid = wire_uid(prefix, call_id)
    assert uid == wire_uid(prefix, call_id) and not find_pii(uid) and mask_pii(uid) == uid
    assert re.fullmatch(r"[A-Za-z0-9:._-]+", uid)  # the hub's pattern for a uid
    assert uid.replace("-", "").isalnum() and uid.endswith(f"-c{call_id}")


def test_a_uid_that_never_read_as_a_number_is_unchanged() -> None:
    assert wire_uid("s0f3a", 12) == "s0f3a-12"


def test_no_uid_reads_as_a_number_for_random_prefixes_and_ids() -> None:
    rng = random.Random(7)
    rewritten = 0
    for _ in range(3000):
        prefix = "s" + "".join(rng.choice("0123456789abcdef") for _ in range(rng.choice((8, 16, 32))))
        call_id = rng.randrange(1, 10_000_000)
        uid = wire_uid(prefix, call_id)
        assert not find_pii(uid), uid
        rewritten += uid != f"{prefix}-{call_id}"
    assert rewritten > 0  # the generator did produce prefixes that needed it
