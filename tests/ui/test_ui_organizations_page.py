"""社会组织: typing a new organization through the real dialog, a refused code, pinyin search."""

from __future__ import annotations

from PySide6.QtCore import Qt
from ui_helpers import put_chinese

from fupin_desktop.domain.credit_code import make_credit_code
from fupin_desktop.domain.pinyin import initials
from fupin_desktop.services.organizations import list_organizations
from fupin_desktop.ui.common import unsaved
from fupin_desktop.ui.common.form_dialog import FormDialog
from fupin_desktop.ui.register.organizations_page import OrganizationsPage


def open_new_dialog(qtbot, page: OrganizationsPage) -> FormDialog:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(FormDialog)
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    return dialog


def names_in(page: OrganizationsPage) -> list[str]:
    return [r.values["name"] for r in page.shown_rows()]


def test_a_new_organization_typed_in_the_dialog_appears_in_the_table(qtbot, clerk_ctx) -> None:
    page = OrganizationsPage(clerk_ctx)
    qtbot.addWidget(page)
    page.show()
    dialog = open_new_dialog(qtbot, page)
    editors = dialog.panel.editors
    put_chinese(editors["name"].edit, "晋江市测试志愿者协会")
    code = make_credit_code("5", "1", "350582", "MJ0T0001")
    qtbot.keyClicks(editors["credit_code"].edit, code)
    kind = editors["kind"].combo
    kind.setCurrentIndex(kind.findData("social_group"))
    qtbot.keyClicks(editors["contact_phone"].edit, "0595-85681234")
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S saves

    assert dialog.result() == FormDialog.DialogCode.Accepted
    assert "晋江市测试志愿者协会" in names_in(page)
    saved = page.selected()
    assert saved is not None and saved.values["credit_code"] == code
    assert saved.values["contact_phone"] == "0595-85681234"


def test_a_bad_credit_code_is_shown_next_to_its_field_and_nothing_is_saved(qtbot, monkeypatch, clerk_ctx) -> None:
    before = len(list_organizations(clerk_ctx))
    page = OrganizationsPage(clerk_ctx)
    qtbot.addWidget(page)
    page.show()
    dialog = open_new_dialog(qtbot, page)
    editors = dialog.panel.editors
    put_chinese(editors["name"].edit, "晋江市错误代码商会")
    good = make_credit_code("5", "1", "350582", "MJ0T0002")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")  # wrong check character
    qtbot.keyClicks(editors["credit_code"].edit, bad)
    editors["kind"].combo.setCurrentIndex(editors["kind"].combo.findData("social_group"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    message = dialog.message_of("credit_code")
    assert "校验" in message or "第18位" in message, message
    assert dialog.message_of("name") == ""
    assert editors["credit_code"].edit.hasFocus()
    assert len(list_organizations(clerk_ctx)) == before
    assert "晋江市错误代码商会" not in names_in(page)
    asked: list[bool] = []
    monkeypatch.setattr(unsaved, "ask_discard_typed", lambda _parent: asked.append(True) or True)  # 放弃
    dialog.reject()  # typed content: 放弃已填写的内容？ asked (and answered 放弃)
    assert asked == [True] and not dialog.isVisible()


def test_a_kind_that_does_not_match_the_code_saves_with_an_orange_warning(qtbot, clerk_ctx) -> None:
    page = OrganizationsPage(clerk_ctx)
    qtbot.addWidget(page)
    page.show()
    dialog = open_new_dialog(qtbot, page)
    editors = dialog.panel.editors
    put_chinese(editors["name"].edit, "晋江市类型不符基金会")
    qtbot.keyClicks(editors["credit_code"].edit, make_credit_code("5", "1", "350582", "MJ0T0003"))
    editors["kind"].combo.setCurrentIndex(editors["kind"].combo.findData("foundation"))
    assert dialog.save()

    assert dialog.isVisible()  # waits for 完成 so the warning is read
    assert "不一致" in dialog.message_of("kind")
    assert "已保存" in dialog.summary.text()
    assert "晋江市类型不符基金会" in names_in(page)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == FormDialog.DialogCode.Accepted


def test_search_finds_an_organization_by_pinyin_initials(qtbot, clerk_ctx) -> None:
    page = OrganizationsPage(clerk_ctx)
    qtbot.addWidget(page)
    page.show()
    everyone = names_in(page)
    target = next(n for n in everyone if n.endswith("基金会"))
    typed = initials(target)  # e.g. jjsnkxczxjjh for 晋江市内坑乡村振兴基金会
    assert typed.isascii() and typed.startswith("jjs")
    qtbot.keyClicks(page.search, typed)  # the table follows a moment after typing stops
    qtbot.waitUntil(lambda: len(names_in(page)) < len(everyone))
    found = names_in(page)
    assert target in found
    qtbot.keyClicks(page.search, "qqqq")
    qtbot.waitUntil(lambda: names_in(page) == [])
    assert page.count_label.text() == "共 0 条"


def test_status_filter_hides_deregistered_organizations(qtbot, clerk_ctx) -> None:
    page = OrganizationsPage(clerk_ctx)
    qtbot.addWidget(page)
    total = len(page.shown_rows())
    page.status.setCurrentIndex(page.status.findData("deregistered"))
    gone = page.shown_rows()
    assert 0 < len(gone) < total and all(r.values["status"] == "deregistered" for r in gone)
    assert "显示" in page.count_label.text()


def test_double_click_opens_the_organization_for_editing(qtbot, clerk_ctx) -> None:
    page = OrganizationsPage(clerk_ctx)
    qtbot.addWidget(page)
    page.show()
    first = page.shown_rows()[0]
    page.open_record(first)
    dialog = page.findChild(FormDialog)
    assert dialog is not None
    assert dialog.panel.editors["credit_code"].edit.text() == first.values["credit_code"]
    assert "修改" in dialog.windowTitle()
    dialog.reject()


def test_enter_moves_to_the_next_field_tab_follows_the_form_and_esc_cancels(qtbot, clerk_ctx) -> None:
    page = OrganizationsPage(clerk_ctx)
    qtbot.addWidget(page)
    page.show()
    dialog = open_new_dialog(qtbot, page)
    editors = dialog.panel.editors
    assert editors["name"].edit.hasFocus()
    qtbot.keyClick(editors["name"].edit, Qt.Key.Key_Return)
    assert editors["credit_code"].edit.hasFocus() and dialog.isVisible()  # Enter did not save
    qtbot.keyClick(editors["credit_code"].edit, Qt.Key.Key_Tab)
    assert editors["kind"].combo.hasFocus()
    chain, widget = [], dialog.panel.focus_widgets()[0]
    for _ in range(len(dialog.panel.focus_widgets()) - 1):
        widget = widget.nextInFocusChain()
        while not widget.focusPolicy() & Qt.FocusPolicy.TabFocus or not widget.isVisible():
            widget = widget.nextInFocusChain()
        chain.append(widget)
    assert chain == dialog.panel.focus_widgets()[1:]
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == FormDialog.DialogCode.Rejected and not dialog.isVisible()
