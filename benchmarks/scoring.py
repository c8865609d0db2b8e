"""What scoring adds to a call upload: ``score_call`` against the record's own validation.

    python -m benchmarks.scoring [--calls 20000] [--repeats 5]

The hub validates every uploaded record (``CallIn``) before it stores it; scoring runs
on the validated record in the same request. Both are timed over the same synthetic
calls in the same run (median of the repeats, CPU time), and the cost of scoring is
given as a ratio to the validation's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import datetime, timedelta, timezone

from desktop.core.hubclient.hub_records import CallIn
from hub.scoring import score_call
from hub.team_settings import TeamSettings


def records(count: int) -> list[dict]:
    start = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
    out = []
    for i in range(count):
        began = start + timedelta(seconds=30 * i)
        out.append({
            "uid": f"bench-{i}", "revision": 1, "started_at": began.isoformat(),
            "ended_at": (began + timedelta(seconds=240)).isoformat(), "duration_s": 240.0 + (i % 13) * 40,
            "wrapup_s": 30.0 + (i % 9) * 20, "scenario_id": "card-lost", "scenario_name": "挂失补卡",
            "disposition": "" if i % 11 == 0 else "resolved", "steps_total": 4, "mandatory_total": 2,
            "steps": [{"scenario_id": "card-lost", "step_id": "verify", "title": "核实身份", "mandatory": True,
                       "ticked_at": began.isoformat()}],
            "skipped": [{"step_id": "remind", "title": "提醒风险", "reason": "" if i % 3 else "客户挂断了"}],
            "banned": [{"phrase": "你…听我说", "count": 1}] if i % 7 == 0 else [],
            "banned_spoken": 1 if i % 5 == 0 else 0,
        })
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    raw = records(args.calls)
    settings = TeamSettings()
    validate, score = [], []
    for _ in range(args.repeats):
        t0 = time.process_time()
        calls = [CallIn.model_validate(r) for r in raw]
        t1 = time.process_time()
        for call in calls:
            score_call(call, settings)
        t2 = time.process_time()
        validate.append(t1 - t0)
        score.append(t2 - t1)
    v, s = statistics.median(validate), statistics.median(score)
    print(json.dumps({"calls": args.calls, "validate_us_per_call": round(v / args.calls * 1e6, 1),
                      "score_us_per_call": round(s / args.calls * 1e6, 1), "score_to_validate": round(s / v, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
