"""OS hooks behind small interfaces, each with a fake for tests.

Clipboard today; global hotkeys, text insertion and focus tracking get their own
module here, following the same pattern: an abstract base, a ``Fake*`` and one
implementation per OS.
"""
