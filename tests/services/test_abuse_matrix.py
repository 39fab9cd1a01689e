"""Issue 10's tamper and abuse matrix, one row per case, each through the real command ``fupin``
(run in this process, so the login case can move the clock): every attack ends in one plain
Chinese reason, or in the safe behaviour the issue asks for (text, not a formula; a correction
that waits), never in a traceback. The ten cases of the issue come first, then the package
tamper matrix that was already refused (``test_submissions``), here through the command.

Deeper checks of each case live beside their code (test_formula_injection, test_personal_data_sealed,
test_login_limits, test_seal_key, test_hostile_workbooks, test_package_entries, test_cli_audit_anchor,
test_identity_from_certificate, test_submissions); this file is the one place that shows them all.
"""

from __future__ import annotations

import io
import json
import re
import time
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import xlwt
from sqlalchemy import select, text
from test_audit_anchor import rewrite
from test_identity_from_certificate import _resigned_by
from test_submissions import CASES as TAMPER
from test_submissions import _second_county, _submit, _tampered, _trust

from fupin_desktop.cli import main
from fupin_desktop.documents.package import manifest_bytes, package_bytes
from fupin_desktop.documents.seal_key import create_seal_key, load_seal_key
from fupin_desktop.documents.signing import sign_detached
from fupin_desktop.domain import clock
from fupin_desktop.services import backup, organizations, receiving
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.users import login
from fupin_desktop.store.folder import DB_FILE
from fupin_desktop.store.models import Household

CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Ran:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


@dataclass
class Scene:
    county: ServiceContext  # the demo county, signed in as its clerk
    city: ServiceContext  # 泉州市民政局, trusting nothing until told
    tmp: Path
    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch
    _package: Path | None = field(default=None)

    def fupin(self, *argv: str, password: str = "demo") -> Ran:
        self.monkeypatch.setenv("FUPIN_PASSWORD", password)
        self.capsys.readouterr()
        code = main(list(argv))
        out, err = self.capsys.readouterr()
        assert "Traceback" not in out + err
        return Ran(code, out, err)

    def at_county(self, *argv: str, password: str = "demo") -> Ran:
        return self.fupin("--data-dir", str(self.county.data_dir), *argv, password=password)

    def at_city(self, *argv: str) -> Ran:
        return self.fupin("--data-dir", str(self.city.data_dir), *argv)

    def package(self) -> Path:
        """The county's sealed monthly report, v1, trusted by the city."""
        if self._package is None:
            self._package = _submit(self.county, self.tmp / "usb")
            _trust(self.city, self.county, self.tmp)
        return self._package


def refusal(ran: Ran, *words: str) -> str:
    """The one reason: exit 1 and one Chinese sentence naming what was wrong (``verify`` lists its
    reasons under the file's verdict and what the package says it is)."""
    assert ran.code == 1, ran.text
    listed = [line[4:] for line in ran.out.splitlines() if line.startswith("  · ")]
    reasons = listed or [line for line in (ran.err or ran.out).splitlines() if line.strip()]
    assert len(reasons) == 1 and CJK.search(reasons[0]), reasons
    assert all(w in reasons[0] for w in words), reasons
    return reasons[0]


def package_refusal(scene: Scene, path: Path, *words: str) -> str:
    return refusal(scene.at_city("verify", str(path)), *words)


CASES: dict[str, Callable[[Scene], str]] = {}


def case(name: str) -> Callable[[Callable[[Scene], str]], Callable[[Scene], str]]:
    def register(run: Callable[[Scene], str]) -> Callable[[Scene], str]:
        CASES[name] = run
        return run
    return register


# --- the ten cases of issue 10 ----------------------------------------------------------------


@case("01 公式注入：组织名 =cmd|' /C calc'!A0 写入年检清单")
def formula_injection(scene: Scene) -> str:
    name = "=cmd|' /C calc'!A0"
    with scene.county.db.reading() as s:
        org_id = s.execute(text("SELECT organization_id FROM pairing WHERE status = 'active' LIMIT 1")).scalar_one()
    view = organizations.get_organization(scene.county, org_id)
    organizations.save_organization(scene.county, {**view.values, "name": name}, org_id)
    target = scene.tmp / "清单.xlsx"
    ran = scene.at_county("inspection", "checklist", "--year", str(clock.today().year), "-o", str(target),
                          "--user", "clerk")
    assert ran.code == 0, ran.text
    with zipfile.ZipFile(target) as book:
        sheets = b"".join(book.read(n) for n in book.namelist() if n.startswith("xl/worksheets/"))
        strings = book.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in book.namelist() else b""
    assert b"<f>" not in sheets and b"<f " not in sheets
    assert b"cmd|" in sheets + strings
    return "写成文本，不是公式"


