"""Turn a written dialogue into a demo replay file (resources/demo/*.jsonl).

Input: one utterance a line, ``坐席：…`` or ``客户：…``. Each utterance is sent as
two growing partial transcripts and a final one, spaced at a speaking pace, the
way the live recogniser sends them.

    python scripts/demo_call.py DIALOGUE.txt CALL-ID CALLER > resources/demo/CALL-ID.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SPEAKERS = {"坐席": "agent", "客户": "customer"}
ANSWERED = 2.5
SECONDS_PER_CHAR = 0.22
PAUSE = 1.6


def events(lines: list[str], call_id: str, caller: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = [
        {"t": 0.0, "type": "call.ringing", "call_id": call_id, "caller": caller, "direction": "in"},
        {"t": ANSWERED, "type": "call.answered", "call_id": call_id, "caller": caller, "direction": "in"},
    ]
    t = ANSWERED + 1.0
    for raw in lines:
        who, _, text = raw.partition("：")
        if who not in SPEAKERS or not text.strip():
            raise SystemExit(f"not an utterance: {raw!r}")
        text = text.strip()
        length = len(text) * SECONDS_PER_CHAR
        for share, final in ((1 / 3, False), (2 / 3, False), (1.0, True)):
            cut = text if final else text[: max(1, int(len(text) * share))]
            at = round(t + length * share, 2)
            out.append({"t": at, "type": "transcript", "call_id": call_id, "speaker": SPEAKERS[who],
                        "text": cut, "final": final, "at": round(at - ANSWERED, 2)})
        t += length + PAUSE
    out.append({"t": round(t, 2), "type": "call.ended", "call_id": call_id})
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    path, call_id, caller = argv
    lines = [line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    for event in events(lines, call_id, caller):
        print(json.dumps(event, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
