"""How a call ended."""

from __future__ import annotations

from dataclasses import dataclass


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


def disposition_label(code: str, lang: str = "zh") -> str:
    for item in DISPOSITIONS:
        if item.code == code:
            return item.zh if lang == "zh" else item.en
    return code
