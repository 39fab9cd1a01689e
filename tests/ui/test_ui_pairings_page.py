"""结对帮扶: a pairing typed through the real dialog, and the 1–2 projects rule in the dialog."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from ui_helpers import put_chinese

from fupin_desktop.domain.pinyin import initials
from fupin_desktop.services.households import get_household, list_households
from fupin_desktop.services.organizations import list_organizations
from fupin_desktop.services.pairings import list_pairings
from fupin_desktop.services.places import list_villages
from fupin_desktop.ui.register.pairing_dialog import PairingDialog
from fupin_desktop.ui.register.pairings_page import PairingsPage


def open_new(qtbot, page: PairingsPage) -> PairingDialog:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(PairingDialog)
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    return dialog




def test_a_pairing_with_one_project_saved_through_the_dialog(qtbot, clerk_ctx) -> None:
    org = next(r for r in list_organizations(clerk_ctx) if r.values["status"] == "active"
               and r.values["name"].endswith("基金会"))
    village = list_villages(clerk_ctx)[-1]
    before = len(list_pairings(clerk_ctx))
    page = PairingsPage(clerk_ctx)
    qtbot.addWidget(page)
    page.show()
    dialog = open_new(qtbot, page)
    assert dialog.count == 1 and not dialog.boxes[1].isVisible()

    # The organization: pinyin initials typed, the suggestion chosen with the keyboard.
    qtbot.keyClicks(dialog.organization.edit, initials(org.values["name"]))
    assert any(org.values["credit_code"] in s for s in dialog.organization.suggestions())
    row = next(n for n, s in enumerate(dialog.organization.suggestions()) if org.values["credit_code"] in s)
    popup = dialog.organization.completer.popup()
    assert popup.isVisible()
    for _ in range(row + 1):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert org.values["name"] in dialog.organization.edit.text()
    assert dialog.organization.value() == org.values["credit_code"]

    # The village by its code; the suggestion reads “镇名 村名 (code)”.
    qtbot.keyClicks(dialog.target.edit, village.values["code"])
    assert dialog.target.suggestions() == [
        f"{village.extra['township']} {village.values['name']} ({village.values['code']})"]
    dialog.target.pick(0)
    campaign = dialog.campaign.combo
    campaign.setCurrentIndex(campaign.findData("百社解千难"))
    editors = dialog.panel.editors
    qtbot.keyClicks(editors["signed_on"].edit.edit, "20200601")  # dates as clerks type them
    qtbot.keyClicks(editors["term_start"].edit.edit, "2020/6/1")
    put_chinese(editors["term_end"].edit.edit, "2021年12月31日")
    project = dialog.boxes[0].panel.editors
    put_chinese(project["name"].edit, "助学圆梦")
    project["domain"].combo.setCurrentIndex(project["domain"].combo.findData("education"))
    project["method"].combo.setCurrentIndex(project["method"].combo.findData("donation"))
    qtbot.keyClicks(project["budget_fen"].edit, "3.5")
    project["indicators"].edit.setPlainText("资助 20 名在校学生")
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert dialog.result() == PairingDialog.DialogCode.Accepted, dialog.summary.text()
    assert len(list_pairings(clerk_ctx)) == before + 1
    saved = page.selected()
    assert saved is not None
    assert saved.values["organization"] == org.values["name"]
    assert saved.values["target"] == village.values["name"]
    assert saved.values["signed_on"] == date(2020, 6, 1)
    text = {page.model.columns[c].title: page.proxy.index(page.table.currentIndex().row(), c).data()
            for c in range(page.model.columnCount())}
    assert text["项目数"] == "1" and text["预算(万元)"] == "3.50" and text["镇（街道）"] == village.extra["township"]


def test_projects_cannot_go_below_one_or_above_two(qtbot, clerk_ctx) -> None:
    dialog = PairingDialog(clerk_ctx, save=lambda raw, projects: None)  # type: ignore[arg-type,return-value]
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.count == 1
    assert not dialog.boxes[0].remove_button.isVisible()  # project 1 has no remove button
    assert not dialog.remove_project(1)
    assert "至少要有 1 个" in dialog.message_of("projects")

    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.count == 2 and dialog.boxes[1].isVisible()
    assert not dialog.add_button.isVisible()  # no third
    assert not dialog.add_project()
    assert "最多 2 个" in dialog.message_of("projects")
    assert len(dialog.project_values()) == 2

    qtbot.mouseClick(dialog.boxes[1].remove_button, Qt.MouseButton.LeftButton)
    assert dialog.count == 1 and not dialog.boxes[1].isVisible() and dialog.add_button.isVisible()
    assert len(dialog.project_values()) == 1


def test_problems_land_under_the_right_project_field(qtbot, clerk_ctx) -> None:
    before = len(list_pairings(clerk_ctx))
    page = PairingsPage(clerk_ctx)
    qtbot.addWidget(page)
    page.show()
    dialog = open_new(qtbot, page)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    project2 = dialog.boxes[1].panel.editors
    qtbot.keyClicks(project2["budget_fen"].edit, "-5")
    assert not dialog.save()

    assert dialog.message_of("organization") == "必须填写"
    assert dialog.message_of("project1.name") == "必须填写"
    assert dialog.message_of("project2.budget_fen") != ""
    assert dialog.message_of("project2.indicators") == ""
    assert dialog.organization.edit.hasFocus()
    assert len(list_pairings(clerk_ctx)) == before
    dialog.reject()


def test_the_township_filter_narrows_the_table(qtbot, clerk_ctx) -> None:
    page = PairingsPage(clerk_ctx)
    qtbot.addWidget(page)
    total = len(page.shown_rows())
    page.township.setCurrentIndex(1)
    name = page.township.currentText()
    rows = page.shown_rows()
    assert len(rows) < total and all(r.values["township"] == name for r in rows)


def test_an_existing_pairing_opens_with_its_references_and_projects(qtbot, clerk_ctx) -> None:
    page = PairingsPage(clerk_ctx)
    qtbot.addWidget(page)
    first = next(r for r in page.shown_rows() if len(r.extra["projects"]) == 2)
    page.open_record(first)
    dialog = page.findChild(PairingDialog)
    assert dialog is not None
    assert dialog.organization.value() == first.extra["credit_code"]
    assert first.values["organization"] in dialog.organization.edit.text()
    assert dialog.count == 2
    assert dialog.project_values()[1]["name"] == first.extra["projects"][1]["name"]
    dialog.reject()


def test_a_household_target_is_picked_from_the_masked_list_and_saved_with_the_full_number(
        qtbot, clerk_ctx) -> None:
    household = next(h for h in list_households(clerk_ctx) if h.values["head_name"] == "陈堃")
    org = next(r for r in list_organizations(clerk_ctx) if r.values["status"] == "active")
    page = PairingsPage(clerk_ctx)
    qtbot.addWidget(page)
    page.show()
    dialog = open_new(qtbot, page)
    dialog.target_kind.combo.setCurrentIndex(dialog.target_kind.combo.findData("household"))
    qtbot.keyClicks(dialog.organization.edit, org.values["credit_code"])
    dialog.organization.pick(0)
    qtbot.keyClicks(dialog.target.edit, household.values["id_number"][-4:])  # the last digits: no oracle
    assert not any(s.startswith("陈堃") for s in dialog.target.suggestions())
    dialog.target.edit.clear()
    put_chinese(dialog.target.edit, "陈堃")  # the head's name finds the household
    row = next(n for n, s in enumerate(dialog.target.suggestions()) if s.startswith("陈堃"))
    assert "********" in dialog.target.suggestions()[row]  # the list stays masked
    dialog.target.pick(row)
    full = get_household(clerk_ctx, household.id).values["id_number"]
    assert dialog.target.value() == full and "*" not in full
    for name in ("signed_on", "term_start"):
        qtbot.keyClicks(dialog.panel.editors[name].edit.edit, "2020-07-01")
    qtbot.keyClicks(dialog.panel.editors["term_end"].edit.edit, "20201231")
    project = dialog.boxes[0].panel.editors
    put_chinese(project["name"].edit, "助学")
    project["domain"].combo.setCurrentIndex(1)
    project["method"].combo.setCurrentIndex(1)
    qtbot.keyClicks(project["budget_fen"].edit, "1")
    assert dialog.save(), dialog.summary.text()
    saved = page.selected()
    assert saved is not None and saved.extra["household_id"] == household.id
    assert saved.values["target"].startswith("陈*")  # shown masked in the register
