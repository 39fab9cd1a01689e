"""Wrong invocations of ``fupin``, each as a real process: exit code 1 or 2, a Chinese message,
never a traceback on the console (issue 9, "every expected error is a Chinese message").

One subprocess per case, on this test's own copy of the demo county. The packages for
``verify`` are sealed once per module in another copy and checked in a fresh city database
that trusts no one.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from fupin_desktop.cli import EXIT_BUG, EXIT_CANCELLED, main
from fupin_desktop.domain import clock
from fupin_desktop.domain.credit_code import make_credit_code
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import BUSY_MESSAGE
from fupin_desktop.store.folder import DB_FILE

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
MONTH = str(Period.of_date(clock.today()).previous().previous())  # approved in the demo: sealable


@dataclass
class Env:
    """What one case runs in: the demo copy, a scratch folder, the packages, extra environment."""

    data: Path
    tmp: Path
    packages: dict[str, Path]
    city: Path
    extra: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def sealed(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], Path]:
    """A county package sealed by the demo's reviewer, a damaged copy, and a city that trusts no key."""
    from fupin_desktop.services import submissions
    from fupin_desktop.services.context import Forms, ServiceContext
    from fupin_desktop.services.setup import initialize
    from fupin_desktop.services.users import login
    from fupin_desktop.store.db import Database

    base = tmp_path_factory.mktemp("sealed")
    county = base / "county"
    shutil.copytree(demo_template, county)
    db = Database.open(county, create=False)
    try:
        reviewer = ServiceContext(db, Forms(), login(db, "reviewer", "demo"), county)
        _, package = submissions.submit(reviewer, "monthly", Period.parse(MONTH), base / "usb", "demo")
    finally:
        db.dispose()
    data = bytearray(package.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(b ^ 0xFF for b in data[middle:middle + 64])
    damaged = package.with_name("damaged-" + package.name)
    damaged.write_bytes(bytes(data))

    city = base / "city"
    db = Database.open(city, create=True)
    try:
        initialize(db, bureau="泉州市民政局", division="350500", admin="admin", password="demo")
    finally:
        db.dispose()
    return {"untrusted": package, "damaged": damaged}, city


@pytest.fixture
def env(demo_dir: Path, tmp_path: Path, sealed: tuple[dict[str, Path], Path]) -> Env:
    packages, city_template = sealed
    city = tmp_path / "city"
    shutil.copytree(city_template, city)
    return Env(demo_dir, tmp_path, packages, city)


def fupin(env: Env, *argv: str | Path, data: Path | None = None) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "FUPIN_PASSWORD": "demo", "FUPIN_SEAL_PASSPHRASE": "demo",
               "FUPIN_DATA_DIR": str(data or env.data), "PYTHONWARNINGS": "default", **env.extra}
    environ.pop("FUPIN_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "fupin_desktop", *map(str, argv)], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=60)


# -- the cases ------------------------------------------------------------------------------

def _fifo(env: Env) -> Path:
    path = env.tmp / "名册.xlsx"
    os.mkfifo(path)
    return path


def _existing_file(env: Env) -> Path:
    path = env.tmp / "已有文件"
    path.write_text("x", encoding="utf-8")
    return path


def _folder(env: Env) -> Path:
    path = env.tmp / "名册.xlsx"
    path.mkdir()
    return path


def _junk_database(env: Env) -> Path:
    folder = env.tmp / "junk"
    folder.mkdir()
    (folder / DB_FILE).write_bytes(os.urandom(4096))
    return folder


def _wrong(var: str, value: str) -> Callable[[Env], None]:
    def set_it(env: Env) -> None:
        env.extra[var] = value
    return set_it


@dataclass(frozen=True)
class Case:
    argv: Callable[[Env], list[str | Path]]
    code: int
    says: str  # a part of the expected message
    prepare: Callable[[Env], object] | None = None
    data: Callable[[Env], Path] | None = None  # another data folder than the demo copy


CODE = make_credit_code("5", "3", "350582", "MA2Y1234")
NEW_ORG = ["--name", "晋江市星火助学基金会", "--kind", "基金会", "--credit-code", CODE]
BAD_CODE = CODE[:-1] + ("1" if CODE[-1] != "1" else "2")
CASES: dict[str, Case] = {
    "month-13": Case(lambda e: ["monthly", "status", "--period", "2020-13"], 1, "月份应为1–12"),
    "month-00": Case(lambda e: ["monthly", "template", "--user", "clerk", "--period", "2020-00", "-o", e.tmp / "out"],
                     1, "月份应为1–12"),
    "missing-monthly-file": Case(lambda e: ["monthly", "import", "--user", "clerk", "/nonexistent.xlsx"], 1,
                                 "找不到文件「/nonexistent.xlsx」"),
    "missing-org-file": Case(lambda e: ["org", "import", "--user", "clerk", "/nonexistent.xlsx"], 1,
                             "找不到文件「/nonexistent.xlsx」"),
    # Tests run as root, where chmod 000 does not stop reading: a FIFO is the unreadable file
    # (and the case that would hang an Excel reader for ever). chmod is tried below when not root.
    "unreadable-fifo": Case(lambda e: ["org", "import", "--user", "clerk", e.tmp / "名册.xlsx"], 1, "不是普通文件",
                            prepare=_fifo),
    "folder-for-a-file": Case(lambda e: ["org", "import", "--user", "clerk", e.tmp / "名册.xlsx"], 1,
                              "是文件夹，这里需要一个文件", prepare=_folder),
    "file-for-a-folder": Case(lambda e: ["monthly", "template", "--user", "clerk", "--period", MONTH,
                                         "-o", e.tmp / "已有文件"], 1, "不是文件夹", prepare=_existing_file),
    "file-for-a-report-folder": Case(lambda e: ["report", "monthly", "--user", "clerk", "--period", MONTH,
                                                "-o", e.tmp / "已有文件"], 1, "不是文件夹", prepare=_existing_file),
    "wrong-passphrase": Case(lambda e: ["submit", "monthly", "--user", "reviewer", "--period", MONTH, "-o", e.tmp / "usb"],
                             1, "口令", prepare=_wrong("FUPIN_SEAL_PASSPHRASE", "wrong")),
    "wrong-password": Case(lambda e: ["org", "add", "--user", "clerk", *NEW_ORG], 1, "用户名或密码不正确",
                           prepare=_wrong("FUPIN_PASSWORD", "wrong")),
    "unknown-user": Case(lambda e: ["org", "add", "--user", "nobody", *NEW_ORG], 1, "用户名或密码不正确"),
    "clerk-approves": Case(lambda e: ["monthly", "approve", "--user", "clerk", "--township", "青阳街道", "--period", MONTH],
                           1, "没有“审核月报”的权限"),
    "bad-credit-code": Case(lambda e: ["org", "add", "--user", "clerk", *NEW_ORG[:-1], BAD_CODE], 1,
                            "统一社会信用代码"),
    "household-search-without-login": Case(lambda e: ["household", "list", "--search", "002X"], 1, "需要登录"),
    "household-list-as-admin": Case(lambda e: ["household", "list", "--user", "admin"], 1, "没有“查看完整身份证号”的权限"),
    "audit-export-without-login": Case(lambda e: ["audit", "export", "-o", e.tmp / "audit.json"], 1, "需要登录"),
    "unknown-sub-command": Case(lambda e: ["org", "frobnicate"], 2, "参数有误：操作：没有“frobnicate”这一项"),
    "unknown-command": Case(lambda e: ["frobnicate"], 2, "参数有误：命令：没有“frobnicate”这一项"),
    "unknown-option": Case(lambda e: ["org", "list", "--bogus"], 2, "不认识的参数：--bogus"),
    "not-an-int": Case(lambda e: ["inspection", "list", "--year", "abc"], 2, "--year：应为整数，而不是“abc”"),
    "missing-required": Case(lambda e: ["inspection", "list"], 2, "缺少必填的参数：--year"),
    "missing-value": Case(lambda e: ["monthly", "status", "--period"], 2, "--period：后面要写一个值"),
    "not-a-choice": Case(lambda e: ["report", "weekly", "--period", MONTH, "-o", "x"], 2, "没有“weekly”这一项"),
    "not-a-database": Case(lambda e: ["org", "list"], 1, "已损坏，或不是本程序的数据库", data=_junk_database),
    "no-database-yet": Case(lambda e: ["org", "list"], 1, "fupin init", data=lambda e: e.tmp / "empty"),
    "data-dir-is-a-file": Case(lambda e: ["org", "list"], 1, "不是文件夹", data=_existing_file),
}
if Path("/dev/full").exists():
    CASES["disk-full"] = Case(lambda e: ["audit", "export", "--user", "reviewer", "-o", "/dev/full"], 1,
                              "磁盘已满，未能写入「/dev/full」")


def _check(result: subprocess.CompletedProcess[str], code: int, says: str) -> None:
    shown = f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == code, shown
    assert CJK.search(result.stderr) and says in result.stderr, shown
    assert "Traceback" not in result.stdout + result.stderr, shown
    assert "sqlalche" not in result.stderr and "SELECT" not in result.stderr, shown


@pytest.mark.parametrize("name", list(CASES))
def test_a_wrong_invocation_is_one_chinese_message(name: str, env: Env) -> None:
    case = CASES[name]
    if case.prepare is not None:
        case.prepare(env)
    data = case.data(env) if case.data is not None else None
    _check(fupin(env, *case.argv(env), data=data), case.code, case.says)
    if name == "no-database-yet":  # a mistyped --data-dir leaves nothing behind, not even a log
        assert data is not None and not data.exists()


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="root reads a chmod 000 file anyway; the FIFO case covers an unreadable file")
def test_a_file_without_read_permission(env: Env) -> None:
    path = env.tmp / "名册.xlsx"
    path.write_bytes(b"PK\x03\x04")
    path.chmod(0)
    _check(fupin(env, "org", "import", "--user", "clerk", path), 1, "没有权限读取")


