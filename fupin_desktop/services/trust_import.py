"""Registering many units' certificates at once (issue 15): a 证书登记表 and a folder of files.

The sheet (``template``) has one row per unit: 区划代码, 单位名称 and the 证书指纹 typed from
the unit's paper register. Each row is matched to a certificate file in the folder by that
fingerprint — so a row that matches is confirmed exactly as ``trust add --fingerprint`` is —
and the certificate's own division must be the row's. All or nothing: every row is checked
before any is registered, and any problem (a fingerprint that matches no file, a division
that differs, a row typed wrong, a unit or certificate twice, a certificate already registered
elsewhere or retired) names its row and column and registers nothing. A certificate already
registered for the same unit is left as it is, so the same sheet can be imported again.
The rows are then registered one by one with ``receiving.trust_add`` (its own checks, audit
and retirement of a unit's previous certificate), which also verifies again the packages
that waited for those units (``pending_packages``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cryptography import x509
from sqlalchemy import select

from fupin_desktop.documents.seal_key import cert_bureau, cert_division, cert_fingerprint, load_certificate
from fupin_desktop.domain.division_code import parse_division_code
from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.text import match_key
from fupin_desktop.errors import FieldProblem, KnownError, ValidationFailed, os_error_message
from fupin_desktop.intake.workbook import Sheet, read_workbook
from fupin_desktop.services import expected_units, receiving
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.pending_packages import Recheck
from fupin_desktop.services.permissions import Permission
from fupin_desktop.store.models_submission import TrustEntry

CERT_SUFFIXES = (".pem", ".cer", ".crt", ".der")
MAX_CERT_BYTES = 64 * 1024  # a certificate is about 1 KB; anything far larger is not one
HEADER_SCAN_ROWS = 20
_SEPARATORS = re.compile(r"[\s:：\-_.,，;；]+")
_HEX64 = re.compile(r"[0-9A-F]{64}")


def normalize_fingerprint(text: str) -> str:
    """A fingerprint as typed (spaces, colons, either case, full-width characters) in one form."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()


@dataclass(frozen=True)
class TrustImport:
    registered: list[receiving.TrustView]
    already: list[str] = field(default_factory=list)  # 「第N行 单位」 whose certificate was registered before
    rechecked: Recheck = field(default_factory=Recheck)
    unused_files: list[str] = field(default_factory=list)  # certificates in the folder no row named
    not_certificates: list[str] = field(default_factory=list)  # files in the folder that are not certificates


@dataclass(frozen=True)
class _CertFile:
    path: Path
    cert: x509.Certificate
    fingerprint: str  # normalized


@dataclass(frozen=True)
class _Row:
    row: int
    division: str
    name: str
    typed: str  # normalized
    cert: _CertFile


def template(ctx: ServiceContext, path: Path) -> Path:
    """The sheet to fill, with every unit reporting here that has no certificate yet."""
    from fupin_desktop.documents.trust_sheet import write_trust_template  # openpyxl only when used

    with ctx.db.reading() as s:
        active = set(s.scalars(select(TrustEntry.division).where(TrustEntry.retired_from.is_(None))))
    try:
        units = [(u.division, u.name) for u in expected_units.expected_units(ctx) if u.division not in active]
    except expected_units.NotAReceiver:
        units = []
    try:
        return write_trust_template(Path(path), units)
    except OSError as exc:
        raise KnownError(f"无法写入「{path}」：{os_error_message(exc)}如果文件正在 Excel 或 WPS 中打开，请先关闭。") from exc


