"""The bureau's seal: the reviewer's signing key (a passphrase-encrypted file) and the
visible seal image (the bureau's own scan, or a marked placeholder).

On a single PC both are files in the data folder's ``seal/``; on a LAN server both are kept in the
database (``stored_content``, hashed on every read, the key still passphrase-encrypted), so the
reviewer seals from whichever PC they sit at."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from fupin_desktop.documents.seal_image import check_seal_png, placeholder_seal_png
from fupin_desktop.documents.seal_key import (
    MIN_PASSPHRASE,
    SealKey,
    cert_fingerprint,
    create_seal_key,
    fingerprint_sheet_pdf,
    load_certificate,
    load_seal_key,
)
from fupin_desktop.domain import clock
from fupin_desktop.errors import KnownError
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.settings import bureau, get_setting, put_settings
from fupin_desktop.store import audit, blobs, db_blobs
from fupin_desktop.store.models import User
from fupin_desktop.store.models_submission import SealCertificate

log = logging.getLogger(__name__)

SEAL_FOLDER = "seal"
IMAGE_FILE = "seal-image.png"
STORED = "stored:"  # a key_file kept in the server's database: "stored:<sha256>"
IMAGE_SETTING = "seal_image_sha256"  # on a server: the seal image's content in the database


@dataclass(frozen=True)
class SealInfo:
    holder: str
    fingerprint: str
    created_at: datetime
    key_file: Path | None  # on a single PC
    key_sha256: str | None = None  # on a LAN server: the key's content in the database

    @property
    def where(self) -> str:
        return str(self.key_file) if self.key_file is not None else "局域网数据库服务器"


@dataclass(frozen=True)
class BureauSeal:
    holder_username: str
    holder_name: str
    fingerprint: str
    created_at: datetime


def _folder(ctx: ServiceContext) -> Path:
    if ctx.data_dir is None:
        raise KnownError("没有数据文件夹，无法保存印章。")
    folder = ctx.data_dir / SEAL_FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def write_private(path: Path, data: bytes) -> None:
    """A key file only its owner can read: 0600, and on Windows an ACL for this user alone."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(path, 0o600)  # also when the file was there before with wider rights
    owner_only_acl(path)


def owner_only_acl(path: Path) -> None:
    """Windows: drop inherited rights and grant full control to the signed-in user only (chmod
    there only sets read-only). Best effort: a failure is logged, the passphrase still guards."""
    if os.name != "nt":
        return
    import subprocess

    user = os.environ.get("USERNAME", "")
    domain = os.environ.get("USERDOMAIN", "")
    if not user:
        log.warning("no USERNAME: %s keeps its inherited access rights", path)
        return
    account = f"{domain}\\{user}" if domain else user
    done = subprocess.run(["icacls", str(path), "/inheritance:r", "/grant:r", f"{account}:F"], capture_output=True,
                          text=True, creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0), check=False)
    if done.returncode != 0:
        log.warning("icacls failed for %s: %s", path, (done.stdout + done.stderr).strip()[:300])


def current_seal(ctx: ServiceContext) -> SealInfo | None:
    """The signing key this user holds (the newest one not retired)."""
    with ctx.db.reading() as s:
        row = s.scalar(select(SealCertificate).where(SealCertificate.holder == ctx.user.username,
                                                     SealCertificate.retired_at.is_(None))
                       .order_by(SealCertificate.id.desc()).limit(1))
        if row is None:
            return None
        if row.key_file.startswith(STORED):
            return SealInfo(row.holder, row.fingerprint, row.created_at, None, row.key_file.removeprefix(STORED))
        return SealInfo(row.holder, row.fingerprint, row.created_at, _folder(ctx) / Path(row.key_file).name)


def bureau_seals(ctx: ServiceContext) -> list[BureauSeal]:
    """Who in this bureau holds a seal now (certificates not retired), for every user to see."""
    with ctx.db.reading() as s:
        rows = s.execute(select(SealCertificate, User.display_name)
                         .outerjoin(User, User.username == SealCertificate.holder)
                         .where(SealCertificate.retired_at.is_(None)).order_by(SealCertificate.id))
        return [BureauSeal(c.holder, name or c.holder, c.fingerprint, c.created_at) for c, name in rows]


