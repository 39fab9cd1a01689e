"""系统: users (管理员), the audit log (审核人、管理员, read-only, filtered by user, date and action),
备份与恢复 and 区划代码表 (管理员), one's own password, and the fonts the letters print with."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.documents.pdf_fonts import fonts_in_use
from fupin_desktop.domain.enums import Role
from fupin_desktop.errors import KnownError
from fupin_desktop.services.audit_anchor import current_head, last_anchor, printed
from fupin_desktop.services.audit_log import AuditEntry, list_records, log_users, logged_actions
from fupin_desktop.services.context import SYSTEM_USER, ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.users import (
    MAX_IDLE_LOCK_MINUTES,
    change_password,
    create_user,
    idle_lock_minutes,
    inactive_usernames,
    list_users,
    locked_usernames,
    reset_password,
    set_active,
    set_idle_lock_minutes,
    set_role,
    unlock_user,
)
from fupin_desktop.ui.admin.backup_panel import BackupPanel
from fupin_desktop.ui.admin.division_panel import DivisionPanel
from fupin_desktop.ui.common.date_input import DateInput
from fupin_desktop.ui.common.flow_layout import FlowLayout
from fupin_desktop.ui.common.operations import run_op
from fupin_desktop.ui.common.tables import fill_table, read_only_table
from fupin_desktop.ui.common.widgets import ERROR_COLOR, button, message_label, show_message

AUDIT_LIMIT = 500
# Action codes the services write (monthly report steps are written in Chinese already).
ACTIONS = {"create": "新增", "update": "修改", "delete": "删除", "import": "导入", "save": "录入", "login": "登录",
           "init": "初始化", "demo": "演示数据", "approve": "审核", "submit": "报送", "resend": "重新写出",
           "reopen": "重新打开", "receive": "接收", "seal": "盖章", "attach": "添加附件", "detach": "移除附件",
           "backup": "备份", "restore": "恢复", "encrypt": "加密", "view_personal": "查看身份证号",
           "login_failed": "登录失败", "unlock": "解锁"}
ENTITIES = {"organization": "社会组织", "pairing": "结对帮扶", "household": "帮扶对象", "village": "村（社区）",
            "township": "镇（街道）", "institution": "福利机构", "campaign": "专项行动", "user": "用户",
            "setting": "设置", "monthly_report": "月报", "inspection": "年检年报", "evaluation": "年终评估",
            "seal": "电子印章", "trust": "下级印章证书", "submission": "报送", "received_package": "收到的报送包",
            "commendation": "表彰名单"}


def anchor_text(ctx: ServiceContext) -> str:
    seq, digest = current_head(ctx.db)
    last = last_anchor(ctx.db)
    sent = (f"最近一次外送的校验码：{printed(last.seq, last.hash)}（{last.where}，{last.at[:16]}）。" if last
            else "日志校验码还没有随备份或报送包外送过。")
    return (f"当前日志校验码：{printed(seq, digest)}。{sent}"
            "用 fupin audit check 加备份文件、报送包或纸面校验码，可核对此前的记录未被改写。")


class NewUserDialog(QDialog):
    """新增用户; with ``reset_for``, only the two password fields: 重设密码 for that user."""

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None, reset_for: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reset_for = reset_for
        self.setWindowTitle(f"重设密码：{reset_for}" if reset_for else "新增用户")
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setPlaceholderText("字母、数字或下划线")
        self.display_name = QLineEdit()
        self.role = QComboBox()
        for member in Role:
            self.role.addItem(member.label, member.value)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        rows = [("用户名", self.username), ("姓名", self.display_name), ("角色", self.role),
                ("初始密码", self.password), ("再输一次", self.confirm)]
        for label, widget in rows[3:] if reset_for else rows:
            form.addRow("新密码" if reset_for and widget is self.password else label, widget)
        self.error = message_label()
        ok = QPushButton("重设" if reset_for else "创建")
        ok.clicked.connect(self.create)
        cancel = QPushButton("取消")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(ok)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def create(self) -> bool:
        if self.password.text() != self.confirm.text():
            show_message(self.error, "两次输入的密码不一致。", ERROR_COLOR)
            return False
        try:
            if self.reset_for:
                reset_password(self.ctx, self.reset_for, self.password.text())
            else:
                create_user(self.ctx, self.username.text(), self.password.text(), self.role.currentData(),
                            self.display_name.text().strip())
        except KnownError as exc:
            show_message(self.error, str(exc), ERROR_COLOR)
            return False
        self.accept()
        return True


class UsersTab(QWidget):
    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.table = read_only_table(("用户名", "姓名", "角色", "状态"), [])
        self.add_button = button("新增用户", self.new_user)
        self.unlock_button = button("解锁", self.unlock, "让因连续输错密码被锁定的用户重新登录")
        tools = FlowLayout()
        tools.addStretch(1)
        self.reset_button = button("重设密码", self.reset_password, "为忘记密码的用户设一个新密码（同时解锁）")
        self.active_button = button("停用 / 启用", self.toggle_active,
                                    "停用的用户不能再登录；用户从不删除，操作日志里仍有他的记录")
        self.role = QComboBox()
        for r in Role:
            self.role.addItem(r.label, r.value)
        self.role_button = button("改为此角色", self.change_role, "把所选用户改为左边选的角色")
        tools.addWidget(self.unlock_button)
        tools.addWidget(self.reset_button)
        tools.addWidget(self.active_button)
        tools.addWidget(self.role)
        tools.addWidget(self.role_button)
        tools.addWidget(self.add_button)
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(0, MAX_IDLE_LOCK_MINUTES)
        self.idle_minutes.setSuffix(" 分钟")
        self.idle_minutes.setSpecialValueText("不锁定")
        self.idle_minutes.setValue(idle_lock_minutes(ctx.db))
        self.idle_message = QLabel()
        idle = QHBoxLayout()
        idle.addWidget(QLabel("无操作自动锁定窗口："))
        idle.addWidget(self.idle_minutes)
        idle.addWidget(button("保存", self.save_idle_lock, "所有用户的窗口在这么久无操作后锁定，需输入密码解锁"))
        idle.addWidget(self.idle_message)
        idle.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.table)
        layout.addLayout(idle)
        self.refresh()

    def save_idle_lock(self) -> bool:
        minutes = self.idle_minutes.value()
        if not run_op(self, lambda: set_idle_lock_minutes(self.ctx, minutes)):
            return False
        watch = getattr(self.window(), "idle", None)  # this window follows at once; others at next start
        if watch is not None:
            watch.set_minutes(minutes)
        show_message(self.idle_message, "已保存。", "#2e7d32")
        return True

    def refresh(self) -> None:
        locked, inactive = locked_usernames(self.ctx), inactive_usernames(self.ctx)
        fill_table(self.table, [(u.username, u.display_name, Role(u.role).label,
                                 "已停用" if u.username in inactive
                                 else "已锁定（连续输错密码）" if u.username in locked else "正常")
                                for u in list_users(self.ctx)])

    def _selected(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.text() if item is not None else None

    def toggle_active(self) -> bool:
        name = self._selected()
        if name is None:
            return False
        active = name in inactive_usernames(self.ctx)  # a disabled one is enabled, and the other way
        if not run_op(self, lambda: set_active(self.ctx, name, active)):
            return False
        self.refresh()
        return True

    def change_role(self) -> bool:
        name, role = self._selected(), self.role.currentData()
        if name is None or not run_op(self, lambda: set_role(self.ctx, name, role)):
            return False
        self.refresh()
        return True

    def unlock(self) -> bool:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        if item is None:
            return False
        if not run_op(self, lambda: unlock_user(self.ctx, item.text())):
            return False
        self.refresh()
        return True

    def reset_password(self) -> NewUserDialog | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return self.new_user(item.text()) if item is not None else None

    def new_user(self, reset_for: str | None = None) -> NewUserDialog:
        dialog = NewUserDialog(self.ctx, self, reset_for)
        dialog.accepted.connect(self.refresh)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog


def labelled(text: str, widget: QWidget) -> QWidget:
    """A label and its field as one piece, so a wrapping tool row keeps them together."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(QLabel(text))
    row.addWidget(widget)
    return box


