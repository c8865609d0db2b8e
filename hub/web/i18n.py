"""Dashboard languages: zh_CN by default, English source strings.

Translations are a gettext catalog (``locale/zh_CN/LC_MESSAGES/messages.po``)
loaded with Babel and used by Jinja2's ``i18n`` extension and by Python code
through :func:`translations_for`. ``pybabel extract -F babel.cfg`` collects new
strings; a test fails while one lacks its Chinese text.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


@cache
def translations_for(language: str) -> NullTranslations:
    """Compiled translations of ``language`` (English is the identity)."""
    if language == "en":
        return NullTranslations()
    with catalog_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled)


def pick_language(cookie: str | None, accept_language: str | None = None) -> str:
    """The cookie's choice when valid, otherwise the browser's English, otherwise zh_CN."""
    if cookie in LANGUAGES:
        return cookie
    if accept_language:
        first = accept_language.split(",")[0].strip().lower()
        if first.startswith("en"):
            return "en"
    return DEFAULT_LANGUAGE
