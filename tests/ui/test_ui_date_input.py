"""Dates typed the way clerks type them are read; anything else is refused with a message and
left as typed, never replaced by today's date."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from ui_helpers import put_chinese

from fupin_desktop.errors import KnownError
from fupin_desktop.services.organizations import list_organizations
from fupin_desktop.services.pairings import list_pairings, save_pairing
from fupin_desktop.ui.common.date_input import DateInput
from fupin_desktop.ui.register.pairing_dialog import PairingDialog

pytestmark = pytest.mark.gui


def _typed(qtbot, text: str) -> DateInput:  # type: ignore[no-untyped-def]
    field = DateInput("签订日期")
    qtbot.addWidget(field)
    field.show()
    if text.isascii():
        qtbot.keyClicks(field.edit, text)
    else:
        put_chinese(field.edit, text)
    qtbot.keyClick(field.edit, Qt.Key.Key_Tab)
    field.edit.editingFinished.emit()
    return field


@pytest.mark.parametrize("text", ["20261201", "2026.12.1", "2026-12-01", "2026/12/1", "2026年12月1日"])
def test_the_ways_clerks_type_a_date_are_read_and_written_back_whole(qtbot, text: str) -> None:
    field = _typed(qtbot, text)
    assert field.date() == date(2026, 12, 1)
    assert field.text() == "2026-12-01" and field.edit.toolTip() == ""


@pytest.mark.parametrize(("text", "why"), [("2026-13-01", "不是有效日期"), ("20261232", "不是有效日期"),
                                           ("2026-12", "缺少日"), ("12/1", "无法识别"), ("明天", "无法识别")])
def test_anything_else_is_refused_with_a_message_and_left_as_typed(qtbot, text: str, why: str) -> None:
    field = _typed(qtbot, text)
    with pytest.raises(KnownError, match=why) as refused:
        field.date()
    assert str(refused.value).startswith("签订日期")
    assert field.text() == text  # not today, not cleared
    assert why in field.edit.toolTip() and "border" in field.edit.styleSheet()


def test_an_empty_date_is_none_and_a_form_refuses_a_bad_one_by_its_field(qtbot, clerk_ctx) -> None:
    assert _typed(qtbot, "").date() is None
    org = list_organizations(clerk_ctx)[0]
    before = len(list_pairings(clerk_ctx))
    dialog = PairingDialog(clerk_ctx, save=lambda raw, projects: save_pairing(clerk_ctx, raw, projects))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.organization.edit, org.values["credit_code"])
    editors = dialog.panel.editors
    qtbot.keyClicks(editors["signed_on"].edit.edit, "2020.6.31")
    qtbot.keyClicks(editors["term_start"].edit.edit, "20200601")
    assert not dialog.save()
    assert "2020.6.31" in dialog.message_of("signed_on") and "不是有效日期" in dialog.message_of("signed_on")
    assert dialog.message_of("term_start") == "" and editors["signed_on"].edit.text() == "2020.6.31"
    assert len(list_pairings(clerk_ctx)) == before
