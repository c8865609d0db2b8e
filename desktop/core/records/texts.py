"""One table of the texts the core writes into files (exports, reports), in Chinese and English.

The language of those files is decided in one place, :func:`output_language`, from the
``language`` setting (``zh_CN`` or ``en``) or a command-line ``--lang`` (``zh`` or ``en``).
The UI itself is translated by Qt (``self.tr``); this table is only for what the core
writes without Qt.
"""

from __future__ import annotations

from functools import lru_cache

LANGUAGES = ("zh", "en")

# key -> (Chinese, English). Templates take ``str.format`` fields by name.
TEXTS: dict[str, tuple[str, str]] = {
    # export columns (CSV header, XLSX "Calls" sheet)
    "column.id": ("通话编号", "Call ID"),
    "column.started_at": ("开始时间", "Started"),
    "column.ended_at": ("结束时间", "Ended"),
    "column.duration_s": ("时长(秒)", "Duration (s)"),
    "column.wrapup_s": ("整理时长(秒)", "Wrap-up (s)"),
    "column.scenario_id": ("场景编号", "Scenario ID"),
    "column.scenario": ("场景", "Scenario"),
    "column.customer_ref": ("客户标识", "Customer ref"),
    "column.disposition": ("处置结果", "Disposition"),
    "column.end_reason": ("结束说明", "End reason"),
    "column.steps": ("已完成步骤", "Steps ticked"),
    "column.phrases": ("使用话术", "Phrases used"),
    "column.followups": ("跟进事项", "Follow-ups"),
    "column.continuity": ("衔接提醒", "Continuity"),
    "column.notes": ("备注", "Notes"),
    # one follow-up in a cell
    "followup.line": ("{kind}：{text}（{due}{state}）", "{kind}: {text} ({due}{state})"),
    "followup.due": ("到期 {time}，", "due {time}, "),
    "followup.done": ("已完成", "done"),
    "followup.open": ("未完成", "open"),
    "continuity.done": ("（已完成）", " (done)"),
    "kind.callback": ("回电", "Callback"),
    "kind.complaint": ("投诉", "Complaint"),
    "kind.continuity": ("衔接", "Continuity"),
    # What a follow-up the app creates says, stored as its kind alone and worded when shown
    "followup.standard.complaint": ("投诉处理时限", "Complaint handling deadline"),
    "followup.standard.callback": ("给客户回电", "Call the customer back"),
    "no_scenario": ("未选场景", "(no scenario)"),
    "overdue": ("已逾期", "overdue"),
    "no_disposition": ("进行中/未填写", "Active / none"),
    # durations
    "duration.hours": ("{n}小时", "{n} h"),
    "duration.minutes": ("{n}分", "{n} min"),
    "duration.seconds": ("{n}秒", "{n} s"),
    "duration.join": ("", " "),
    # XLSX
    "xlsx.title": ("坐席助手通话记录", "Seatside call records"),
    "xlsx.sheet.calls": ("通话记录", "Calls"),
    "xlsx.sheet.summary": ("汇总", "Summary"),
    "xlsx.period": ("时段", "Period"),
    "xlsx.generated": ("生成于", "Generated"),
    "xlsx.calls": ("通话数", "Calls"),
    "xlsx.ended": ("已结束", "Ended"),
    "xlsx.active": ("进行中", "Active"),
    "xlsx.avg_talk": ("平均通话时长(秒)", "Average talk time (s)"),
    "xlsx.avg_wrapup": ("平均整理时长(秒)", "Average wrap-up time (s)"),
    "xlsx.avg_handle": ("平均处理时长(秒，通话+整理)", "Average handle time (s, talk + wrap-up)"),
    "xlsx.open_followups": ("未完成跟进", "Open follow-ups"),
    "xlsx.overdue_followups": ("其中已逾期", "of which overdue"),
    "xlsx.banned_typed": ("服务禁语（小记中写出）", "Banned phrases typed in notes"),
    "xlsx.banned_spoken": ("服务禁语（通话中说出）", "Banned phrases said on calls"),
    "xlsx.by_scenario": ("按场景", "By scenario"),
    "xlsx.by_disposition": ("按处置结果", "By disposition"),
    "xlsx.top_phrases": ("常用话术（前 10）", "Most used phrases (top 10)"),
    "xlsx.followup_list": ("未完成跟进事项", "Open follow-up list"),
    "head.scenario": ("场景", "Scenario"),
    "head.calls": ("通话数", "Calls"),
    "head.share": ("占比", "Share"),
    "head.avg_talk_s": ("平均通话时长(秒)", "Average talk (s)"),
    "head.avg_talk": ("平均通话时长", "Average talk"),
    "head.disposition": ("处置结果", "Disposition"),
    "head.uses": ("次数", "Uses"),
    "head.phrase_id": ("话术编号", "Phrase ID"),
    "head.phrase": ("话术", "Phrase"),
    "head.followup": ("事项", "Follow-up"),
    "head.kind": ("类型", "Kind"),
    "head.due": ("到期", "Due"),
    "head.call": ("通话", "Call"),
    "head.customer_ref": ("客户标识", "Customer ref"),
    "head.state": ("状态", "State"),
    "head.call_count": ("来电次数", "Calls"),
    # Markdown shift report
    "md.title": ("班次小结", "Shift summary"),
    "md.span": ("：{start} – {end}", ": {start} – {end}"),
    "md.generated": ("生成于 {time}", "Generated {time}"),
    "md.overview": ("## 概况", "## Overview"),
    "md.calls": ("- 通话 **{calls}** 通（已结束 {ended}，进行中 {active}）",
                 "- **{calls}** calls ({ended} ended, {active} active)"),
    "md.averages": ("- 平均通话时长 {talk}；平均整理时长 {wrapup}；平均处理时长（通话+整理）{handle}",
                    "- Average talk time {talk}; average wrap-up {wrapup}; average handle time (talk + wrap-up) {handle}"),
    "md.notable": ("{name} {n} 通", "{name}: {n}"),
    "md.list_sep": ("，", ", "),
    "md.busiest": ("- 来电高峰 {start:02d}:00–{end:02d}:00（{n} 通）", "- Busiest hour {start:02d}:00–{end:02d}:00 ({n} calls)"),
    "md.banned": ("- 服务禁语：小记中写出 {typed} 次，通话中说出 {spoken} 次",
                  "- Banned phrases: {typed} typed in notes, {spoken} said on calls"),
    "md.open_followups": ("- 未完成跟进 {open} 项，其中已逾期 {overdue} 项", "- Open follow-ups {open}, of which overdue {overdue}"),
    "md.repeat": ("- 重复来电客户 {n} 位", "- Repeat callers {n}"),
    "md.by_scenario": ("## 按场景", "## By scenario"),
    "md.by_disposition": ("## 按处置结果", "## By disposition"),
    "md.top_phrases": ("## 常用话术（前 10）", "## Most used phrases (top 10)"),
    "md.open_list": ("## 未完成跟进", "## Open follow-ups"),
    "md.more": ("另有 {n} 项未列出。", "{n} more not listed."),
    "md.none": ("无。", "None."),
    "md.repeat_callers": ("## 重复来电", "## Repeat callers"),
}


# Follow-ups the app creates itself: stored with an empty text, worded when shown.
STANDARD_FOLLOWUPS = ("complaint", "callback")


def output_language(setting: str | None) -> str:
    """``"zh"`` or ``"en"`` for a ``language`` setting (``zh_CN``, ``en``...) or a ``--lang``."""
    return "en" if (setting or "").lower().startswith("en") else "zh"


class Texts:
    """The table in one language: ``texts("md.repeat", n=3)``."""

    def __init__(self, language: str) -> None:
        self.language = output_language(language)
        self._column = LANGUAGES.index(self.language)

    def __call__(self, key: str, **values: object) -> str:
        template = TEXTS[key][self._column]
        return template.format(**values) if values else template

    def pick(self, zh: str, en: str) -> str:
        """One of a pair the seat configured (disposition names)."""
        return (zh, en)[self._column]


@lru_cache(maxsize=4)
def texts(language: str) -> Texts:
    """The text table in ``language`` (``zh``/``en``, or a ``language`` setting)."""
    return Texts(language)
