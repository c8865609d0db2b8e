"""The benchmark suite itself still runs (tiny mode: every part on minimal sizes); numbers are not checked here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_tiny_benchmark_run_writes_a_report(tmp_path):
    out = tmp_path / "bench.md"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--tiny", "--output", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert "**Tiny run**" in text
    for heading in ("## Machine", "## Summary", "Start → panel", "Note autosave", "CSV export"):
        assert heading in text
    assert "Steady typing" in text and "## 7. Durability" in text and "expands to too much" in text
    assert "## Knowing the call: blind sets" in text and "First run (blind)" in text
