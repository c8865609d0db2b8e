"""Codes as a lead reads them: dispositions, follow-up kinds and audit actions, in zh_CN or English.

Dispositions and follow-up kinds use the seat's own labels (``desktop.core``), so the
seat and the dashboard name them alike; audit actions are in the hub's catalogue.
A code nobody has a label for (a disposition a centre configured on its seats) is shown
as it was written, never as an empty cell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop.core.records import dispositions
from desktop.core.records.texts import TEXTS, texts


def _(message: str) -> str:
    """Marks a string for extraction; translated where it is shown."""
    return message


#: Audit actions in words (English source; zh_CN in the catalogue).
ACTIONS: dict[str, str] = {
    "audit.export": _("Audit log exported"),
    "help.answer": _("Help request answered"),
    "keys.init": _("Signing key created"),
    "lead.add": _("Team lead added"),
    "lead.login": _("Signed in"),
    "lead.login_failed": _("Failed sign-in"),
    "lead.login_throttled": _("Sign-in throttled"),
    "lead.password": _("Password changed"),
    "lead.remove": _("Team lead removed"),
    "packs.publish": _("Packs published"),
    "report.export": _("Report exported"),
    "review.mark": _("Call score reviewed"),
    "seat.add": _("Seat added"),
    "seat.enrol": _("Seat enrolled"),
    "seat.revoke": _("Seat revoked"),
    "team.add": _("Team added"),
    "team.settings": _("Team settings changed"),
}

#: Each score reason's words, keyed by its code (``%(n)s`` the count, ``%(detail)s`` what it was).
REASON_WORDS: dict[str, str] = {
    "mandatory_missed": _("%(n)s mandatory step(s) not done: %(detail)s"),
    "banned_typed": _("%(n)s banned phrase(s) typed in the notes: %(detail)s"),
    "banned_spoken": _("%(n)s banned phrase(s) said on the call"),
    "no_skip_reason": _("%(n)s skipped step(s) without a reason: %(detail)s"),
    "no_disposition": _("No wrap-up reason chosen"),
    "over_target": _("Handle time %(detail)s, over the alert limit"),
    "long_wrapup": _("After-call work %(detail)s, longer than the team's limit"),
}


def reason_text(reason: dict[str, Any], gettext: Callable[[str], str]) -> str:
    """One stored reason in words, with the points it cost (an unknown code reads as its figures)."""
    words = REASON_WORDS.get(str(reason.get("code")))
    n, detail = reason.get("n", 1), reason.get("detail", "")
    text = gettext(words) % {"n": n, "detail": detail or "–"} if words else str(detail or "")
    return gettext("%(text)s (−%(points)s)") % {"text": text, "points": _points(reason.get("points", 0))}


def _points(value: Any) -> str:
    number = float(value or 0)
    return str(int(number)) if number.is_integer() else f"{number:.1f}"


def seat_lang(language: str) -> str:
    """The seat's language code ("zh"/"en") of a dashboard language ("zh_CN"/"en")."""
    return "en" if language == "en" else "zh"


def disposition_label(code: str, lang: str = "zh") -> str:
    if not code:
        return "–"
    return dispositions.disposition_label(code, lang)


def followup_kind_label(kind: str, lang: str = "zh") -> str:
    return texts(lang)(f"kind.{kind}") if f"kind.{kind}" in TEXTS else kind


def action_label(action: str, gettext: Callable[[str], str]) -> str:
    words = ACTIONS.get(action)
    return gettext(words) if words else action