@case("02 已停用证书：签发时间改到停用之前")
def retired_certificate(scene: Scene) -> str:
    late = scene.package()
    fingerprint = receiving.trust_list(scene.city)[0].fingerprint
    assert scene.at_city("trust", "retire", fingerprint[:9], "--from", str(clock.today()), "--user", "admin").code == 0
    key = load_seal_key(next((scene.county.data_dir / "seal").glob("*.p12")).read_bytes(), "demo")
    with zipfile.ZipFile(late) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(files["manifest.json"])
    manifest["created_at"] = "2020-01-01T09:00:00"
    content = {n: files[n] for n in ("report.pdf", "report.xlsx", "data.json")}
    backdated = scene.tmp / "backdated.zip"
    backdated.write_bytes(package_bytes(content, manifest, sign_detached(manifest_bytes(manifest), key),
                                        files["signer.pem"]))
    return package_refusal(scene, backdated, "不作为依据")


@case("03 一县冒充另一县：石狮的证书签晋江的名义")
def one_county_for_another(scene: Scene) -> str:
    genuine = scene.package()
    shishi = _second_county(scene.county.data_dir, scene.tmp)
    _trust(scene.city, shishi, scene.tmp)

    def as_jinjiang(m: dict[str, object]) -> None:
        m.update(division="350581", bureau="晋江市民政局")

    forged = _resigned_by(shishi, genuine, scene.tmp / "forged.zip", as_jinjiang, as_jinjiang)
    shishi.db.dispose()
    return package_refusal(scene, forged, "石狮市民政局", "不符")


@case("04 更正版先到：不得挡住原版")
def correction_first(scene: Scene) -> str:
    v1 = scene.package()
    v2 = _submit(scene.county, scene.tmp / "usb")
    first = scene.at_city("receive", str(v2), "--user", "admin")
    assert first.code == 0 and "等待原版" in first.out, first.text
    original = scene.at_city("receive", str(v1), "--user", "admin")
    assert original.code == 0 and "已接收；等待原版的第 2 版已核对更正链并生效" in original.out, original.text
    return "更正版“等待原版”，原版照收，随后更正生效"


@case("05 身份证号：明文、未登录检索、按尾号试探")
def id_numbers(scene: Scene) -> str:
    with scene.county.db.reading() as s:
        number = next(iter(s.scalars(select(Household)))).id_number
    assert number.encode() not in (scene.county.data_dir / DB_FILE).read_bytes()
    masked = f"{number[:6]}********{number[-4:]}"
    assert masked in scene.at_county("household", "list", "--search", number, "--user", "clerk").out
    assert masked not in scene.at_county("household", "list", "--search", number[-12:], "--user", "clerk").out
    return refusal(scene.at_county("household", "list", "--search", number[-12:]), "需要登录")


@case("06 连续输错密码")
def password_guessing(scene: Scene) -> str:
    moment = [clock.now()]
    scene.monkeypatch.setattr(clock, "now", lambda: moment[0])
    for _ in range(10):
        moment[0] += timedelta(minutes=2)  # past every growing wait
        refusal(scene.at_county("household", "list", "--user", "clerk", password="guess"), "密码")
    moment[0] += timedelta(hours=1)
    return refusal(scene.at_county("household", "list", "--user", "clerk"), "已被锁定", "管理员解锁")


@case("07 印章口令太短")
def short_passphrase(scene: Scene) -> str:
    scene.monkeypatch.setenv("FUPIN_SEAL_PASSPHRASE", "1234")
    reason = refusal(scene.at_county("seal", "init", "--user", "reviewer"), "至少需要 8 个字符")
    (p12,) = (scene.county.data_dir / "seal").glob("*.p12")
    assert p12.stat().st_mode & 0o077 == 0  # the key the demo made: readable by its owner only
    return reason


