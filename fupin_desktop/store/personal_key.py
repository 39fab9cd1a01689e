"""Personal data at rest: households' ID numbers and head names are sealed field by field.

The data key (32 random bytes, one per database) is never written to the database file or a
backup in the clear. Each user has a key slot: the data key sealed (AES-256-GCM) with a key
derived by Argon2id from that user's password, so logging in opens it, on any PC the database
or a backup is restored on; a stolen file without a password reads as ciphertext. ID numbers
are found by a keyed hash (HMAC-SHA256), which answers "this whole number?" and nothing about
its parts.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from hashlib import sha256

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.orm import Session

from fupin_desktop.errors import KnownError

_FORMAT = b"\x01"
_NONCE = 12
# Argon2id as the login's password hash uses (argon2-cffi's RFC 9106 low-memory profile).
SLOT_TIME_COST, SLOT_MEMORY_KIB, SLOT_PARALLELISM = 3, 65536, 4


class PersonalDataLocked(KnownError):
    """No key is open: nobody with a key slot has logged in to this database."""

    def __init__(self) -> None:
        super().__init__("帮扶对象的姓名和身份证号已加密保存，需要登录后才能查看或修改。")


def _subkey(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)


@dataclass(frozen=True)
class SealedSlot:
    salt: bytes
    time_cost: int
    memory_kib: int
    parallelism: int
    sealed: bytes


class PersonalKey:
    """An opened data key: seals and opens fields, and makes the lookup hash of an ID number."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) != 32:
            raise ValueError("data key must be 32 bytes")
        self._secret = secret
        self._fields = AESGCM(_subkey(secret, b"fupin personal fields v1"))
        self._lookup = _subkey(secret, b"fupin id number lookup v1")

    @classmethod
    def new(cls) -> PersonalKey:
        return cls(os.urandom(32))

    def seal(self, field: str, text: str) -> bytes:
        # The field name is bound in as associated data, so a name cannot be moved into an ID slot.
        nonce = os.urandom(_NONCE)
        return _FORMAT + nonce + self._fields.encrypt(nonce, text.encode("utf-8"), field.encode("ascii"))

    def open(self, field: str, blob: bytes) -> str:
        if blob[:1] != _FORMAT:
            raise KnownError("数据库里的加密字段格式无法识别（可能被改动过）。")
        nonce, body = blob[1:1 + _NONCE], blob[1 + _NONCE:]
        try:
            return self._fields.decrypt(nonce, body, field.encode("ascii")).decode("utf-8")
        except InvalidTag:
            raise KnownError("数据库里的加密字段无法解开（被改动过，或不属于这个数据库）。") from None

    def lookup(self, id_number: str) -> str:
        return hmac.new(self._lookup, id_number.encode("ascii"), sha256).hexdigest()

    def slot_for(self, password: str) -> SealedSlot:
        salt = os.urandom(16)
        kek = _derive(password, salt, SLOT_TIME_COST, SLOT_MEMORY_KIB, SLOT_PARALLELISM)
        nonce = os.urandom(_NONCE)
        sealed = _FORMAT + nonce + AESGCM(kek).encrypt(nonce, self._secret, b"fupin key slot v1")
        return SealedSlot(salt, SLOT_TIME_COST, SLOT_MEMORY_KIB, SLOT_PARALLELISM, sealed)

    @classmethod
    def from_slot(cls, slot: SealedSlot, password: str) -> PersonalKey | None:
        """The data key if ``password`` opens the slot; None for any other password."""
        kek = _derive(password, slot.salt, slot.time_cost, slot.memory_kib, slot.parallelism)
        nonce, body = slot.sealed[1:1 + _NONCE], slot.sealed[1 + _NONCE:]
        try:
            return cls(AESGCM(kek).decrypt(nonce, body, b"fupin key slot v1"))
        except InvalidTag:
            return None


def _derive(password: str, salt: bytes, time_cost: int, memory_kib: int, parallelism: int) -> bytes:
    return hash_secret_raw(password.encode("utf-8"), salt, time_cost, memory_kib, parallelism, 32, Type.ID)


# A session's database (``Database``, in the session's info as "keys") holds the opened key.
def open_key(session: Session) -> PersonalKey | None:
    key = getattr(session.info.get("keys"), "personal_key", None)
    return key if isinstance(key, PersonalKey) else None


def set_open_key(session: Session, key: PersonalKey) -> None:
    holder = session.info.get("keys")
    if holder is not None:
        holder.personal_key = key
