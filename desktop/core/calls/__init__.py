"""The call in progress and its rules, without Qt.

``call`` (``Call``: the state the panel shows and every transition of it), ``session``
(the scenario, ticked steps, phrases and notes of one call), ``call_records`` (what the
transitions write to the store and read back), ``numbering`` (phrase numbers that stay put)
and ``demo`` (synthetic call history for demos and screenshots).
"""
