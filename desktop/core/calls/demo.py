"""Synthetic but realistic call history for demos, screenshots and manual testing.

``seed_demo`` writes through the same ``CallStore`` methods the app uses, in
batches of one transaction each. Every card, ID and mobile number in a note
or a customer reference is masked with ``mask_pii`` before it is stored, as
the notes editor would. The same seed and ``now`` give the same database.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from stdnum import luhn
from stdnum.cn import ric

from desktop.core.base import clock
from desktop.core.packs.placeholders import render
from desktop.core.packs.scenarios import Library, Scenario, phrase_key
from desktop.core.privacy.masking import mask_pii
from desktop.core.records.storage import CallStore, UsedPhrase

BATCH = 500
DAY_START = time(8, 30)
DAY_END = time(20, 30)
# Relative call volume per hour of the working day (a morning and an afternoon peak).
HOUR_WEIGHTS = {8: 3, 9: 8, 10: 10, 11: 9, 12: 5, 13: 6, 14: 9, 15: 10, 16: 8, 17: 6, 18: 4, 19: 3, 20: 2}
# Share of calls per scenario id; scenarios not listed get ``OTHER_WEIGHT``.
SCENARIO_WEIGHTS = {
    "card-retained-atm": 14,
    "atm-cash-retained": 12,
    "points-redemption": 10,
    "generic-complaint": 10,
    "supplementary-card-abroad": 9,
    "card-pickup-notice": 8,
    "bank-code-lookup": 7,
    "opening-identity": 6,
    "escalation-threat": 5,
    "credit-record-erasure": 5,
    "wealth-product-loss": 5,
    "hold-transfer": 4,
    "closing-recap": 3,
}
OTHER_WEIGHT = 4
COMPLAINT_SCENARIOS = {"generic-complaint", "escalation-threat", "credit-record-erasure", "wealth-product-loss"}
# disposition code -> weight, for ordinary calls and for complaint-type calls.
DISPOSITION_WEIGHTS = {"resolved": 64, "follow-up": 20, "escalated": 5, "complaint": 5, "other": 6}
COMPLAINT_DISPOSITION_WEIGHTS = {"resolved": 30, "follow-up": 22, "escalated": 18, "complaint": 27, "other": 3}
# Why a mandatory step was left unticked (the wrap-up dialog asks for one).
END_REASONS = [
    "客户中途挂断",
    "已转接信用卡专线，由专线继续处理",
    "客户在开车，约定稍后回电再办",
    "通话中断，回拨未接通",
    "客户要求直接找主管",
    "客户表示需要与家人商量后再来电",
]
COMPLAINT_DUE_DAYS = 15

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501 - one data item, clearer unbroken
TITLES = ["先生", "女士", "阿姨", "叔叔"]
BRANCHES = ["朝阳路支行", "人民广场支行", "高新区支行", "火车站营业部", "解放大道支行", "滨江支行", "大学城支行", "开发区支行"]
DEVICES = ["存取款一体机", "ATM取款机", "自助存款机", "大堂自助终端"]
MERCHANTS = ["洗车合作商户", "咖啡连锁店", "视频会员", "加油站", "外卖平台"]
COUNTRIES = ["日本", "泰国", "英国", "澳大利亚", "新加坡", "美国", "法国"]
OTHER_BANKS = ["工商银行", "建设银行", "农业银行", "招商银行", "邮储银行"]
CARD_PREFIXES = ["622202", "622848", "621700", "622588", "625807", "623058", "955990"]
ID_REGIONS = ["110105", "310115", "440305", "330106", "420106", "510107", "320583", "370102"]

# Note sentences per scenario. {card} {mobile} {id} are written out in full,
# in the ways seats type them, and masked before the note is stored.
NOTES: dict[str, list[str]] = {
    "card-retained-atm": [
        "客户{name}来电，{day}在{branch}的{device}取款时卡被吞，卡号{card}。",
        "查询卡片状态：之前办过挂失一直未解除，插卡即被回收，已向客户说明原因。",
        "已办理{loss}挂失并登记吞卡，告知约3个工作日内通知取卡网点。",
        "重点提醒：取卡时在柜台当场解除挂失，否则再用ATM还会被吞，客户已复述确认。",
        "客户说卡是在{bank}的ATM上被吞的，已告知需联系{bank}取卡，提供了该行客服渠道。",
        "客户留的联系电话{mobile}，取卡通知请打这个号码。",
    ],
    "atm-cash-retained": [
        "客户{name}来电，{day}在{branch}的{device}取款{amount}元，机器未出钞，账户已扣款。",
        "已安抚客户，说明资金不会丢失，已在差错系统登记吞钞，{days}个工作日内退回原卡。",
        "客户为老年人，比较着急，放慢语速把到账时间讲了两遍，建议让子女帮忙留意短信。",
        "卡号{card}，设备位置：{branch}门口左手边第二台，请网点清机时核对。",
        "客户担心钱被别人取走，已解释清机对账流程，客户表示理解。",
        "约定到账后客户自行查询，未到账可再来电，联系电话{mobile}。",
    ],
    "points-redemption": [
        "客户{name}投诉积分兑换的{merchant}权益无法使用，兑换扣了{points}积分，还需另付现金。",
        "已说明积分加现金的规则，并讲清部分积分年底到期的安排，客户认为规则不透明。",
        "客户对{merchant}的服务态度不满，表示要向监管反映，已登记商户投诉。",
        "提供备选方案：积分抵扣年费或兑换外卖券，客户选择抵扣年费。",
        "客户信用卡{card}，年底前有{points}积分到期，已提醒尽快使用。",
    ],
    "supplementary-card-abroad": [
        "主卡人{name}来电，孩子在{country}用副卡消费被风控拦截，这是今天第{times}次来电。",
        "已逐笔核对被拦截的{count}笔交易，其中{ok}笔客户确认为本人消费，其余待联系孩子确认。",
        "客户联系孩子后确认交易均为本人所为，已提交恢复副卡申请，约2小时内生效。",
        "副卡卡号{card}，主卡人手机{mobile}，回电请打此号。",
        "客户情绪较急，担心孩子在国外没钱用，已先说明可临时使用主卡额度。",
    ],
    "card-pickup-notice": [
        "外呼通知客户{name}到{branch}领取被吞的卡，已核实是持卡人本人。",
        "已提供网点地址并按客户要求短信发送至{mobile}。",
        "提醒客户取卡时带身份证，并在柜台当场解除挂失。",
        "客户本人不在，家属接听，未透露卡片信息，约定明天再联系。",
    ],
    "bank-code-lookup": [
        "客户要求代查他人账户的开户行行号，已礼貌说明出于账户隐私不能代查。",
        "问清用途是给亲戚转账{amount}元，告知账号户名正确时选收款行任一网点或总行均可入账。",
        "客户表示理解，准备让收款人自己提供行号。",
        "收款账号客户报的是{card}，仅用于说明，未做查询。",
    ],
    "credit-record-erasure": [
        "客户{name}要求删除信用卡逾期记录，共逾期{late}次，引用网上的“征信修复攻略”。",
        "已明确告知逾期记录如实报送、不能修改，未作任何承诺。",
        "客户称要向监管和媒体投诉，已按原话登记，答复时限15天。",
        "客户提出对第{late}期逾期有异议，已受理异议申请，身份证{id}。",
        "客户联系电话{mobile}，要求书面答复。",
    ],
    "escalation-threat": [
        "客户{name}对处理结果不满，扬言要找律师和媒体，已平稳安抚，未争辩。",
        "已按客户原话登记投诉，写明客户提到的渠道：监管热线、媒体。",
        "向客户说明升级后的处理范围和时限，不作额外承诺。",
        "约定{days}个工作日内专人回电，回电号码{mobile}。",
    ],
    "wealth-product-loss": [
        "客户{name}投诉在{branch}购买的理财产品亏损约{amount}元，认为银行承诺保本。",
        "先致歉并完整倾听，未急于解释；客户称购买时未被充分告知风险。",
        "已说明自营与代销产品的区别以及投资风险，客户情绪有所缓和。",
        "已登记投诉并申请调取购买时的双录材料，客户身份证{id}。",
        "客户要求网点经理回电，电话{mobile}。",
    ],
    "generic-complaint": [
        "客户{name}投诉{branch}柜台排队时间长、服务态度差，已安抚并致歉。",
        "复述确认核心诉求：希望网点道歉并改进叫号安排。",
        "已登记投诉，答复时限15天，改进建议已反馈网点。",
        "客户卡号{card}，联系电话{mobile}。",
    ],
    "opening-identity": [
        "来电人自称{name}，身份核实通过：姓名、证件后四位、预留手机号一致。",
        "身份核实未通过，未透露任何账户信息，建议客户本人来电或到网点办理。",
        "客户报的手机号{mobile}与预留号码不一致，已提醒到网点更新。",
    ],
    "hold-transfer": [
        "客户需查询房贷还款明细，已说明需转接个贷专线，征得同意后转接。",
        "查询期间让客户稍候约两分钟，回来后先致谢等待。",
        "转接前已向下一位同事说明客户诉求，避免客户重复陈述。",
    ],
    "closing-recap": [
        "结束前复述了处理结果和时间节点，客户表示清楚。",
        "提醒客户下一步需到网点办理，客户无其他问题。",
    ],
}
GENERIC_NOTES = [
    "提醒客户注意防范电信诈骗，银行不会索要验证码。",
    "客户另外咨询了账单日调整，已告知可在手机银行自助修改。",
    "通话结束前复述了处理结果和时间节点，客户表示清楚，没有其他问题。",
    "客户语速快、多次打断，已耐心听完再回应。",
]
# What a follow-up is about, per scenario (the scenario name when not listed).
TOPICS = {
    "card-retained-atm": "吞卡取卡",
    "atm-cash-retained": "吞钞退款",
    "points-redemption": "积分兑换",
    "supplementary-card-abroad": "副卡恢复",
    "card-pickup-notice": "取卡",
    "bank-code-lookup": "转账入账",
    "credit-record-erasure": "逾期记录异议",
    "escalation-threat": "客户投诉",
    "wealth-product-loss": "理财亏损",
    "generic-complaint": "网点服务",
    "opening-identity": "身份核实",
    "hold-transfer": "转接业务",
    "closing-recap": "来电事项",
}
FOLLOWUP_TEXT = {
    "callback": ["回电告知{topic}处理进度", "按约定回电确认{topic}结果", "回电确认客户是否已收到短信通知"],
    "complaint": ["{topic}投诉：{due}前答复客户处理结果", "跟进{topic}投诉，协调相关部门并回复客户"],
    "escalated": ["组长回电客户，说明{topic}升级处理意见"],
}


@dataclass
class _Customer:
    name: str
    mobile: str
    card: str
    resident_id: str
    ref: str
    calls: int = 0


def _card(rng: random.Random) -> str:
    prefix = rng.choice(CARD_PREFIXES)
    length = 19 if prefix == "955990" or rng.random() < 0.4 else 16
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    return body + luhn.calc_check_digit(body)


def _mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def _resident_id(rng: random.Random) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 50))
    body = rng.choice(ID_REGIONS) + born.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def _written(number: str, rng: random.Random) -> str:
    """A number the way a seat might type it: plain, in groups of 4, or 3-4-4 for a mobile."""
    style = rng.random()
    if style < 0.6:
        return number
    sep = " " if style < 0.85 else "-"
    if len(number) == 11:
        return sep.join((number[:3], number[3:7], number[7:]))
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


def _customer(rng: random.Random) -> _Customer:
    mobile, card = _mobile(rng), _card(rng)
    ref = mask_pii(mobile) if rng.random() < 0.6 else mask_pii(card)
    return _Customer(rng.choice(SURNAMES) + rng.choice(TITLES), mobile, card, _resident_id(rng), ref)


def _windows(now: datetime, days: int) -> list[tuple[datetime, datetime]]:
    """The last ``days`` working-day windows that have begun, oldest first (naive local)."""
    wall = now.replace(tzinfo=None)
    latest = wall - timedelta(minutes=40)  # calls (and their wrap-up) end before ``now``
    windows: list[tuple[datetime, datetime]] = []
    day = wall.date()
    while len(windows) < days:
        start = datetime.combine(day, DAY_START)
        end = min(datetime.combine(day, DAY_END), latest)
        if end - start >= timedelta(minutes=30):
            windows.append((start, end))
        day -= timedelta(days=1)
    return windows[::-1]


def _start_times(rng: random.Random, count: int, windows: list[tuple[datetime, datetime]]) -> list[datetime]:
    slots: list[tuple[datetime, datetime]] = []  # each hour-slot of each window
    weights: list[float] = []
    for start, end in windows:
        moment = start
        while moment < end:
            slot_end = min(end, moment.replace(minute=0, second=0) + timedelta(hours=1))
            slots.append((moment, slot_end))
            weights.append(HOUR_WEIGHTS.get(moment.hour, 1) * (slot_end - moment).total_seconds())
            moment = slot_end
    picked = rng.choices(slots, weights, k=count)
    times = [a + timedelta(seconds=rng.uniform(0, (b - a).total_seconds())) for a, b in picked]
    return sorted(t.replace(microsecond=0) for t in times)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _note(rng: random.Random, scenario: Scenario, customer: _Customer, times: int) -> str:
    sentences = NOTES.get(scenario.id, [])
    chosen = rng.sample(sentences, k=min(len(sentences), rng.randint(2, 4))) if sentences else []
    if rng.random() < 0.35 or not chosen:
        chosen.append(rng.choice(GENERIC_NOTES))
    count = rng.randint(2, 6)
    values = {
        "name": customer.name,
        "day": rng.choice(["今天上午", "今天下午", "昨天晚上", "前天中午", "今天早上"]),
        "branch": rng.choice(BRANCHES),
        "device": rng.choice(DEVICES),
        "bank": rng.choice(OTHER_BANKS),
        "merchant": rng.choice(MERCHANTS),
        "country": rng.choice(COUNTRIES),
        "amount": str(rng.choice([500, 800, 1000, 2000, 2500, 3000, 5000, 20000])),
        "points": str(rng.choice([3000, 6800, 12000, 25000])),
        "days": str(rng.choice([1, 2, 3, 5, 7])),
        "loss": rng.choice(["5天临时", "长期"]),
        "late": str(rng.choice([3, 6, 10])),
        "times": str(max(2, times)),
        "count": str(count),
        "ok": str(rng.randint(1, count)),
        "card": _written(customer.card, rng),
        "mobile": _written(customer.mobile, rng),
        "id": customer.resident_id,
    }
    text = "".join(s.format(**values) for s in chosen)
    if rng.random() < 0.25:
        text = text.replace("。", "。\n", 1)
    return mask_pii(text)


def seed_demo(
    store: CallStore,
    library: Library,
    calls: int,
    days: int = 1,
    *,
    seed: int = 0,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Fill ``store`` with ``calls`` finished calls over the working hours
    (08:30-20:30) of the last ``days`` days before ``now``; returns how many
    calls were written."""
    if calls <= 0:
        return 0
    if days < 1:
        raise ValueError("days must be at least 1")
    scenarios = list(library.scenarios)
    if not scenarios:
        raise ValueError("the scenario library is empty")
    rng = random.Random(seed)
    now = now or clock.now()
    tz = now.tzinfo
    starts = _start_times(rng, calls, _windows(now, days))
    scenario_weights = [SCENARIO_WEIGHTS.get(s.id, OTHER_WEIGHT) for s in scenarios]
    customers: list[_Customer] = []
    written = 0
    for batch_start in range(0, calls, BATCH):
        with store.transaction():
            for wall in starts[batch_start : batch_start + BATCH]:
                started = wall.replace(tzinfo=tz) if tz else wall.astimezone()
                scenario = rng.choices(scenarios, scenario_weights)[0]
                repeat = 0.5 if scenario.id == "supplementary-card-abroad" else 0.2
                if customers and rng.random() < repeat:
                    customer = rng.choice(customers[-200:])
                else:
                    customer = _customer(rng)
                    customers.append(customer)
                customer.calls += 1
                _one_call(store, rng, scenario, customer, started, now)
                written += 1
        if progress:
            progress(written, calls)
    return written