@case("08 8 张铺满的 .xls 工作表（A1 与 IV65536）")
def dense_xls(scene: Scene) -> str:
    book = xlwt.Workbook()
    for n in range(8):
        ws = book.add_sheet(f"S{n + 1}")
        ws.write(0, 0, "x")
        ws.write(65535, 255, "y")
    path = scene.tmp / "青阳街道.xls"
    book.save(str(path))
    return refusal(scene.at_county("monthly", "import", str(path), "--township", "青阳街道", "--period",
                                   str(clock.today().replace(day=1) - timedelta(days=1))[:7], "--user", "clerk"),
                   "青阳街道.xls", "65536 行")


@case("09 10 万个文件的报送包")
def stuffed_package(scene: Scene) -> str:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:
        for n in range(100_000):
            archive.writestr(f"f{n}.txt", b"x")
    path = scene.tmp / "350582_晋江市民政局_月报.zip"
    path.write_bytes(buf.getvalue())
    ran = scene.at_city("verify", str(path))
    assert len(ran.text.splitlines()) == 2  # the file's verdict and one reason, not 100,000 lines
    return refusal(ran, "100000 个文件")


@case("10 改写已外送的操作日志")
def rewritten_audit(scene: Scene) -> str:
    made = backup.make_backup(scene.county.as_user(login(scene.county.db, "admin", "demo")), scene.tmp / "备份")
    scene.county.db.dispose()
    rewrite(scene.county.data_dir / DB_FILE, 5, "改写了已经外送的记录")
    return refusal(scene.at_county("audit", "check", str(made.path)), made.path.name, "历史被改写过")


# --- the package tamper matrix, through the command ---------------------------------------------


for _name, (_change, _word) in sorted(TAMPER.items()):
    def _tamper_case(scene: Scene, change: Callable[[dict[str, bytes]], None] = _change, word: str = _word,
                     name: str = _name) -> str:
        bad = _tampered(scene.package(), scene.tmp / f"{name}.zip", change)
        return package_refusal(scene, bad, word)
    CASES[f"篡改 {_name}"] = _tamper_case


@case("篡改 换用不受信任的密钥重签")
def untrusted_key(scene: Scene) -> str:
    with zipfile.ZipFile(scene.package()) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    forged = create_seal_key("晋江市民政局", "350582", "冒名", "secret-passphrase")
    key = load_seal_key(forged.p12, "secret-passphrase")
    manifest = json.loads(files["manifest.json"])
    content = {n: files[n] for n in ("report.pdf", "report.xlsx", "data.json")}
    bad = scene.tmp / "forged.zip"
    bad.write_bytes(package_bytes(content, manifest, sign_detached(manifest_bytes(manifest), key), forged.cert_pem))
    return package_refusal(scene, bad, "不在本单位信任")


def _zip(path: Path, entries: list[tuple[str, bytes]]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it is told to write
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in entries:
                zf.writestr(name, data)
    return path


for _slip in ("../evil.txt", "/etc/passwd", "a\\b.txt"):
    def _slip_case(scene: Scene, name: str = _slip) -> str:
        bad = _zip(scene.tmp / "slip.zip", [(name, b"x"), ("manifest.json", b"{}")])
        return package_refusal(scene, bad, "不安全")
    CASES[f"篡改 路径 {_slip}"] = _slip_case


@case("篡改 不是压缩包")
def not_a_zip(scene: Scene) -> str:
    plain = scene.tmp / "letter.zip"
    plain.write_text("不是压缩包", encoding="utf-8")
    return package_refusal(scene, plain, "不是报送包")


@case("篡改 重名文件")
def duplicate_names(scene: Scene) -> str:
    return package_refusal(scene, _zip(scene.tmp / "dup.zip", [("manifest.json", b"{}")] * 2), "重名")


@case("篡改 压缩炸弹")
def zip_bomb(scene: Scene) -> str:
    bomb = scene.tmp / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("report.pdf", b"\0" * (120 * 1024 * 1024))
    return package_refusal(scene, bomb, "上限")


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_attack_ends_in_one_plain_chinese_reason(name: str, clerk, city, tmp_path: Path, capsys,
                                                       monkeypatch) -> None:
    started = time.perf_counter()  # only reported: the closing note's time column
    outcome = CASES[name](Scene(clerk, city, tmp_path, capsys, monkeypatch))
    assert CJK.search(outcome)
    with capsys.disabled():
        print(f"\n[{name}] {outcome}  ({time.perf_counter() - started:.1f} s)")
