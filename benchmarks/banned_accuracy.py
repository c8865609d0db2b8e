"""Accuracy of the 服务禁语 alerts on labelled sentences (not a timing).

    python -m benchmarks.banned_accuracy     # prints the Markdown section for docs/benchmarks.md

Every set here is a tuning set now (the rules were shaped on all of them); a blind set is
run apart from this tree. ``banned_tuning.jsonl`` and ``banned_tuning3.jsonl`` (428
sentences across thirteen families and adversarial harmless wordings) were written by the
developers; ``banned_check4.jsonl`` (120), ``banned_check5.jsonl`` (80) and ``banned_check6.jsonl``
(40, banned words inside polite frames) were written
after the family rules to see how they do on wordings they had not seen, then tuned on; the two ``blind/`` sets were written
by reviewers who never saw the code (see their READMEs) and have been tuned on since.
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
    (DATA / "banned_tuning.jsonl", "tuning set 1"),
    (DATA / "blind" / "banned_blind.jsonl", "first blind set (tuned on since)"),
    (DATA / "blind" / "banned_blind2.jsonl", "second blind set (tuned on since)"),
    (DATA / "banned_tuning3.jsonl", "tuning set 3"),
    (DATA / "banned_check4.jsonl", "check set 4 (tuned on since)"),
    (DATA / "banned_check5.jsonl", "check set 5 (tuned on since)"),
    (DATA / "banned_check6.jsonl", "check set 6 (tuned on since)"),
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
        "fires on it. Every set below has been tuned on, so none of these figures is a result;",
        "the blind figure comes from a set kept apart from this tree. See the section on the",
        "family rules for the figures before the change and on wordings the rules had not seen.",
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
