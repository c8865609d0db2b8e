"""Live scenario suggestions: other scenarios whose keywords appear in the notes being typed."""

from __future__ import annotations

from desktop.core.packs.scenarios import Library
from desktop.core.search.textnorm import normalize

# -- scenario suggestions ----------------------------------------------------------


_keyword_cache: dict[str, str] = {}


def _normalized_keyword(keyword: str) -> str:
    norm = _keyword_cache.get(keyword)
    if norm is None:
        norm = normalize(keyword)
        if len(_keyword_cache) > 4096:
            _keyword_cache.clear()
        _keyword_cache[keyword] = norm
    return norm


def suggest_scenarios(text: str, library: Library, current_scenario_id: str | None) -> list[tuple[str, str]]:
    """(scenario id, keyword) for the scenarios other than the current one whose keywords
    appear in ``text`` (Simplified/Traditional and case insensitive): most keywords found
    first, then the longest keyword, then library order. The keyword is the longest found."""
    norm = normalize(text)
    if not norm:
        return []
    ranked = []
    for position, scenario in enumerate(library.scenarios):
        if scenario.id == current_scenario_id:
            continue
        found: dict[str, str] = {}
        for keyword in scenario.keywords:
            nk = _normalized_keyword(keyword)
            if nk and nk in norm and nk not in found:
                found[nk] = keyword
        if found:
            longest = max(found, key=len)
            ranked.append((-len(found), -len(longest), position, scenario.id, found[longest]))
    ranked.sort()
    return [(sid, keyword) for *_, sid, keyword in ranked]