def refill(combo: QComboBox, everything: str, items: list[tuple[str, str, str]]) -> None:
    """``everything`` (data '') then (text, data, tooltip) items; the chosen one stays chosen, no signal."""
    keep = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, "")
    for text, data, tip in items:
        combo.addItem(text, data)
        combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
    combo.setCurrentIndex(max(combo.findData(keep), 0))
    combo.blockSignals(False)


def who(entry: AuditEntry) -> str:
    """姓名（登录名）; 系统 and a name that is no account as they are."""
    if entry.display_name and entry.display_name != entry.username and entry.username != SYSTEM_USER.username:
        return f"{entry.display_name}（{entry.username}）"
    return entry.who


class AuditTab(QWidget):
    HEADERS = ("序号", "时间", "用户", "操作", "对象", "摘要")

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.table = read_only_table(self.HEADERS, [])
        self.note = QLabel()
        self.note.setStyleSheet("color: #555;")
        self.user = QComboBox()
        self.action = QComboBox()
        self.action.setMaxVisibleItems(20)
        self.since = DateInput("起始日期")
        self.until = DateInput("结束日期")
        self.user.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.action.currentIndexChanged.connect(lambda _i: self.apply_filter())
        for field in (self.since, self.until):
            field.edit.setPlaceholderText("不限")
            field.setToolTip("如 2026-12-01、20261201、2026.12.1 或 2026年12月1日；空着为不限")
            field.changed.connect(lambda: self.apply_filter(quiet=True))  # while typing: only once it reads
            field.edit.editingFinished.connect(self.apply_filter)
        tools = FlowLayout()
        tools.addWidget(labelled("用户", self.user))
        tools.addWidget(labelled("操作", self.action))
        tools.addWidget(labelled("从", self.since))
        tools.addWidget(labelled("到", self.until))
        tools.addWidget(button("清除条件", self.clear_filter, "显示全部用户、全部操作、不限日期的记录"))
        tools.addStretch(1)
        self.problem = message_label()
        counted = QHBoxLayout()
        counted.addWidget(self.note, 1)
        counted.addWidget(button("刷新", self.refresh))
        # The heads that left the PC are what `fupin audit check` proves the log against.
        self.anchor = QLabel()
        self.anchor.setWordWrap(True)
        self.anchor.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.problem)
        layout.addLayout(counted)
        layout.addWidget(self.anchor)
        layout.addWidget(self.table)
        self.refresh()

    def refresh(self) -> None:
        self.anchor.setText(anchor_text(self.ctx))
        refill(self.user, "全部用户", [(u.display_name or u.username, u.username, u.label)
                                       for u in log_users(self.ctx)])
        logged = logged_actions(self.ctx)
        codes = [*ACTIONS, *(a for a in logged if a not in ACTIONS)]
        refill(self.action, "全部操作", [(ACTIONS.get(a, a), a, "" if a in logged else "日志里还没有这种操作")
                                          for a in codes])
        self.apply_filter()

    def clear_filter(self) -> None:
        for combo in (self.user, self.action):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        for field in (self.since, self.until):
            field.blockSignals(True)
            field.set_date(None)
            field.blockSignals(False)
        self.apply_filter()

    def apply_filter(self, quiet: bool = False) -> bool:
        """Ask the log for what the filter says; a date that does not read is said in red
        (``quiet`` while it is being typed: the rows stay as they were)."""
        try:
            entries = list_records(self.ctx, username=self.user.currentData() or None,
                                   action=self.action.currentData() or None,
                                   since=self.since.date(), until=self.until.date(), limit=AUDIT_LIMIT)
        except KnownError as exc:
            if not quiet:  # no rows that the fields above do not stand for
                show_message(self.problem, str(exc), ERROR_COLOR)
                self.note.setText("条件有误，请改正后再查。")
                self._show([])
            return False
        show_message(self.problem, "", ERROR_COLOR)
        filtered = any((self.user.currentData(), self.action.currentData(), self.since.text().strip(),
                        self.until.text().strip()))
        what = "符合条件的" if filtered else ""
        more = f"只显示最近 {AUDIT_LIMIT} 条，可用上面的条件缩小范围；" if len(entries) >= AUDIT_LIMIT else ""
        self.note.setText(f"{what}操作记录 {len(entries)} 条（{more}只读，不能修改或删除）")
        self._show(entries)
        return True

    def _show(self, entries: list[AuditEntry]) -> None:
        fill_table(self.table, [(e.seq, e.at, who(e), ACTIONS.get(e.action, e.action),
                                 ENTITIES.get(e.entity, e.entity), e.summary) for e in entries])
        for row, e in enumerate(entries):
            item = self.table.item(row, 2)
            if item is not None:
                item.setToolTip(f"登录名：{e.username}")
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)


