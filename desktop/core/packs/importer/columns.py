"""Limits on a spreadsheet, and the columns it may have: their names, aliases and labels."""

from __future__ import annotations

import re

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
# A phrase library has about ten columns; a sheet is read no wider than this.
MAX_COLUMNS = 64
# Rows read from a sheet, blank ones included (MAX_ROWS counts the non-blank ones).
MAX_SHEET_ROWS = 200_000
# Reading one sheet stops with a clear message after this long.
MAX_READ_SECONDS = 60
MAX_CELL_CHARS = 2_000
# An .xlsx whose parts would expand to more than this is refused (zip bombs).
MAX_XLSX_EXPANDED_BYTES = 400 * 1024 * 1024
# The header row is looked for among this many first non-blank rows (a title row may come first).
HEADER_SEARCH_ROWS = 10
# Reading stops after this many blank rows in a row (sheets formatted down to row 1,048,576).
MAX_BLANK_RUN = 10_000
MAX_ID_CHARS = 60

PREFERRED_SHEETS = ("话术库", "phrases")

# Field → header names it is recognised by, compared after :func:`_header_key`.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "scenario": ("场景", "场景名称", "场景名", "业务场景", "scenario", "scenarioname"),
    "scenario_id": ("场景编号", "场景id", "场景代码", "scenarioid"),
    "step": ("步骤", "步骤名称", "步骤名", "环节", "step", "stepname", "steptitle"),
    "step_id": ("步骤编号", "步骤id", "stepid"),
    "phrase": ("话术", "话术内容", "话术文本", "标准话术", "phrase", "phrases", "text", "phrasetext"),
    "tags": ("标签", "tags", "tag"),
    "keywords": ("关键词", "关键字", "keywords", "keyword"),
    "mandatory": ("必做", "是否必做", "mandatory", "required"),
    "facts": ("要点", "facts", "fact", "keypoints"),
    "guidance": ("说明", "步骤说明", "提示", "guidance"),
    "description": ("描述", "场景描述", "场景说明", "description"),
}
# How a field is named in messages.
FIELD_LABELS: dict[str, str] = {
    "scenario": "场景 (scenario)",
    "scenario_id": "场景编号 (scenario id)",
    "step": "步骤 (step)",
    "step_id": "步骤编号 (step id)",
    "phrase": "话术 (phrase)",
    "tags": "标签 (tags)",
    "keywords": "关键词 (keywords)",
    "mandatory": "必做 (mandatory)",
    "facts": "要点 (facts)",
    "guidance": "说明 (guidance)",
    "description": "描述 (description)",
}
REQUIRED_FIELDS = ("scenario", "step", "phrase")
MULTI_VALUE_FIELDS = ("tags", "keywords", "facts")
# Columns nobody needs to be told are ignored.
SILENTLY_IGNORED_HEADERS = {"序号", "no", "#", "行号"}

_ALIAS_TO_FIELD = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
_MULTI_SPLIT_RE = re.compile(r"[，,、;；|｜\n\r\u2028\u2029]+")
_HEADER_BRACKETS_RE = re.compile(r"[(（\[【].*?[)）\]】]")
_HEADER_DROP_RE = re.compile(r"[\s_\-*＊.:：/]+")
_SPACE_RUN_RE = re.compile(r"\s+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f]")
_FULLWIDTH_PLACEHOLDER_RE = re.compile(r"｛([^｛｝\s]{1,20})｝")
_PLACEHOLDER_SPAN_RE = re.compile(r"\{[^{}\s]{1,20}\}")
_EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!", "#GETTING_DATA"}
_MERGE_REF_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref=\"([A-Za-z]+[0-9]+:[A-Za-z]+[0-9]+)\"")
_SHEETDATA_END_RE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData\s*>")
_TRUE_WORDS = {"是", "y", "yes", "true", "1", "必做", "√", "✓", "✔"}
_FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "✗"}