def init_seal(ctx: ServiceContext, passphrase: str, *, min_length: int = MIN_PASSPHRASE) -> SealInfo:
    """Make a new seal key for this reviewer; an older one of theirs is retired, never deleted."""
    ctx.require(Permission.HOLD_SEAL)
    b = bureau(ctx.db)
    made = create_seal_key(b.name, b.division_code, ctx.user.display_name, passphrase, min_length=min_length)
    cert = load_certificate(made.cert_pem)
    fingerprint = cert_fingerprint(cert)
    name = f"{ctx.user.username}-{fingerprint.replace(' ', '')[:16].lower()}.p12"
    if ctx.db.on_server:
        key_file = STORED + db_blobs.put_bytes(ctx.db, made.p12)[0]
    else:
        write_private(_folder(ctx) / name, made.p12)
        key_file = f"{SEAL_FOLDER}/{name}"
    with ctx.db.transaction() as s:
        for old in s.scalars(select(SealCertificate).where(SealCertificate.holder == ctx.user.username,
                                                           SealCertificate.retired_at.is_(None))):
            old.retired_at = clock.now()
        s.add(SealCertificate(holder=ctx.user.username, fingerprint=fingerprint, cert_pem=made.cert_pem,
                              key_file=key_file, created_at=clock.now()))
        audit.append(s, username=ctx.user.username, action="create", entity="seal", entity_id=fingerprint[:20],
                     summary=f"生成电子印章密钥（证书指纹 {fingerprint}）", after={"fingerprint": fingerprint})
    info = current_seal(ctx)
    assert info is not None
    return info


def unlock_seal(ctx: ServiceContext, passphrase: str) -> SealKey:
    ctx.require(Permission.HOLD_SEAL)
    info = current_seal(ctx)
    if info is None:
        raise KnownError(f"{ctx.user.display_name}还没有电子印章。请先生成（命令行：fupin seal init --user {ctx.user.username}）。")
    return load_seal_key(key_bytes(ctx, info), passphrase)


def _stored_bytes(ctx: ServiceContext, sha256: str, label: str) -> bytes:
    """Kept on a server: from its database; restored from a server's backup onto one PC: from the
    folder's store, where the backup put it. Re-hashed either way."""
    if ctx.db.on_server:
        return db_blobs.read_verified(ctx.db, sha256, label=label)
    if ctx.data_dir is None:
        raise KnownError("没有数据文件夹，无法读取印章。")
    return blobs.open_verified(ctx.data_dir, blobs.relative_path(sha256), sha256, label=label).read_bytes()


def key_bytes(ctx: ServiceContext, info: SealInfo) -> bytes:
    """The (passphrase-encrypted) key file's bytes, from the folder or, re-hashed, the server."""
    if info.key_sha256 is not None:
        return _stored_bytes(ctx, info.key_sha256, "电子印章密钥")
    assert info.key_file is not None
    try:
        return info.key_file.read_bytes()
    except FileNotFoundError:
        raise KnownError(f"电子印章密钥文件「{info.key_file}」不见了（换了电脑？）。请从备份恢复，"
                         "或重新生成印章并把新证书交给上级。") from None


def export_certificate(ctx: ServiceContext, path: Path) -> tuple[Path, Path, str]:
    """The certificate for the receiving bureau, plus its fingerprint on a one-page PDF."""
    info = current_seal(ctx)
    if info is None:
        raise KnownError("还没有电子印章，无法导出证书。")
    with ctx.db.reading() as s:
        pem = s.scalar(select(SealCertificate.cert_pem).where(SealCertificate.fingerprint == info.fingerprint))
    assert pem is not None
    path = Path(path)
    path.write_bytes(pem)
    sheet = path.with_suffix(".pdf")
    fingerprint_sheet_pdf(load_certificate(pem), sheet, bureau=bureau(ctx.db).name)
    return path, sheet, info.fingerprint


def set_seal_image(ctx: ServiceContext, png_path: Path) -> str | None:
    """Load the bureau's own scanned seal (PNG); returns a note when it had to be adjusted."""
    ctx.require(Permission.SET_SEAL_IMAGE)
    png, note = check_seal_png(Path(png_path).read_bytes())
    stored = db_blobs.put_bytes(ctx.db, png)[0] if ctx.db.on_server else None
    if stored is None:
        (_folder(ctx) / IMAGE_FILE).write_bytes(png)
    with ctx.db.transaction() as s:
        put_settings(s, {IMAGE_SETTING: stored})  # None on one PC: the folder's file is the one
        audit.append(s, username=ctx.user.username, action="update", entity="seal", entity_id="image",
                     summary=f"载入本单位印章图样「{Path(png_path).name}」")
    return note


def seal_image(ctx: ServiceContext) -> tuple[bytes, bool]:
    """The visible seal and whether it is the marked placeholder."""
    stored = get_setting(ctx.db, IMAGE_SETTING)
    if stored:
        return _stored_bytes(ctx, stored, "印章图样"), False
    own = None if ctx.db.on_server else (ctx.data_dir / SEAL_FOLDER / IMAGE_FILE) if ctx.data_dir else None
    if own is not None and own.exists():
        return own.read_bytes(), False
    return placeholder_seal_png(bureau(ctx.db).name), True
