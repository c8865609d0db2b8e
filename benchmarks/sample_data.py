"""Realistic call data for the benchmarks: Chinese notes, steps and phrases.

Everything is generated from a seeded ``random.Random`` so two runs write the
same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from desktop.core.base.paths import builtin_packs_dir
from desktop.core.packs.loader import load_packs
from desktop.core.packs.placeholders import render
from desktop.core.packs.scenarios import Scenario
from desktop.core.records.dispositions import DISPOSITIONS
from desktop.core.records.storage import CallStore, UsedPhrase

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
BRANCHES = ["朝阳路支行", "人民广场支行", "高新区支行", "火车站营业部", "解放大道支行", "滨江支行", "大学城支行"]
DEVICES = ["存取款一体机", "ATM取款机", "自助存款机", "大堂自助终端"]
MERCHANTS = ["某连锁咖啡", "某视频会员", "某加油站", "某超市电子券", "某航空里程"]

# Sentence templates of the kind a seat types while talking; {…} are filled per note.
SENTENCES = [
    "客户{name}来电，称{day}{clock}左右在{branch}的{device}上取款{amount}元，机器未出钞，但手机短信提示账户已扣款。",
    "客户情绪比较激动，反复说这是给家里老人看病用的钱，已安抚，告知资金不会丢失，会按差错流程核实后退回原账户。",
    "核实客户身份：姓名、身份证后四位、预留手机号均一致，卡号尾号{tail}。",
    "查询账户明细，{clock}有一笔{amount}元的取款交易，状态为成功，与客户描述一致。",
    "设备编号客户记不清，只记得是{branch}门口左手边第二台，已在备注中写明位置，请网点协助核对。",
    "已在差错系统登记吞钞，登记编号随工单生成，告知客户{days}个工作日内到账，不算周末和节假日。",
    "客户询问能否当天退回，已说明需要网点清机核对后才能处理，今天无法确认，客户表示理解。",
    "客户为老年人，听力不太好，放慢语速把到账时间重复了两遍，并建议让子女帮忙留意短信。",
    "客户的卡被{device}吞了，卡号尾号{tail}，已先做临时挂失，提醒客户挂失后卡片暂时不能使用。",
    "告知客户带本人身份证到{branch}领卡，领卡后需在柜台或手机银行办理解挂，网点营业时间为工作日九点到五点。",
    "客户说周末才有空，已告知吞卡一般保留五个工作日，超期会退回发卡网点，可以打客服热线查询卡片去向。",
    "客户投诉积分兑换的{merchant}权益无法使用，兑换时扣了{points}积分，页面显示兑换成功，但券码提示无效。",
    "用大白话给客户讲了积分规则：兑换成功后权益由商户提供，券码有效期三十天，过期积分不退。",
    "客户坚持要求退回积分，已说明需要商户确认券码未使用才能退，已登记商户投诉，三个工作日内回复。",
    "提供备选方案：可以改兑其他商户的同价值权益，或者等待商户核实后退回积分，客户选择等待核实。",
    "客户提到上个月也遇到过类似问题，情绪较差，表示如果再不处理就要向监管部门投诉，已记录并升级给组长。",
    "跟进：约定{days}个工作日内由专人回电，回访电话为客户预留手机号，客户同意。",
    "客户追问为什么不能马上查到结果，解释差错处理需要网点、清分中心两边对账，每一步都有记录，请客户放心。",
    "本次通话中客户多次打断，已耐心听完，确认核心诉求是尽快拿回{amount}元，并希望有书面的处理结果。",
    "提醒客户注意防范诈骗，银行不会通过短信链接要求提供验证码，如接到类似电话请直接挂断并回拨官方热线。",
    "客户另外咨询了信用卡账单日调整，已告知可在手机银行自助修改，本次未办理。",
    "通话结束前复述了处理结果和时间节点，客户表示清楚，没有其他问题。",
]


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        name=rng.choice(SURNAMES) + rng.choice(["先生", "女士", "阿姨", "大爷"]),
        day=rng.choice(["今天上午", "今天下午", "昨天晚上", "前天中午", "今天早上"]),
        clock=f"{rng.randint(7, 21)}点{rng.choice(['', '半', '十分', '四十'])}",
        branch=rng.choice(BRANCHES),
        device=rng.choice(DEVICES),
        amount=rng.choice([500, 800, 1000, 2000, 2500, 3000, 5000]),
        tail=f"{rng.randint(0, 9999):04d}",
        days=rng.choice([1, 2, 3, 5, 7]),
        merchant=rng.choice(MERCHANTS),
        points=rng.choice([3000, 6800, 12000, 25000]),
    )


def chinese_notes(rng: random.Random, length: int) -> str:
    """Seat notes of exactly ``length`` characters, sentence by sentence."""
    parts: list[str] = []
    total = 0
    while total < length:
        sentence = _fill(rng.choice(SENTENCES), rng)
        if rng.random() < 0.3:
            sentence += "\n"
        parts.append(sentence)
        total += len(sentence)
    return "".join(parts)[:length]


def typing_sequence(rng: random.Random, count: int, start_len: int = 300, end_len: int = 800) -> list[str]:
    """``count`` successive versions of one note growing from ``start_len`` to ``end_len`` characters.

    Each version is what an autosave would see: a few characters more than the
    previous one, now and then one fewer (a correction).
    """
    text = chinese_notes(rng, end_len)
    versions: list[str] = []
    for i in range(count):
        target = start_len + round(i * (end_len - start_len) / max(1, count - 1))
        if versions and rng.random() < 0.08:
            target = max(start_len, target - 1)  # backspace
        versions.append(text[:target])
    return versions


@dataclass
class FillSummary:
    calls: int
    steps: int
    phrases: int
    notes_chars: int


def builtin_scenarios() -> list[Scenario]:
    return list(load_packs([builtin_packs_dir()]).library.scenarios)


def fill_store(store: CallStore, count: int, day_start: datetime, rng: random.Random) -> FillSummary:
    """Insert ``count`` ended calls spread over the day that starts at ``day_start``.

    Each call goes through the same CallStore methods the app uses: start_call,
    set_scenario, 3-5 tick_step, 1-4 record_phrase and end_call.
    """
    scenarios = builtin_scenarios()
    dispositions = [d.code for d in DISPOSITIONS]
    weights = [60, 20, 8, 7, 5]
    # Calls between 08:00 and 21:00, oldest first.
    span = 13 * 3600
    offsets = sorted(rng.uniform(0, span) for _ in range(count))
    steps = phrases = chars = 0
    with store.transaction():
        for offset in offsets:
            started = day_start + timedelta(hours=8, seconds=offset)
            scenario = rng.choice(scenarios)
            call_id = store.start_call(started)
            store.set_scenario(call_id, scenario.id, scenario.name)
            moment = started
            ticked = scenario.steps[: rng.randint(3, min(5, len(scenario.steps)))]
            for step in ticked:
                moment += timedelta(seconds=rng.randint(10, 90))
                store.tick_step(call_id, scenario.id, step.id, step.title, step.mandatory, moment)
                steps += 1
            values = {
                "称呼": rng.choice(SURNAMES) + rng.choice(["先生", "女士"]),
                "工作日": str(rng.choice([3, 5, 7])),
                "坐席工号": f"{rng.randint(10000, 99999)}",
                "日期": f"{started.month}月{started.day}日",
                "时间": started.strftime("%H:%M"),
            }
            for _ in range(rng.randint(1, 4)):
                step = rng.choice(ticked)
                if not step.phrases:
                    continue
                phrase = rng.choice(step.phrases)
                store.record_phrase(
                    call_id,
                    UsedPhrase(
                        scenario_id=scenario.id,
                        step_id=step.id,
                        phrase_id=phrase.id,
                        text=render(phrase.text, values).text,
                        used_at=(moment + timedelta(seconds=rng.randint(1, 20))).isoformat(timespec="seconds"),
                        via=rng.choice(["click", "click", "hotkey"]),
                    ),
                )
                phrases += 1
            notes = chinese_notes(rng, rng.randint(150, 800))
            chars += len(notes)
            ended = moment + timedelta(seconds=rng.randint(30, 400))
            store.end_call(call_id, ended, rng.choices(dispositions, weights)[0], notes)
    return FillSummary(count, steps, phrases, chars)
