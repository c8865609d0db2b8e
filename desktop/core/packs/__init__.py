"""Scenario packs: the scenario model and the YAML files it is loaded from.

``scenarios`` (``Library``, ``Scenario``, ``Step``, ``Phrase``), ``loader`` (loading and
validating pack files, ``load_packs``), ``packset`` (reloads that keep the last good
version), ``banned`` (服务禁语 and their softer wordings), ``patterns`` (the gap syntax of
banned phrases and cues), ``placeholders`` (``{称呼}`` and its rendering),
``yaml_limits`` (bounded YAML) and ``importer`` (a spreadsheet turned into a pack).
"""
