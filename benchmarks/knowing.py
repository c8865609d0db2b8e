"""Knowing the call, measured on blind sets: scenario suggestions from seat notes, the scam
rule, and speech ticks (not timings).

    python -m benchmarks.knowing        # prints the Markdown section

The blind sets (``benchmarks/data/blind``, with their READMEs: author persona, date, how
they were written) were written by people who never saw the code, the packs' keywords or
the cue lists. The tuning sets beside them are the ones the cues were tuned on; their
figures are not results.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from benchmarks.live_accuracy import library as live_library
from benchmarks.live_accuracy import set_accuracy
from desktop.core.live.cues import find_ticks
from desktop.core.packs.scenarios import Library
from desktop.core.search.suggest import rank_scenarios

DATA = Path(__file__).parent / "data"
BLIND = DATA / "blind"
SCAM = "scam-in-progress"
GOALS = {"top1": 0.92, "top3": 0.98, "scam": 1.0, "tick_recall": 0.70, "tick_precision": 0.98}


def _jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (BLIND / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def _ranked(text: str, lib: Library) -> list[str]:
    return [s.scenario_id for s in rank_scenarios(text, lib)]


@dataclass
class NotesResult:
    notes: int = 0
    top1: int = 0
    top3: int = 0
    strict_top1: int = 0  # the expected id only, not the equally right `also`
    misses: list[str] = field(default_factory=list)


@dataclass
class ScamResult:
    notes: int = 0
    top3: int = 0
    top1: int = 0
    misses: list[str] = field(default_factory=list)


@dataclass
class NotScamResult:
    notes: int = 0
    scam_top1: int = 0
    scam_top3: int = 0
    right_top1: int = 0
    flooded: list[str] = field(default_factory=list)


@dataclass
class TickResult:
    utterances: int = 0
    positives: int = 0
    negatives: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


def notes_blind(lib: Library, rows: list[dict]) -> NotesResult:
    r = NotesResult(notes=len(rows))
    for row in rows:
        ranked = _ranked(row["note"], lib)
        right = {row["expected"], *(row.get("also") or [])}
        if isinstance(row.get("also"), str):
            right = {row["expected"], row["also"]}
        r.top1 += bool(ranked[:1]) and ranked[0] in right
        r.top3 += bool(right & set(ranked[:3]))
        r.strict_top1 += ranked[:1] == [row["expected"]]
        if not ranked[:1] or ranked[0] not in right:
            r.misses.append(f"{row['note']} — expected `{row['expected']}`, ranked `{', '.join(ranked[:3]) or '—'}`")
    return r


def scam_blind(lib: Library, rows: list[dict]) -> ScamResult:
    r = ScamResult(notes=len(rows))
    for row in rows:
        ranked = _ranked(row["note"], lib)
        r.top3 += SCAM in ranked[:3]
        r.top1 += ranked[:1] == [SCAM]
        if SCAM not in ranked[:3]:
            r.misses.append(f"{row['note']} — ranked `{', '.join(ranked[:3]) or '—'}`")
    return r


def notscam_blind(lib: Library, rows: list[dict]) -> NotScamResult:
    r = NotScamResult(notes=len(rows))
    for row in rows:
        ranked = _ranked(row["note"], lib)
        r.scam_top1 += ranked[:1] == [SCAM]
        r.scam_top3 += SCAM in ranked[:3]
        r.right_top1 += ranked[:1] == [row["expected"]]
        if ranked[:1] == [SCAM]:
            r.flooded.append(row["note"])
    return r


def ticks_blind(lib: Library, rows: list[dict]) -> TickResult:
    """Each utterance alone, in its call type, nothing ticked before it. A positive counts
    its step found (tp) or not (fn); any other step ticked, and any tick on a negative, is
    a false tick (fp), even where the utterance might arguably show that step too."""
    r = TickResult(utterances=len(rows))
    for row in rows:
        scenario = lib.get(row["scenario"])
        assert scenario is not None, row["scenario"]
        found = {m.step_id for m in find_ticks(row["text"], scenario)}
        want = row.get("step")
        if want:
            r.positives += 1
            if want in found:
                r.tp += 1
            else:
                r.fn += 1
        else:
            r.negatives += 1
        for step in sorted(found - {want}):
            r.fp += 1
            r.wrong.append(f"{row['scenario']} “{row['text']}” → {step}")
    return r


def tuning_notes(lib: Library) -> tuple[NotesResult, ScamResult, NotScamResult]:
    data = yaml.safe_load((DATA / "suggest_tuning3.yaml").read_text(encoding="utf-8"))
    notes = notes_blind(lib, [{"note": n["text"], "expected": n["scenario"]} for n in data["notes"]])
    scam = scam_blind(lib, [{"note": t} for t in data["scam"]])
    notscam = notscam_blind(lib, [{"note": n["text"], "expected": n["scenario"]} for n in data["notscam"]])
    return notes, scam, notscam


@dataclass
class KnowingResult:
    notes: NotesResult
    scam: ScamResult
    notscam: NotScamResult
    ticks: TickResult
    tuning_notes: NotesResult
    tuning_scam: ScamResult
    tuning_notscam: NotScamResult
    tuning_ticks_precision: float | None
    tuning_ticks_recall: float | None
    tuning_utterances: int


def run() -> KnowingResult:
    lib = live_library()
    t_notes, t_scam, t_notscam = tuning_notes(lib)
    t_ticks, _suggest, agents, _customers = set_accuracy(lib)
    return KnowingResult(
        notes_blind(lib, _jsonl("suggest_blind.jsonl")),
        scam_blind(lib, _jsonl("suggest_scam_blind.jsonl")),
        notscam_blind(lib, _jsonl("suggest_notscam_blind.jsonl")),
        ticks_blind(lib, _jsonl("ticks_blind.jsonl")),
        t_notes, t_scam, t_notscam, t_ticks.precision, t_ticks.recall, agents,
    )


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%} ({part}/{whole})" if whole else "n/a"


def summary(r: KnowingResult) -> dict[str, object]:
    """The figures as plain values (what the first blind run recorded)."""
    return {
        "notes": r.notes.notes, "top1": r.notes.top1, "strict_top1": r.notes.strict_top1, "top3": r.notes.top3,
        "scam": r.scam.notes, "scam_top3": r.scam.top3,
        "notscam": r.notscam.notes, "notscam_scam_top1": r.notscam.scam_top1, "notscam_scam_top3": r.notscam.scam_top3,
        "utterances": r.ticks.utterances, "tp": r.ticks.tp, "fp": r.ticks.fp, "fn": r.ticks.fn,
    }


# The first and only blind run, before anything was changed after seeing the sets
# (2026-12-07 21:22 UTC, commit "Blind sets for suggestions and ticks, and their benchmark").
FIRST_RUN = {
    "notes": 194, "top1": 127, "strict_top1": 126, "top3": 140, "scam": 56, "scam_top3": 25,
    "notscam": 34, "notscam_scam_top1": 10, "notscam_scam_top3": 13,
    "utterances": 410, "tp": 56, "fp": 6, "fn": 195,
}


def _met(value: float, goal: float) -> str:
    return "yes" if value >= goal else "**no**"


def markdown(r: KnowingResult) -> str:
    f = FIRST_RUN
    first_p = f["tp"] / (f["tp"] + f["fp"])
    first_r = f["tp"] / (f["tp"] + f["fn"])
    t = r.ticks
    lines = [
        "## Knowing the call: blind sets (suggestions, the scam rule, speech ticks)",
        "",
        "Not timings. Written by `python -m benchmarks.knowing` (`make bench` includes it). The blind sets are in "
        "`benchmarks/data/blind/` with their READMEs: **notes** (194 notes, 22 call types; 56 scam notes; 34 "
        "adversarial not-scam notes) were written by a persona of a seat on a bank's credit-card and remote-banking "
        "hotline, several years on the phones, typing as seats do (IME slips, abbreviations, no punctuation); "
        "**utterances** (410 agent ASR segments, 251 positives and 159 negatives built to fool a keyword matcher) "
        "by a persona of a seat and quality-check trainer. Both were written by hand on 2026-12-07 from the call "
        "types' ids and step titles only, without seeing the code, the packs' keywords or the cue lists.",
        "",
        "**First run** is the one blind evaluation, before any change made after seeing the sets. **Now** is this "
        "run: after the first run, general weaknesses were fixed (see below), so these figures are **no longer "
        "blind**. **Tuning** figures are on the sets the cues were tuned on (not results). Before the first run only "
        "the READMEs and the first two lines of each file were read, for the format.",
        "",
        "| Measure | Goal | First run (blind) | Now (not blind) | Tuning sets |",
        "| :--- | :--- | ---: | ---: | ---: |",
        f"| Notes, top-1 (expected or an equally right `also`) | ≥ 92% | {_pct(f['top1'], f['notes'])} "
        f"| {_pct(r.notes.top1, r.notes.notes)} | {_pct(r.tuning_notes.top1, r.tuning_notes.notes)} |",
        f"| Notes, top-3 | ≥ 98% | {_pct(f['top3'], f['notes'])} | {_pct(r.notes.top3, r.notes.notes)} "
        f"| {_pct(r.tuning_notes.top3, r.tuning_notes.notes)} |",
        f"| Scam notes with scam-in-progress in the top three | 100% | {_pct(f['scam_top3'], f['scam'])} "
        f"| {_pct(r.scam.top3, r.scam.notes)} | {_pct(r.tuning_scam.top3, r.tuning_scam.notes)} |",
        f"| Not-scam notes ranked scam-in-progress first (lower is better) | — | "
        f"{_pct(f['notscam_scam_top1'], f['notscam'])} | {_pct(r.notscam.scam_top1, r.notscam.notes)} "
        f"| {_pct(r.tuning_notscam.scam_top1, r.tuning_notscam.notes)} |",
        f"| Not-scam notes with scam-in-progress in the top three (lower is better) | — | "
        f"{_pct(f['notscam_scam_top3'], f['notscam'])} | {_pct(r.notscam.scam_top3, r.notscam.notes)} "
        f"| {_pct(r.tuning_notscam.scam_top3, r.tuning_notscam.notes)} |",
        f"| Speech ticks, precision ({f['utterances']} utterances; any other step ticked counts as wrong) | ≥ 98% "
        f"| {first_p:.1%} ({f['tp']}/{f['tp'] + f['fp']}) | {t.precision:.1%} ({t.tp}/{t.tp + t.fp}) "
        f"| {_tuning(r.tuning_ticks_precision)} |",
        f"| Speech ticks, recall | ≥ 70% | {first_r:.1%} ({f['tp']}/{f['tp'] + f['fn']}) "
        f"| {t.recall:.1%} ({t.tp}/{t.tp + t.fn}) | {_tuning(r.tuning_ticks_recall)} |",
        "",
        f"Goals met now: top-1 {_met(r.notes.top1 / r.notes.notes, GOALS['top1'])}, "
        f"top-3 {_met(r.notes.top3 / r.notes.notes, GOALS['top3'])}, "
        f"scam {_met(r.scam.top3 / r.scam.notes, GOALS['scam'])}, "
        f"tick precision {_met(t.precision, GOALS['tick_precision'])}, tick recall {_met(t.recall, GOALS['tick_recall'])} "
        "— and none was met on the first, blind run.",
        "",
        f"Tuning sets: `benchmarks/data/suggest_tuning3.yaml` ({r.tuning_notes.notes} notes, {r.tuning_scam.notes} scam "
        f"notes, {r.tuning_notscam.notes} not-scam notes) and `live_utterances*.yaml` ({r.tuning_utterances} agent "
        "utterances), written by the engineer who tuned the cues, 2026-12-07. Four labels in `live_utterances.yaml` "
        "and one in `live_replay_labels.yaml`, written when those steps had no cues at all, were corrected "
        "(a seat asking the name, soothing, a failed identity check, an interception stated) when cues were "
        "added for every step.",
        "",
        "What changed after the first run (general rules, not the blind notes' words): built-in scam signals for "
        "scenarios marked `safety` (someone directing a transfer, a relative in trouble, a fee before money, remote "
        "control, codes or card details asked for); suspicion, past scams and the customer's own accounts point away "
        "from a scam; weak evidence from a scenario's own wording where no cue speaks; for ticks, pauses read as "
        "clause breaks, the customer's words repeated (您说…) and conditions (…的话) do not tick, and broader cues "
        "for soothing, follow-up, checks and confirmations.",
    ]
    notes2 = notes_blind(live_library(), _jsonl("suggest_blind2.jsonl"))
    scam2 = scam_blind(live_library(), _jsonl("suggest_scam_blind2.jsonl"))
    lines += [
        "",
        "**Second blind set, never tuned on** (`benchmarks/data/blind/blind2_README.md`): written on 2026-12-07 by a "
        "persona of a senior quality-check lead, after all the tuning above, from the call types' ids and names "
        "only. This is the figure to expect on notes nobody has seen:",
        "",
        "| Measure | Goal | Second blind set |",
        "| :--- | :--- | ---: |",
        f"| Notes, top-1 ({notes2.notes} notes, 22 call types) | ≥ 92% | {_pct(notes2.top1, notes2.notes)} |",
        f"| Notes, top-3 | ≥ 98% | {_pct(notes2.top3, notes2.notes)} |",
        f"| Scam notes with scam-in-progress in the top three ({scam2.notes} notes) | 100% "
        f"| {_pct(scam2.top3, scam2.notes)} |",
    ]
    if t.wrong:
        lines += ["", "Wrong ticks now:", ""] + [f"- {w}" for w in t.wrong]
    return "\n".join(lines)


def _tuning(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


if __name__ == "__main__":
    print(markdown(run()))
