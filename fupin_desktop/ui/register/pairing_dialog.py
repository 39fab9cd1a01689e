"""结对帮扶协议 dialog: the pairing form on the left, its 1–2 合作项目 on the right.

References are picked from suggestions (organization by name part, code or pinyin initials;
the target by the kind chosen). ``save(raw, projects) -> SaveResult`` is the service call;
problems named ``project2.budget_fen`` land under that project's field, ``projects`` (the
count rule) above the projects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.households import get_household
from fupin_desktop.services.pairings import editable_values
from fupin_desktop.services.records import RecordView, SaveResult
from fupin_desktop.ui.common.fields import Choice, ChoiceEditor, RefEditor
from fupin_desktop.ui.common.form_dialog import RecordDialog, scrolled
from fupin_desktop.ui.common.form_panel import FormPanel, Problem
from fupin_desktop.ui.common.lookups import (
    campaign_editor,
    household_choices,
    household_id_number,
    institution_choices,
    organization_choices,
    remote_choices,
    township_editor,
    village_choices,
)
from fupin_desktop.ui.common.widgets import ERROR_COLOR, message_label, show_message

SaveFn = Callable[[dict[str, Any], list[dict[str, Any]]], SaveResult]
_TARGET_HINTS = {
    "village": "输入村（社区）名称中的字或区划代码，从列表中选择",
    "household": "输入户主姓名、所在村或完整的身份证号，从列表中选择",
    "institution": "输入福利机构名称中的字，从列表中选择",
    "remote": "输入县外的县、乡镇或村名称中的字或区划代码，从列表中选择（如 色达县）",
    "organization": "填对方社会组织的全称；镇（街道）留空",
}


class ProjectBox(QGroupBox):
    def __init__(self, ctx: ServiceContext, n: int, on_remove: Callable[[int], bool]) -> None:
        super().__init__(f"项目 {n}")
        self.n = n
        self.panel = FormPanel(ctx.forms["project"], prefix=f"project{n}.")
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        self.remove_button = QPushButton(f"删除项目 {n}")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(lambda _checked=False: on_remove(self.n))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.remove_button)
        layout.addLayout(row)


class PairingDialog(RecordDialog):
    def __init__(self, ctx: ServiceContext, values: Mapping[str, Any] | None = None,
                 projects: list[Mapping[str, Any]] | None = None, parent: QWidget | None = None, *,
                 save: SaveFn | None = None, household_id: int | None = None, version: int | None = None,
                 reload: Callable[[], RecordView] | None = None) -> None:
        title = f"结对帮扶协议 — {'新增' if values is None else ('修改' if save else '查看')}"
        super().__init__(title, parent, editable=save is not None, version=version, reload=reload)
        self.ctx, self._save = ctx, save
        spec = ctx.forms["pairing"]
        repeat = spec.repeat
        assert repeat is not None
        self.min_projects, self.max_projects = repeat.min, repeat.max

        self.organization = RefEditor(spec.field("organization"), organization_choices(ctx))
        self.organization.edit.setPlaceholderText("输入名称中的字、信用代码或拼音首字母，从列表中选择")
        self.township, self._township_ids = township_editor(ctx, spec.field("township"))
        self.target = RefEditor(spec.field("target"), village_choices(ctx, self._township_id))
        self.target.edit.setPlaceholderText(_TARGET_HINTS["village"])
        self.target_kind = ChoiceEditor(spec.field("target_kind"))
        self.campaign = campaign_editor(ctx, spec.field("campaign"))
        editors = {"organization": self.organization, "township": self.township, "target": self.target,
                   "target_kind": self.target_kind, "campaign": self.campaign}
        self.panel = FormPanel(spec, editors=editors)
        self.target_kind.combo.currentIndexChanged.connect(lambda _n: self._kind_changed())

        left = QGroupBox("结对协议")
        topped = QWidget()
        top = QVBoxLayout(topped)
        top.setContentsMargins(0, 0, 8, 0)
        top.addWidget(self.panel)
        top.addStretch(1)
        QVBoxLayout(left).addWidget(scrolled(topped))
        right = QGroupBox(f"{repeat.title}（{self.min_projects}–{self.max_projects} 个）")
        column = QVBoxLayout(right)
        self.projects_message = message_label()
        column.addWidget(self.projects_message)
        box_column = QWidget()
        boxes = QVBoxLayout(box_column)
        boxes.setContentsMargins(0, 0, 0, 0)
        self.boxes = [ProjectBox(ctx, n, self.remove_project) for n in range(1, self.max_projects + 1)]
        for box in self.boxes:
            boxes.addWidget(box)
        self.add_button = QPushButton(f"＋ 添加第 {self.min_projects + 1} 个项目")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda _checked=False: self.add_project())
        boxes.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        boxes.addStretch(1)
        column.addWidget(scrolled(box_column), 1)
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(left, 11)
        row.addWidget(right, 9)
        self.finish_layout(body)

        self.count = self.min_projects
        if values is not None:
            self.load(values, projects or [], household_id)
        self._show_boxes()
        self.set_read_only(save is None)
        self._chain_tab_order()
        self.resize(1180, 690)
        self.organization.edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.mark_clean()

    # --- references ---------------------------------------------------------------------
    def _township_id(self) -> int | None:
        return self._township_ids.get(self.township.value() or "")

    def _kind_changed(self) -> None:
        kind = self.target_kind.value() or "village"
        if kind == "household":
            self.target.set_search(household_choices(self.ctx), household_id_number(self.ctx), _TARGET_HINTS[kind])
        elif kind == "institution":
            self.target.set_search(institution_choices(self.ctx), str, _TARGET_HINTS[kind])
        elif kind == "remote":
            self.target.set_search(remote_choices(self.ctx), str, _TARGET_HINTS[kind])
        elif kind == "organization":  # a partner registered elsewhere: typed, nothing to suggest
            self.target.set_search(lambda _text: [], str, _TARGET_HINTS[kind])
        else:
            self.target.set_search(village_choices(self.ctx, self._township_id), str, _TARGET_HINTS["village"])

    def load(self, values: Mapping[str, Any], projects: list[Mapping[str, Any]], household_id: int | None) -> None:
        self.panel.set_values(values)
        if values.get("target_kind") == "household" and household_id is not None:
            # The list shows the head masked; the reference is the ID number, fetched for this role.
            view = get_household(self.ctx, household_id, why="结对表单显示结对对象")
            self.target.set_choice(Choice(f"{view.values['head_name']}（{view.extra['township']}"
                                          f"{view.values['village']}，{view.values['id_number']}）", household_id))
        self.count = max(self.min_projects, min(len(projects), self.max_projects))
        for box, item in zip(self.boxes, projects, strict=False):
            box.panel.set_values(item)

    # --- projects -----------------------------------------------------------------------
    def _show_boxes(self) -> None:
        for box in self.boxes:
            box.setVisible(box.n <= self.count)
            box.remove_button.setVisible(self.editable and box.n == self.count and self.count > self.min_projects)
        self.add_button.setVisible(self.editable and self.count < self.max_projects)
        self.add_button.setText(f"＋ 添加第 {self.count + 1} 个项目")

    def add_project(self) -> bool:
        if self.count >= self.max_projects:
            show_message(self.projects_message, f"合作项目最多 {self.max_projects} 个。", ERROR_COLOR)
            return False
        show_message(self.projects_message, "", ERROR_COLOR)
        self.count += 1
        self._show_boxes()
        self.boxes[self.count - 1].panel.focus_widgets()[0].setFocus()
        return True

    def remove_project(self, n: int) -> bool:
        if self.count <= self.min_projects:
            show_message(self.projects_message, f"至少要有 {self.min_projects} 个合作项目。", ERROR_COLOR)
            return False
        if n != self.count:  # only the last one is removable, so the numbers stay 1, 2
            return False
        show_message(self.projects_message, "", ERROR_COLOR)
        box = self.boxes[n - 1]
        box.panel.set_values({f.name: None for f in box.panel.spec.fields})
        box.panel.clear_messages()
        self.count -= 1
        self._show_boxes()
        return True

    def project_values(self) -> list[dict[str, Any]]:
        return [box.panel.raw_values() for box in self.boxes[: self.count]]

    def _chain_tab_order(self) -> None:
        widgets = self.panel.focus_widgets() + [w for b in self.boxes for w in b.panel.focus_widgets()]
        for first, second in zip(widgets, widgets[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # --- RecordDialog -------------------------------------------------------------------
    def raw_values(self) -> dict[str, Any]:
        return self.panel.raw_values()

    def typed_state(self) -> Any:
        return self.raw_values(), self.project_values()

    def call_save(self) -> Any:
        assert self._save is not None
        return self._save(self.raw_values(), self.project_values())

    def clear_messages(self) -> None:
        super().clear_messages()
        self.panel.clear_messages()
        show_message(self.projects_message, "", ERROR_COLOR)
        for box in self.boxes:
            box.panel.clear_messages()

    def place_problems(self, problems: list[Problem], color: str) -> tuple[list[Problem], Callable[[], None] | None]:
        panels = [self.panel] + [b.panel for b in self.boxes[: self.count]]
        focus: Callable[[], None] | None = None
        for panel in panels:
            names = panel.show_problems(problems, color)
            if names and focus is None:
                focus = partial(panel.focus_field, names[0])
        counted = [p.message for p in problems if p.field == "projects"]
        if counted:
            show_message(self.projects_message, "；".join(counted), color)
        rest = [p for p in problems if p.field != "projects" and not any(panel.claims(p) for panel in panels)]
        return rest, focus

    def show_record(self, view: RecordView) -> None:
        values, projects = editable_values(view)
        for box in self.boxes:  # a project the stored pairing no longer has must not come back
            box.panel.set_values({f.name: None for f in box.panel.spec.fields})
        self.load(values, projects, view.extra.get("household_id"))
        self._show_boxes()

    def set_read_only(self, read_only: bool) -> None:
        self.panel.set_read_only(read_only)
        for box in self.boxes:
            box.panel.set_read_only(read_only)
        if read_only:
            self.add_button.setVisible(False)
            for box in self.boxes:
                box.remove_button.setVisible(False)

    def message_of(self, name: str) -> str:
        """The text under a field: ``target``, ``project1.name`` … or ``projects``."""
        if name == "projects":
            return self.projects_message.text() if self.projects_message.isVisibleTo(self) else ""
        if name.startswith("project") and "." in name:
            head, _, field = name.partition(".")
            return self.boxes[int(head.removeprefix("project")) - 1].panel.message_of(field)
        return self.panel.message_of(name)
