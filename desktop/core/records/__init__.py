"""The call log and what is made of it: the SQLite store, exports, reports, durability.

``storage`` (``CallStore`` and the ``CallRecord`` type), ``dispositions`` (how a call
ended), ``texts`` (the texts written into files, in Chinese and English), ``export`` and
``reports`` (end-of-shift files and summary), ``retention`` (the purge), ``backup``,
``integrity``, ``pagewalk`` and ``recovery`` (a damaged database checked, salvaged,
restored).
"""
