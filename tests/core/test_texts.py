"""The core's text table: both languages for every key, the same fields, one language rule."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from desktop.core.records.texts import TEXTS, output_language, texts

CORE = Path(__file__).resolve().parents[2] / "desktop" / "core"


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_has_both_languages_with_the_same_fields(key):
    zh, en = TEXTS[key]
    assert (zh or key == "duration.join") and en, key
    assert fields(zh) == fields(en), key


@pytest.mark.parametrize(
    ("setting", "language"),
    [("zh_CN", "zh"), ("zh", "zh"), ("en", "en"), ("en_US", "en"), ("EN", "en"), ("", "zh"), (None, "zh")],
)
def test_the_language_rule(setting, language):
    assert output_language(setting) == language


def test_a_template_in_each_language():
    assert texts("zh_CN")("md.repeat", n=3) == "- 重复来电客户 3 位"
    assert texts("en")("md.repeat", n=3) == "- Repeat callers 3"
    assert texts("en").pick("已解决", "Resolved") == "Resolved"


def test_the_core_writes_its_texts_from_the_table_only():
    branches = [
        f"{path.name}:{number}"
        for path in sorted(CORE.glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if 'lang == "zh"' in line or "lang == 'zh'" in line
    ]
    assert branches == []
