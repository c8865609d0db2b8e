"""Benchmark 4: phrase search per keystroke (``desktop.core.search``).

A synthetic library of realistic call-centre phrases (sentences of 15-60
characters made of fragments of the built-in packs and of seat notes, with
banking terms mixed in) spread over 100 scenarios and 500 steps, at 1k, 10k
and 50k phrases (quick: 1k and 10k). For each size:

* **build**: ``SearchIndex(entries)``, median of a few builds, after the
  process-wide tables (pinyin alphabet, NFKC tables, OpenCC) exist; their
  one-time cost is reported on its own;
* **memory**: ``tracemalloc`` during one more build: the peak, and what the
  index keeps afterwards;
* **per keystroke**: a script of queries typed one keystroke at a time
  (``t``, ``tu``, ``tun``... for pinyin; whole characters for Chinese as an
  input method commits them), half of them in a call context (current scenario
  and step, the seat's use of ~300 phrases; a few phrases are favourites), each
  round on cold caches (compiled terms, pieces, ``re``); p50/p99/max over every
  keystroke of every round;
* **baseline**, measured in the same rounds: ``[e for e in entries if q in e.text]``
  for the same query strings, which finds far less (no pinyin, no Traditional,
  no ranking) but is what a plain filter costs.

Run it alone with ``python -c "from benchmarks import search; r = search.run(quick=True); print(search.markdown(r))"``.
"""

from __future__ import annotations

import gc
import random
import re
import time
import tracemalloc

from benchmarks.stats import fmt_ms, fmt_ratio, median, percentile, ratio

GOAL_P99_MS = 8.0
GOAL_BUILD_S = 1.5
GOAL_SIZE = 50_000
SCENARIOS = 100
STEPS_PER_SCENARIO = 5

# Queries as typed: each inner list is one query growing keystroke by keystroke.
SCRIPT: list[tuple[str, list[str]]] = [
    ("full pinyin", ["t", "tu", "tun", "tunk", "tunka"]),
    ("Chinese", ["积", "积分"]),
    ("Traditional", ["積", "積分"]),
    ("initials", ["n", "nh", "nhx"]),
    ("mixed", ["吞", "吞k", "吞ka"]),
    ("typo", ["t", "tu", "tuk", "tukn", "tukna"]),
    ("two terms", ["积", "积分", "积分 ", "积分 d", "积分 dh"]),
    ("pinyin", ["g", "gu", "gua", "guas", "guash", "guashi"]),
    ("heteronym initials", ["c", "cz"]),
    ("full-width", ["Ａ", "ＡＴ", "ＡＴＭ"]),
    (
        "long pinyin",
        ["c", "ch", "cho", "chon", "chong", "chongz", "chongzh", "chongzhi", "chongzhim", "chongzhimi", "chongzhimim", "chongzhimima"],
    ),
    ("backspace", ["tunka", "tunk", "tun"]),
]

TERMS = ["信用卡", "借记卡", "储蓄卡", "社保卡", "附属卡", "分期", "账单日", "还款日", "最低还款", "额度", "临时额度", "年费", "挂失", "补卡", "换卡", "销户", "激活", "重置密码", "交易密码", "手机银行", "网上银行", "U盾", "短信通知", "转账", "汇款", "跨行转账", "行号", "理财", "基金", "定期存款", "大额存单", "贷款", "房贷", "车贷", "公积金", "外汇", "结汇", "境外消费", "支票", "代发工资", "积分", "权益", "兑换", "里程", "优惠券", "吞卡", "吞钞", "取款机", "柜台", "网点", "客户经理", "征信", "逾期", "罚息", "违约金", "冻结", "解冻", "止付", "盗刷", "风险提示", "反诈", "验证码", "身份核实", "预留手机号", "人脸识别", "营业执照", "对公账户", "工作日", "到账", "退款", "差错", "工单", "投诉", "升级", "回访", "满意度", "转接", "保持", "等待音乐"]  # noqa: E501 - one data item, clearer unbroken

SUFFIXES = ["咨询", "投诉", "办理", "异常", "查询", "变更", "纠纷", "提醒"]


