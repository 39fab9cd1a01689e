"""The first start on a folder with no database: set up this bureau, open the demo county, or
restore a backup — in the window, in Chinese, never a message about the command line.

The pages only collect what the clerk types (``services.first_run.BureauPlan``); the service
checks it, field by field, and the messages stand in red under the fields they are about.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from fupin_desktop.errors import KnownError, ValidationFailed
from fupin_desktop.services.first_run import BureauPlan, check_plan, division_choices, set_up_bureau
from fupin_desktop.ui.admin.backup_panel import RestoreDialog
from fupin_desktop.ui.common.widgets import ERROR_COLOR

__all__ = ["FirstRunWizard"]

NEW, DEMO, RESTORE, SERVER = "new", "demo", "restore", "server"
START_ID, SERVER_ID, BUREAU_ID = 0, 1, 2  # then the users and the backup page


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(f"color: {ERROR_COLOR};")
    label.setWordWrap(True)
    label.hide()
    return label


class _Page(QWizardPage):
    """A page whose fields each have a red line under them for the service's message."""

    def __init__(self, title: str, subtitle: str = "") -> None:
        super().__init__()
        self.setTitle(title)
        if subtitle:
            self.setSubTitle(subtitle)
        self.form = QFormLayout(self)
        self.errors: dict[str, QLabel] = {}

    def add(self, field: str, label: str, widget: QWidget | QHBoxLayout) -> None:
        self.form.addRow(label, widget)
        self.errors[field] = _error_label()
        self.form.addRow("", self.errors[field])

    def show_problems(self, problems: dict[str, str]) -> bool:
        """Put each message under its field; True when none is about this page."""
        mine = False
        for field, label in self.errors.items():
            text = problems.get(field, "")
            label.setText(text)
            label.setVisible(bool(text))
            mine = mine or bool(text)
        return not mine

    def validatePage(self) -> bool:  # noqa: N802 (Qt's name)
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        return self.show_problems(wizard.problems())


class _StartPage(QWizardPage):
    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.setTitle("欢迎使用社会组织参与脱贫攻坚工作管理")
        self.setSubTitle(f"数据文件夹「{data_dir}」里还没有数据库。请选择：")
        self.choices = QButtonGroup(self)
        layout = QVBoxLayout(self)
        for key, text, hint in (
                (NEW, "建立本局的数据库", "第一次使用：填写单位、区划、管理员，几分钟就好。"),
                (DEMO, "打开演示县（晋江市民政局）", "先看看程序怎么用；演示数据在另一个文件夹，不影响本局数据。"),
                (RESTORE, "从备份恢复", "换了新电脑或重装了程序：找到 .fupinbak 备份文件（U 盘或自动备份文件夹）。"),
                (SERVER, "连接局域网数据库服务器", "本局几位同事共用一台数据库服务器：填写电脑管理员给的服务器地址和密码。")):
            button = QRadioButton(text)
            button.setProperty("choice", key)
            self.choices.addButton(button)
            note = QLabel(hint)
            note.setWordWrap(True)
            note.setStyleSheet("color: #555; margin-left: 22px;")
            layout.addWidget(button)
            layout.addWidget(note)
            layout.addSpacing(6)
        self.choices.buttons()[0].setChecked(True)
        layout.addStretch(1)

    def choice(self) -> str:
        checked = self.choices.checkedButton()
        return str(checked.property("choice")) if checked else NEW

    def nextId(self) -> int:  # noqa: N802 (Qt's name)
        return SERVER_ID if self.choice() == SERVER else BUREAU_ID

    def validatePage(self) -> bool:  # noqa: N802 (Qt's name)
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        if wizard.leaving:  # QWizard.done(Accepted) asks this page once more
            return True
        wizard.choice = self.choice()
        if wizard.choice in (NEW, SERVER):
            return True
        if wizard.choice == RESTORE and not wizard.restore():
            return False
        wizard.leaving = True  # the demo, or a restored database: nothing more to ask
        wizard.done(QDialog.DialogCode.Accepted)
        return False


