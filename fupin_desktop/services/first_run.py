"""A new bureau's first start, as one use case: what `fupin init` does and the settings a bureau
would otherwise make on the 系统 page afterwards (机关代字, a reviewer with a seal, the automatic
backup folder).

Everything is checked before anything is written, each problem under the name of its field; if
writing still fails half way, the new database is removed again, so the folder is as it was and
the wizard can simply be finished again.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fupin_desktop.domain.division_code import parse_division_code
from fupin_desktop.domain.text import clean_text
from fupin_desktop.errors import FieldProblem, KnownError, ValidationFailed
from fupin_desktop.intake.division_table import DivisionTable, load_division_table
from fupin_desktop.services.backup import set_automatic
from fupin_desktop.services.backup_server import is_empty
from fupin_desktop.services.context import Forms, ServiceContext
from fupin_desktop.services.letterhead import set_letter_settings
from fupin_desktop.services.seal import MIN_PASSPHRASE, init_seal
from fupin_desktop.services.settings import AGENCY_CODE
from fupin_desktop.services.setup import initialize
from fupin_desktop.services.users import MIN_PASSWORD, create_user, login
from fupin_desktop.store.db import Database
from fupin_desktop.store.folder import has_database, server_url
from fupin_desktop.store.transfer import clear_all

__all__ = ["BureauPlan", "DivisionChoice", "division_choices", "set_up_bureau"]

_LEVELS = {"province": "省级", "city": "市级", "county": "县级"}
_GROUPINGS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})  # not bureaus


@dataclass(frozen=True)
class DivisionChoice:
    code: str  # 6 digits: 350582, 350500, 350000
    name: str  # 晋江市
    full_name: str  # 福建省泉州市晋江市
    level: str  # 县级 / 市级 / 省级

    @property
    def text(self) -> str:
        return f"{self.code}  {self.full_name}（{self.level}）"

    @property
    def bureau_name(self) -> str:
        """The usual name of its civil-affairs bureau: 晋江市民政局, 福建省民政厅."""
        return f"{self.name}民政厅" if self.level == "省级" else f"{self.name}民政局"


@dataclass
class BureauPlan:
    bureau_name: str = ""
    division: str = ""
    agency_code: str = ""
    admin: str = "admin"
    password: str = ""
    password_again: str = ""
    reviewer: str = ""  # empty: no reviewer yet (added later on the 系统 page)
    reviewer_name: str = ""
    reviewer_password: str = ""
    seal_passphrase: str = ""  # empty: the reviewer makes the seal later
    backup_folder: str = ""  # empty: no automatic backups yet


@lru_cache(maxsize=1)
def _table() -> DivisionTable:
    return load_division_table()


def division_choices(text: str, limit: int = 30) -> list[DivisionChoice]:
    """County, city and province units whose name contains ``text`` or whose code starts with it."""
    table = _table()
    wanted = text.strip()
    if wanted.isdigit():
        wanted = wanted.rstrip("0") if len(wanted) == 6 and wanted.endswith("00") else wanted
        wanted = wanted[:6]
    found = [u for u in table.search(wanted, limit=400) if len(u.code) <= 6 and u.name not in _GROUPINGS][:limit]
    return [DivisionChoice(u.code.ljust(6, "0"), u.name, table.full_name(u.code) or u.name, _LEVELS[u.level])
            for u in found]


def check_plan(plan: BureauPlan, data_dir: Path) -> list[FieldProblem]:
    """What is wrong with ``plan``, field by field (empty when it can be set up)."""
    problems: list[FieldProblem] = []

    def wrong(field: str, label: str, message: str) -> None:
        problems.append(FieldProblem(field, label, message))

    table = _table()

    if not clean_text(plan.bureau_name):
        wrong("bureau_name", "单位名称", "请填写单位名称，如“晋江市民政局”。")
    try:
        code = parse_division_code(plan.division.strip())
        if code.level not in ("county", "city", "province") or table.get(code.code) is None:
            wrong("division", "行政区划", f"{plan.division} 不是区划代码表里的县级、市级或省级单位，请从列表中选择。")
    except KnownError:
        wrong("division", "行政区划", "请搜索并选择本局所在的县（市、区）、市或省。")
    if plan.agency_code and (len(plan.agency_code.strip()) > 6 or not plan.agency_code.strip()):
        wrong("agency_code", "机关代字", "机关代字一般是两三个字，如“晋民”。")
    for field, label, name, password, again in (
            ("admin", "管理员", plan.admin, plan.password, plan.password_again),
            ("reviewer", "审核人", plan.reviewer, plan.reviewer_password, None)):
        if field == "reviewer" and not name.strip():
            continue
        if not name.strip() or not name.strip().isascii() or " " in name.strip():
            wrong(field, f"{label}用户名", "用户名只能用字母、数字和下划线，不能有空格。")
        if len(password) < MIN_PASSWORD:
            wrong(f"{field}_password", f"{label}密码", f"密码至少 {MIN_PASSWORD} 位。")
        elif again is not None and again != password:
            wrong(f"{field}_password_again", "再输入一次", "两次输入的密码不一样。")
    if plan.reviewer.strip() and plan.reviewer.strip() == plan.admin.strip():
        wrong("reviewer", "审核人用户名", "审核人和管理员应是两个不同的用户名。")
    if plan.seal_passphrase and not plan.reviewer.strip():
        wrong("seal_passphrase", "印章口令", "先填写审核人，印章由审核人持有。")
    elif plan.seal_passphrase and len(plan.seal_passphrase) < MIN_PASSPHRASE:
        wrong("seal_passphrase", "印章口令", f"印章口令至少 {MIN_PASSPHRASE} 位。")
    if plan.backup_folder:
        folder = Path(plan.backup_folder).expanduser()
        if not folder.is_dir():
            wrong("backup_folder", "备份文件夹", f"文件夹「{folder}」不存在。")
        elif folder.resolve().is_relative_to(data_dir.resolve()):
            wrong("backup_folder", "备份文件夹", "自动备份不能放在数据文件夹里面；请选另一块磁盘或 U 盘。")
    return problems


def set_up_bureau(data_dir: Path, plan: BureauPlan, forms: Forms | None = None) -> None:
    """Create the bureau's database in ``data_dir`` from ``plan``: all of it, or nothing."""
    data_dir = Path(data_dir)
    problems = check_plan(plan, data_dir)
    if problems:
        raise ValidationFailed(problems, "还有几项没有填对，什么都没有建立。")
    on_server = server_url(data_dir) is not None  # the wizard linked the folder to an empty server
    if has_database(data_dir) and not on_server:
        raise KnownError(f"「{data_dir}」里已有数据库，不能再新建。")
    data_dir.mkdir(parents=True, exist_ok=True)
    there_before = set(data_dir.iterdir())
    db = Database.open(data_dir, create=True)
    if on_server and not is_empty(db):
        db.dispose()
        raise KnownError("局域网数据库服务器上已有本局的数据，不能再新建；直接打开程序即可。")
    try:
        initialize(db, bureau=plan.bureau_name, division=plan.division.strip(),
                   admin=plan.admin.strip(), password=plan.password, table=_table())
        admin = ServiceContext(db, forms or Forms(), login(db, plan.admin.strip(), plan.password), data_dir)
        if plan.agency_code.strip():
            set_letter_settings(admin, {AGENCY_CODE: plan.agency_code.strip()})
        if plan.reviewer.strip():
            reviewer = create_user(admin, plan.reviewer.strip(), plan.reviewer_password, "reviewer",
                                   plan.reviewer_name.strip())
            if plan.seal_passphrase:
                init_seal(admin.as_user(reviewer), plan.seal_passphrase)
        if plan.backup_folder:
            set_automatic(admin, Path(plan.backup_folder))
    except BaseException:
        if on_server:  # it was empty: emptied again
            with db.engine.begin() as conn:
                clear_all(conn)
        db.dispose()
        for path in set(data_dir.iterdir()) - there_before:  # nothing half made stays behind
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        raise
    db.dispose()
