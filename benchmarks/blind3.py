"""The third blind sets (``benchmarks/data/blind/blind3_README.md``): masking, suggestions,
ticks and banned phrases, measured with the same graders as the earlier sets.

    python -m benchmarks.blind3 [mask] [knowing] [banned]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks import banned_accuracy, knowing, privacy_blind

DATA = Path(__file__).parent / "data" / "blind"


def mask() -> dict:
    s = privacy_blind.score("mask_blind3.jsonl")
    return {"rows": s.rows, "numbers": s.items, "missed": s.items_missed, "recall_pct": round(100 * s.recall, 2),
            "negatives": s.negatives, "wrongly_masked": s.negatives_changed,
            "wrongly_masked_pct": round(100 * s.false_mask_rate, 2),
            "missed_by_style": dict(s.missed_by_style.most_common(15))}


def knowing_sets() -> dict:
    lib = knowing.live_library()
    notes = knowing.notes_blind(lib, knowing._jsonl("suggest_blind3.jsonl"))
    rows = knowing._jsonl("suggest_scam_blind3.jsonl")
    scam = knowing.scam_blind(lib, [r for r in rows if r["expected"] == knowing.SCAM])
    notscam = knowing.notscam_blind(lib, [r for r in rows if r["expected"] != knowing.SCAM])
    ticks = knowing.ticks_blind(lib, knowing._jsonl("ticks_blind3.jsonl"))
    return {"notes": notes.notes, "top1_pct": round(100 * notes.top1 / notes.notes, 1),
            "top3_pct": round(100 * notes.top3 / notes.notes, 1),
            "scam_notes": scam.notes, "scam_top3_pct": round(100 * scam.top3 / scam.notes, 1),
            "not_scam_notes": notscam.notes, "not_scam_ranked_scam_first": notscam.scam_top1,
            "utterances": ticks.utterances, "tick_precision_pct": round(100 * ticks.precision, 1),
            "tick_recall_pct": round(100 * ticks.recall, 1)}


def banned() -> list[dict]:
    return [{"form": r.form, "banned": r.positives, "harmless": r.negatives, "recall_pct": round(100 * r.recall, 1),
             "false_alarms_pct": round(100 * r.false_alarm_rate, 1)}
            for r in banned_accuracy.measure(DATA / "banned_blind3.jsonl", "third blind set")]


def main(argv: list[str]) -> int:
    wanted = argv or ["mask", "knowing", "banned"]
    runs = {"mask": mask, "knowing": knowing_sets, "banned": banned}
    unknown = [w for w in wanted if w not in runs]
    if unknown:
        print(f"unknown set: {', '.join(unknown)} (choose from mask, knowing, banned)", file=sys.stderr)
        return 2
    print(json.dumps({w: runs[w]() for w in wanted}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
