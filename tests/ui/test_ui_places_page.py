"""村社与帮扶对象: masked ID numbers in lists, the full number only for roles allowed; flags."""

from __future__ import annotations

from fupin_desktop.services.places import list_villages
from fupin_desktop.ui.common.form_dialog import FormDialog
from fupin_desktop.ui.register.places_page import MASKED_NOTE, PlacesPage


def test_the_household_list_shows_masked_id_numbers(qtbot, clerk_ctx) -> None:
    page = PlacesPage(clerk_ctx)
    qtbot.addWidget(page)
    tab = page.households
    column = tab.model.column_of("户主身份证号")
    shown = [tab.proxy.index(r, column).data() for r in range(tab.proxy.rowCount())]
    assert len(shown) >= 100
    assert all(len(s) == 18 and s[6:14] == "********" for s in shown)
    names = {r.values["head_name"] for r in tab.shown_rows()}
    assert {"王𠮷", "陈堃"} <= names


def test_a_clerk_opening_a_household_sees_the_full_id_number(qtbot, clerk_ctx) -> None:
    page = PlacesPage(clerk_ctx)
    qtbot.addWidget(page)
    record = next(r for r in page.households.shown_rows() if r.values["head_name"] == "王𠮷")
    page.households.open_record(record)
    dialog = page.households.findChild(FormDialog)
    assert dialog is not None and dialog.editable
    full = dialog.panel.editors["id_number"].edit.text()
    assert "*" not in full and full.endswith(record.values["id_number"][-4:])
    dialog.reject()


def test_an_admin_opening_a_household_sees_it_masked_and_read_only(qtbot, admin_ctx) -> None:
    page = PlacesPage(admin_ctx)
    qtbot.addWidget(page)
    record = page.households.shown_rows()[0]
    page.households.open_record(record)
    dialog = page.households.findChild(FormDialog)
    assert dialog is not None and not dialog.editable
    assert "********" in dialog.panel.editors["id_number"].edit.text()
    assert not dialog.save_button.isVisible()
    assert MASKED_NOTE in [w.text() for w in dialog.findChildren(type(page.households.count_label))]
    assert not page.households.add_button.isEnabled()
    dialog.reject()


def test_choosing_a_township_narrows_villages_households_and_institutions(qtbot, clerk_ctx) -> None:
    page = PlacesPage(clerk_ctx)
    qtbot.addWidget(page)
    all_villages = len(page.villages.shown_rows())
    page.townships.setCurrentRow(1)
    name = page.townships.currentItem().text().split("（")[0]
    villages = page.villages.shown_rows()
    assert 0 < len(villages) < all_villages
    assert all(v.extra["township"] == name for v in villages)
    assert all(h.extra["township"] == name for h in page.households.shown_rows())


def test_village_flags_are_set_through_the_flags_dialog(qtbot, clerk_ctx) -> None:
    page = PlacesPage(clerk_ctx)
    qtbot.addWidget(page)
    village = next(v for v in page.villages.shown_rows() if not v.values["flags"])
    page.villages.open_record(village)
    dialog = page.villages.findChild(FormDialog)
    assert dialog is not None
    assert dialog.panel.editors["code"].edit.isReadOnly()
    dialog.panel.editors["flags"].boxes["old_revolutionary"].setChecked(True)
    assert dialog.save()
    after = next(v for v in list_villages(clerk_ctx) if v.id == village.id)
    assert after.values["flags"] == ["old_revolutionary"]
    row = page.villages.model.row_of_id(village.id)
    assert page.villages.model.index(row, page.villages.model.column_of("村情标识")).data() == "老区村"
