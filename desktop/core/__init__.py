"""Qt-free core, laid out by domain.

``calls`` (the call in progress), ``records`` (the call log, exports, durability),
``packs`` (scenarios and pack files), ``privacy`` (the masker and its boundaries),
``search`` (phrase search, scenario suggestions), ``live`` (CTI events and the transcript),
``hubclient`` (the seat's side of the hub), ``seat`` (settings, start-up, self-test) and
``base`` (leaf helpers). ``docs/architecture.md`` has the map and the directions allowed.

Nothing under this package may import Qt; ``tests/core/test_architecture.py`` and the
import-linter contracts in ``pyproject.toml`` enforce it.
"""
