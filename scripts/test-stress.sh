#!/usr/bin/env bash
# The GUI suite five times in a row with a CPU hog beside it (stress-ng on two cores):
# a test that depends on timing fails here long before it fails on a seat's slow PC.
#   scripts/test-stress.sh [PYTHON] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-.venv/bin/python}
RUNS=${2:-5}
command -v stress-ng >/dev/null || { echo "test-stress: stress-ng is missing (make system-deps)" >&2; exit 1; }
stress-ng --cpu 2 --cpu-load 100 --quiet &
hog=$!
trap 'kill "$hog" 2>/dev/null; wait "$hog" 2>/dev/null || true' EXIT
for run in $(seq 1 "$RUNS"); do
  echo "test-stress: GUI suite, run $run of $RUNS, beside stress-ng --cpu 2"
  "$PY" -m pytest tests/gui -q -p no:cacheprovider
done
echo "test-stress: $RUNS runs passed"
