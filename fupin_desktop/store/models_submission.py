"""What leaves (submissions) and what arrives (trusted certificates, received packages).

The seal's private key is not here: it is a passphrase-encrypted file in the data folder.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Integer, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from fupin_desktop.store.models import Base


class SealCertificate(Base):
    """A seal key made in this program: who holds it and its certificate (the key is a file)."""

    __tablename__ = "seal_certificate"
    id: Mapped[int] = mapped_column(primary_key=True)
    holder: Mapped[str] = mapped_column(String(40), index=True)
    fingerprint: Mapped[str] = mapped_column(String(100), unique=True)
    cert_pem: Mapped[bytes] = mapped_column(LargeBinary)
    key_file: Mapped[str] = mapped_column(String(255))  # relative to the data folder
    created_at: Mapped[datetime] = mapped_column(DateTime)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)


class Submission(Base):
    """One sealed package sent upward. A correction is a new version naming the one it replaces."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("report", "period", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    report: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(255))
    package_sha256: Mapped[str] = mapped_column(String(64))
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    corrects: Mapped[str | None] = mapped_column(String(64))  # manifest hash of the version replaced
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON)
    package: Mapped[bytes] = mapped_column(LargeBinary)  # kept, so it can be sent again unchanged
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(100), default="")
    incomplete: Mapped[list[Any]] = mapped_column(JSON, default=list)  # township-months missing or not approved
    sent_to: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{"path": …, "at": …}] each time written
    doc_number: Mapped[str | None] = mapped_column(String(40), unique=True)  # 发文字号; None without a 机关代字


class TrustEntry(Base):
    """A county's seal certificate the receiving bureau trusts for that division code."""

    __tablename__ = "trust_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    division: Mapped[str] = mapped_column(String(6), index=True)
    bureau: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(100), unique=True)
    cert_pem: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(DateTime)
    added_by: Mapped[str] = mapped_column(String(40))
    retired_from: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class ReceivedPackage(Base):
    """A package that passed verification here; only the newest valid version of a report counts."""

    __tablename__ = "received_package"
    __table_args__ = (UniqueConstraint("division", "report", "period", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    division: Mapped[str] = mapped_column(String(6), index=True)
    bureau: Mapped[str] = mapped_column(String(100))
    report: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(255))
    package_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    corrects: Mapped[str | None] = mapped_column(String(64))
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    audit_seq: Mapped[int | None] = mapped_column(Integer)  # the county's audit-log head it carried
    audit_hash: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    received_by: Mapped[str] = mapped_column(String(40))
    superseded: Mapped[bool] = mapped_column(default=False)
    # A correction of a version never received here: kept, not counted, until its original comes.
    waiting: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Worked out once when received, so an aggregate of a thousand units never re-reads their rows:
    # the additive totals and the sums by campaign, domain and target kind (None: received before).
    totals: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    breakdown: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class ExpectedExemption(Base):
    """A unit the bureau expects nothing from (不适用), for one report or all ("*"), and why."""

    __tablename__ = "expected_exemption"
    __table_args__ = (UniqueConstraint("division", "report"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    division: Mapped[str] = mapped_column(String(6), index=True)
    report: Mapped[str] = mapped_column(String(40), default="*")
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(40))


class PendingPackage(Base):
    """A package intact but signed by a certificate not yet registered here: kept, and verified
    again when that unit's certificate is registered (issue 15)."""

    __tablename__ = "pending_package"
    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    division: Mapped[str] = mapped_column(String(6), index=True)  # as the package claims it
    bureau: Mapped[str] = mapped_column(String(100))
    report: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    arrived_at: Mapped[datetime] = mapped_column(DateTime)
    arrived_by: Mapped[str] = mapped_column(String(40))


class AggregateRun(Base):
    """What an aggregate counted, county by county (version, manifest hash, totals), so the next
    one can say which counties' figures changed since (issue 15)."""

    __tablename__ = "aggregate_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    report: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(10), index=True)
    counties: Mapped[dict[str, Any]] = mapped_column(JSON)  # division → {version, manifest, totals}
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(40))