class _ServerPage(_Page):
    """The LAN server: linked on 下一步; a server with the bureau's data opens, an empty one is set
    up on the next pages or restored from a backup (从备份恢复到服务器…)."""

    def __init__(self) -> None:
        super().__init__("局域网数据库服务器", "这些由本局的电脑管理员提供。密码只在本次运行中使用，不会写进文件。")
        self.host = QLineEdit()
        self.host.setPlaceholderText("如 192.168.1.10")
        self.port = QLineEdit("5432")
        self.database = QLineEdit("fupin")
        self.user = QLineEdit("fupin")
        self.password = _secret()
        for field, label, widget in (("host", "服务器地址", self.host), ("port", "端口", self.port),
                                     ("database", "数据库名", self.database), ("user", "用户名", self.user),
                                     ("password", "密码", self.password)):
            self.add(field, label, widget)
        self.restore_button = QPushButton("从备份恢复到服务器…")
        self.restore_button.clicked.connect(self._restore)
        self.form.addRow("", self.restore_button)
        self.form.addRow("", QLabel("服务器上还没有本局的数据时，点「下一步」建立本局，或从单机的备份恢复。"))

    def _wizard(self) -> FirstRunWizard:
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        return wizard

    def link(self) -> bool | None:
        """Linked: True when the server holds the bureau's data; None when it could not be (said why)."""
        from fupin_desktop.services.server_link import address, link_server

        if not self.host.text().strip():
            self.show_problems({"host": "请填写服务器地址。"})
            return None
        try:
            port = int(self.port.text().strip())
        except ValueError:
            self.show_problems({"port": "端口是一个数字，一般是 5432。"})
            return None
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            found = link_server(self._wizard().data_dir,
                                address(self.host.text(), port, self.database.text(), self.user.text()),
                                self.password.text())
        except KnownError as exc:
            self.show_problems({"host": str(exc)})
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self.show_problems({})
        return found

    def _finish(self, choice: str) -> None:
        wizard = self._wizard()
        wizard.choice, wizard.leaving = choice, True
        wizard.done(QDialog.DialogCode.Accepted)

    def validatePage(self) -> bool:  # noqa: N802 (Qt's name)
        if self._wizard().leaving:
            return True
        found = self.link()
        if found:
            self._finish(SERVER)  # the bureau is there: open it
        return found is False  # an empty server: set the bureau up in it on the next pages

    def _restore(self) -> None:
        found = self.link()
        if found:
            self._finish(SERVER)
        elif found is False and self._wizard().restore():
            self._finish(RESTORE)


class _BureauPage(_Page):
    def __init__(self) -> None:
        super().__init__("本局", "先找到本局所在的县（市、区）、市或省：输入名称或区划代码。")
        self.search = QLineEdit()
        self.search.setPlaceholderText("如 晋江、350582、泉州")
        self.search.textChanged.connect(self._find)
        self.found = QListWidget()
        self.found.setMaximumHeight(120)
        self.found.currentItemChanged.connect(self._picked)
        self.division = QLineEdit()
        self.division.setReadOnly(True)
        self.division.setPlaceholderText("（从上面的列表中选择）")
        self.name = QLineEdit()
        self.name.setPlaceholderText("如 晋江市民政局")
        self.agency = QLineEdit()
        self.agency.setPlaceholderText("发文字号的机关代字，如 晋民；可以以后在系统页设置")
        self.agency.setMaxLength(8)
        self.form.addRow("查找", self.search)
        self.form.addRow("", self.found)
        self.add("division", "行政区划", self.division)
        self.add("bureau_name", "单位名称", self.name)
        self.add("agency_code", "机关代字", self.agency)

    def _find(self, text: str) -> None:
        self.found.clear()
        for choice in division_choices(text) if text.strip() else []:
            item = QListWidgetItem(choice.text)
            item.setData(Qt.ItemDataRole.UserRole, (choice.code, choice.bureau_name))
            self.found.addItem(item)

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        code, bureau_name = item.data(Qt.ItemDataRole.UserRole)
        suggested = self.property("suggested") or ""
        self.division.setText(code)
        self.division.setToolTip(item.text())
        if not self.name.text().strip() or self.name.text() == suggested:
            self.name.setText(bureau_name)  # the usual name; the clerk may change it
            self.setProperty("suggested", bureau_name)