def _fragments(rng: random.Random) -> list[str]:
    """Clause-sized pieces of the built-in packs and of seat notes."""
    from benchmarks.sample_data import chinese_notes
    from desktop.core.base.paths import builtin_packs_dir
    from desktop.core.packs.loader import load_packs

    texts: list[str] = []
    for scenario in load_packs([builtin_packs_dir()]).library.scenarios:
        texts += [scenario.description]
        for step in scenario.steps:
            texts += [p.text for p in step.phrases] + list(step.facts) + [step.guidance]
    texts.append(chinese_notes(rng, 20_000))
    pieces: set[str] = set()
    for text in texts:
        for piece in re.split(r"[，。？！；：、,.?!;:\n（）()“”]", text):
            piece = piece.strip()
            if 2 <= len(piece) <= 24:
                pieces.add(piece)
    return sorted(pieces)


def _rare_words(rng: random.Random, count: int = 3000) -> list[str]:
    """Ordinary two-character words from pypinyin's lexicon: the long tail of a big library's characters."""
    from pypinyin.constants import PHRASES_DICT

    words = sorted(w for w in PHRASES_DICT if len(w) == 2)
    return rng.sample(words, min(count, len(words)))


def synthetic_entries(count: int, seed: int = 4) -> list:
    """``count`` phrases over SCENARIOS scenarios × STEPS_PER_SCENARIO steps, deterministic for a seed."""
    from desktop.core.search import Entry

    rng = random.Random(seed)
    fragments = _fragments(rng)
    rare = _rare_words(rng)
    scenarios = []
    for s in range(SCENARIOS):
        topic = TERMS[s % len(TERMS)]
        name = topic + SUFFIXES[(s // len(TERMS) + s) % len(SUFFIXES)]
        keywords = tuple(dict.fromkeys([topic, *rng.sample(TERMS, 5)]))
        steps = [(f"step-{k + 1}", rng.choice(fragments)[:8]) for k in range(STEPS_PER_SCENARIO)]
        scenarios.append((f"scenario-{s:03d}", name, keywords, steps))
    entries = []
    for k in range(count):
        sid, name, keywords, steps = scenarios[k % SCENARIOS]
        step_id, title = steps[(k // SCENARIOS) % STEPS_PER_SCENARIO]
        target = rng.randint(15, 60)
        parts: list[str] = []
        total = 0
        while total < target:
            roll = rng.random()
            if roll < 0.15:
                part = rng.choice(keywords) + rng.choice(["的问题", "这件事", "已经处理", "需要核实", ""])
            elif roll < 0.25:
                part = "关于" + rng.choice(rare) + rng.choice(["的情况", "这一项", ""])
            else:
                part = rng.choice(fragments)
            parts.append(part)
            total += len(part) + 1
        text = "，".join(parts)
        text = (text[: target - 1] if len(text) >= target else text) + rng.choice("。。。？！")
        tags = (rng.choice(["开场", "安抚", "核实", "解释", "收尾"]),) if rng.random() < 0.2 else ()
        entries.append(
            Entry(
                key=f"{sid}/p{k:06d}",
                text=text,
                scenario_id=sid,
                step_id=step_id,
                scenario_name=name,
                step_title=title,
                tags=tags,
                keywords=keywords,
                favourite=rng.random() < 0.0005,
            )
        )
    return entries


def _usage(entries: list, rng: random.Random, now: float) -> dict[str, list[float]]:
    """The seat's own use: ~300 phrases, 1-20 uses each over the last 60 days."""
    usage = {}
    for entry in rng.sample(entries, min(300, len(entries))):
        usage[entry.key] = [now - rng.uniform(0, 60 * 86400) for _ in range(rng.randint(1, 20))]
    return usage


def _timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def run(quick: bool = False, seed: int = 4, tiny: bool = False) -> dict:
    """Measure; returns plain data for :func:`markdown`."""
    from desktop.core import search

    t0 = time.perf_counter()
    search.SearchIndex(search.entries_from_library(_builtin_library()))  # pinyin alphabet, NFKC tables, OpenCC
    setup_s = time.perf_counter() - t0
    quick = quick or tiny
    sizes = [200] if tiny else [1_000, 10_000] if quick else [1_000, 10_000, 50_000]
    rounds = 1 if tiny else 2 if quick else 5
    results = []
    for n in sizes:
        entries = synthetic_entries(n, seed)
        builds = 1 if quick else (3 if n <= 10_000 else 2)
        build_times = []
        index = None
        for _ in range(builds):
            index = None
            gc.collect()
            seconds, index = _timed(lambda entries=entries: search.SearchIndex(entries))
            build_times.append(seconds)
        assert index is not None
        collector = _collector_during_build(entries)
        memory = _memory(entries)
        latency = _keystrokes(index, entries, rounds, seed)
        chars = len(set("".join(e.text for e in entries)))
        results.append(
            {
                "phrases": n,
                "distinct_chars": chars,
                "mean_chars": sum(len(e.text) for e in entries) / n,
                "build_s": median(build_times),
                "build_runs": build_times,
                **collector,
                **memory,
                **latency,
            }
        )
        del index
    return {
        "quick": quick,
        "setup_s": setup_s,
        "rounds": rounds,
        "script": SCRIPT,
        "sizes": results,
    }


def _collector_during_build(entries: list) -> dict:
    """One more build with the garbage collector on (as the index leaves it): the time spent in
    collections during it, from ``gc.callbacks``."""
    from desktop.core import search

    spent, started, collections = [0.0], [0.0], [0]

    def watch(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            spent[0] += time.perf_counter() - started[0]
            collections[0] += 1

    gc.collect()
    gc.callbacks.append(watch)
    try:
        seconds, _ = _timed(lambda: search.SearchIndex(entries))
    finally:
        gc.callbacks.remove(watch)
    return {"gc_s": spent[0], "gc_collections": collections[0], "gc_build_s": seconds}


def _builtin_library():
    from desktop.core.base.paths import builtin_packs_dir
    from desktop.core.packs.loader import load_packs

    return load_packs([builtin_packs_dir()]).library


def _memory(entries: list) -> dict:
    from desktop.core.search import SearchIndex

    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    index = SearchIndex(entries)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del index
    return {"memory_peak": peak - before, "memory_kept": current - before}


def _keystrokes(index, entries: list, rounds: int, seed: int) -> dict:
    rng = random.Random(seed + 1)
    now = time.time()
    usage = _usage(entries, rng, now)
    context = entries[len(entries) // 3]
    contexts = [
        {},
        {"scenario_id": context.scenario_id, "step_id": context.step_id, "usage": usage, "now": now},
    ]
    times: list[float] = []
    base: list[float] = []
    per_query: dict[str, list[float]] = {}
    hits_total = 0
    for r in range(rounds):
        index.clear_caches()
        re.purge()
        for k, (label, keystrokes) in enumerate(SCRIPT):
            ctx = contexts[(k + r) % 2]
            for q in keystrokes:
                t0 = time.perf_counter()
                hits = index.search(q, **ctx)
                t1 = time.perf_counter()
                plain = [e for e in entries if q in e.text]
                t2 = time.perf_counter()
                times.append(t1 - t0)
                base.append(t2 - t1)
                per_query.setdefault(f"{label}: {q}", []).append(t1 - t0)
                hits_total += len(hits)
                del plain
    slowest = sorted(((max(v), q) for q, v in per_query.items()), reverse=True)[:5]
    return {
        "keystrokes": len(times),
        "p50_s": percentile(times, 50),
        "p99_s": percentile(times, 99),
        "max_s": max(times),
        "base_p50_s": percentile(base, 50),
        "base_p99_s": percentile(base, 99),
        "mean_hits": hits_total / len(times),
        "slowest": [(q, s) for s, q in slowest],
    }


def _mib(size: float) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


def markdown(result: dict) -> str:
    """The Markdown section "## 4. Phrase search"."""
    sizes = result["sizes"]
    out = ["## 4. Phrase search", ""]
    keystrokes = sum(len(k) for _, k in result["script"])
    out += [
        "`SearchIndex(entries)` and `index.search(query, ...)` from `desktop.core.search` on a synthetic library: "
        "sentences of 15-60 characters made of clauses of the built-in packs and of seat notes, with banking terms "
        f"and a long tail of ordinary words mixed in, over {SCENARIOS} scenarios and "
        f"{SCENARIOS * STEPS_PER_SCENARIO} steps. Build: median of a few builds. Memory: `tracemalloc` during one "
        "more build (peak, and what the index keeps). Latency: a script of "
        f"{keystrokes} keystrokes ({len(result['script'])} queries typed one keystroke at a time: pinyin, "
        "initials, Chinese, Traditional, mixed, a typo, two terms, full-width, backspacing), half of them in a "
        "call context (current scenario and step, the seat's use of 300 phrases), "
        f"{result['rounds']} rounds, each on cold per-query caches. Baseline, in the same rounds: "
        "`[e for e in entries if q in e.text]` for the same strings (no pinyin, no Traditional, no ranking).",
        "",
        f"One-time cost in a process, before the first index (pinyin alphabet, NFKC tables, OpenCC): "
        f"{fmt_ms(result['setup_s'])}; not included below.",
        "",
    ]
    header = ["Phrases", "Build", "Peak memory", "Kept", "p50", "p99", "max", "Baseline p50", "Baseline p99",
              "p50 ratio", "p99 ratio"]
    rows = []
    for s in sizes:
        rows.append([
            f"{s['phrases']:,}",
            fmt_ms(s["build_s"]),
            _mib(s["memory_peak"]),
            _mib(s["memory_kept"]),
            fmt_ms(s["p50_s"]),
            fmt_ms(s["p99_s"]),
            fmt_ms(s["max_s"]),
            fmt_ms(s["base_p50_s"]),
            fmt_ms(s["base_p99_s"]),
            fmt_ratio(ratio(s["p50_s"], s["base_p50_s"])),
            fmt_ratio(ratio(s["p99_s"], s["base_p99_s"])),
        ])
    out += _table(header, rows)
    out.append("")
    goal = next((s for s in sizes if s["phrases"] == GOAL_SIZE), None)
    if goal is None:
        out += [f"Goal at {GOAL_SIZE:,} phrases (p99 ≤ {GOAL_P99_MS:g} ms, build ≤ {GOAL_BUILD_S:g} s): "
                "not measured in a quick run.", ""]
    else:
        p99_ok = goal["p99_s"] * 1000 <= GOAL_P99_MS
        build_ok = goal["build_s"] <= GOAL_BUILD_S
        out += _table(
            ["Goal at 50,000 phrases", "Measured", "Met"],
            [
                [f"p99 per keystroke ≤ {GOAL_P99_MS:g} ms", fmt_ms(goal["p99_s"]), "yes" if p99_ok else "**no**"],
                [f"index build ≤ {GOAL_BUILD_S:g} s", fmt_ms(goal["build_s"]), "yes" if build_ok else "**no**"],
            ],
            "lrl",
        )
        out.append("")
    detail = []
    for s in sizes:
        slow = "; ".join(f"`{q}` {fmt_ms(t)}" for q, t in s["slowest"][:3])
        builds = ", ".join(fmt_ms(t) for t in s["build_runs"])
        detail.append([
            f"{s['phrases']:,}",
            f"{s['distinct_chars']:,}",
            f"{s['mean_chars']:.1f}",
            builds,
            f"{s['mean_hits']:.1f}",
            slow,
        ])
    out += [
        "The index leaves the garbage collector on: in one more build, collections took "
        + "; ".join(f"{fmt_ms(s['gc_s'])} over {s['gc_collections']} at {s['phrases']:,} phrases "
                    f"({s['gc_s'] / s['gc_build_s']:.0%} of that build)" for s in sizes)
        + ".",
        "",
    ]
    out += _table(["Phrases", "Distinct characters", "Mean length", "Each build", "Mean hits",
                   "Slowest keystrokes (max over rounds)"], detail, "lrrrrl")
    out.append("")
    return "\n".join(out)


def _table(header: list[str], rows: list[list[str]], align: str | None = None) -> list[str]:
    align = align or "l" + "r" * (len(header) - 1)
    marks = [":---" if a == "l" else "---:" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys

    print(markdown(run(quick="--quick" in sys.argv)))
