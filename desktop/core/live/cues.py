"""Steps ticked by what the seat says: a step's ``done_when`` cues matched on final
agent segments, precision first (a wrong tick is worse than a missed one).

A cue match does not count when, in the same clause,

- a negation or a "not yet" comes just before it (还没有为您办理…, 暂时不能…),
- it is asked, not stated (…办好了吗？, 是不是已经…),
- it is a condition, a purpose or a plan (如果…, 为了…, 马上/稍后 before the cue),
- it is still pending (…我还在查, …正在办).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from desktop.core.patterns import Pattern, PatternError, compile_pattern
from desktop.core.scenarios import Scenario, Step
from desktop.core.textnorm import normalize

_CLAUSE_END = "，。！？；,.!?;：:\n"
# Just before a cue, these make it "not done (yet)".
_NEGATIONS = ("没有", "还没", "尚未", "没能", "未能", "无法", "不能", "不会", "没法", "暂时不", "不用", "没", "未", "别", "不")
# Anywhere earlier in the clause, these make it a condition, a plan or a question.
_CONDITIONS = (
    "如果", "要是", "假如", "万一", "等到", "等", "一旦", "待", "马上", "稍后", "待会", "一会儿", "将会", "会给您",
    "准备", "需要", "要不要", "是否", "是不是", "有没有", "能不能", "可不可以", "可以帮", "帮您看看",
    # a purpose, or a request for what is still to be given: not done yet
    "为了", "麻烦您说", "麻烦您报", "请您说", "请您报", "请问",
)
# Just after a cue, in its clause, these make it still pending (限制的原因我还在查).
_PENDING = ("还在", "正在", "还没", "没有", "尚未", "待会", "稍后", "之后再", "一会儿", "再跟您", "再告诉您", "再通知您")
_QUESTION_TAIL = re.compile(r"^[^，。！？；,.!?;]*?(吗|么|呢|吧)?\s*[?？]|^[^，。！？；,.!?;]*?(吗|么)(?=$|[，。！；,.!;])")


@lru_cache(maxsize=4096)
def compile_cue(text: str) -> Pattern | None:
    """The compiled cue, or None for one the pack checker would refuse."""
    try:
        return compile_pattern(text)
    except PatternError:
        return None


def step_cues(step: Step) -> tuple[str, ...]:
    """A step's ``done_when`` cues (none for packs that have no such field)."""
    cues = getattr(step, "done_when", ())
    return tuple(c for c in cues if isinstance(c, str) and c.strip())


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((text.rfind(c, 0, start) for c in _CLAUSE_END), default=-1) + 1
    rights = [i for i in (text.find(c, end) for c in _CLAUSE_END) if i != -1]
    return left, min(rights) if rights else len(text)


def affirmed(text: str, start: int, end: int) -> bool:
    """True when the match at [start, end) of normalised ``text`` is stated as done."""
    left, right = _clause_bounds(text, start, end)
    before, after = text[left:start], text[end : right + 1]
    lead = before[-6:]
    if any(neg in lead for neg in _NEGATIONS):
        return False
    if any(word in before for word in _CONDITIONS):
        return False
    if any(word in after for word in _PENDING):
        return False
    return not (_QUESTION_TAIL.match(after) or text[right : right + 1] in {"?", "？"})


@dataclass(frozen=True)
class CueMatch:
    step_id: str
    cue: str
    start: int
    end: int


def find_ticks(text: str, scenario: Scenario, cues_for: Callable[[Step], tuple[str, ...]] = step_cues) -> list[CueMatch]:
    """Steps of ``scenario`` that the final agent segment ``text`` shows were carried out."""
    norm = normalize(text)
    if not norm:
        return []
    found: list[CueMatch] = []
    for step in scenario.steps:
        for cue in cues_for(step):
            pattern = compile_cue(cue)
            if pattern is None:
                continue
            hit = next((span for span in pattern.finditer(norm) if affirmed(norm, *span)), None)
            if hit is not None:
                found.append(CueMatch(step.id, cue, *hit))
                break
    return found
