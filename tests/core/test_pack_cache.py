"""The compiled pack cache: reused while files are unchanged, never trusted when wrong."""

from __future__ import annotations

import os
import pickle
import stat

import pytest

from desktop.core import packs as pack_loading
from desktop.core.banned import BannedPhrase
from desktop.core.pack_cache import PackCache
from desktop.core.packset import PackSet
from tests.helpers import MINIMAL_PACK, write_pack


@pytest.fixture
def parses(monkeypatch):
    """How many times a pack file was really parsed."""
    count = [0]
    real = pack_loading.load_pack_file

    def counting(*args, **kwargs):
        count[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(pack_loading, "load_pack_file", counting)
    return count


def load(folder, cache_file, banned=()):
    cache = PackCache(cache_file)
    result = PackSet([folder], banned=banned, cache=cache).load()
    cache.save()
    return result, cache


def scenario_ids(result) -> list[str]:
    return [s.id for s in result.library.scenarios]


def test_a_second_start_parses_nothing_and_gets_the_same_library(tmp_path, parses):
    folder = write_pack(tmp_path / "packs", "a.yaml", MINIMAL_PACK).parent
    write_pack(folder, "b.yaml", MINIMAL_PACK.replace("test-scenario", "second-scenario"))
    first, _ = load(folder, tmp_path / "packs.cache")
    assert parses[0] == 2
    second, cache = load(folder, tmp_path / "packs.cache")
    assert parses[0] == 2 and (cache.hits, cache.misses) == (2, 0)
    assert second.library.scenarios == first.library.scenarios and second.problems == first.problems
    assert stat.S_IMODE((tmp_path / "packs.cache").stat().st_mode) == 0o600


def test_a_changed_file_is_parsed_again(tmp_path, parses):
    path = write_pack(tmp_path / "packs", "a.yaml", MINIMAL_PACK)
    load(path.parent, tmp_path / "packs.cache")
    path.write_text(MINIMAL_PACK.replace("测试场景", "改过的场景"), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    result, cache = load(path.parent, tmp_path / "packs.cache")
    assert cache.misses == 1 and result.library.scenarios[0].name == "改过的场景"


def test_another_banned_list_is_checked_again(tmp_path, parses):
    folder = write_pack(tmp_path / "packs", "a.yaml", MINIMAL_PACK).parent
    load(folder, tmp_path / "packs.cache")
    result, cache = load(folder, tmp_path / "packs.cache", banned=(BannedPhrase("请您稍等", "麻烦您稍等一下"),))
    assert cache.misses == 1 and any("请您稍等" in p.message for p in result.problems)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a pickle at all",
        pickle.dumps({"stamp": "old", "files": {}})[:-3],  # truncated
        pickle.dumps(["a", "list"]),
        pickle.dumps({"stamp": None, "files": {}}),
    ],
)
def test_a_broken_or_foreign_cache_is_ignored_and_replaced(tmp_path, parses, content):
    folder = write_pack(tmp_path / "packs", "a.yaml", MINIMAL_PACK).parent
    (tmp_path / "packs.cache").write_bytes(content)
    result, cache = load(folder, tmp_path / "packs.cache")
    assert scenario_ids(result) == ["test-scenario"] and cache.misses == 1
    again, cache = load(folder, tmp_path / "packs.cache")
    assert scenario_ids(again) == ["test-scenario"] and cache.hits == 1


def test_an_entry_that_is_not_a_parse_result_is_not_trusted(tmp_path, parses):
    folder = write_pack(tmp_path / "packs", "a.yaml", MINIMAL_PACK).parent
    load(folder, tmp_path / "packs.cache")
    data = pickle.loads((tmp_path / "packs.cache").read_bytes())  # noqa: S301 - the file this test just wrote
    name = next(iter(data["files"]))
    key, _ = data["files"][name]
    data["files"][name] = (key, ("forged", [], []))
    (tmp_path / "packs.cache").write_bytes(pickle.dumps(data))
    result, cache = load(folder, tmp_path / "packs.cache")
    assert scenario_ids(result) == ["test-scenario"] and cache.misses == 1


def test_a_removed_file_leaves_the_cache(tmp_path):
    folder = write_pack(tmp_path / "packs", "a.yaml", MINIMAL_PACK).parent
    gone = write_pack(folder, "b.yaml", MINIMAL_PACK.replace("test-scenario", "second-scenario"))
    load(folder, tmp_path / "packs.cache")
    gone.unlink()
    load(folder, tmp_path / "packs.cache")
    data = pickle.loads((tmp_path / "packs.cache").read_bytes())  # noqa: S301 - the file this test just wrote
    assert [os.path.basename(name) for name in data["files"]] == ["a.yaml"]
