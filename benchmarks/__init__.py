"""Seatside benchmarks: ``python -m benchmarks.run --output docs/benchmarks.md``.

Every figure is reported as a ratio to a baseline measured in the same run, so
results from different machines can be compared by their ratios.
"""
