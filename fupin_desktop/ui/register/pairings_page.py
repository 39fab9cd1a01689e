"""结对帮扶 register: who is paired with whom, in which campaign, how many projects, what budget."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QWidget

from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.pairings import editable_values, get_pairing, list_pairings, save_pairing
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.places import list_townships
from fupin_desktop.services.records import RecordView, SaveResult
from fupin_desktop.ui.common.operations import run_op
from fupin_desktop.ui.common.record_model import Column
from fupin_desktop.ui.common.table_page import SearchBox, TablePage
from fupin_desktop.ui.common.widgets import button
from fupin_desktop.ui.register.evaluation_dialog import open_evaluation
from fupin_desktop.ui.register.pairing_dialog import PairingDialog
from fupin_desktop.ui.register.register_io import import_file, save_template

FORM = "pairing"
COLUMNS = ["agreement_no", "township", "organization", "target", "campaign", "signed_on", "status"]


class PairingsPage(TablePage):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        budget = ctx.forms["project"].field("budget_fen")
        extra = [
            Column("项目数", lambda r: len(r.extra.get("projects", [])), width=7, numeric=True),
            Column("预算(万元)", lambda r: r.extra.get("budget_fen", 0), budget.display, width=11, numeric=True),
        ]
        super().__init__(ctx, ctx.forms[FORM], fields=COLUMNS, extra=extra, parent=parent)
        self.editable = ctx.can(Permission.EDIT_REGISTER)
        self.search = SearchBox("搜索：组织、结对对象、镇（街道）或协议编号")
        self.search.setMinimumWidth(260)
        self.search.search.connect(lambda _text: self.refresh())
        self.township = QComboBox()
        self.township.addItem("全部镇（街道）", None)
        for t in list_townships(ctx):
            self.township.addItem(t.values["name"], t.id)
        self.township.setMaxVisibleItems(25)
        self.township.currentIndexChanged.connect(lambda _n: self.refresh())
        self.tools.addWidget(self.search, 2)
        self.tools.addWidget(QLabel("镇（街道）"))
        self.tools.addWidget(self.township)
        self.tools.addStretch(1)
        self.add_button = button("新增", self.new_record, "登记一份新的结对帮扶协议")
        self.edit_button = button("编辑", self.edit_selected, "修改选中的协议（也可双击）")
        self.import_button = button("导入 Excel", self.import_excel, "从结对帮扶名单 Excel 文件导入或更新")
        self.template_button = button("下载模板", lambda: save_template(self, self.ctx, FORM))
        self.evaluate_button = button("年终评估", lambda: open_evaluation(self, self.ctx, self.selected()),
                                      "对所选结对按考核标准评定年度等次（审核人）")
        self.evaluate_button.setVisible(ctx.can(Permission.EVALUATE))
        self.commend_button = button("表彰名单", self.open_commendations,
                                     "年度先进单位和先进个人名单、典型案例，等级评估加分名单（审核人修改）")
        for b in (self.add_button, self.edit_button, self.evaluate_button, self.commend_button, self.import_button,
                  self.template_button):
            self.tools.addWidget(b)
        for b in (self.add_button, self.import_button):
            b.setEnabled(self.editable)
        self.refresh()

    def load(self) -> list[RecordView]:
        return list_pairings(self.ctx, self.search.text(), self.township.currentData())

    def _dialog(self, view: RecordView | None) -> PairingDialog:
        pairing_id = view.id if view else None

        def save(raw: dict[str, Any], projects: list[dict[str, Any]]) -> SaveResult:
            # The version the dialog shows: someone else's save since it opened is refused.
            return save_pairing(self.ctx, raw, projects, pairing_id, expected_version=dialog.version)

        values, projects = editable_values(view) if view else (None, [])
        dialog = PairingDialog(self.ctx, values, projects, self, save=save if self.editable else None,
                               household_id=view.extra.get("household_id") if view else None,
                               version=view.version if view else None,
                               reload=(lambda: get_pairing(self.ctx, view.id)) if view else None)
        dialog.saved.connect(self._saved)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _saved(self, result: SaveResult) -> None:
        self.refresh()
        self.select_id(result.id)

    def new_record(self) -> PairingDialog:
        return self._dialog(None)

    def open_record(self, record: RecordView) -> None:
        run_op(self, lambda: get_pairing(self.ctx, record.id), self._dialog)

    def open_commendations(self) -> QDialog:
        # Imported here: the 表彰名单 brings the PDF and Excel writers, not needed to open the page.
        from fupin_desktop.ui.register.commendation_dialog import open_commendations

        return open_commendations(self, self.ctx)

    def import_excel(self) -> None:
        import_file(self, self.ctx, FORM, lambda _result: self.refresh())