def import_sheet(ctx: ServiceContext, sheet_path: Path, cert_folder: Path) -> TrustImport:
    """Register every row of the sheet, or none (``ValidationFailed`` names each problem)."""
    from fupin_desktop.documents.trust_sheet import DIVISION, FINGERPRINT, NAME

    ctx.require(Permission.MANAGE_TRUST)
    certs, not_certificates = _certificates(Path(cert_folder))
    book = read_workbook(Path(sheet_path))
    file = book.file_name
    found = _find_header(book.sheets, {DIVISION: ("区划",), NAME: ("单位", "名称"), FINGERPRINT: ("指纹",)})
    if found is None:
        raise KnownError(f"「{file}」里找不到表头（「{DIVISION}」「{FINGERPRINT}」两栏），未登记任何证书。"
                         "请用 fupin trust template 生成的登记表填写。")
    sheet, header_row, columns = found
    problems: list[FieldProblem] = []

    def at(row: int, label: str, message: str) -> None:
        problems.append(FieldProblem("", label, message, row, sheet.name, file))

    with ctx.db.reading() as s:
        registered = {normalize_fingerprint(t.fingerprint): (t.division, t.retired_from) for t in s.scalars(select(TrustEntry))}
    rows: list[_Row] = []
    already: list[str] = []
    seen_fp: dict[str, int] = {}
    seen_division: dict[str, int] = {}
    by_division = {cert_division(c.cert): c for c in certs.values()}
    for offset, cells in enumerate(sheet.rows[header_row + 1:], start=header_row + 2):
        division_text, name, typed_text = (_text(cells, columns[k]) for k in (DIVISION, NAME, FINGERPRINT))
        if not typed_text:  # a unit not registered this time (the template lists them all)
            continue
        typed = normalize_fingerprint(typed_text)
        division = ""
        try:
            parsed = parse_division_code(division_text).code
            division = parsed if len(parsed) >= 6 else parsed.ljust(6, "0")  # as trust_add keeps it
        except CodeError as exc:
            at(offset, DIVISION, str(exc))
        if division and division in seen_division:
            at(offset, DIVISION, f"与第 {seen_division[division]} 行是同一单位（{division}）：一个单位一次只登记一张证书")
        elif division:
            seen_division[division] = offset
        if not _HEX64.fullmatch(typed):
            at(offset, FINGERPRINT, f"应为 64 位十六进制数字（16 组，每组 4 位），现为 {len(typed)} 位"
                                    "（只能有 0–9 和 A–F）。请对照纸质登记单重新输入")
            continue
        if typed in seen_fp:
            at(offset, FINGERPRINT, f"与第 {seen_fp[typed]} 行是同一张证书")
            continue
        seen_fp[typed] = offset
        cert = certs.get(typed)
        if cert is None:
            hint = by_division.get(division) if division else None
            at(offset, FINGERPRINT, f"文件夹「{Path(cert_folder).name}」里没有这个指纹的证书文件，未登记。"
                                    # The file's own fingerprint is not shown: copied into the sheet, it
                                    # would confirm nothing. The paper is what the row is checked against.
                                    + (f"文件夹里 {division} 的证书是「{hint.path.name}」，它的指纹与所填的不同："
                                       "请对照纸质登记单逐组核对所填的指纹" if hint else
                                       "请核对所填指纹与纸质登记单，或检查证书文件是否放进了文件夹"))
            continue
        claimed = cert_division(cert.cert)
        if division and claimed not in (None, division):
            at(offset, DIVISION, f"证书「{cert.path.name}」（{cert_bureau(cert.cert)}）写明的区划代码是 {claimed}，"
                                 f"与所填的 {division} 不符")
            continue
        if typed in registered:
            registered_division, retired = registered[typed]
            if registered_division == division and retired is None:
                already.append(f"第{offset}行 {name or cert_bureau(cert.cert)}（{division}）")
            else:
                at(offset, FINGERPRINT, _registered_before(registered_division, retired))
            continue
        if division:
            rows.append(_Row(offset, division, name, typed, cert))
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise ValidationFailed(problems, f"「{file}」有 {len(problems)} 处问题，没有登记任何证书。请改正后重新导入。")
    if not rows and not already:
        raise KnownError(f"「{file}」里没有填写了证书指纹的行，未登记任何证书。")
    views: list[receiving.TrustView] = []
    rechecked = Recheck()
    for r in rows:
        view = receiving.trust_add(ctx, r.cert.path, r.division, confirmed_fingerprint=r.typed,
                                   note=f"批量登记：「{file}」第{r.row}行")
        views.append(view)
        rechecked += view.rechecked or Recheck()
    unused = sorted(c.path.name for fp, c in certs.items() if fp not in seen_fp)
    return TrustImport(views, already, rechecked, unused, not_certificates)


def _registered_before(division: str, retired: date | None) -> str:
    if retired is not None:
        return f"这张证书已登记为 {division} 的证书，并自 {retired} 起停用，不能再登记"
    return f"这张证书已登记为 {division} 的证书，与所填的单位不符"


def _certificates(folder: Path) -> tuple[dict[str, _CertFile], list[str]]:
    """The certificate files directly in ``folder``, by normalized fingerprint; and the files that are not."""
    if not folder.is_dir():
        raise KnownError(f"找不到证书文件夹「{folder}」（或它不是文件夹）。")
    found: dict[str, _CertFile] = {}
    bad: list[str] = []
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise KnownError(os_error_message(exc)) from exc
    for path in entries:
        if path.suffix.lower() not in CERT_SUFFIXES or not path.is_file():
            continue
        try:
            if path.stat().st_size > MAX_CERT_BYTES:
                raise KnownError("too large")
            cert = load_certificate(path.read_bytes())
        except (KnownError, OSError):
            bad.append(path.name)
            continue
        fingerprint = normalize_fingerprint(cert_fingerprint(cert))
        found.setdefault(fingerprint, _CertFile(path, cert, fingerprint))  # the same certificate twice: one
    return found, bad


def _find_header(sheets: list[Sheet], wanted: dict[str, tuple[str, ...]]) -> tuple[Sheet, int, dict[str, int]] | None:
    """(sheet, 0-based header row, column of each wanted title) of the first sheet that has them."""
    for sheet in sheets:
        if sheet.hidden:
            continue
        for r, cells in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
            titles = [match_key(str(c)).strip("*＊") if c is not None else "" for c in cells]
            columns: dict[str, int] = {}
            for title, words in wanted.items():
                hits = [c for c, t in enumerate(titles) if t == match_key(title)]
                hits = hits or [c for c, t in enumerate(titles) if t and any(w in t for w in words)]
                if len(hits) == 1:
                    columns[title] = hits[0]
            if len(columns) == len(wanted):
                return sheet, r, columns
    return None


def _text(cells: list[Any], column: int) -> str:
    value = cells[column] if column < len(cells) else None
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
