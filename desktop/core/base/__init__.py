"""Shared leaf helpers every domain may use, importing nothing else of the core.

``atomic`` (all-or-nothing file writes), ``bounded`` (reading inputs with a size limit),
``clock`` (local timestamps and shift ranges), ``paths`` (the data folder and bundled
resources), ``permissions`` (folder 0700, files 0600) and ``machine_load`` (how busy the
machine is, for waits that depend on another program).
"""
