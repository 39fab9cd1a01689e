"""A PKCS#12 integrity MAC as slow to guess as its encryption.

``cryptography`` encrypts the key with PBKDF2-SHA256 at the rounds we ask for, but always writes
the file's MAC with 2,048 iterations, so a stolen file could be tested against the MAC at
thousands of passphrases a second. ``strengthen_mac`` re-derives the MAC key (RFC 7292,
appendix B, SHA-256) with as many iterations as the encryption and replaces the MacData; any
PKCS#12 reader (OpenSSL, Windows) verifies it as usual.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from asn1crypto import pkcs12 as asn1_pkcs12

_U, _V = 32, 64  # SHA-256 output and block size in bytes
_MAC_KEY_ID = 3  # RFC 7292 B.3: "the key is used for MACing"


def _bmp_password(passphrase: str) -> bytes:
    return passphrase.encode("utf-16-be") + b"\x00\x00"


def _repeat_to_blocks(data: bytes) -> bytes:
    if not data:
        return b""
    length = _V * ((len(data) + _V - 1) // _V)
    return (data * (length // len(data) + 1))[:length]


def mac_key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    """The 32-byte MAC key of RFC 7292 appendix B.2 with SHA-256."""
    diversifier = bytes([_MAC_KEY_ID]) * _V
    block = hashlib.sha256(diversifier + _repeat_to_blocks(salt) + _repeat_to_blocks(_bmp_password(passphrase))).digest()
    for _ in range(iterations - 1):
        block = hashlib.sha256(block).digest()
    return block[:_U]


def strengthen_mac(p12: bytes, passphrase: str, iterations: int) -> bytes:
    """The same PKCS#12 with a fresh salt and an HMAC-SHA256 MAC of ``iterations`` iterations."""
    pfx = asn1_pkcs12.Pfx.load(p12)
    content = pfx["auth_safe"]["content"].native  # the AuthenticatedSafe, as the MAC covers it
    salt = os.urandom(16)
    digest = hmac.new(mac_key(passphrase, salt, iterations), content, hashlib.sha256).digest()
    pfx["mac_data"] = asn1_pkcs12.MacData({
        "mac": {"digest_algorithm": {"algorithm": "sha256"}, "digest": digest},
        "mac_salt": salt,
        "iterations": iterations,
    })
    return pfx.dump(force=True)


def mac_iterations(p12: bytes) -> int:
    mac_data = asn1_pkcs12.Pfx.load(p12)["mac_data"]
    return int(mac_data["iterations"].native)
