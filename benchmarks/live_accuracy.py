"""Live feed accuracy: steps ticked by the seat's speech and scenarios suggested by the
customer's, on the demo replay files and on a labelled set of utterances
(``benchmarks/data``). Precision first: a wrong tick is worse than a missed one."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from desktop.core.base.paths import builtin_packs_dir, resources_dir
from desktop.core.live.client import read_replay
from desktop.core.live.cues import find_ticks, step_cues
from desktop.core.live.events import TranscriptEvent
from desktop.core.live.speech import LiveCall, speech_suggestion, take_segment
from desktop.core.packs.banned import builtin_banned
from desktop.core.packs.loader import load_packs
from desktop.core.packs.scenarios import Library

DATA = Path(__file__).parent / "data"
PRECISION_GOAL = 0.98


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    wrong: list[str] = field(default_factory=list)  # the false positives, for the report

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class AccuracyResult:
    replay_ticks: Score
    replay_suggest: Score
    set_ticks: Score
    set_suggest: Score
    agent_utterances: int
    customer_utterances: int
    calls: int
    cued_steps: int
    steps: int


def library() -> Library:
    return load_packs([builtin_packs_dir()], banned=builtin_banned()).library


def _tick_score(score: Score, predicted: set[str], expected: set[str], where: str) -> None:
    score.tp += len(predicted & expected)
    score.fn += len(expected - predicted)
    for step in sorted(predicted - expected):
        score.fp += 1
        score.wrong.append(f"{where}: {step}")


def _suggest_score(score: Score, predicted: str | None, expected: str | None, where: str) -> None:
    if predicted is not None and predicted == expected:
        score.tp += 1
    elif predicted is not None:
        score.fp += 1
        score.wrong.append(f"{where}: {predicted}")
        if expected is not None:
            score.fn += 1
    elif expected is not None:
        score.fn += 1


def replay_accuracy(lib: Library) -> tuple[Score, Score, int]:
    """Each demo call as the panel sees it: its scenario chosen, speech ticking steps;
    and, from no scenario, the first scenario the customer's words suggest."""
    labels = yaml.safe_load((DATA / "live_replay_labels.yaml").read_text(encoding="utf-8"))
    ticks, suggest = Score(), Score()
    for scenario_id, expected in labels.items():
        scenario = lib.get(scenario_id)
        assert scenario is not None, scenario_id
        unknown = set(expected) - {s.id for s in scenario.steps}
        assert not unknown, f"{scenario_id}: unknown steps {unknown}"
        call = LiveCall("bench")
        ticked: set[str] = set()
        first: str | None = None
        for line in read_replay(resources_dir() / "demo" / f"{scenario_id}.jsonl"):
            event = line.event
            if not isinstance(event, TranscriptEvent):
                continue
            outcome = take_segment(call, event, scenario, ticked.__contains__, builtin_banned())
            if outcome is None:
                continue
            ticked |= {m.step_id for m in outcome.ticks}
            if event.speaker == "customer" and first is None:
                found = speech_suggestion(call.transcript.customer_text(), lib, None)
                first = found.scenario_id if found else None  # the first one offered counts
        _tick_score(ticks, ticked, set(expected), scenario_id)
        _suggest_score(suggest, first, scenario_id, scenario_id)
    return ticks, suggest, len(labels)


def set_accuracy(lib: Library, names: tuple[str, ...] = ("live_utterances.yaml", "live_utterances2.yaml")
                 ) -> tuple[Score, Score, int, int]:
    data: dict[str, list] = {"agent": [], "customer": []}
    for name in names:
        part = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
        for key in data:
            data[key] += part.get(key, [])
    ticks, suggest = Score(), Score()
    for item in data["agent"]:
        scenario = lib.get(item["scenario"])
        assert scenario is not None, item
        unknown = set(item["ticks"]) - {s.id for s in scenario.steps}
        assert not unknown, f"{item['scenario']}: unknown steps {unknown}"
        predicted = {m.step_id for m in find_ticks(item["text"], scenario)}
        _tick_score(ticks, predicted, set(item["ticks"]), f"{item['scenario']} “{item['text']}”")
    for item in data["customer"]:
        found = speech_suggestion(item["text"], lib, None)
        _suggest_score(suggest, found.scenario_id if found else None, item["scenario"], f"“{item['text']}”")
    return ticks, suggest, len(data["agent"]), len(data["customer"])


def run() -> AccuracyResult:
    lib = library()
    replay_ticks, replay_suggest, calls = replay_accuracy(lib)
    set_ticks, set_suggest, agents, customers = set_accuracy(lib)
    steps = [step for scenario in lib.scenarios for step in scenario.steps]
    return AccuracyResult(
        replay_ticks, replay_suggest, set_ticks, set_suggest, agents, customers, calls,
        sum(1 for s in steps if step_cues(s)), len(steps),
    )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def markdown_rows(result: AccuracyResult) -> list[list[str]]:
    rows = []
    for name, score, goal in (
        (f"Step ticks, {result.calls} demo calls (call × step)", result.replay_ticks, True),
        (f"Step ticks, {result.agent_utterances} labelled agent utterances (utterance × step)", result.set_ticks, True),
        (f"Scenario suggestion, {result.calls} demo calls (first suggestion)", result.replay_suggest, False),
        (f"Scenario suggestion, {result.customer_utterances} labelled customer utterances", result.set_suggest, False),
    ):
        met = "—"
        if goal:
            met = "n/a" if score.precision is None else ("yes" if score.precision >= PRECISION_GOAL else "**no**")
        rows.append([name, _pct(score.precision), _pct(score.recall), str(score.tp), str(score.fp), str(score.fn),
                     "precision ≥ 98%" if goal else "—", met])
    return rows


if __name__ == "__main__":
    res = run()
    for row in markdown_rows(res):
        print(" | ".join(row))
    for score in (res.replay_ticks, res.set_ticks, res.replay_suggest, res.set_suggest):
        for wrong in score.wrong:
            print("  wrong:", wrong)
    print(f"cued steps: {res.cued_steps}/{res.steps}")
