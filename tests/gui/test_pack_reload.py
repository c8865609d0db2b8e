"""Hot reload of packs during a call, and the pack-changes notice."""

from __future__ import annotations

from tests.helpers import MINIMAL_PACK, write_pack


def test_saving_a_pack_updates_the_panel_and_keeps_the_call(make_app, tmp_path, qtbot):
    folder = tmp_path / "team"
    path = write_pack(folder, "team.yaml", MINIMAL_PACK)
    app = make_app(pack_dirs=[folder])
    model = app.model
    model.start_call()
    model.choose_scenario("test-scenario")
    model.tick_current()
    with qtbot.waitSignal(app.packs_watcher.reloaded, timeout=5000):
        path.write_text(MINIMAL_PACK.replace("请您稍等", "请您稍等一下"), encoding="utf-8")
    assert model.in_call and model.current_index() == 1
    assert "请您稍等一下" in [p.text for p in model.library.get("test-scenario").steps[0].phrases]

    # a broken save keeps the last good version and says where the error is
    with qtbot.waitSignal(app.packs_watcher.reloaded, timeout=5000):
        path.write_text("scenarios:\n  - id: [\n", encoding="utf-8")
    assert model.library.get("test-scenario") is not None
    assert f"{path}:" in app.panel.problem_label.text() and not app.panel.problem_label.isHidden()

    # a new file in the folder appears too
    with qtbot.waitSignal(app.packs_watcher.reloaded, timeout=5000):
        write_pack(folder, "more.yaml", MINIMAL_PACK.replace("test-scenario", "more").replace("测试场景", "更多"))
    assert "more" in app.panel.picker.visible_ids()


def test_pack_version_change_is_shown_once(make_app, tmp_path, qtbot):
    folder = tmp_path / "team"
    write_pack(folder, "team.yaml", MINIMAL_PACK)
    first = make_app(pack_dirs=[folder])
    first.worker.call(lambda store: None)  # the snapshot is written
    first.panel.close()
    first.shutdown()
    write_pack(folder, "team.yaml", MINIMAL_PACK.replace("name: 测试包", "name: 测试包\n  version: \"2\"")
               .replace("请您稍等", "请您稍候"))
    second = make_app(pack_dirs=[folder])
    qtbot.waitUntil(lambda: not second.panel.changes_box.isHidden(), timeout=5000)
    assert "请您稍候" in second.panel.changes_label.text()
    second.panel.notices.dismiss_pack_changes()
    assert second.panel.changes_box.isHidden()
    second.worker.call(lambda store: None)
    second.panel.close()
    second.shutdown()
    third = make_app(pack_dirs=[folder])
    qtbot.waitUntil(lambda: third.packs_watcher.versions_checked, timeout=10_000)  # compared, nothing new
    assert third.panel.changes_box.isHidden()


def test_import_from_the_panel_with_report_then_skip_invalid(make_app, tmp_path, qtbot):
    from PySide6.QtWidgets import QMessageBox

    app = make_app()
    source = tmp_path / "team.csv"
    source.write_text(
        "场景,步骤,话术\n外币兑换,安抚,您别着急，我来帮您看看\n外币兑换,,这行没有步骤\n外币兑换,办理,已经帮您登记好了\n",
        encoding="utf-8-sig",
    )
    app.panel.menu.import_library(source)
    qtbot.waitUntil(lambda: getattr(app.panel.menu, "import_report", None) is not None and app.panel.menu.import_report.isVisible())
    box = app.panel.menu.import_report
    assert "team.csv:3:" in box.detailedText()
    assert not list(app.records.own_packs.glob("*.yaml"))
    with qtbot.waitSignal(app.packs_watcher.reloaded, timeout=10000):
        box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: any(s.name == "外币兑换" for s in app.model.library.scenarios), timeout=5000)
    scenario = next(s for s in app.model.library.scenarios if s.name == "外币兑换")
    assert [p.text for st in scenario.steps for p in st.phrases] == ["您别着急，我来帮您看看", "已经帮您登记好了"]
    app.panel.menu.import_report.close()
