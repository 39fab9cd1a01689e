"""No lost update in the window (issue 13): a dialog saved after someone else changed its record
asks 重新载入 / 返回修改 with the Chinese conflict message; nothing is overwritten either way."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from ui_helpers import put_chinese

from fupin_desktop.services.organizations import get_organization, save_organization
from fupin_desktop.services.pairings import editable_values, get_pairing, save_pairing
from fupin_desktop.services.places import get_village, list_villages, set_village_flags
from fupin_desktop.ui.common import unsaved
from fupin_desktop.ui.common.form_dialog import FormDialog
from fupin_desktop.ui.register.organizations_page import OrganizationsPage
from fupin_desktop.ui.register.pairing_dialog import PairingDialog
from fupin_desktop.ui.register.pairings_page import PairingsPage
from fupin_desktop.ui.register.places_page import PlacesPage


def answering(monkeypatch: pytest.MonkeyPatch, answer: str) -> list[str]:
    """The conflict box, answered ``answer``; the messages it showed."""
    asked: list[str] = []

    def ask(_parent: Any, text: str) -> str:
        asked.append(text)
        return answer

    monkeypatch.setattr(unsaved, "ask_edit_conflict", ask)
    return asked


def open_organization(qtbot, ctx) -> tuple[OrganizationsPage, FormDialog]:  # type: ignore[no-untyped-def]
    page = OrganizationsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.open_record(page.shown_rows()[0])
    dialog = page.findChild(FormDialog)
    assert dialog is not None and dialog.isVisible()
    return page, dialog


def someone_else_saves_organization(ctx, org_id: int, **changes: object) -> int:  # type: ignore[no-untyped-def]
    view = get_organization(ctx, org_id)
    save_organization(ctx, {**view.values, **changes}, org_id, expected_version=view.version)
    return get_organization(ctx, org_id).version or 0


def type_into(edit: Any, text: str) -> None:
    edit.clear()
    put_chinese(edit, text)


def test_reload_shows_the_other_users_values_and_the_next_save_goes_through(
        qtbot, clerk_ctx, reviewer_ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = answering(monkeypatch, unsaved.RELOAD)
    page, dialog = open_organization(qtbot, clerk_ctx)
    org_id = page.shown_rows()[0].id
    opened_version = dialog.version
    contact = dialog.panel.editors["contact_person"].edit
    type_into(contact, "林晓华改")
    newest = someone_else_saves_organization(reviewer_ctx, org_id, contact_person="陈志明改")

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "在您打开之后已被 陈志明（审核人）于" in asked[0]
    assert "这次没有保存" in asked[0]
    assert dialog.isVisible()  # still open, now on what is stored
    assert contact.text() == "陈志明改" and dialog.version == newest == opened_version + 1
    assert "已重新载入" in dialog.summary.text()
    assert not dialog.has_typed_changes()
    assert get_organization(clerk_ctx, org_id).values["contact_person"] == "陈志明改"  # nothing overwritten

    type_into(contact, "林晓华改")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and not dialog.isVisible()
    stored = get_organization(clerk_ctx, org_id)
    assert stored.values["contact_person"] == "林晓华改" and stored.version == newest + 1


def test_back_to_editing_keeps_the_typing_and_stores_nothing(
        qtbot, clerk_ctx, reviewer_ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = answering(monkeypatch, unsaved.KEEP)
    page, dialog = open_organization(qtbot, clerk_ctx)
    org_id = page.shown_rows()[0].id
    contact = dialog.panel.editors["contact_person"].edit
    type_into(contact, "林晓华改")
    someone_else_saves_organization(reviewer_ctx, org_id, contact_person="陈志明改")
    assert not dialog.save()
    assert len(asked) == 1 and dialog.isVisible()
    assert contact.text() == "林晓华改" and dialog.has_typed_changes()
    assert "这次没有保存" in dialog.summary.text()
    assert get_organization(clerk_ctx, org_id).values["contact_person"] == "陈志明改"
    dialog.reject()


def test_a_pairing_dialog_reloads_the_other_users_pairing_with_its_projects(
        qtbot, clerk_ctx, reviewer_ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = answering(monkeypatch, unsaved.RELOAD)
    page = PairingsPage(clerk_ctx)
    qtbot.addWidget(page)
    record = next(r for r in page.shown_rows() if len(r.extra["projects"]) == 2)
    page.open_record(record)
    dialog = page.findChild(PairingDialog)
    assert dialog is not None and dialog.count == 2
    type_into(dialog.boxes[1].panel.editors["name"].edit, "林晓华改的项目")

    # 陈志明 keeps only the first project and rewrites the commitments.
    view = get_pairing(reviewer_ctx, record.id)
    values, projects = editable_values(view)
    spec = reviewer_ctx.forms["project"]
    typed = [{k: spec.field(k).display(v) for k, v in item.items()} for item in projects[:1]]
    save_pairing(reviewer_ctx, {**values, "commitments": "陈志明改的承诺"}, typed, record.id,
                 expected_version=view.version)

    assert not dialog.save()
    assert len(asked) == 1 and f"结对协议「{record.values['agreement_no']}」在您打开之后已被 陈志明（审核人）" in asked[0]
    assert dialog.isVisible() and dialog.count == 1
    assert dialog.raw_values()["commitments"] == "陈志明改的承诺"
    assert [p["name"] for p in dialog.project_values()] == [projects[0]["name"]]
    assert dialog.boxes[1].panel.raw_values()["name"] == ""  # the dropped project does not come back on 添加
    assert dialog.version == get_pairing(clerk_ctx, record.id).version
    stored = get_pairing(clerk_ctx, record.id)
    assert len(stored.extra["projects"]) == 1 and stored.values["commitments"] == "陈志明改的承诺"
    dialog.reject()


def test_the_village_flags_dialog_refuses_a_stale_save_too(
        qtbot, clerk_ctx, reviewer_ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = answering(monkeypatch, unsaved.RELOAD)
    page = PlacesPage(clerk_ctx)
    qtbot.addWidget(page)
    village = next(v for v in page.villages.shown_rows() if not v.values["flags"])
    page.villages.open_record(village)
    dialog = page.villages.findChild(FormDialog)
    assert dialog is not None
    dialog.panel.editors["flags"].boxes["deep_poverty"].setChecked(True)
    current = next(v for v in list_villages(reviewer_ctx) if v.id == village.id)
    set_village_flags(reviewer_ctx, village.id, ["old_revolutionary"], expected_version=current.version)
    assert not dialog.save()
    assert len(asked) == 1 and "陈志明（审核人）" in asked[0]
    assert dialog.panel.editors["flags"].value() == ["old_revolutionary"]
    assert get_village(clerk_ctx, village.id).values["flags"] == ["old_revolutionary"]
    dialog.reject()
