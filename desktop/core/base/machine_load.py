"""How busy the machine is, for the few waits that depend on another program's speed.

Pasting and typing into another program work by timing: the clipboard is given back,
or a key is remapped, once that program has read what it was sent. On a busy machine
programs read their input later, so those waits grow with the load.
"""

from __future__ import annotations

import os
import sys


def busy_factor(limit: float = 4.0) -> float:
    """1.0 on an idle or normally loaded machine; the 1-minute load per CPU above that, up to ``limit``."""
    if sys.platform == "win32":  # Windows keeps no load average
        return 1.0
    try:
        per_cpu = float(os.getloadavg()[0]) / (os.cpu_count() or 1)
    except (OSError, AttributeError):  # no load average on this OS
        return 1.0
    return min(limit, max(1.0, per_cpu))
