"""社会组织 register: search (name part, credit code, pinyin initials), 状态 filter, edit, import."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from fupin_desktop.domain.enums import OrganizationStatus
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.organizations import get_organization, list_organizations, save_organization
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.records import RecordView, SaveResult
from fupin_desktop.ui.common.form_dialog import FormDialog
from fupin_desktop.ui.common.operations import run_op
from fupin_desktop.ui.common.record_model import Column
from fupin_desktop.ui.common.table_page import SearchBox, TablePage
from fupin_desktop.ui.common.widgets import button
from fupin_desktop.ui.register.register_io import import_file, save_template

FORM = "organization"


class OrganizationsPage(TablePage):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        pairings = Column("结对数", lambda r: r.extra.get("pairings", 0), width=7, numeric=True)
        super().__init__(ctx, ctx.forms[FORM], extra=[pairings], parent=parent)
        self.editable = ctx.can(Permission.EDIT_REGISTER)
        self.search = SearchBox("搜索：名称中的字、信用代码或拼音首字母（如 jjs）")
        self.search.setMinimumWidth(300)
        self.search.search.connect(lambda _text: self.refresh())
        self.status = QComboBox()
        self.status.addItem("全部状态", "")
        for member in OrganizationStatus:
            self.status.addItem(member.label, member.value)
        self.status.currentIndexChanged.connect(self._filter_status)
        self.tools.addWidget(self.search, 2)
        self.tools.addWidget(QLabel("状态"))
        self.tools.addWidget(self.status)
        self.tools.addStretch(1)
        self.add_button = button("新增", self.new_record, "登记一个新的社会组织")
        self.edit_button = button("编辑", self.edit_selected, "修改选中的社会组织（也可双击）")
        self.import_button = button("导入 Excel", self.import_excel, "从社会组织名册 Excel 文件导入或更新")
        self.template_button = button("下载模板", lambda: save_template(self, self.ctx, FORM))
        for b in (self.add_button, self.edit_button, self.import_button, self.template_button):
            self.tools.addWidget(b)
        for b in (self.add_button, self.import_button):
            b.setEnabled(self.editable)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.refresh()

    def load(self) -> list[RecordView]:
        return list_organizations(self.ctx, self.search.text())

    def _filter_status(self) -> None:
        wanted = self.status.currentData()
        self.proxy.set_predicate((lambda r: r.values.get("status") == wanted) if wanted else None)

    def _dialog(self, view: RecordView | None) -> FormDialog:
        org_id = view.id if view else None

        def save(raw: dict[str, Any]) -> SaveResult:
            # The version the dialog shows: someone else's save since it opened is refused.
            return save_organization(self.ctx, raw, org_id, expected_version=dialog.version)

        dialog = FormDialog(self.ctx.forms[FORM], view.values if view else None, self,
                            save=save if self.editable else None, version=view.version if view else None,
                            reload=(lambda: get_organization(self.ctx, view.id)) if view else None)
        dialog.saved.connect(self._saved)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _saved(self, result: SaveResult) -> None:
        self.refresh()
        self.select_id(result.id)

    def new_record(self) -> FormDialog:
        return self._dialog(None)

    def open_record(self, record: RecordView) -> None:
        run_op(self, lambda: get_organization(self.ctx, record.id), self._dialog)

    def import_excel(self) -> None:
        import_file(self, self.ctx, FORM, lambda _result: self.refresh())
