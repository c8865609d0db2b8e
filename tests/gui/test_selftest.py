"""The checks ``seatside --self-test`` runs on the built program pass here and catch what they are for."""

from __future__ import annotations

from desktop import selftest


def test_every_build_check_passes(seatside):
    passed, failed = selftest.run_checks(seatside)
    assert failed == []
    assert len(passed) == len(selftest.CHECKS)


def test_a_search_that_finds_the_wrong_phrase_fails(seatside, monkeypatch):
    monkeypatch.setattr(selftest, "SEARCHES", (("jfsc", "吞卡"),))
    _passed, failed = selftest.run_checks(seatside)
    assert len(failed) == 1
    assert failed[0].startswith("search: AssertionError: searching 'jfsc' finds '积分商城")


def test_a_collation_out_of_pinyin_order_fails(seatside, monkeypatch):
    # What ICU's root collation (no Chinese data) gives: code point order.
    monkeypatch.setattr(selftest, "PINYIN_ORDER", tuple(sorted(selftest.PINYIN_ORDER)))
    _passed, failed = selftest.run_checks(seatside)
    assert [f.split(":")[0] for f in failed] == ["icu"]


def test_a_missing_qt_plugin_fails(seatside, monkeypatch):
    monkeypatch.setattr(selftest, "LINUX_PLUGINS", (("imageformats", "qnosuchformat"),))
    _passed, failed = selftest.run_checks(seatside)
    assert len(failed) == 1 and "imageformats/qnosuchformat does not load" in failed[0]
