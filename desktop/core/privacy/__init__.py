"""Masking personal data, and the boundaries where it happens.

``masking`` is the one masker (card, resident ID and mobile numbers: ``mask_pii``,
``find_pii``, ``MaskPolicy``); ``guard`` applies it at the storage boundary (the masking
SQLite connection, JSON files, records on their way out); ``logfile`` is the masked log
file; ``keystore`` keeps the caller-history key in the OS secret store.
"""
