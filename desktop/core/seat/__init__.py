"""One seat's program and folder: settings, start-up checks, self-test, single instance.

``settings`` (the one settings schema), ``startup`` (a writable folder, or a read-only
copy), ``selfcheck`` (``--self-test`` on a data folder) and ``instance_lock`` (one
Seatside per data folder).
"""
