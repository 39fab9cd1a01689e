"""Submit (clerk), return with a reason and approve (reviewer), read-only when locked, reopen."""

from __future__ import annotations

from monthly_helpers import fill_texts, future_month, paste, township_id, type_into
from PySide6.QtCore import Qt

from fupin_desktop.services.monthly import get_month
from fupin_desktop.ui.monthly.monthly_page import MonthlyPage

MONTH = future_month(7)


def open_page(qtbot, ctx) -> MonthlyPage:  # type: ignore[no-untyped-def]
    page = MonthlyPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    page.show_month(township_id(ctx, "梅岭街道"), MONTH)
    return page


def test_submit_return_with_reason_resubmit_approve_and_reopen(qtbot, monkeypatch, clerk_ctx, reviewer_ctx) -> None:
    from fupin_desktop.ui.monthly import monthly_page

    monkeypatch.setattr(monthly_page, "confirm_flags", lambda *_args: True)  # the demo month has reminders
    clerk = open_page(qtbot, clerk_ctx)
    assert clerk.approve_button.isHidden() and clerk.return_button.isHidden()  # clerks do not review
    fill_texts(qtbot, clerk.grid)
    type_into(qtbot, clerk.grid, 0, "funds_fen", "2")
    assert clerk.submit()  # saves first, then submits
    assert clerk.status_tag.text() == "待审核"
    assert not clerk.grid.model.editable and not clerk.save_button.isEnabled()
    assert "已提交审核" in clerk.grid.message.text()

    reviewer = open_page(qtbot, reviewer_ctx)
    assert reviewer.status_tag.text() == "待审核"
    assert reviewer.approve_button.isVisible() and reviewer.return_button.isEnabled()
    assert not reviewer.reopen_button.isEnabled()
    dialog = reviewer.return_month()
    assert dialog is not None and not dialog.ok_button.isEnabled()  # a reason is required
    dialog.text.setPlainText("投入资金与凭证不一致，请核对")
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    assert reviewer.status_tag.text() == "已退回"
    assert reviewer.note.isVisible() and reviewer.note.text() == "退回原因：投入资金与凭证不一致，请核对"

    clerk.refresh()  # the clerk's page shown again
    assert clerk.status_tag.text() == "已退回" and clerk.note.text().startswith("退回原因：投入资金与凭证不一致")
    assert clerk.grid.model.editable
    type_into(qtbot, clerk.grid, 0, "funds_fen", "1.8")
    assert clerk.submit() and clerk.view.revision == 2
    history = [clerk.history.item(n).text() for n in range(clerk.history.count())]
    assert history[0].startswith("第 2 版") and "林晓华" in history[0]  # people by their names
    assert any(line.strip().startswith("改：林晓华") and "投入资金 2.00万元 → 1.80万元" in line for line in history)

    reviewer.refresh()
    approve = reviewer.approve()
    assert approve is not None and approve.ok_button.isEnabled()  # the note is optional
    approve.ok_button.click()
    assert reviewer.status_tag.text() == "已审核"
    assert get_month(clerk_ctx, reviewer.view.township_id, MONTH).rows[0].values["funds_fen"] == 1_800_000

    clerk.refresh()
    model, view = clerk.grid.model, clerk.grid.table
    assert clerk.status_tag.text() == "已审核" and not model.editable
    assert "锁定" in clerk.grid.message.text()
    column = model.column_of("funds_fen")
    assert not model.flags(model.index(0, column)) & Qt.ItemFlag.ItemIsEditable
    view.setCurrentIndex(model.index(0, column))
    qtbot.keyClick(view, "9")
    assert view.indexWidget(model.index(0, column)) is None and model.text(0, "funds_fen") == "1.80"
    paste(qtbot, clerk.grid, 0, "funds_fen", "5")
    assert model.text(0, "funds_fen") == "1.80" and "不能修改" in clerk.grid.message.text()

    reopen = reviewer.reopen()
    assert reopen is not None
    reopen.text.setPlainText("物资折款漏填")
    reopen.ok_button.click()
    assert reviewer.status_tag.text() == "草稿" and reviewer.view.revision == 3
    assert reviewer.note.text() == "更正：物资折款漏填"
    revisions = [reviewer.history.item(n).text() for n in range(reviewer.history.count())
                 if reviewer.history.item(n).text().startswith("第 ")]  # not the edit lines under them
    assert len(revisions) == 3 and revisions[0].startswith("第 3 版 · 更正")
    assert reviewer.grid.model.editable


def test_submitting_with_open_reminders_lists_them_and_asks(qtbot, monkeypatch, clerk_ctx) -> None:
    from fupin_desktop.ui.monthly import monthly_page

    clerk = open_page(qtbot, clerk_ctx)
    fill_texts(qtbot, clerk.grid)
    paste(qtbot, clerk.grid, 0, "content", "无")  # 具体帮扶内容 only says 无: a reminder
    asked: list[list[str]] = []
    answer = [False]
    monkeypatch.setattr(monthly_page, "confirm_flags", lambda _parent, lines: asked.append(lines) or answer[0])

    assert not clerk.submit()  # 返回核对
    assert clerk.status_tag.text() != "待审核" and "未提交" in clerk.grid.message.text()
    assert len(asked) == 1 and all(line.startswith("第 ") for line in asked[0])
    assert any(line.startswith("第 1 行 ") and "只写了“无”" in line for line in asked[0])
    answer[0] = True
    assert clerk.submit()  # 仍然提交
    assert clerk.status_tag.text() == "待审核" and len(asked) == 2


def test_the_reminder_box_lists_at_most_twelve(qtbot, monkeypatch) -> None:
    from fupin_desktop.ui.common import unsaved
    from fupin_desktop.ui.monthly import monthly_page

    seen = {}

    def ask(_parent, title, text, buttons, **kw):  # type: ignore[no-untyped-def]
        seen.update(title=title, text=text, informative=kw["informative"], buttons=[b[1] for b in buttons])
        return "back"

    monkeypatch.setattr(unsaved, "ask", ask)
    lines = [f"第 {n} 行 某会：提醒" for n in range(1, 16)]
    assert not monthly_page.confirm_flags(None, lines)  # type: ignore[arg-type]
    assert seen["text"] == "本月还有 15 处提醒（橙色角标）没有核实："
    assert "第 12 行" in seen["informative"] and "第 13 行" not in seen["informative"]
    assert "……另有 3 处" in seen["informative"] and seen["buttons"] == ["仍然提交", "返回核对"]
