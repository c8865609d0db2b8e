"""How a call ended."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core.records.texts import texts


@dataclass(frozen=True)
class Disposition:
    code: str
    zh: str
    en: str


DISPOSITIONS: tuple[Disposition, ...] = (
    Disposition("resolved", "已解决", "Resolved"),
    Disposition("follow-up", "需跟进", "Follow-up needed"),
    Disposition("escalated", "已升级", "Escalated"),
    Disposition("complaint", "已登记投诉", "Complaint recorded"),
    Disposition("other", "其他", "Other"),
)


def disposition_label(code: str, lang: str = "zh", items: tuple[Disposition, ...] = DISPOSITIONS) -> str:
    for item in items:
        if item.code == code:
            return texts(lang).pick(item.zh, item.en)
    return code


MAX_DISPOSITIONS = 15


def dispositions_from(value: object) -> tuple[Disposition, ...]:
    """The configured list (setting ``dispositions``), or the defaults when it is unusable."""
    if not isinstance(value, list) or not value:
        return DISPOSITIONS
    items: list[Disposition] = []
    for entry in value[:MAX_DISPOSITIONS]:
        if not isinstance(entry, dict):
            continue
        code = str(entry.get("code", "")).strip()
        zh = str(entry.get("zh", "")).strip()
        if code and zh and code not in {d.code for d in items}:
            items.append(Disposition(code, zh, str(entry.get("en", "")).strip() or code))
    return tuple(items) or DISPOSITIONS
