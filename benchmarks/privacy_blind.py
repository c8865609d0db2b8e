"""The masker on the blind set (``tests/data/blind/mask_*.jsonl``), written by a reviewer
who never saw the code; its README says how and when.

A personal number counts as masked when, at every place its digits appear in the
text (numerals, full-width and 叉/x/× made digits, separators and invisible
characters skipped), no more stays readable than the display limit: a card's first 6
and last 4, an ID's or a mobile's last 4 (a country code or trunk 0 in front is not
part of it). A negative row counts as wrongly masked when the text changes at all.

    python -m benchmarks.privacy_blind     # figures per file and the failures per style
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.privacy.masking import DEFAULT_POLICY, mask_pii, normalise

BLIND = Path(__file__).resolve().parents[1] / "tests" / "data" / "blind"
FILES = ("mask_blind.jsonl", "mask_blind_handwritten.jsonl", "mask_blind2.jsonl")
_X = str.maketrans({"x": "X", "×": "X"})


@dataclass
class BlindScore:
    name: str
    rows: int = 0
    items: int = 0
    items_missed: int = 0
    negatives: int = 0
    negatives_changed: int = 0
    missed_by_style: Counter[str] = field(default_factory=Counter)
    changed_by_style: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return 1 - self.items_missed / self.items if self.items else 1.0

    @property
    def false_mask_rate(self) -> float:
        return self.negatives_changed / self.negatives if self.negatives else 0.0


def rows(name: str) -> list[dict]:
    with (BLIND / name).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def masked_enough(text: str, masked: str, digits: str, kind: str) -> bool:
    """Whether every place ``digits`` appear in ``text`` is hidden beyond the display limit in ``masked``."""
    view = normalise(text.translate(_X))
    places = [(k, ch) for k, ch in enumerate(view.text.upper()) if ch.isdigit() or ch == "X"]
    stream = "".join(ch for _, ch in places)
    want = digits.upper()
    start = stream.find(want)
    if start < 0:
        return False  # the grader cannot find the number: counted as a miss, never as a pass
    while start >= 0:
        positions = [view.at(places[start + i][0]) for i in range(len(want))]
        shown = [i for i, pos in enumerate(positions) if masked[pos] == text[pos]]
        first, last = (6, 4) if kind == "card" else (0, 4)
        if any(first <= i < len(want) - last for i in shown):
            return False
        start = stream.find(want, start + 1)
    return True


def score(name: str) -> BlindScore:
    result = BlindScore(name)
    for row in rows(name):
        text, pii, style = row["text"], row["pii"], row.get("style", "")
        masked = mask_pii(text, DEFAULT_POLICY)
        result.rows += 1
        if not pii:
            result.negatives += 1
            if masked != text:
                result.negatives_changed += 1
                result.changed_by_style[style] += 1
                result.examples.append(f"- {style}: {text!r} → {masked!r}")
            continue
        for item in pii:
            result.items += 1
            if not masked_enough(text, masked, item["digits"], item["kind"]):
                result.items_missed += 1
                result.missed_by_style[style] += 1
                result.examples.append(f"+ {style}: {text!r} → {masked!r}")
    return result


def main() -> int:
    for name in FILES:
        s = score(name)
        print(f"{name}: {s.rows} rows; recall {s.items - s.items_missed}/{s.items} = {s.recall:.2%}; "
              f"wrongly masked {s.negatives_changed}/{s.negatives} = {s.false_mask_rate:.2%}")
        print("  missed by style:", dict(s.missed_by_style.most_common()))
        print("  changed by style:", dict(s.changed_by_style.most_common()))
        if "-v" in sys.argv:
            print("\n".join(s.examples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