def _one_call(
    store: CallStore, rng: random.Random, scenario: Scenario, customer: _Customer, started: datetime, now: datetime
) -> None:
    call_id = store.start_call(started)
    store.set_scenario(call_id, scenario.id, scenario.name)
    values = {
        "称呼": customer.name,
        "工作日": str(rng.choice([3, 5, 7])),
        "坐席工号": "80231",
        "日期": f"{started.month}月{started.day}日",
        "时间": started.strftime("%H:%M"),
    }
    moment = started + timedelta(seconds=rng.randint(5, 25))
    complaint = scenario.id in COMPLAINT_SCENARIOS
    pace = 1.6 if complaint else 1.0
    ref_set = False
    skipped_mandatory = False
    for index, step in enumerate(scenario.steps):
        if rng.random() >= (0.94 if step.mandatory else 0.6):
            skipped_mandatory = skipped_mandatory or step.mandatory
            continue
        if step.phrases and rng.random() < 0.75:
            for phrase in rng.sample(step.phrases, k=min(len(step.phrases), rng.choice([1, 1, 1, 2]))):
                moment += timedelta(seconds=rng.randint(5, 25))
                text = render(phrase.text, values).text
                via = rng.choices(["click", "hotkey", "paste"], [6, 3, 1])[0]
                store.record_phrase(
                    call_id, UsedPhrase(scenario.id, step.id, phrase.id, text, clock.iso(moment), via)
                )
                store.record_use(phrase_key(scenario.id, phrase.id), moment)
        moment += timedelta(seconds=int(rng.randint(10, 60) * pace))
        store.tick_step(call_id, scenario.id, step.id, step.title, step.mandatory, moment)
        if index == 0 and not ref_set and rng.random() < 0.85:
            store.set_customer_ref(call_id, customer.ref)
            ref_set = True
    if not ref_set and rng.random() < 0.7:
        store.set_customer_ref(call_id, customer.ref)
    notes = _note(rng, scenario, customer, customer.calls)
    moment += timedelta(seconds=rng.randint(10, 90))
    store.save_notes(call_id, notes[: max(1, len(notes) // 2)], moment - timedelta(seconds=5))
    ended = moment + timedelta(seconds=int(rng.randint(20, 150) * pace))
    disposition = _weighted(rng, COMPLAINT_DISPOSITION_WEIGHTS if complaint else DISPOSITION_WEIGHTS)
    wrapup = None if rng.random() < 0.03 else round(rng.lognormvariate(3.7, 0.5), 1)  # ~40 s typical
    end_reason = rng.choice(END_REASONS) if skipped_mandatory else ""
    store.end_call(call_id, ended, disposition, notes, wrapup_s=wrapup, end_reason=end_reason)
    created = ended + timedelta(seconds=wrapup or 30)
    topic = TOPICS.get(scenario.id, scenario.name)
    if disposition in ("follow-up", "escalated"):
        due = _next_working_morning(created, rng.choice([1, 1, 2, 3]))
        kind_text = FOLLOWUP_TEXT["escalated" if disposition == "escalated" else "callback"]
        text = rng.choice(kind_text).format(topic=topic)
        _followup(store, rng, call_id, "callback", text, due, created, now)
    if disposition == "complaint" or (complaint and disposition == "escalated"):
        due = created + timedelta(days=COMPLAINT_DUE_DAYS)
        text = rng.choice(FOLLOWUP_TEXT["complaint"]).format(topic=topic, due=f"{due.month}月{due.day}日")
        _followup(store, rng, call_id, "complaint", text, due, created, now)
    if scenario.continuity and rng.random() < 0.3:
        _followup(store, rng, call_id, "continuity", rng.choice(scenario.continuity), None, created, now)


def _next_working_morning(moment: datetime, days: int) -> datetime:
    day = moment.date()
    while days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return datetime.combine(day, time(10, 0), tzinfo=moment.tzinfo)


def _followup(
    store: CallStore,
    rng: random.Random,
    call_id: int,
    kind: str,
    text: str,
    due: datetime | None,
    created: datetime,
    now: datetime,
) -> None:
    followup_id = store.add_followup(call_id, kind, text, due, created)
    # Some are done already: most of those due in the past, a few of the others.
    if due is not None and due < now:
        done_chance = 0.8
    else:
        old = (now - created) > timedelta(hours=2)
        done_chance = (0.5 if kind == "continuity" else 0.25) if old else 0.05
    if rng.random() < done_chance:
        latest = min(now, due) if due is not None else now
        span = max(60.0, (latest - created).total_seconds())
        done = min(now, created + timedelta(seconds=rng.uniform(60, span)))
        store.set_followup_done(followup_id, done)
