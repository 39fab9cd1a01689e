"""The year's work: annual inspections (年检/年报) with their attachments, and 年终评估."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

from fupin_desktop.store.models import Base, Organization, Pairing


class Attachment(Base):
    """A stored file, kept once per content (SHA-256) under the data folder's attachments/."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(10))  # pdf, doc, docx, xls, xlsx, wps, jpg, png, ofd — from the bytes
    stored_path: Mapped[str] = mapped_column(String(255))  # relative to the data folder
    created_at: Mapped[datetime] = mapped_column(DateTime)


class StoredContent(Base):
    """An attachment's bytes kept in the database (a LAN server: every PC sees them), once per content."""

    __tablename__ = "stored_content"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Inspection(Base):
    """One organization's annual inspection of one year."""

    __tablename__ = "inspection"
    __table_args__ = (UniqueConstraint("organization_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    received_on: Mapped[date | None] = mapped_column(Date)
    # 业务活动成本 of the year and the part of it spent on poverty relief (003 asks that the share
    # grow); in fen, from the organization's annual report; None: not given.
    activity_cost_fen: Mapped[int | None] = mapped_column(BigInteger)
    poverty_cost_fen: Mapped[int | None] = mapped_column(BigInteger)
    result: Mapped[str | None] = mapped_column(String(30))  # qualified | basically_qualified | unqualified
    remarks: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(40))
    organization: Mapped[Organization] = relationship()
    attachments: Mapped[list[InspectionAttachment]] = relationship(
        back_populates="inspection", order_by="InspectionAttachment.id", cascade="all, delete-orphan")


class InspectionAttachment(Base):
    __tablename__ = "inspection_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"), index=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # work_report | work_plan | photo | agreement | receipt | other
    original_name: Mapped[str] = mapped_column(String(255))
    added_at: Mapped[datetime] = mapped_column(DateTime)
    added_by: Mapped[str] = mapped_column(String(40))
    inspection: Mapped[Inspection] = relationship(back_populates="attachments")
    attachment: Mapped[Attachment] = relationship()


class Evaluation(Base):
    """年终评估 of one pairing for one year, against its 考核标准, recorded by a reviewer."""

    __tablename__ = "evaluation"
    __table_args__ = (UniqueConstraint("pairing_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(20))  # excellent | good | qualified | unqualified
    remarks: Mapped[str | None] = mapped_column(Text)
    score: Mapped[int | None] = mapped_column(Integer)  # 0–100 against the pairing's 考核标准
    typical: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # 选为典型
    case_text: Mapped[str | None] = mapped_column(Text)  # the 典型案例's short text
    evaluated_at: Mapped[datetime] = mapped_column(DateTime)
    evaluated_by: Mapped[str] = mapped_column(String(40))
    pairing: Mapped[Pairing] = relationship()
