"""Reloading packs and telling what changed."""

from __future__ import annotations

from desktop.core.packs.packset import PackSet, changed_versions, diff, snapshot
from tests.helpers import MINIMAL_PACK, write_pack


def test_broken_save_keeps_the_last_good_version(tmp_path):
    path = write_pack(tmp_path, "team.yaml", MINIMAL_PACK)
    packs = PackSet([tmp_path])
    assert [s.id for s in packs.load().library.scenarios] == ["test-scenario"]
    path.write_text(MINIMAL_PACK + "  - id: [broken\n", encoding="utf-8")
    result = packs.load()
    assert [s.id for s in result.library.scenarios] == ["test-scenario"]
    assert result.errors and result.errors[0].file == str(path)
    assert any("kept the last version" in p.message for p in result.problems)
    path.write_text(MINIMAL_PACK.replace("测试场景", "新名字"), encoding="utf-8")
    assert packs.load().library.scenarios[0].name == "新名字"
    path.unlink()
    assert len(packs.load().library) == 0


def test_a_new_broken_file_contributes_nothing(tmp_path):
    write_pack(tmp_path, "broken.yaml", "scenarios: [")
    assert len(PackSet([tmp_path]).load().library) == 0


def test_diff_names_scenarios_steps_and_phrases(tmp_path):
    write_pack(tmp_path, "a.yaml", MINIMAL_PACK)
    packs = PackSet([tmp_path])
    before = snapshot(packs.load().library)
    edited = (
        MINIMAL_PACK.replace("pack:\n  name: 测试包", "pack:\n  name: 测试包\n  version: \"2\"")
        .replace("请您稍等", "请您稍等片刻")
        .replace("      - id: second\n        title: 第二步\n        phrases: [好的]\n",
                 "      - id: third\n        title: 第三步\n        phrases: [明白]\n")
    )
    write_pack(tmp_path, "a.yaml", edited)
    write_pack(tmp_path, "b.yaml", MINIMAL_PACK.replace("test-scenario", "another").replace("测试场景", "另一个"))
    after = snapshot(packs.load().library)
    assert changed_versions(before, after)
    changes = {(c.kind, c.what, c.detail) for c in diff(before, after)}
    assert ("added", "scenario", "") in changes
    assert ("edited", "phrase", "请您稍等片刻") in changes
    assert ("added", "step", "第三步") in changes and ("removed", "step", "第二步") in changes
    assert not changed_versions(after, after) and diff(after, after) == []
