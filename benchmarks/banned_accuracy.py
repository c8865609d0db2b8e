"""Accuracy of the 服务禁语 alerts on labelled sentences (not a timing).

    python -m benchmarks.banned_accuracy     # prints the Markdown section for docs/benchmarks.md

``benchmarks/data/banned_tuning.jsonl`` is the set the phrase list was tuned on.
``benchmarks/data/blind/banned_blind.jsonl`` was written by a reviewer briefed as a bank's
quality-compliance reviewer who never saw the phrase list or the code; see its README.
A sentence counts as alerted when :func:`find_banned` returns an alert for it: typed
sentences as the notes box checks them, speech-to-text ones as the live feed does
(``speech=True``: the bare 你 is noted, not alerted).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from desktop.core.packs.banned import alerts, builtin_banned, find_banned

DATA = Path(__file__).resolve().parent / "data"
SETS = (
    (DATA / "banned_tuning.jsonl", "tuning set (seen)"),
    (DATA / "blind" / "banned_blind.jsonl", "first blind set (tuned on since)"),
    (DATA / "blind" / "banned_blind2.jsonl", "second blind set (never tuned on)"),
)


@dataclass(frozen=True)
class Result:
    name: str
    form: str
    positives: int
    negatives: int
    caught: int
    false_alarms: int
    misses: tuple[str, ...]
    alarms: tuple[str, ...]

    @property
    def recall(self) -> float:
        return self.caught / self.positives if self.positives else 0.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.negatives if self.negatives else 0.0


def alerted(text: str, form: str) -> bool:
    return bool(alerts(find_banned(text, builtin_banned(), speech=form == "asr")))


def measure(path: Path, name: str) -> list[Result]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    results = []
    for form in ("typed", "asr"):
        mine = [r for r in rows if r.get("form", "typed") == form]
        pos = [r["text"] for r in mine if r["banned"]]
        neg = [r["text"] for r in mine if not r["banned"]]
        misses = tuple(t for t in pos if not alerted(t, form))
        alarms = tuple(t for t in neg if alerted(t, form))
        results.append(Result(name, form, len(pos), len(neg), len(pos) - len(misses), len(alarms), misses, alarms))
    return results


def run() -> list[Result]:
    out: list[Result] = []
    for path, name in SETS:
        if path.exists():
            out += measure(path, name)
    return out


def markdown(results: list[Result]) -> str:
    lines = [
        "| Set | Form | Banned | Harmless | Recall | False alarms | Goal |",
        "| :--- | :--- | ---: | ---: | ---: | ---: | :--- |",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.form} | {r.positives} | {r.negatives} | {r.recall:.1%} "
            f"({r.caught}/{r.positives}) | {r.false_alarm_rate:.1%} ({r.false_alarms}/{r.negatives}) "
            "| recall ≥ 95%, false alarms ≤ 3% |"
        )
    return "\n".join(lines)


def section() -> str:
    """The Markdown section for docs/benchmarks.md, with where each set came from."""
    return "\n".join([
        "## 服务禁语 alerts: accuracy",
        "",
        "Typed sentences are checked as the notes box checks them; speech-to-text ones as the",
        "live feed does (the bare 你 is noted, not alerted). A sentence is a hit when any alert",
        "fires on it. The tuning set (`benchmarks/data/banned_tuning.jsonl`) was written by the",
        "developers while extending the list. The first blind set was written on 2026-12-07 by a",
        "reviewer briefed as a bank's quality-compliance reviewer who never saw the list or the",
        "code (`benchmarks/data/blind/banned_README.md`); its first run gave typed 63.6% recall",
        "with 16.4% false alarms and speech 52.5% recall with 22.4% false alarms. Its misses then",
        "shaped new families and the reported-speech rule, so its figure below is no longer",
        "blind. The second blind set (`benchmarks/data/blind/blind2_README.md`) was written the",
        "same day by a reviewer briefed as a senior quality-check lead, after that tuning, and has",
        "never been tuned on: its figure is the one to expect on wordings nobody has seen, and it",
        "misses the goal by far. A list of phrases catches the wordings it names; a quality",
        "checker's judgement of tone (嘲讽, 催促, 说教 in new words) it does not reach.",
        "",
        markdown(run()),
    ])


if __name__ == "__main__":
    res = run()
    print(markdown(res))
    for r in res:
        for t in r.misses:
            print(f"MISS [{r.name}/{r.form}] {t}")
        for t in r.alarms:
            print(f"ALARM [{r.name}/{r.form}] {t}")
