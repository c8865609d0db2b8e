"""Imported first by ``desktop.app``: PySide6, with its source scan of later imports turned off.

Once PySide6 is imported, its ``__feature__`` support (``from __feature__ import
snake_case``) looks at every module imported after it: it reads the module's
whole source (``inspect.getsource``, which keeps every line in ``linecache``)
to see whether it mentions PySide6. At Seatside's start that is some 170
modules: about 5 MiB that stay in memory and a noticeable part of the start-up
time. Seatside uses no ``__feature__``; a module that does not mention PySide6
is simply left out of the feature switching, and that is what every module gets
in the one-folder build already, where there is no source to read. This makes a
run from source behave the same, without reading the files.
"""

from __future__ import annotations

import sys

import PySide6  # noqa: F401 - imported for its side effect: shiboken installs its import hook


def _no_features(module: object) -> bool:
    """What PySide6 concludes for a module whose source it cannot read: no ``__feature__``."""
    return False


def skip_feature_source_scan() -> bool:
    """Turn the scan off; False (and nothing changed) if this PySide6 has no such scan."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    # A private function of PySide6 6.8-6.11 that typeshed cannot know of.
    feature._mod_uses_pyside = _no_features  # type: ignore[attr-defined]
    return True


skip_feature_source_scan()
