"""信任的证书 on the 接收 page: the counties' seal certificates this bureau accepts.

The admin registers a certificate file (.pem) only after comparing its fingerprint with the
paper register the county sent (typed or pasted, or ticked as checked group by group), and
retires one from a date on. Everyone sees the list. 暂存的报送包 (issue 15) counts the packages
that arrived before their unit's certificate was registered; registering it receives them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain import clock
from fupin_desktop.errors import KnownError
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.pending_packages import (
    PendingView,
    Recheck,
    discard,
    list_pending,
    pending_count,
    recheck,
)
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.receiving import (
    TrustView,
    certificate_fingerprint,
    trust_add,
    trust_list,
    trust_retire,
)
from fupin_desktop.ui.common import file_dialogs
from fupin_desktop.ui.common.date_input import DateInput
from fupin_desktop.ui.common.operations import inform, run_op
from fupin_desktop.ui.common.tables import fill_table, read_only_table
from fupin_desktop.ui.common.widgets import ERROR_COLOR, button, open_dialog
from fupin_desktop.ui.sealed.seal_panel import fingerprint_lines, mono_font

if TYPE_CHECKING:
    from fupin_desktop.ui.sealed.trust_batch_dialog import TrustBatchDialog

HEADERS = ("区划代码", "单位", "证书指纹", "登记时间", "状态")
PENDING_HEADERS = ("区划代码", "单位（包内自称）", "报表", "期间", "版本", "到达时间", "原因")
CHECKED_TEXT = "已与纸质登记单逐组核对一致"


def _ok_cancel(ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    return buttons


class RegisterCertificateDialog(QDialog):
    """The certificate's bureau, division and fingerprint; 登记 once the fingerprint is confirmed."""

    def __init__(self, path: Path, fingerprint: str, bureau: str, division: str | None,
                 on_ok: Callable[[str, str], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("登记下级单位的印章证书")
        self.fingerprint, self.on_ok = fingerprint, on_ok
        intro = QLabel("请拿出对方送来的纸质指纹登记单（已盖实物公章），与下面的指纹逐组核对，"
                       "或把登记单上的指纹输入（粘贴）到核对框里。指纹不一致的证书不要登记。")
        intro.setWordWrap(True)
        self.division = QLineEdit(division or "")
        self.division.setReadOnly(division is not None)
        self.division.setPlaceholderText("证书里没有区划代码，请填 6 位代码")
        shown = QLabel(fingerprint_lines(fingerprint))
        font = mono_font(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        shown.setFont(font)
        shown.setStyleSheet("background: #fffbe6; padding: 6px; border: 1px solid #e0c97f;")
        form = QFormLayout()
        form.addRow("证书文件", QLabel(path.name))
        form.addRow("单位", QLabel(bureau))
        form.addRow("区划代码", self.division)
        form.addRow("证书指纹", shown)
        self.typed = QLineEdit()
        self.typed.setPlaceholderText("按纸质登记单输入指纹，空格可省略")
        self.checked = QCheckBox(CHECKED_TEXT)
        form.addRow("核对", self.typed)
        form.addRow("", self.checked)
        self.buttons = _ok_cancel("登记")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.typed.textChanged.connect(lambda _t: self._update())
        self.checked.toggled.connect(lambda _on: self._update())
        self.division.textChanged.connect(lambda _t: self._update())
        self._update()
        self.setMinimumWidth(560)

    def confirmed(self) -> str:
        """What is passed as the confirmed fingerprint: the shown one only when ticked."""
        return self.fingerprint if self.checked.isChecked() else self.typed.text().strip()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.confirmed()) and bool(self.division.text().strip()))

    def accept(self) -> None:
        if not self.confirmed() or not self.on_ok(self.division.text().strip(), self.confirmed()):
            return
        super().accept()


class _OneFieldDialog(QDialog):
    """What is about to happen, one field to fill, a red line for what is wrong, and OK/取消."""

    def __init__(self, title: str, text: str, label: str, field: QWidget, ok_text: str,
                 parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        explanation = QLabel(text)
        explanation.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setStyleSheet(f"color: {ERROR_COLOR};")
        form = QFormLayout()
        form.addRow(label, field)
        buttons = _ok_cancel(ok_text)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        explanation.setMinimumHeight(explanation.heightForWidth(480))  # a dialog does not grow for wrapped text


class RetireDialog(_OneFieldDialog):
    def __init__(self, entry: TrustView, on_ok: Callable[[date], bool], parent: QWidget | None = None) -> None:
        self.day = DateInput("停用日期", clock.today())
        super().__init__("停用印章证书",
                         f"停用 {entry.bureau}（{entry.division}）的印章证书：\n{fingerprint_lines(entry.fingerprint)}\n\n"
                         "自所选日期起（含当日）用这张证书签的报送包不再接受；此前签的仍然有效。",
                         "自此日起停用", self.day, "停用", parent)
        self.on_ok = on_ok

    def accept(self) -> None:
        try:
            day = self.day.date()
        except KnownError as exc:
            self.problem.setText(str(exc))
            return
        if day is None:
            self.problem.setText("请填写停用日期，如 2026-12-01。")
        elif self.on_ok(day):
            super().accept()


class DiscardDialog(_OneFieldDialog):
    """删除一个暂存的报送包: the administrator writes why; the audit log keeps the reason and the hash."""

    def __init__(self, pending: PendingView, on_ok: Callable[[str], bool], parent: QWidget | None = None) -> None:
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("例如：不是本市下级单位的报送包")
        super().__init__("删除暂存的报送包",
                         f"删除 {pending.bureau}（{pending.division}）{pending.report_label} {pending.period} "
                         f"第 {pending.version} 版「{pending.file_name}」？\n\n"
                         "只删除确定不会再接收的报送包（例如误投、不是本单位下级的报送包）。"
                         "操作日志会留下它的哈希、签章证书指纹和删除原因；删除后无法恢复，需要时请对方重新报送。",
                         "删除原因", self.reason, "删除", parent)
        self.on_ok = on_ok

    def accept(self) -> None:
        if not self.reason.text().strip():
            self.problem.setText("请写明删除原因。")
        elif self.on_ok(self.reason.text()):
            super().accept()


def recheck_text(rechecked: Recheck | None) -> str:
    """What registering did to the packages that waited (nothing when none waited)."""
    if rechecked is None or not (rechecked.checked or rechecked.messages):
        return ""
    return rechecked.summary() + "".join(f"\n· {line}" for line in rechecked.messages)


class PendingDialog(QDialog):
    """暂存的报送包: what waits for a certificate, and why; 重新验证 tries them all again."""

    def __init__(self, ctx: ServiceContext, on_received: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("暂存的报送包")
        self.ctx, self.on_received = ctx, on_received
        intro = QLabel("这些报送包内容完整，但签章证书尚未在本单位登记，暂不计入汇总。核对纸质登记单后登记该单位的证书，"
                       "即自动重新验证，通过的转为已接收。")
        intro.setWordWrap(True)
        self.table = read_only_table(PENDING_HEADERS, [])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        self.recheck_button = button("重新验证", self.recheck_all, "用已登记的证书把暂存的报送包全部再验证一次")
        buttons.addButton(self.recheck_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.discard_button = button("删除所选…", self.discard_selected, "删除确定不会再接收的报送包（管理员；须写明原因）")
        self.discard_button.setVisible(ctx.can(Permission.MANAGE_TRUST))
        buttons.addButton(self.discard_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.rows: list[PendingView] = []
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(900, 360)
        self.refresh()

    def refresh(self) -> None:
        run_op(self, lambda: list_pending(self.ctx), self.show_rows)

    def show_rows(self, rows: list[PendingView]) -> None:
        fill_table(self.table, [(p.division, p.bureau, p.report_label, p.period, f"第 {p.version} 版",
                                 f"{p.arrived_at:%Y-%m-%d %H:%M}", p.reason) for p in rows])
        for r, p in enumerate(rows):
            self.table.item(r, 0).setToolTip(f"{p.file_name}\n签章证书指纹：{p.signer_fingerprint}")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.rows = rows
        self.recheck_button.setEnabled(bool(rows))
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.discard_button.setEnabled(self.selected() is not None)

    def selected(self) -> PendingView | None:
        picked = self.table.selectionModel().selectedRows()
        return self.rows[picked[0].row()] if len(picked) == 1 and picked[0].row() < len(self.rows) else None

    def discard_selected(self) -> DiscardDialog | None:
        pending = self.selected()
        if pending is None:
            return None

        def done(_what: str) -> None:
            self.refresh()
            self.on_received()  # the 暂存 count on the trust panel

        dialog = DiscardDialog(pending, lambda reason: run_op(self, lambda: discard(self.ctx, pending.id, reason), done),
                               self)
        open_dialog(dialog)
        return dialog

    def recheck_all(self) -> None:
        def done(result: Recheck) -> None:
            self.refresh()
            self.on_received()
            inform(self, "重新验证", recheck_text(result) or result.summary())

        run_op(self, lambda: recheck(self.ctx), done)


class TrustPanel(QWidget):
    changed = Signal()  # a certificate registered: packages that waited for it may now be received

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.can_manage = ctx.can(Permission.MANAGE_TRUST)
        self.entries: list[TrustView] = []
        self.table = read_only_table(HEADERS, [])
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = button("登记证书…", self.choose_certificate, "选择下级单位交来的印章证书文件（.pem），核对指纹后登记")
        self.batch_button = button("批量登记…", self.register_batch,
                                   "按证书登记表和放着各单位证书文件的文件夹，一次登记多个单位的证书")
        self.retire_button = button("停用…", self.retire_selected, "印章泄露、换人或换新印章时，自某日起不再接受这张证书")
        self.note = QLabel("登记和停用证书由管理员办理。" if not self.can_manage else
                           "只登记与纸质指纹登记单核对一致的证书；验证报送包时只认这里登记的证书。")
        self.note.setStyleSheet("color: #555;")
        self.note.setWordWrap(True)  # beside four buttons at 1024 px: the note wraps, the page keeps its width
        self.note.setMinimumWidth(120)
        self.pending_button = button("暂存的报送包：0 个…", self.show_pending,
                                     "签章证书尚未登记的报送包：登记该单位的证书后自动重新验证")
        self.can_receive = ctx.can(Permission.RECEIVE)
        tools = QHBoxLayout()
        tools.addWidget(self.note, 1)
        tools.addWidget(self.pending_button)
        self.pending_button.setVisible(self.can_receive)
        for b in (self.add_button, self.batch_button, self.retire_button):
            b.setVisible(self.can_manage)
            tools.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        run_op(self, lambda: trust_list(self.ctx), self.show_entries)
        if self.can_receive:
            run_op(self, lambda: pending_count(self.ctx), self.show_pending_count)

    def show_pending_count(self, count: int) -> None:
        self.pending_button.setText(f"暂存的报送包：{count} 个…")
        self.pending_button.setEnabled(count > 0)

    def _changed(self) -> None:
        self.refresh()
        self.changed.emit()

    def show_pending(self) -> PendingDialog:
        dialog = PendingDialog(self.ctx, self._changed, self)
        open_dialog(dialog)
        return dialog

    def show_entries(self, entries: list[TrustView]) -> None:
        self.entries = entries
        today = clock.today()
        fill_table(self.table, [
            (e.division, e.bureau, e.fingerprint, f"{e.added_at:%Y-%m-%d %H:%M}",
             "在用" if e.retired_from is None else
             (f"自 {e.retired_from} 起停用" if e.retired_from <= today else f"将自 {e.retired_from} 起停用"))
            for e in entries])
        for r in range(len(entries)):
            self.table.item(r, 2).setFont(mono_font(self.table.font()))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self._update_buttons()

    def selected(self) -> TrustView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        self.retire_button.setEnabled(self.can_manage and self.selected() is not None)

    def choose_certificate(self) -> None:
        path = file_dialogs.open_file(self, "trust_certificate", "选择下级单位的印章证书", "印章证书 (*.pem *.crt *.cer)")
        if path:
            self.register_certificate(path)

    def register_certificate(self, path: Path) -> RegisterCertificateDialog | None:
        read: list[tuple[str, str, str | None]] = []
        if not run_op(self, lambda: certificate_fingerprint(path), read.append):
            return None
        fingerprint, bureau, division = read[0]

        def add(code: str, confirmed: str) -> bool:
            return run_op(self, lambda: trust_add(self.ctx, path, code, confirmed_fingerprint=confirmed), lambda v: (
                self._changed(),
                inform(self, "证书已登记", f"已登记 {v.bureau}（{v.division}）的印章证书。\n"
                                       "今后该单位用这枚印章报送的文件可以验证通过。"
                                       + ("\n\n" + recheck_text(v.rechecked)).rstrip())))

        dialog = RegisterCertificateDialog(path, fingerprint, bureau, division, add, self)
        open_dialog(dialog)
        return dialog

    def register_batch(self) -> TrustBatchDialog:
        # Imported here, as the dialog imports recheck_text from this module.
        from fupin_desktop.ui.sealed.trust_batch_dialog import TrustBatchDialog

        dialog = TrustBatchDialog(self.ctx, self._changed, self)
        open_dialog(dialog)
        return dialog

    def retire_selected(self) -> RetireDialog | None:
        entry = self.selected()
        if entry is None:
            return None

        def retire(day: date) -> bool:
            return run_op(self, lambda: trust_retire(self.ctx, entry.fingerprint, day), lambda _v: self.refresh())

        dialog = RetireDialog(entry, retire, self)
        open_dialog(dialog)
        return dialog
