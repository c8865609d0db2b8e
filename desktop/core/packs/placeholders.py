"""Placeholders such as ``{称呼}`` in phrase text, filled by plain replacement.

Substitution is plain string replacement of known names: no ``str.format`` and
nothing that could reach Python objects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

# Placeholder names a pack may use, with what they stand for.
KNOWN_PLACEHOLDERS: dict[str, str] = {
    "称呼": "customer's form of address, e.g. 王先生",
    "工作日": "a number of working days",
    "坐席工号": "the seat's staff number",
    "银行名称": "the bank's name as said on the phone, from the settings (e.g. 某某银行信用卡中心)",
    "日期": "today's date (filled automatically)",
    "时间": "the current time (filled automatically)",
    # Facts about this caller's account: the seat fills them from the system, so a
    # pasted phrase never states an example value as if it were the caller's.
    "次数": "a count the seat reads from the system, e.g. of transactions",
    "期数": "a number of instalments",
    "金额": "an amount of money",
    "年化利率": "an annualised interest rate, as shown by the system",
    "交易时间": "when a transaction was made",
    "交易状态": "a transaction's status as shown by the system",
    "到账时间": "when money is expected to arrive",
    "网点": "a branch's name and address",
    "原因": "a reason as recorded in the system (e.g. why a card was blocked)",
    # Separate names where one call needs two different figures (never reuse one).
    "已刷次数": "how many times the card was used this year, from the system",
    "免年费次数": "how many uses this card type needs for the annual fee to be waived",
    "激活状态": "whether the card is activated, as shown by the system",
    "每期本金": "the principal due per instalment",
    "每期利息": "the interest due per instalment",
    "利息总额": "the total interest over all instalments",
    "提前还款规则": "how interest is settled on early repayment, as the contract says",
    "补卡费用": "whether a replacement card costs anything, and how much, for this card",
    "客户风险等级": "the customer's risk assessment result on record for the purchase",
    "产品风险等级": "the product's risk rating on record",
    "定价方式": "how a loan's rate is set, as the contract on record says",
    "重定价日": "a loan's next repricing date, from the system",
    "活动规则": "the campaign rule quoted from its published text",
    "客户主张": "what the customer says went wrong, in the customer's words",
    "自称身份": "who the other party claimed to be, in the customer's words",
    "对方要求": "what the other party asked the customer to do",
}

PLACEHOLDER_RE = re.compile(r"\{([^{}\s]{1,20})\}")


def placeholders_in(text: str) -> list[str]:
    """Names of the placeholders in ``text``, in order of first appearance."""
    seen: list[str] = []
    for name in PLACEHOLDER_RE.findall(text):
        if name not in seen:
            seen.append(name)
    return seen


def automatic_values(now: datetime | None = None) -> dict[str, str]:
    """Values the app can fill without asking anyone."""
    now = now or datetime.now()
    return {"日期": f"{now.month}月{now.day}日", "时间": now.strftime("%H:%M")}


@dataclass(frozen=True)
class Rendered:
    text: str
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def render(text: str, values: Mapping[str, str]) -> Rendered:
    """Fill every placeholder that has a non-empty value; report the others."""
    missing: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        value = (values.get(name) or "").strip()
        if not value:
            if name not in missing:
                missing.append(name)
            return match.group(0)
        return value

    return Rendered(PLACEHOLDER_RE.sub(fill, text), tuple(missing))
