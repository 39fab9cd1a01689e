"""Supervision the notices demand (issue 14): 信息核对和抽查 samples and their check records (003),
and the 查处 lists' cases marked as handled (003)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fupin_desktop.store.models import Base, Organization, Pairing


class SpotCheckSample(Base):
    """One drawn sample: the seed and the pairings it gave, in order, recorded so it can be redrawn."""

    __tablename__ = "spot_check_sample"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    size: Mapped[int] = mapped_column(Integer)
    seed: Mapped[str] = mapped_column(String(40))
    pairing_ids: Mapped[list[int]] = mapped_column(JSON)  # in the order drawn
    by_township: Mapped[dict[str, Any]] = mapped_column(JSON)  # township name → (in term, drawn)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(40))
    checks: Mapped[list[SpotCheck]] = relationship(back_populates="sample", order_by="SpotCheck.id")


class SpotCheck(Base):
    """What was found checking one sampled pairing: 实地/电话/材料, 是否属实, 整改 and follow-up."""

    __tablename__ = "spot_check"
    __table_args__ = (UniqueConstraint("sample_id", "pairing_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("spot_check_sample.id", ondelete="CASCADE"), index=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id"), index=True)
    checked_on: Mapped[date | None] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(10))  # 实地 | 电话 | 材料
    findings: Mapped[str] = mapped_column(Text, default="")
    truthful: Mapped[bool | None] = mapped_column(Boolean)  # 是否属实; None: not checked yet
    rectification: Mapped[str] = mapped_column(Text, default="")  # 整改要求
    rectify_by: Mapped[date | None] = mapped_column(Date)
    follow_up: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[str | None] = mapped_column(String(40))
    sample: Mapped[SpotCheckSample] = relationship(back_populates="checks")
    pairing: Mapped[Pairing] = relationship()


class EnforcementMark(Base):
    """A 查处 case looked into: which list, which organization, which year, and what was done."""

    __tablename__ = "enforcement_mark"
    __table_args__ = (UniqueConstraint("kind", "organization_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # fundraising_without_qualification …
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text)
    handled_at: Mapped[datetime] = mapped_column(DateTime)
    handled_by: Mapped[str] = mapped_column(String(40))
    organization: Mapped[Organization] = relationship()