class _UsersPage(_Page):
    def __init__(self) -> None:
        super().__init__("用户", "管理员管理用户和备份；审核人审核月报并持有电子印章（可以以后再加）。")
        self.admin = QLineEdit("admin")
        self.password = _secret()
        self.again = _secret()
        self.reviewer = QLineEdit()
        self.reviewer.setPlaceholderText("如 chenzm；不填则以后在系统页添加")
        self.reviewer_name = QLineEdit()
        self.reviewer_name.setPlaceholderText("审核人姓名，签发人一栏用它")
        self.reviewer_password = _secret()
        self.seal = _secret()
        self.seal.setPlaceholderText("不填则由审核人以后在“报送”页生成印章")
        self.add("admin", "管理员用户名", self.admin)
        self.add("admin_password", "管理员密码", self.password)
        self.add("admin_password_again", "再输入一次", self.again)
        self.add("reviewer", "审核人用户名", self.reviewer)
        self.form.addRow("审核人姓名", self.reviewer_name)
        self.add("reviewer_password", "审核人密码", self.reviewer_password)
        self.add("seal_passphrase", "审核人的印章口令", self.seal)


class _BackupPage(_Page):
    def __init__(self) -> None:
        super().__init__("备份", "每天自动把全部数据备份到另一块磁盘或 U 盘上的文件夹（可以以后在系统页设置）。")
        self.folder = QLineEdit()
        self.folder.setPlaceholderText("不填则暂不自动备份")
        choose = QPushButton("选择…")
        choose.clicked.connect(self._choose)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(choose)
        self.add("backup_folder", "自动备份文件夹", row)
        self.summary = _error_label()
        self.form.addRow(self.summary)

    def _choose(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "选择自动备份文件夹", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def validatePage(self) -> bool:  # noqa: N802 (Qt's name)
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        return super().validatePage() and wizard.set_up()


def _secret() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class FirstRunWizard(QWizard):
    """``exec()`` is Accepted with ``choice`` NEW (the bureau set up), DEMO, RESTORE (restored) or
    SERVER (the folder linked to a LAN server, which held the bureau or had it set up here)."""

    def __init__(self, data_dir: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.choice = NEW
        self.leaving = False
        self.setWindowTitle(title)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)  # the same look on Windows and Linux
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setMinimumSize(640, 520)
        self.start = _StartPage(self.data_dir)
        self.bureau = _BureauPage()
        self.users = _UsersPage()
        self.backup = _BackupPage()
        self.server = _ServerPage()
        for n, page in enumerate((self.start, self.server, self.bureau, self.users, self.backup)):
            self.setPage(n, page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "建立并打开")

    def plan(self) -> BureauPlan:
        b, u = self.bureau, self.users
        return BureauPlan(bureau_name=b.name.text(), division=b.division.text(), agency_code=b.agency.text(),
                          admin=u.admin.text(), password=u.password.text(), password_again=u.again.text(),
                          reviewer=u.reviewer.text(), reviewer_name=u.reviewer_name.text(),
                          reviewer_password=u.reviewer_password.text(), seal_passphrase=u.seal.text(),
                          backup_folder=self.backup.folder.text().strip())

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for p in check_plan(self.plan(), self.data_dir):
            found.setdefault(p.field, p.message)
        return found

    def set_up(self) -> bool:
        """Create the bureau's database; on a refusal, the message where it belongs."""
        try:
            set_up_bureau(self.data_dir, self.plan())
        except ValidationFailed as exc:
            problems = {p.field: p.message for p in exc.problems}
            for page in (self.bureau, self.users, self.backup):
                page.show_problems(problems)
            return False
        except KnownError as exc:
            self.backup.summary.setText(str(exc))
            self.backup.summary.show()
            return False
        return True

    def make_restore_dialog(self) -> RestoreDialog:
        return RestoreDialog(self.data_dir, self)

    def restore(self) -> bool:
        return self.make_restore_dialog().exec() == RestoreDialog.DialogCode.Accepted