class PasswordTab(QWidget):
    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        form = QFormLayout()
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.confirm = QLineEdit()
        for label, edit in (("原密码", self.old), ("新密码", self.new), ("再输一次", self.confirm)):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaximumWidth(280)
            form.addRow(label, edit)
        self.message = message_label()
        change = button("修改密码", self.change)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"当前用户：{ctx.user.display_name}（{ctx.user.username}，{Role(ctx.user.role).label}）"))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(change, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def change(self) -> bool:
        if self.new.text() != self.confirm.text():
            show_message(self.message, "两次输入的新密码不一致。", ERROR_COLOR)
            return False
        try:
            change_password(self.ctx, self.old.text(), self.new.text())
        except KnownError as exc:
            show_message(self.message, str(exc), ERROR_COLOR)
            return False
        for edit in (self.old, self.new, self.confirm):
            edit.clear()
        show_message(self.message, "密码已修改，下次登录请用新密码。", "#2e7d32")
        return True


class FontsTab(QWidget):
    """Which font files the printed letters and tables use: the office's own (方正小标宋简体,
    仿宋_GB2312 …, found in the system's font folders) or the shipped stand-ins."""

    def __init__(self) -> None:
        super().__init__()
        rows = [(role, path, "本机的公文字体" if own else "程序自带的替代字体（本机没有找到公文字体）")
                for role, path, own in fonts_in_use()]
        self.table = read_only_table(("用途", "字体文件", "来源"), rows)
        note = QLabel("公文字体按 GB/T 9704-2012 §7.5：标题用方正小标宋简体，正文用仿宋_GB2312，签发人姓名用楷体。"
                      "把字体文件（.ttf）装进系统字体文件夹后重新启动程序即可使用。")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table)


class SystemPage(QTabWidget):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.users: UsersTab | None = None
        self.audit: AuditTab | None = None
        self.backup: BackupPanel | None = None
        self.divisions: DivisionPanel | None = None
        if ctx.can(Permission.MANAGE_USERS):
            self.users = UsersTab(ctx)
            self.addTab(self.users, "用户管理")
        if ctx.can(Permission.VIEW_AUDIT):
            self.audit = AuditTab(ctx)
            self.addTab(self.audit, "操作日志")
        if ctx.can(Permission.BACKUP):
            self.backup = BackupPanel(ctx)
            self.addTab(self.backup, "备份与恢复")
        if ctx.can(Permission.LOAD_DIVISION_TABLE):
            self.divisions = DivisionPanel(ctx)
            self.addTab(self.divisions, "区划代码表")
        self.addTab(PasswordTab(ctx), "修改密码")
        self.fonts = FontsTab()
        self.addTab(self.fonts, "打印字体")

    def refresh(self) -> None:
        for tab in (self.users, self.audit, self.backup, self.divisions):
            if tab is not None:
                tab.refresh()
