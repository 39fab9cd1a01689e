"""Supervision the notices demand (issue 14): 信息核对和抽查 samples and their check records (003),
the 查处 lists' cases marked as handled (003), 年初部署/年中检查/年终验收 visits (004), the
表彰名单 (000: 表扬先进单位和个人) and the 供需目录 of needs and offers (004)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fupin_desktop.store.models import Base, Organization, Pairing, Township, Village


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


class InspectionVisit(Base):
    """A 年初部署, 年中检查 or 年终验收 visit (004) to one pairing or one township, and its 整改."""

    __tablename__ = "inspection_visit"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # deployment | midyear | year_end
    year: Mapped[int] = mapped_column(Integer, index=True)
    pairing_id: Mapped[int | None] = mapped_column(ForeignKey("pairing.id"), index=True)
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    inspectors: Mapped[str] = mapped_column(String(100))
    findings: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")
    rectification: Mapped[str] = mapped_column(Text, default="")  # 整改要求
    rectify_by: Mapped[date | None] = mapped_column(Date)
    rectified_on: Mapped[date | None] = mapped_column(Date)  # None while the 整改 is open
    rectify_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[str | None] = mapped_column(String(40))
    pairing: Mapped[Pairing | None] = relationship()
    township: Mapped[Township | None] = relationship()


class Commendation(Base):
    """One line of a year's 表彰名单: an advanced unit or individual and why (000, 004)."""

    __tablename__ = "commendation"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(20))  # unit | individual
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str | None] = mapped_column(String(100))  # an individual's 工作单位
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    pairing_id: Mapped[int | None] = mapped_column(ForeignKey("pairing.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(40))
    organization: Mapped[Organization | None] = relationship()
    pairing: Mapped[Pairing | None] = relationship()


class SupplyNeed(Base):
    """供需目录 (004): what a village (社区) needs, collected in the 准备阶段."""

    __tablename__ = "supply_need"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    domain: Mapped[str] = mapped_column(String(30))  # the project domains of forms/project.toml
    description: Mapped[str] = mapped_column(Text)
    budget_fen: Mapped[int | None] = mapped_column(BigInteger)
    contact: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | matched | closed
    matched_organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(40))
    village: Mapped[Village] = relationship()
    matched_organization: Mapped[Organization | None] = relationship()


class SupplyOffer(Base):
    """供需目录 (004): what an organization offers to do, in which domain and how much."""

    __tablename__ = "supply_offer"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    domain: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    budget_fen: Mapped[int | None] = mapped_column(BigInteger)
    villages: Mapped[int | None] = mapped_column(Integer)  # how many villages it can take on
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(40))
    organization: Mapped[Organization] = relationship()