def test_a_locked_database_is_busy_not_sql(env: Env) -> None:
    env.extra["FUPIN_BUSY_TIMEOUT_MS"] = "200"
    holder = sqlite3.connect(env.data / DB_FILE, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        result = fupin(env, "org", "add", "--user", "clerk", *NEW_ORG)
    finally:
        holder.close()
    _check(result, 1, BUSY_MESSAGE)
    assert result.stderr.strip() == BUSY_MESSAGE


@pytest.mark.parametrize("which", ["untrusted", "damaged"])
def test_verify_a_strangers_package_prints_one_plain_reason(which: str, env: Env) -> None:
    """No pyHanko warning, no traceback: the verdict and one reason; the details in the log only."""
    result = fupin(env, "verify", env.packages[which], data=env.city)
    shown = f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 1 and result.stderr == "", shown
    verdict, *reasons = result.stdout.splitlines()
    assert verdict.endswith("验证未通过"), shown
    problems = [line for line in reasons if line.startswith("  · ")]
    assert len(problems) == 1 and CJK.search(problems[0]), shown
    assert "Traceback" not in result.stdout and "WARNING" not in result.stdout, shown


def test_a_bug_is_one_line_and_the_traceback_goes_to_the_log(demo_dir: Path, capsys, monkeypatch) -> None:
    from fupin_desktop.cli import year

    def broken(_args: object) -> int:
        raise RuntimeError("boom in calendar")

    monkeypatch.setattr(year, "cmd_calendar", broken)
    code = main(["--data-dir", str(demo_dir), "calendar", "--year", "2026"])
    out, err = capsys.readouterr()
    log = demo_dir / "logs" / "fupin-cli.log"
    assert code == EXIT_BUG and out == "" and err == f"程序内部错误，详细信息已写入日志：{log}\n"
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError: boom in calendar" in text


@pytest.mark.parametrize(("raised", "code", "says"), [
    (KeyboardInterrupt(), EXIT_CANCELLED, "已取消。"),
    (OSError(errno.ENOSPC, "No space left on device", "/媒体/U盘/报送.zip"), 1, "磁盘已满，未能写入「/媒体/U盘/报送.zip」"),
    (PermissionError(errno.EACCES, "Permission denied", "/媒体/U盘"), 1, "没有权限读写「/媒体/U盘」"),
])
def test_cancel_and_file_system_errors(demo_dir: Path, capsys, monkeypatch, raised: BaseException, code: int,
                                       says: str) -> None:
    from fupin_desktop.cli import year

    def failing(_args: object) -> int:
        raise raised

    monkeypatch.setattr(year, "cmd_calendar", failing)
    assert main(["--data-dir", str(demo_dir), "calendar", "--year", "2026"]) == code
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(says) and err.count("\n") == 1


NEED_LOGIN = [
    ["household", "list"], ["pairing", "list"], ["monthly", "show", "--township", "青阳街道", "--period", MONTH],
    ["monthly", "template", "--period", MONTH, "-o", "out"], ["report", "monthly", "--period", MONTH, "-o", "out"],
    ["inspection", "checklist", "--year", "2026"], ["inspection", "draft", "--org", "x", "--year", "2026", "-o", "out"],
    ["submissions"], ["evaluate", "list", "--year", "2026"], ["audit", "export", "-o", "audit.json"],
    ["org", "template", "-o", "org.xlsx"], ["pairing", "template", "-o", "pairing.xlsx"],
]


@pytest.mark.parametrize("argv", NEED_LOGIN, ids=lambda argv: " ".join(argv[:2]))
def test_personal_data_and_files_need_a_login(argv: list[str], demo_dir: Path, tmp_path: Path, capsys,
                                              monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--data-dir", str(demo_dir), *argv]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "需要登录" in err
    assert list(tmp_path.iterdir()) == []  # nothing written
