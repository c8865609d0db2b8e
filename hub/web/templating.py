"""Jinja2 environments (one per language, gettext installed) and the page renderer."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from hub.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, translations_for
from hub.web.security import csrf_token

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


@cache
def environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "svg"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations_for(language), newstyle=True)  # type: ignore[attr-defined]  # the i18n extension adds it to the Environment
    env.globals["static_version"] = _static_version()
    env.filters["duration"] = format_duration
    env.filters["percent"] = format_percent
    env.filters["when"] = _when
    env.filters["when_s"] = _when_seconds
    env.filters["banned_phrase"] = banned_phrase
    env.filters["disposition"] = _disposition
    env.filters["followup_kind"] = _followup_kind
    env.filters["action"] = _action
    return env


def _static_version() -> str:
    """Changes whenever a static file changes, so browsers never keep a stale script."""
    newest = max((p.stat().st_mtime_ns for p in STATIC_DIR.iterdir()), default=0)
    return str(newest)[-8:]


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


@pass_context
def _when(context: Any, value: datetime | str | None) -> str:
    """A time in the centre's zone; a stored ISO text (a record's ``due_at``) is read first."""
    if isinstance(value, str):
        try:
            return local_time(datetime.fromisoformat(value), context.get("tz"), "%Y-%m-%d %H:%M")
        except ValueError:
            return value
    return local_time(value, context.get("tz"), "%Y-%m-%d %H:%M")


@pass_context
def _disposition(context: Any, code: str | None) -> str:
    from hub.web.labels import disposition_label, seat_lang

    return disposition_label(code or "", seat_lang(context.get("lang", DEFAULT_LANGUAGE)))


@pass_context
def _followup_kind(context: Any, kind: str | None) -> str:
    from hub.web.labels import followup_kind_label, seat_lang

    return followup_kind_label(kind or "", seat_lang(context.get("lang", DEFAULT_LANGUAGE)))


@pass_context
def _action(context: Any, action: str) -> str:
    from hub.web.labels import action_label

    return action_label(action, translations_for(context.get("lang", DEFAULT_LANGUAGE)).gettext)


@pass_context
def _when_seconds(context: Any, value: datetime | None) -> str:
    return local_time(value, context.get("tz"), "%Y-%m-%d %H:%M:%S")


def local_time(value: datetime | None, zone: ZoneInfo | None, pattern: str) -> str:
    """A database time in the centre's time zone."""
    if value is None:
        return "–"
    if zone is not None and value.tzinfo is not None:
        value = value.astimezone(zone)
    return value.strftime(pattern)


def banned_phrase(pattern: str) -> str:
    """A banned phrase as a lead reads it: the pack's gap marks (``…{2}``) shown as ``…``."""
    return re.sub(r"…\{\d+\}", "…", pattern)


def format_percent(ratio: float | None) -> str:
    return "–" if ratio is None else f"{ratio * 100:.0f}%"


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def request_language(request: Request) -> str:
    language = getattr(request.state, "language", None)
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def gettext(request: Request, message: str) -> str:
    """Translate a message for this request's language (Python-side strings)."""
    return translations_for(request_language(request)).gettext(message)


def _values(request: Request, context: dict[str, Any] | None) -> dict[str, Any]:
    language = request_language(request)
    seed = getattr(request.state, "csrf_seed", None) or ""
    values = {
        "request": request,
        "lang": language,
        "html_lang": "zh-CN" if language == "zh_CN" else "en",
        "csrf": csrf_token(seed) if seed else "",
        "lead": getattr(request.state, "lead", None),
        "path": request.url.path,
        "tz": _zone(request.app.state.settings.timezone),
    }
    values.update(context or {})
    return values


def render(request: Request, template: str, context: dict[str, Any] | None = None, *, status_code: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    body = environment(request_language(request)).get_template(template).render(_values(request, context))
    return HTMLResponse(body, status_code=status_code, headers={"cache-control": "no-store"} | (headers or {}))


def render_fragment(request: Request, template: str, context: dict[str, Any] | None = None) -> str:
    """A piece of a page (escaped HTML) the board's event stream sends to replace one in place."""
    return environment(request_language(request)).get_template(template).render(_values(request, context))
