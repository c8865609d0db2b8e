"""Qt-free core: scenario model, packs, call state, storage and export.

Nothing under this package may import Qt; ``tests/test_architecture.py`` and the
import-linter contract in ``pyproject.toml`` enforce it.
"""
