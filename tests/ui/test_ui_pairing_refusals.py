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
