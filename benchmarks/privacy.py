"""The masker on the generated corpus (``benchmarks.privacy_corpus``): recall on
personal numbers, wrongly masked ordinary numbers, and throughput."""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass

from benchmarks.privacy_corpus import CHINESE_ORDINARY, Score, corpus, informative, score
from desktop.core.privacy.guard import mask_value
from desktop.core.privacy.masking import _DIGIT_LIKE, DEFAULT_POLICY, _scan_whole, mask_draft, mask_pii

FULL_PER_CATEGORY = 20_000
QUICK_PER_CATEGORY = 1_000

#: Goals of the privacy review.
RECALL_GOAL = 1.0
WRONG_GOAL = 0.001
NOTE_CHARS = 2_000
NOTE_P99_GOAL_MS = 1.0


@dataclass
class PrivacyResult:
    per_category: int
    scores: dict[str, Score]
    info: dict[str, Score]
    chars_per_s: float
    baseline_chars_per_s: float
    skip_chars_per_s: float
    note_p50_ms: float = 0.0
    note_p99_ms: float = 0.0
    draft_p99_ms: float = 0.0
    note_baseline_p99_ms: float = 0.0
    notes: int = 0
    dense_p50_ms: float = 0.0
    dense_p99_ms: float = 0.0
    whole_p50_ms: float = 0.0
    whole_p99_ms: float = 0.0

    @property
    def recall(self) -> float:
        positives = [s for s in self.scores.values() if s.positive]
        return 1 - sum(s.failures for s in positives) / sum(s.samples for s in positives)

    @property
    def wrongly_masked(self) -> float:
        negatives = [s for s in self.scores.values() if not s.positive]
        return sum(s.failures for s in negatives) / sum(s.samples for s in negatives)


