"""标记不适用 on the 下级报送情况 box: the reason and for which reports one expected unit is not
expected to report (e.g. a 开发区 without its own 民政局). The service decides what a valid mark
is; its refusal (no reason, not a unit of this bureau …) is shown here and the dialog stays open."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.errors import KnownError
from fupin_desktop.services.expected_units import ALL_REPORTS
from fupin_desktop.ui.common.widgets import ERROR_COLOR, message_label, show_message

# What the admin chooses between, and the report the service is given for it.
SCOPES = (("全部报表", ALL_REPORTS), ("仅月报", "monthly"))


class ExemptDialog(QDialog):
    """``save(reason, report)`` is the service call; a KnownError it raises is shown in the dialog."""

    def __init__(self, unit: str, division: str, save: Callable[[str, str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("标记不适用")
        self.save = save
        self.intro = intro = QLabel(f"将 {unit}（{division}）标记为不适用：它不再计入未报，报送情况里显示下面填写的原因。"
                       "操作记入操作日志。")
        intro.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("如：开发区未设民政局，由所在区代报")
        self.scope = QComboBox()
        for text, report in SCOPES:
            self.scope.addItem(text, report)
        form = QFormLayout()
        form.addRow("原因", self.reason)
        form.addRow("适用范围", self.scope)
        self.problem = message_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def accept(self) -> None:
        show_message(self.problem, "", ERROR_COLOR)
        try:
            self.save(self.reason.text(), self.scope.currentData())
        except KnownError as exc:  # a busy database too: 确定 again is the retry
            show_message(self.problem, str(exc), ERROR_COLOR)
            self.reason.setFocus()
            return
        super().accept()
