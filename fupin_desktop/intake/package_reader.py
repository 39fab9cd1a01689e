"""Reading and verifying a submission package that arrived on a USB stick. Fails closed.

Nothing is unpacked to disk: entries are read into memory within fixed limits after the
zip directory has been checked (names, duplicates, declared sizes). Any exception while
reading counts as "not valid" and becomes a plain problem, never a traceback.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cryptography import x509

from fupin_desktop.documents.package import (
    ALL_FILES,
    FORMAT,
    MANIFEST,
    SIGNATURE,
    SIGNER,
    manifest_bytes,
    sha256,
)
from fupin_desktop.errors import KnownError, os_error_message

MAX_PACKAGE_BYTES = 200 * 1024 * 1024
MAX_ENTRY_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 250 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 64  # a package holds a handful of files; more is not ours (and costs nothing to refuse)


class PackageError(KnownError):
    """The file cannot be read as a package at all; the message says why."""


@dataclass(frozen=True)
class PackageContents:
    name: str
    sha256: str  # of the whole package file
    files: dict[str, bytes]
    manifest: dict[str, Any]


@dataclass(frozen=True)
class TrustedCert:
    certificate: x509.Certificate
    bureau: str
    retired_from: date | None = None
    received_before_retirement: frozenset[str] = frozenset()  # package SHA-256s received here in time


@dataclass
class Verification:
    file: str
    ok: bool = False
    intact: bool = False
    trusted: bool = False
    # The signer is not among the certificates registered for the package's division: nothing
    # else may be concluded about it yet (issue 15: such a package waits for its certificate).
    unknown_signer: bool = False
    signer: str = ""
    division: str = ""
    bureau: str = ""
    report: str = ""
    period: str = ""
    version: int = 0
    sha256: str = ""
    problems: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    data: dict[str, Any] | None = None
    data_json: bytes | None = None  # data.json exactly as signed: what the receiver stores

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "ok": self.ok, "intact": self.intact, "trusted": self.trusted,
                "unknown_signer": self.unknown_signer, "signer": self.signer,
                "division": self.division, "bureau": self.bureau, "report": self.report, "period": self.period,
                "version": self.version, "sha256": self.sha256, "problems": self.problems}


def _safe_name(name: str) -> bool:
    return (name.isascii() and "/" not in name and "\\" not in name and ".." not in name and ":" not in name
            and not name.startswith((".", "/")) and name == name.strip() and len(name) <= 64)


def open_package(path: Path) -> PackageContents:
    path = Path(path)
    label = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PackageError(f"无法打开「{label}」：{os_error_message(exc)}") from exc
    if size > MAX_PACKAGE_BYTES:
        raise PackageError(f"「{label}」有 {size // 1024 // 1024} MB，超过报送包的上限，已拒绝。")
    return open_package_bytes(label, path.read_bytes())


def open_package_bytes(label: str, raw: bytes) -> PackageContents:
    """``open_package`` of bytes already in memory (a package about to be written)."""
    if len(raw) > MAX_PACKAGE_BYTES:
        raise PackageError(f"「{label}」有 {len(raw) // 1024 // 1024} MB，超过报送包的上限，已拒绝。")
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise PackageError(f"「{label}」不是报送包（不是 zip 文件）。")
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise PackageError(f"「{label}」已损坏，无法打开（{exc}）。") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise PackageError(f"「{label}」里有 {len(infos)} 个文件，本程序的报送包最多 {MAX_ENTRIES} 个，"
                               "不是本程序生成的报送包，已拒绝，未解开任何文件。")
        names = [i.filename for i in infos]
        unsafe = [n for n in names if not _safe_name(n)]
        if unsafe:
            raise PackageError(f"「{label}」含有不安全的文件名（{'、'.join(repr(n) for n in unsafe[:3])}），"
                               "可能被恶意构造，已拒绝，未解开任何文件。")
        duplicates = sorted(n for n, count in Counter(names).items() if count > 1)
        if duplicates:
            raise PackageError(f"「{label}」里有重名的文件（{'、'.join(duplicates)}），已拒绝。")
        total = 0
        for info in infos:
            if info.file_size > MAX_ENTRY_BYTES:
                raise PackageError(f"「{label}」中的 {info.filename} 解开后有 {info.file_size // 1024 // 1024} MB，"
                                   "超过上限，已拒绝。")
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1024 * 1024:
                raise PackageError(f"「{label}」中的 {info.filename} 压缩比异常（可能是压缩炸弹），已拒绝。")
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise PackageError(f"「{label}」解开后共 {total // 1024 // 1024} MB，超过上限，已拒绝。")
        files: dict[str, bytes] = {}
        for info in infos:
            with zf.open(info) as f:
                data = f.read(MAX_ENTRY_BYTES + 1)  # declared sizes can lie; the read cannot
            if len(data) > MAX_ENTRY_BYTES:
                raise PackageError(f"「{label}」中的 {info.filename} 超过上限，已拒绝。")
            files[info.filename] = data
    if MANIFEST not in files:
        raise PackageError(f"「{label}」里没有清单文件 {MANIFEST}，不是本程序生成的报送包。")
    try:
        manifest = json.loads(files[MANIFEST].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError(f"「{label}」的清单文件已损坏，无法读取。") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PackageError(f"「{label}」的清单格式不是 {FORMAT}，可能来自不兼容的版本。")
    return PackageContents(label, sha256(raw), files, manifest)


def verify_package(path: Path, trusted_for: Callable[[str], list[TrustedCert]]) -> Verification:
    """Every check a receiving bureau makes; ``ok`` only when all hold."""
    return _checked(Path(path).name, lambda: open_package(path), trusted_for)


def verify_package_bytes(name: str, data: bytes, trusted_for: Callable[[str], list[TrustedCert]]) -> Verification:
    """``verify_package`` of a package still in memory (checked before it is recorded and written)."""
    return _checked(name, lambda: open_package_bytes(name, data), trusted_for)


def _checked(name: str, opener: Callable[[], PackageContents],
             trusted_for: Callable[[str], list[TrustedCert]]) -> Verification:
    result = Verification(file=name)
    try:
        _verify(opener(), trusted_for, result)
    except PackageError as exc:
        result.problems.append(str(exc))
    except Exception:  # noqa: BLE001 — fail closed: anything unexpected means "not valid"
        result.problems.append("报送包已损坏或被改动，读取时出错，无法验证。")
    result.ok = result.intact and result.trusted and not result.problems
    return result


def _verify(package: PackageContents, trusted_for: Callable[[str], list[TrustedCert]], result: Verification) -> None:
    from fupin_desktop.documents.seal_key import cert_fingerprint, load_certificate
    from fupin_desktop.documents.signing import untrusted_certificate_problem, verify_detached, verify_pdf

    m = package.manifest
    result.sha256 = package.sha256
    result.division, result.bureau = str(m.get("division", "")), str(m.get("bureau", ""))
    result.report, result.period = str(m.get("report", "")), str(m.get("period", ""))
    result.version = int(m.get("version") or 0)
    result.manifest = m
    listed = dict(m.get("files") or {})
    expected = set(listed) | {MANIFEST, SIGNATURE, SIGNER}
    present = set(package.files)
    for name in sorted(expected - present):
        result.problems.append(f"缺少文件 {name}")
    for name in sorted(present - expected):
        result.problems.append(f"多出了清单里没有的文件 {name}")
    for name in sorted(set(listed) - set(ALL_FILES)):
        result.problems.append(f"清单里有不认识的文件 {name}")
    if package.files.get(MANIFEST) != manifest_bytes(m):
        result.problems.append("清单文件的格式被改动过（与签名时的字节不同）")
    changed = [name for name, digest in listed.items() if name in package.files and sha256(package.files[name]) != digest]
    for name in changed:
        result.problems.append(f"文件 {name} 在盖章后被改动（SHA-256 不符）")
    if SIGNER not in package.files or SIGNATURE not in package.files:
        return
    signer = load_certificate(package.files[SIGNER])
    result.signer = signer.subject.rfc4514_string()
    candidates = trusted_for(result.division)
    match = next((t for t in candidates if t.certificate == signer), None)
    certs = [match.certificate] if match else []
    detached = verify_detached(package.files[MANIFEST], package.files[SIGNATURE], certs)
    # An unknown signer is reported once, below, not also as the signature's untrusted certificate;
    # a signature whose embedded certificate is not signer.pem's was damaged or swapped: said so.
    swapped = match is not None and detached.signer_cert is not None and detached.signer_cert != match.certificate
    untrusted = (untrusted_certificate_problem(detached.signer_cert)
                 if (match is None or swapped) and detached.signer_cert is not None else None)
    result.problems += [p for p in detached.problems if p not in result.problems and p != untrusted]
    if swapped:
        result.problems.append("签名文件 manifest.sig 被改动过：其中的签章证书与 signer.pem 不是同一张")
    manifest_ok = detached.intact
    if match is None:
        result.unknown_signer = True
        result.problems.append(f"签章证书（指纹 {cert_fingerprint(signer)}）不在本单位信任的 {result.division or '?'} "
                               "证书中：未知的签发单位，请先核对纸质登记单上的指纹，再登记该单位的证书")
    elif match.retired_from is not None and package.sha256 not in match.received_before_retirement:
        # The package's own created_at is the sender's claim, not evidence: only a package this
        # bureau had already received before the retirement still counts.
        result.problems.append(f"签章证书自 {match.retired_from} 起已停用，本单位在停用前没有收到过这个包"
                               f"（包内自称签于 {_signed_on(m) or '未知日期'}，不作为依据）")
        match = None
    if match is not None and result.bureau != match.bureau:
        # Who speaks is the registered certificate's bureau, never what the package calls itself.
        result.problems.append(f"清单上的单位「{result.bureau}」与登记的 {result.division} 证书单位「{match.bureau}」不符")
        match = None
    if match is not None:
        result.bureau = match.bureau
    if "report.pdf" in package.files and "report.pdf" not in changed:  # a changed PDF is said once, above
        pdf = verify_pdf(package.files["report.pdf"], certs)
        if not pdf.intact or not pdf.covers_whole_file:
            result.problems += [f"PDF：{p}" for p in pdf.problems] or ["PDF 的签章无效"]
            manifest_ok = False
    result.intact = manifest_ok and not changed and not (expected - present) and not (present - expected)
    result.trusted = match is not None and detached.trusted
    if result.intact and "data.json" in package.files:
        result.data_json = package.files["data.json"]
        result.data = json.loads(result.data_json.decode("utf-8"), parse_constant=_not_a_number)
        header = (str(result.data.get("division", "")), str(result.data.get("bureau", "")))
        if header != (result.division, str(m.get("bureau", ""))):
            result.problems.append(f"数据文件的表头单位「{header[1]}」（{header[0]}）与清单"
                                   f"「{m.get('bureau', '')}」（{result.division}）不符")
            result.trusted = False


def _not_a_number(name: str) -> Any:
    raise PackageError(f"数据文件 data.json 中有不是数字的数值（{name}），已拒绝。")


def _signed_on(manifest: dict[str, Any]) -> date | None:
    try:
        return datetime.fromisoformat(str(manifest.get("created_at"))).date()
    except ValueError:
        return None
