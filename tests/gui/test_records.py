"""Follow-ups (due, overdue, done) and the notes search dialog."""

from __future__ import annotations

from datetime import timedelta

from desktop.core.base import clock
from tests.gui.conftest import type_text
from tests.helpers import make_call


def seed(app):
    now = clock.now()

    def job(store):
        call = make_call(store, now - timedelta(days=1), notes="客户要求回电确认吞钞到账情况")
        late = store.add_followup(call, "callback", "回电确认到账", now - timedelta(hours=1), now)
        later = store.add_followup(call, "complaint", "投诉处理时限", now + timedelta(days=10), now)
        return late, later

    return app.worker.call(job)


def test_due_followups_are_announced_once_and_listed(make_app, qtbot):
    app = make_app()
    late, later = seed(app)
    with qtbot.waitSignal(app.followups.dueNow) as due:
        app.followups.reload()
    assert [f.id for f in due.args[0]] == [late]
    assert app.panel.statusBar().currentMessage() == "跟进事项到期：回电确认到账"  # translated, in Chinese
    qtbot.waitUntil(lambda: not app.panel.followups_button.isHidden())
    assert "2" in app.panel.followups_button.text() and "1" in app.panel.followups_button.text()
    with qtbot.assertNotEmitted(app.followups.dueNow, wait=300):
        app.followups.reload()
    dialog = app.panel.show_records()
    qtbot.addWidget(dialog)
    items = [dialog.todo_list.item(i).text() for i in range(dialog.todo_list.count())]
    assert len(items) == 2 and items[0].startswith("逾期") and "回电确认到账" in items[0]
    dialog.todo_list.setCurrentRow(0)
    with qtbot.waitSignal(app.followups.changed, timeout=3000):
        dialog.mark_selected_done()
    qtbot.waitUntil(lambda: dialog.todo_list.count() == 1)
    assert [f.id for f in app.followups.open] == [later]


def test_notes_search_from_the_panel_drops_stale_results(make_app, qtbot):
    app = make_app()
    seed(app)
    dialog = app.panel.show_records()
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(app.followups.searchResults, timeout=3000):
        type_text(dialog.query, "吞钞到账")
    assert dialog.results.count() == 1 and "吞钞到账" in dialog.results.item(0).text()
    dialog.show_results("旧的查询", [])  # an answer to an older query changes nothing
    assert dialog.results.count() == 1
    with qtbot.waitSignal(app.followups.searchResults, timeout=3000):
        dialog.query.setText("回电")  # two characters: LIKE
    assert dialog.results.count() == 1
