"""村社与帮扶对象: townships on the left; villages (with their flags), households and welfare
institutions of the chosen township on the right."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QSplitter, QTabWidget, QVBoxLayout, QWidget

from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.households import get_household, list_households, save_household
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.places import (
    get_institution,
    get_village,
    list_institutions,
    list_townships,
    list_villages,
    save_institution,
    set_village_flags,
    village_stats,
)
from fupin_desktop.services.records import RecordView, SaveResult
from fupin_desktop.ui.common import ui_state
from fupin_desktop.ui.common.form_dialog import FormDialog
from fupin_desktop.ui.common.lookups import township_editor, village_editor
from fupin_desktop.ui.common.operations import run_op
from fupin_desktop.ui.common.record_model import Column
from fupin_desktop.ui.common.table_page import SearchBox, TablePage
from fupin_desktop.ui.common.widgets import button
from fupin_desktop.ui.register.register_io import import_file, save_template

MASKED_NOTE = "身份证号已隐去中间几位：你的角色不能查看完整号码。"


def _open(dialog: FormDialog, on_saved: Callable[[Any], None]) -> FormDialog:
    dialog.saved.connect(on_saved)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


class VillagesTab(TablePage):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        self._stats: dict[int, dict[str, int]] = {}
        extra = [
            Column("帮扶对象(户)", lambda r: self._stats.get(r.id, {}).get("households", 0), width=12, numeric=True),
            Column("结对数", lambda r: self._stats.get(r.id, {}).get("pairings", 0), width=7, numeric=True),
        ]
        super().__init__(ctx, ctx.forms["village"], extra=extra, parent=parent)
        self.township_id: int | None = None
        self.search = SearchBox("搜索：村（社区）名称或区划代码")
        self.search.search.connect(lambda _text: self.refresh())
        self.flags_button = button("设置村情标识", self.edit_selected, "深度贫困村、省定贫困村、老区村、相对贫困村（也可双击）")
        self.flags_button.setEnabled(ctx.can(Permission.SET_VILLAGE_FLAGS))
        self.tools.addWidget(self.search, 1)
        self.tools.addStretch(1)
        self.tools.addWidget(self.flags_button)

    def load(self) -> list[RecordView]:
        self._stats = village_stats(self.ctx)
        return list_villages(self.ctx, self.township_id, self.search.text())

    def open_record(self, record: RecordView) -> None:
        allowed = self.ctx.can(Permission.SET_VILLAGE_FLAGS)

        def save(raw: dict[str, Any]) -> SaveResult:
            # The version the dialog shows: someone else's save since it opened is refused.
            set_village_flags(self.ctx, record.id, raw.get("flags") or [], expected_version=dialog.version)
            return SaveResult(record.id, False, [])

        dialog = FormDialog(self.ctx.forms["village"], record.values, self, save=save if allowed else None,
                            title=f"村情标识 — {record.extra.get('township', '')}{record.values['name']}",
                            version=record.version, reload=lambda: get_village(self.ctx, record.id))
        _open(dialog, lambda _result: self.refresh())


class HouseholdsTab(TablePage):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        township = Column("镇（街道）", lambda r: r.extra.get("township", ""), width=12)
        super().__init__(ctx, ctx.forms["household"], extra=[township], parent=parent)
        self.editable = ctx.can(Permission.EDIT_HOUSEHOLDS)
        self.township_name = ""
        self.search = SearchBox("搜索：户主姓名、所在村或完整的身份证号")
        self.search.search.connect(lambda _text: self.refresh())
        self.add_button = button("新增帮扶对象", self.new_record)
        self.open_button = button("打开", self.edit_selected, "查看或修改选中的一户（也可双击）")
        self.import_button = button("导入 Excel", self.import_excel,
                                    "从帮扶对象名单 Excel 文件导入；身份证号已登记的户更新（有错则整表不导入）")
        self.template_button = button("下载模板", lambda: save_template(self, self.ctx, "household"))
        self.add_button.setEnabled(self.editable)
        self.import_button.setEnabled(self.editable)
        self.imported: Callable[[], None] = self.refresh  # the places page also recounts its villages
        self.tools.addWidget(self.search, 1)
        self.tools.addStretch(1)
        for b in (self.add_button, self.open_button, self.import_button, self.template_button):
            self.tools.addWidget(b)

    def load(self) -> list[RecordView]:
        return list_households(self.ctx, self.search.text())  # masked, always

    def set_township(self, name: str) -> None:
        self.township_name = name
        self.proxy.set_predicate((lambda r: r.extra.get("township") == name) if name else None)

    def _dialog(self, view: RecordView | None) -> FormDialog:
        household_id = view.id if view else None
        masked = bool(view and view.extra.get("masked"))

        def save(raw: dict[str, Any]) -> SaveResult:
            # The version the dialog shows: someone else's save since it opened is refused.
            return save_household(self.ctx, raw, household_id, expected_version=dialog.version)

        spec = self.ctx.forms["household"]
        dialog = FormDialog(spec, view.values if view else None, self,
                            save=save if self.editable and not masked else None,
                            editors={"village": village_editor(self.ctx, spec.field("village"))},
                            note=MASKED_NOTE if masked else "", version=view.version if view else None,
                            reload=(lambda: get_household(self.ctx, view.id, why="重新载入别人修改后的内容"))
                            if view else None)
        return _open(dialog, self._saved)

    def _saved(self, result: SaveResult) -> None:
        self.refresh()
        self.select_id(result.id)

    def new_record(self) -> FormDialog:
        return self._dialog(None)

    def open_record(self, record: RecordView) -> None:
        run_op(self, lambda: get_household(self.ctx, record.id), self._dialog)

    def import_excel(self) -> None:
        import_file(self, self.ctx, "household", lambda _result: self.imported())


class InstitutionsTab(TablePage):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, ctx.forms["institution"], parent=parent)
        self.editable = ctx.can(Permission.EDIT_REGISTER)
        self.add_button = button("新增福利机构", self.new_record)
        self.edit_button = button("编辑", self.edit_selected, "修改选中的机构（也可双击）")
        self.add_button.setEnabled(self.editable)
        self.tools.addStretch(1)
        self.tools.addWidget(self.add_button)
        self.tools.addWidget(self.edit_button)

    def load(self) -> list[RecordView]:
        return list_institutions(self.ctx)

    def set_township(self, name: str) -> None:
        self.proxy.set_predicate((lambda r: r.values.get("township") == name) if name else None)

    def _dialog(self, view: RecordView | None) -> FormDialog:
        institution_id = view.id if view else None

        def save(raw: dict[str, Any]) -> SaveResult:
            # The version the dialog shows: someone else's save since it opened is refused.
            return save_institution(self.ctx, raw, institution_id, expected_version=dialog.version)

        spec = self.ctx.forms["institution"]
        township, _ids = township_editor(self.ctx, spec.field("township"))
        dialog = FormDialog(spec, view.values if view else None, self, save=save if self.editable else None,
                            editors={"township": township}, version=view.version if view else None,
                            reload=(lambda: get_institution(self.ctx, view.id)) if view else None)
        return _open(dialog, lambda result: (self.refresh(), self.select_id(result.id)))

    def new_record(self) -> FormDialog:
        return self._dialog(None)

    def open_record(self, record: RecordView) -> None:
        self._dialog(record)


class PlacesPage(QWidget):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.townships = QListWidget()
        self.townships.setMinimumWidth(150)
        self.villages = VillagesTab(ctx)
        self.households = HouseholdsTab(ctx)
        self.institutions = InstitutionsTab(ctx)
        self.households.imported = self.refresh
        self.tabs = QTabWidget()
        self.tabs.addTab(self.villages, "村（社区）")
        self.tabs.addTab(self.households, "帮扶对象")
        self.tabs.addTab(self.institutions, "福利机构")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.townships)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([170, 1000])
        ui_state.remember_splitter(splitter, "places")
        QVBoxLayout(self).addWidget(splitter)
        self._fill_townships()
        self.townships.currentRowChanged.connect(lambda _row: self._township_chosen())
        self.townships.setCurrentRow(0)
        self.refresh()

    def _fill_townships(self) -> None:
        everything = QListWidgetItem("全部镇（街道）")
        everything.setData(Qt.ItemDataRole.UserRole, (None, ""))
        self.townships.addItem(everything)
        for t in list_townships(self.ctx):
            item = QListWidgetItem(f"{t.values['name']}（{t.extra.get('villages', 0)}）")
            item.setToolTip(f"{t.values['code']} · {t.extra.get('kind', '')} · {t.extra.get('villages', 0)} 个村（社区）")
            item.setData(Qt.ItemDataRole.UserRole, (t.id, t.values["name"]))
            self.townships.addItem(item)

    def _township_chosen(self) -> None:
        item = self.townships.currentItem()
        township_id, name = item.data(Qt.ItemDataRole.UserRole) if item else (None, "")
        self.villages.township_id = township_id
        self.villages.refresh()
        self.households.set_township(name)
        self.institutions.set_township(name)

    def refresh(self) -> None:
        self.villages.refresh()
        self.households.refresh()
        self.institutions.refresh()