def _throughput(texts: list[str], fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    for text in texts:
        fn(text)
    return sum(map(len, texts)) / (time.perf_counter() - t0)


def run(quick: bool = False, tiny: bool = False) -> PrivacyResult:
    per = 50 if tiny else QUICK_PER_CATEGORY if quick else FULL_PER_CATEGORY
    scores, spent, chars = score(corpus(per))
    info, _, _ = score(informative(per))
    texts = [s.text for s in corpus(min(per, 2000))]
    digit_run = re.compile(r"\d{11,}")
    baseline = _throughput(texts, lambda t: digit_run.sub("*", t))  # the crudest masker: any 11+ digit run
    digit_like = re.compile(f"[{_DIGIT_LIKE}]")
    plain = [digit_like.sub("", t) for t in texts]  # what the storage layer does with digit-free text
    skip = _throughput(plain, lambda t: mask_value(t, DEFAULT_POLICY))
    notes = _notes(20 if tiny else 200 if quick else 1_000, dense=False)
    masked = _latencies(notes, lambda t: mask_pii(t, DEFAULT_POLICY))
    drafts = _latencies(notes, lambda t: mask_draft(t, DEFAULT_POLICY))
    crude = _latencies(notes, lambda t: digit_run.sub("*", t))
    dense = _latencies(_notes(10 if tiny else 100 if quick else 300, dense=True), lambda t: mask_pii(t, DEFAULT_POLICY))
    # Baseline: the same masker over one view of the whole note (how every text was masked
    # before the stretch-by-stretch path), in the same run.
    whole = _latencies(notes, lambda t: _scan_whole(t, DEFAULT_POLICY))
    return PrivacyResult(per, scores, info, chars / spent, baseline, skip, _pct(masked, 50), _pct(masked, 99),
                         _pct(drafts, 99), _pct(crude, 99), len(notes), _pct(dense, 50), _pct(dense, 99),
                         _pct(whole, 50), _pct(whole, 99))


def _notes(count: int, dense: bool) -> list[str]:
    """Notes of ``NOTE_CHARS`` characters. Dense: corpus sentences one after the other (a
    number in every style, amount, date or count every 30 characters). Otherwise a long
    call's notes: Chinese prose with counts, amounts and dates, and four personal numbers
    in random styles."""
    sentences = [s.text for s in corpus(40, seed=12)]
    personal = [s.text for s in corpus(40, seed=12) if s.span is not None]
    ordinary = [*CHINESE_ORDINARY, "客户来电反映信用卡账单有疑问，已耐心解释并核实身份，", "客户情绪平稳，表示理解，",
                "已告知处理时效为三到五个工作日，", "建议客户通过手机银行查询进度，"]
    rng = random.Random(13)
    notes = []
    for _ in range(count):
        parts: list[str] = []
        numbers = 0
        while sum(map(len, parts)) < NOTE_CHARS:
            if dense:
                parts.append(rng.choice(sentences))
            elif numbers < 4 and rng.random() < 0.08:
                parts.append(rng.choice(personal))
                numbers += 1
            else:
                parts.append(rng.choice(ordinary) + "，")
        notes.append("".join(parts)[:NOTE_CHARS])
    return notes


def _latencies(texts: list[str], fn) -> list[float]:  # type: ignore[no-untyped-def]
    """CPU time (ms) of ``fn`` on each text: less disturbed than wall time by other work on the machine."""
    out = []
    for text in texts:
        t0 = time.process_time_ns()
        fn(text)
        out.append((time.process_time_ns() - t0) / 1e6)
    return out


def _pct(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def markdown(result: PrivacyResult) -> str:
    met = result.recall >= RECALL_GOAL and result.wrongly_masked <= WRONG_GOAL
    out = [
        "## 7. Masking personal numbers",
        "",
        (
            f"The generated corpus (`benchmarks/privacy_corpus.py`, seeded): {result.per_category:,} sentences per "
            "category, each number embedded in a Chinese note. A personal number counts as found when no more than "
            "the display cap of its digits stays readable (first 6 + last 4 of a card, last 4 of an ID or mobile); "
            "an ordinary number counts as wrongly masked when its sentence changes at all."
        ),
        "",
        "| Goal | Measured | Met |",
        "| :--- | ---: | :--- |",
        f"| Recall on personal numbers = 100% | {result.recall:.4%} | {'yes' if result.recall >= RECALL_GOAL else 'no'} |",
        (
            f"| Ordinary numbers wrongly masked ≤ 0.1% | {result.wrongly_masked:.4%} | "
            f"{'yes' if result.wrongly_masked <= WRONG_GOAL else 'no'} |"
        ),
        "",
        "| Category | Kind | Sentences | Missed / wrongly masked | Example of a failure |",
        "| :--- | :--- | ---: | ---: | :--- |",
    ]
    for item in list(result.scores.values()) + list(result.info.values()):
        kind = "personal" if item.positive else ("ordinary" if item in result.scores.values() else "information")
        example = f"`{item.example}`" if item.example else ""
        out.append(f"| {item.category} | {kind} | {item.samples:,} | {item.failures:,} ({item.rate:.3%}) | {example} |")
    out += [
        "",
        (
            f"Throughput of `mask_pii` over the corpus: {result.chars_per_s / 1e6:.2f} M characters/s; baseline (one "
            f"regular expression replacing any 11+ digit run): {result.baseline_chars_per_s / 1e6:.2f} M characters/s "
            f"({result.baseline_chars_per_s / result.chars_per_s:.1f}× faster, and blind to every grouped, glued or "
            f"mistyped number). The storage layer's check of text without a possible number: "
            f"{result.skip_chars_per_s / 1e6:.1f} M characters/s."
        ),
        "",
        (
            f"A {NOTE_CHARS:,}-character note ({result.notes:,} notes of Chinese prose with counts, amounts, dates "
            f"and four personal numbers in random styles; CPU time): `mask_pii` p50 {result.note_p50_ms:.2f} ms, p99 "
            f"{result.note_p99_ms:.2f} ms (goal ≤ {NOTE_P99_GOAL_MS:g} ms: "
            f"{'met' if result.note_p99_ms <= NOTE_P99_GOAL_MS else 'not met'} on this machine); `mask_draft` (what "
            f"each autosave runs) p99 {result.draft_p99_ms:.2f} ms; the crude one-regex baseline p99 "
            f"{result.note_baseline_p99_ms:.3f} ms ({result.note_p99_ms / max(result.note_baseline_p99_ms, 1e-9):.0f}× "
            f"as long). A dense note (corpus sentences back to back, some 60 numbers in 2,000 characters): p50 "
            f"{result.dense_p50_ms:.2f} ms, p99 {result.dense_p99_ms:.2f} ms. Baseline in the same run, the same "
            f"masker over one view of the whole note (before the stretch-by-stretch path): p50 "
            f"{result.whole_p50_ms:.2f} ms, p99 {result.whole_p99_ms:.2f} ms; ratio "
            f"{result.note_p50_ms / max(result.whole_p50_ms, 1e-9):.2f} at p50, "
            f"{result.note_p99_ms / max(result.whole_p99_ms, 1e-9):.2f} at p99."
        ),
        "",
        (
            "Random digit strings without a label are masked when prefix, length and Luhn digit fit a card scheme: "
            "nothing tells them apart from a card, so the doubt goes to masking (the \"information\" row). Written "
            "after a reference label (订单号, 流水号, 工单号…) or opening with a date, they stay readable."
        ),
        "",
        f"All goals met: {'yes' if met else 'no'}.",
    ]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(markdown(run(quick=True)))
