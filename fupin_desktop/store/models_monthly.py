"""Monthly statistics: one report per township and month, kept as numbered revisions.

A new import or a correction never overwrites: it adds a revision. Summaries read the
newest *approved* revision of each township-month; older ones stay as history.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import true

from fupin_desktop.store.models import Base, Pairing, Township

REPORT_STATUSES = ("draft", "submitted", "returned", "approved")
FIGURES = ("funds_fen", "materials_fen", "households", "beneficiaries", "jobs", "trainees", "volunteers",
           "projects_landed")


class MonthlyReport(Base):
    __tablename__ = "monthly_report"
    __table_args__ = (
        UniqueConstraint("township_id", "period", "revision"),
        CheckConstraint("status IN ('draft', 'submitted', 'returned', 'approved')", name="monthly_status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)  # "2020-06"
    revision: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    source: Mapped[str] = mapped_column(String(20))  # import | entry | correction
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    filled_on: Mapped[date | None] = mapped_column(Date)  # 填报时间 written in the table
    received_on: Mapped[date] = mapped_column(Date)  # when the township's data reached the bureau
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(40))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_by: Mapped[str | None] = mapped_column(String(40))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(40))
    review_note: Mapped[str | None] = mapped_column(Text)
    township: Mapped[Township] = relationship()
    rows: Mapped[list[MonthlyRow]] = relationship(
        back_populates="report", order_by="MonthlyRow.seq", cascade="all, delete-orphan"
    )


class MonthlyRow(Base):
    __tablename__ = "monthly_row"
    __table_args__ = (
        UniqueConstraint("report_id", "pairing_id"),
        CheckConstraint(
            "funds_fen >= 0 AND materials_fen >= 0 AND households >= 0 AND beneficiaries >= 0 AND jobs >= 0"
            " AND trainees >= 0 AND volunteers >= 0 AND projects_landed >= 0",
            name="monthly_figures_non_negative",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("monthly_report.id", ondelete="CASCADE"), index=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    source_row: Mapped[int | None] = mapped_column(Integer)  # row number in the imported sheet
    content: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[str] = mapped_column(Text, default="")
    funds_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    materials_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    households: Mapped[int] = mapped_column(Integer, default=0)
    beneficiaries: Mapped[int] = mapped_column(Integer, default=0)
    jobs: Mapped[int] = mapped_column(Integer, default=0)
    trainees: Mapped[int] = mapped_column(Integer, default=0)
    volunteers: Mapped[int] = mapped_column(Integer, default=0)
    projects_landed: Mapped[int] = mapped_column(Integer, default=0)
    # False: the township's table had no figure columns (the seed's own five columns). The figures
    # above are then 0 and mean "not reported": no flags, shown blank, counted apart in summaries.
    figures_reported: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Check findings the reviewer must look at (outliers, empty or copied text): list of dicts.
    flags: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    flags_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    report: Mapped[MonthlyReport] = relationship(back_populates="rows")
    pairing: Mapped[Pairing] = relationship()
