"""Steps ticked by what the seat says: a step's ``done_when`` cues matched on final
agent segments, precision first (a wrong tick is worse than a missed one).

A cue match does not count when, in the same clause,

- a negation or a "not yet" comes just before it (还没有为您办理…, 暂时不能…),
- it is asked, not stated (…办好了吗？, 是不是已经…),
- it is a condition, a purpose or a plan (如果…, 为了…, 马上/稍后 before the cue),
- it is still pending (…我还在查, …正在办).

Three forms of cue besides a plain pattern:

- ``?请问怎么称呼`` (a leading ``?``): the step *is* asking (or promising), so a question
  (or a promise such as 会给您回电) counts;
- ``登记&好了`` (parts joined by ``&``): every part in the same sentence, in any order;
- ``@restate``: the seat restating what was confirmed (我跟您确认一下/核对一下 … 对吧？, a
  statement of some length closed by a tag question); it ticks the first such step.

Speech is compared in a spoken form: fillers (嗯, 呃, 啊…) and blanks dropped, and
Chinese numbers before a unit written in digits (三个工作日 = 3个工作日), for the
segment and the cue alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from desktop.core.packs.patterns import Pattern, PatternError, compile_pattern
from desktop.core.packs.scenarios import Scenario, Step
from desktop.core.search.textnorm import normalize

_CLAUSE_END = "，。！？；,.!?;：:\n"
# Just before a cue, these make it "not done (yet)".
_NEGATIONS = ("没有", "还没", "尚未", "没能", "未能", "无法", "不能", "不会", "没法", "暂时不", "不用", "没", "未", "别", "不")
# Anywhere earlier in the clause, these make it a condition, a plan or a question.
_CONDITIONS = (
    "如果", "要是", "假如", "万一", "等到", "等", "一旦", "待", "马上", "稍后", "待会", "一会儿", "将会", "会给您",
    "准备", "需要", "要不要", "是否", "是不是", "有没有", "能不能", "可不可以", "可以帮", "帮您看看",
    # a purpose, or a request for what is still to be given: not done yet
    "为了", "麻烦您说", "麻烦您报", "请您说", "请您报", "请问",
    # a step that waits for another: 确认没有异常以后我帮您申请…
    "以后我", "之后我", "以后再", "之后再",
    # another call, another time
    "上次", "上回", "那个客户",
    # the customer's words, repeated: 您说的改绑是…
    "您说", "您问", "您是说",
)
# Just after a cue, in its clause, these make it still pending (限制的原因我还在查).
_PENDING = ("还在", "正在", "还没", "没有", "尚未", "待会", "稍后", "之后再", "一会儿", "再跟您", "再告诉您", "再通知您",
            "的话")
# Anywhere earlier in the sentence: what follows is a consequence of a condition.
_IF = ("如果", "要是", "假如", "万一", "一旦", "假设")
# Just after a cue: it is dismissed (报警也没用).
_USELESS = ("没用", "也没用", "没有用", "不管用", "没必要", "这句话", "这三个字", "这几个字", "这四个字", "这话")
_A_NOT_A = re.compile(r"([\u4e00-\u9fff]{1,2})[不没]\1")
_QUESTION_TAIL = re.compile(r"^[^，。！？；,.!?;]*?(吗|么|呢|吧)?\s*[?？]|^[^，。！？；,.!?;]*?(吗|么)(?=$|[，。！；,.!;])")


RESTATE = "@restate"
_FILLERS = re.compile(r"[嗯呃啊哦唉噢]+")
_BLANKS = re.compile(r"\s+")
_BREAK = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = f"[{_CN_DIGITS}十百千万]+"
_UNIT = "个天日号点分秒元块位期年月周次张笔倍成折小工条遍"
_NUMBER_BEFORE_UNIT = re.compile(rf"{_CN_NUMBER}(?=[{_UNIT}])|{_CN_NUMBER}(?=[到至~-]\s*(?:\d|{_CN_NUMBER}[{_UNIT}]))")
# A restatement opens with one of these and closes with a tag question.
_RESTATE_OPEN = re.compile(r"(跟您|给您|和您|帮您|我再|我先|我)(再)?(确认|核对|核实|复述|理解|理|对)(一下|一遍|下)")
_RESTATE_TAG = re.compile(
    r"(对吧|对吗|是吗|是吧|没错吧|没错吗|对不对|是不是|是这样吗|是这样吧|是这个意思吗|我理解得对吗|我说得对吗|没问题吧)"
    r"[?？。!！]*$"
)
RESTATE_MIN = 8  # characters between the opening and the tag


def _cn_number(text: str) -> str:
    """十五 -> 15, 三百 -> 300, 八六一二 -> 8612; text it cannot read is returned unchanged."""
    if all(c in _CN_VALUES for c in text):
        return "".join(str(_CN_VALUES[c]) for c in text)
    total, section, digit = 0, 0, None
    for char in text:
        if char in _CN_VALUES:
            digit = _CN_VALUES[char]
        elif char in "十百千":
            section += (1 if digit is None else digit) * {"十": 10, "百": 100, "千": 1000}[char]
            digit = None
        elif char == "万":
            total = (total + section + (digit or 0)) * 10000
            section, digit = 0, None
    return str(total + section + (digit or 0))


def spoken_form(text: str) -> str:
    """Normalised text without fillers or blanks, with Chinese numbers before a unit as digits,
    and 你 read as 您 (speech recognition rarely writes the polite form)."""
    norm = _FILLERS.sub("", normalize(text))
    norm = _BREAK.sub(",", norm)  # speech recognition marks pauses with blanks, not commas
    norm = _BLANKS.sub("", norm).strip(",").replace("你", "您")
    return _NUMBER_BEFORE_UNIT.sub(lambda m: _cn_number(m.group(0)), norm)


@lru_cache(maxsize=4096)
def compile_cue(text: str) -> Pattern | None:
    """The compiled cue, or None for one the pack checker would refuse."""
    try:
        return compile_pattern(spoken_form(text))  # NFKC writes … as ..., a gap all the same
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


def affirmed(text: str, start: int, end: int, *, asking: bool = False) -> bool:
    """True when the match at [start, end) of normalised ``text`` is stated as done
    (``asking``: the step is a question, so being asked is being done)."""
    left, right = _clause_bounds(text, start, end)
    before, after = text[left:start], text[end : right + 1]
    lead = before[-6:]
    if any(neg in lead for neg in _NEGATIONS):
        return False
    sentence = text[max((text.rfind(c, 0, start) for c in "。！？!?；;\n"), default=-1) + 1 : start]
    if any(word in sentence for word in _IF):
        return False  # 您要是已经转了钱，就得赶紧报警: a consequence, not done
    if any(word in after[:5] for word in _USELESS):
        return False  # 报警也没用; 祝您生活愉快这句话…: said about, not said
    if _A_NOT_A.search(text[left : right + 1]):
        return False  # 保不保本, 是不是: a question
    if "的话" in after:
        return False  # 逐笔核对的话…: a condition
    if asking:
        return not any(word in before for word in ("等到", "待会", "稍后", "马上"))
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


_SENTENCE = re.compile(r"[^。！？!?；;]+[。！？!?；;]*")


def restates(text: str) -> bool:
    """True when the (spoken-form) segment restates what was confirmed: an opening such as
    跟您确认一下, a statement, and a closing tag question such as 对吧？."""
    for sentence in _SENTENCE.findall(text):
        opening = _RESTATE_OPEN.search(sentence)
        tag = _RESTATE_TAG.search(sentence.rstrip())
        if opening is None or tag is None:
            continue
        between = sentence[opening.end() : tag.start()].strip("，,：:。 ")
        if len(between) >= RESTATE_MIN and not any(n in sentence[: opening.start()][-4:] for n in ("没", "不", "还没")):
            return True
    return False


def _cue_hit(cue: str, norm: str) -> tuple[int, int] | None:
    asking = cue.startswith("?")
    parts = [p.strip() for p in cue.lstrip("?").split("&")]
    if len(parts) == 1:
        pattern = compile_cue(parts[0])
        if pattern is None:
            return None
        return next((span for span in pattern.finditer(norm) if affirmed(norm, *span, asking=asking)), None)
    offset = 0
    for sentence in _SENTENCE.findall(norm):  # every part in one sentence, any order
        spans = []
        for part in parts:
            pattern = compile_cue(part)
            local = None if pattern is None else next(
                (span for span in pattern.finditer(norm) if offset <= span[0] and span[1] <= offset + len(sentence)
                 and affirmed(norm, *span, asking=asking)), None)
            if local is None:
                break
            spans.append(local)
        else:
            return min(s[0] for s in spans), max(s[1] for s in spans)
        offset += len(sentence)
    return None


def find_ticks(
    text: str, scenario: Scenario, cues_for: Callable[[Step], tuple[str, ...]] = step_cues,
    skip: Callable[[str], bool] = lambda _step_id: False,
) -> list[CueMatch]:
    """Steps of ``scenario`` that the final agent segment ``text`` shows were carried out
    (``skip``: steps already ticked, so a restatement goes to the next step that asks for one)."""
    norm = spoken_form(text)
    if not norm:
        return []
    found: list[CueMatch] = []
    restated = None
    for step in scenario.steps:
        for cue in cues_for(step):
            if cue.strip() == RESTATE:
                if restated is None:
                    restated = restates(norm)
                if restated and not skip(step.id) and not any(m.cue == RESTATE for m in found):
                    found.append(CueMatch(step.id, RESTATE, 0, len(norm)))
                    break
                continue
            hit = _cue_hit(cue, norm)
            if hit is not None:
                found.append(CueMatch(step.id, cue, *hit))
                break
    return found
