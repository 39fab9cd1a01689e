"""A pairing to a village the county does not have is refused in the dialog, next to the field."""

from __future__ import annotations

from ui_helpers import put_chinese

from fupin_desktop.services.organizations import list_organizations
from fupin_desktop.services.pairings import list_pairings, save_pairing
from fupin_desktop.ui.register.pairing_dialog import PairingDialog


def test_unknown_village_is_refused_next_to_the_target_field(qtbot, clerk_ctx) -> None:
    org = next(r for r in list_organizations(clerk_ctx) if r.values["status"] == "active")
    before = len(list_pairings(clerk_ctx))
    dialog = PairingDialog(clerk_ctx, save=lambda raw, projects: save_pairing(clerk_ctx, raw, projects))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.organization.edit, org.values["credit_code"])
    put_chinese(dialog.target.edit, "不存在村")  # typed, not picked from the suggestions
    editors = dialog.panel.editors
    for name in ("signed_on", "term_start"):
        qtbot.keyClicks(editors[name].edit.edit, "20200601")  # as clerks type a date
    qtbot.keyClicks(editors["term_end"].edit.edit, "2021.12.31")
    project = dialog.boxes[0].panel.editors
    put_chinese(project["name"].edit, "助学圆梦")
    project["domain"].combo.setCurrentIndex(project["domain"].combo.findData("education"))
    project["method"].combo.setCurrentIndex(project["method"].combo.findData("donation"))
    qtbot.keyClicks(project["budget_fen"].edit, "2")
    assert not dialog.save()
    assert "不存在村" in dialog.message_of("target") and "没有" in dialog.message_of("target")
    assert dialog.message_of("organization") == ""
    assert len(list_pairings(clerk_ctx)) == before


def _fill_term_and_project(qtbot, dialog: PairingDialog) -> None:  # type: ignore[no-untyped-def]
    editors = dialog.panel.editors
    for name in ("signed_on", "term_start"):
        qtbot.keyClicks(editors[name].edit.edit, "20200601")
    qtbot.keyClicks(editors["term_end"].edit.edit, "2021.12.31")
    project = dialog.boxes[0].panel.editors
    put_chinese(project["name"].edit, "色达助学")
    project["domain"].combo.setCurrentIndex(project["domain"].combo.findData("education"))
    project["method"].combo.setCurrentIndex(project["method"].combo.findData("donation"))
    qtbot.keyClicks(project["budget_fen"].edit, "2")


def test_a_remote_pairing_is_picked_from_the_national_table_and_listed_under_duikou(qtbot, clerk_ctx) -> None:
    org = next(r for r in list_organizations(clerk_ctx) if r.values["status"] == "active")
    dialog = PairingDialog(clerk_ctx, save=lambda raw, projects: save_pairing(clerk_ctx, raw, projects))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.organization.edit, org.values["credit_code"])
    kind = dialog.target_kind.combo
    kind.setCurrentIndex(kind.findData("remote"))
    put_chinese(dialog.target.edit, "色达县")
    dialog.target._refresh("色达县")  # the suggestions as typing shows them
    assert dialog.target.suggestions()[0] == "四川省甘孜藏族自治州色达县 (513333)"
    dialog.target.pick(0)
    _fill_term_and_project(qtbot, dialog)
    assert dialog.save(), dialog.message_of("target")
    made = next(v for v in list_pairings(clerk_ctx) if v.values["target_kind"] == "remote")
    assert (made.values["target"], made.values["township"]) == ("四川省甘孜藏族自治州色达县", "对口支援（县外）")


def test_a_target_in_the_county_is_refused_as_remote(qtbot, clerk_ctx) -> None:
    org = next(r for r in list_organizations(clerk_ctx) if r.values["status"] == "active")
    before = len(list_pairings(clerk_ctx))
    dialog = PairingDialog(clerk_ctx, save=lambda raw, projects: save_pairing(clerk_ctx, raw, projects))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.organization.edit, org.values["credit_code"])
    dialog.target_kind.combo.setCurrentIndex(dialog.target_kind.combo.findData("remote"))
    qtbot.keyClicks(dialog.target.edit, "350582001004")  # a community of the county itself
    _fill_term_and_project(qtbot, dialog)
    assert not dialog.save()
    assert "在本县" in dialog.message_of("target")
    assert len(list_pairings(clerk_ctx)) == before
