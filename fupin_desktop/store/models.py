"""The county register as SQLAlchemy 2 typed models. Money is integer fen."""

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
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, object_session, relationship

from fupin_desktop.store.personal_key import PersonalDataLocked, PersonalKey, open_key


class Base(DeclarativeBase):
    pass


class Setting(Base):
    """Key/value facts about this installation: bureau name, division code, demo flag."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class User(Base):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # in a row
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    locked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)  # set: only an admin unlocks


class KeySlot(Base):
    """The data key sealed with one user's password (``store.personal_key``)."""

    __tablename__ = "key_slot"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary)
    time_cost: Mapped[int] = mapped_column(Integer)
    memory_kib: Mapped[int] = mapped_column(Integer)
    parallelism: Mapped[int] = mapped_column(Integer)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AuditRecord(Base):
    """Append-only: triggers in the migration refuse UPDATE and DELETE; records form a hash chain."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)  # created in migration 0002
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    username: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Organization(Base):
    __tablename__ = "organization"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Bumped by every UPDATE (SQLAlchemy's version counter): an edit made on a stale copy is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    name: Mapped[str] = mapped_column(String(100))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    registration_authority: Mapped[str | None] = mapped_column(String(60))
    supervising_unit: Mapped[str | None] = mapped_column(String(60))
    legal_representative: Mapped[str | None] = mapped_column(String(30))
    contact_person: Mapped[str | None] = mapped_column(String(30))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(120))
    rating: Mapped[str | None] = mapped_column(String(10))
    rating_year: Mapped[int | None] = mapped_column(Integer)
    party_branch: Mapped[str | None] = mapped_column(String(20))
    charity_recognized: Mapped[bool | None] = mapped_column(Boolean)
    public_fundraising: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(20), default="active")
    # Derived from name on every save: match key and pinyin initials for search.
    search_key: Mapped[str] = mapped_column(String(300), index=True, default="")


class Township(Base):
    __tablename__ = "township"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    villages: Mapped[list[Village]] = relationship(back_populates="township", order_by="Village.code")


class Village(Base):
    __tablename__ = "village"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Bumped by every UPDATE (SQLAlchemy's version counter): an edit made on a stale copy is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    township: Mapped[Township] = relationship(back_populates="villages")


class Institution(Base):
    __tablename__ = "institution"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Bumped by every UPDATE (SQLAlchemy's version counter): an edit made on a stale copy is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(120))
    capacity: Mapped[int | None] = mapped_column(Integer)
    township: Mapped[Township] = relationship()


class Household(Base):
    """A household; the head's name and ID number are sealed (``store.personal_key``).

    ``head_name`` and ``id_number`` read and write the sealed columns with the key of the
    session's database (open once a user with a key slot has logged in). The plain columns are
    only read by that first login after the upgrade that brought sealing, which empties them.
    """

    __tablename__ = "household"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Bumped by every UPDATE (SQLAlchemy's version counter): an edit made on a stale copy is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    legacy_head_name: Mapped[str | None] = mapped_column("head_name", String(30))
    legacy_id_number: Mapped[str | None] = mapped_column("id_number", String(18), unique=True)
    head_name_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_number_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_lookup: Mapped[str | None] = mapped_column(String(64), unique=True)  # HMAC of the ID number
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    size: Mapped[int] = mapped_column(Integer, CheckConstraint("size >= 1"))
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    registered_poor: Mapped[bool] = mapped_column(Boolean, default=True)
    village: Mapped[Village] = relationship()

    @property
    def head_name(self) -> str:
        return self._opened("head_name", self.head_name_sealed, self.legacy_head_name)

    @head_name.setter
    def head_name(self, value: str) -> None:
        self.head_name_sealed = session_key(self).seal("head_name", value)
        self.legacy_head_name = None
        self.__dict__["_plain_head_name"] = value

    @property
    def id_number(self) -> str:
        return self._opened("id_number", self.id_number_sealed, self.legacy_id_number)

    @id_number.setter
    def id_number(self, value: str) -> None:
        key = session_key(self)
        self.id_number_sealed, self.id_lookup = key.seal("id_number", value), key.lookup(value)
        self.legacy_id_number = None
        self.__dict__["_plain_id_number"] = value

    def _opened(self, name: str, sealed: bytes | None, legacy: str | None) -> str:
        cached = self.__dict__.get(f"_plain_{name}")
        if cached is not None:
            return str(cached)
        if sealed is None:
            return legacy or ""
        value = session_key(self).open(name, sealed)
        self.__dict__[f"_plain_{name}"] = value
        return value


def session_key(obj: object) -> PersonalKey:
    """The open data key of the database ``obj``'s session belongs to."""
    session = object_session(obj)
    key = open_key(session) if session is not None else None
    if key is None:
        raise PersonalDataLocked()
    return key


class Campaign(Base):
    __tablename__ = "campaign"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    target_organizations: Mapped[int | None] = mapped_column(Integer)
    target_villages: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    target_households: Mapped[int | None] = mapped_column(Integer)
    target_projects: Mapped[int | None] = mapped_column(Integer)
    target_funds_fen: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default="open", server_default="open")  # open | closed
    closed_on: Mapped[date | None] = mapped_column(Date)
    phases: Mapped[list[CampaignPhase]] = relationship(
        back_populates="campaign", order_by="CampaignPhase.seq", cascade="all, delete-orphan"
    )


class CampaignPhase(Base):
    """A dated stage of a campaign (004: 准备阶段 by 4月30日, 双向选择 5月15日 …); its due day is a deadline."""

    __tablename__ = "campaign_phase"
    __table_args__ = (UniqueConstraint("campaign_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(40))
    starts_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    campaign: Mapped[Campaign] = relationship(back_populates="phases")


class PairingCampaign(Base):
    """A further campaign a pairing counts towards; its figures are reported under ``Pairing.campaign``."""

    __tablename__ = "pairing_campaign"
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id", ondelete="CASCADE"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True,
                                             index=True)


class Pairing(Base):
    __tablename__ = "pairing"
    __table_args__ = (
        CheckConstraint(
            "(target_kind = 'village' AND village_id IS NOT NULL AND household_id IS NULL AND institution_id IS NULL)"
            " OR (target_kind = 'household' AND household_id IS NOT NULL AND institution_id IS NULL)"
            " OR (target_kind = 'institution' AND institution_id IS NOT NULL AND household_id IS NULL)"
            " OR (target_kind = 'remote' AND remote_code IS NOT NULL AND village_id IS NULL"
            " AND household_id IS NULL AND institution_id IS NULL)"
            " OR (target_kind = 'organization' AND partner_name IS NOT NULL AND village_id IS NULL"
            " AND household_id IS NULL AND institution_id IS NULL)",
            name="pairing_one_target",
        ),
        CheckConstraint("target_kind IN ('remote', 'organization') OR township_id IS NOT NULL",
                        name="pairing_township_in_county"),
        CheckConstraint("term_end >= term_start", name="pairing_term_order"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # Bumped by every UPDATE (SQLAlchemy's version counter): an edit made on a stale copy is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    agreement_no: Mapped[str] = mapped_column(String(40), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    target_kind: Mapped[str] = mapped_column(String(20))
    # The township a pairing in the county reports under (the target's township); None for 对口支援
    # (a target outside the county) and for a partner organization, which the bureau reports itself.
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    # 对口支援 (000: 三区三州): a village, township or county of the national division table.
    remote_code: Mapped[str | None] = mapped_column(String(12))
    remote_name: Mapped[str | None] = mapped_column(String(120))  # its full name, as the table gave it
    # 社会组织与贫困地区社会组织结对 (001): the partner, often registered elsewhere.
    partner_name: Mapped[str | None] = mapped_column(String(100))
    partner_credit_code: Mapped[str | None] = mapped_column(String(18))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"), index=True)
    signed_on: Mapped[date] = mapped_column(Date)
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date] = mapped_column(Date)
    commitments: Mapped[str | None] = mapped_column(Text)
    assessment_standard: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="active")
    organization: Mapped[Organization] = relationship()
    township: Mapped[Township | None] = relationship()
    village: Mapped[Village | None] = relationship()
    household: Mapped[Household | None] = relationship()
    institution: Mapped[Institution | None] = relationship()
    campaign: Mapped[Campaign | None] = relationship()
    also_campaigns: Mapped[list[Campaign]] = relationship(secondary="pairing_campaign", order_by="Campaign.name")
    projects: Mapped[list[Project]] = relationship(
        back_populates="pairing", order_by="Project.seq", cascade="all, delete-orphan"
    )


class Project(Base):
    __tablename__ = "project"
    __table_args__ = (
        UniqueConstraint("pairing_id", "seq"),
        CheckConstraint("seq IN (1, 2)", name="project_seq_1_2"),
        CheckConstraint("budget_fen >= 0", name="project_budget_non_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(80))
    domain: Mapped[str] = mapped_column(String(30))
    method: Mapped[str] = mapped_column(String(30))
    budget_fen: Mapped[int] = mapped_column(BigInteger)
    indicators: Mapped[str | None] = mapped_column(Text)
    pairing: Mapped[Pairing] = relationship(back_populates="projects")


class StaffLink(Base):
    """民政系统干部职工 挂钩帮扶 a 民政服务机构 (004): a person, not an organization, helps an institution."""

    __tablename__ = "staff_link"
    __table_args__ = (CheckConstraint("term_end >= term_start", name="staff_link_term_order"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    link_no: Mapped[str] = mapped_column(String(40), unique=True)
    staff_name: Mapped[str] = mapped_column(String(30))
    staff_unit: Mapped[str] = mapped_column(String(60))  # 所在单位（科室）
    staff_position: Mapped[str | None] = mapped_column(String(30))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"), index=True)
    signed_on: Mapped[date] = mapped_column(Date)
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date] = mapped_column(Date)
    commitments: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="active")
    institution: Mapped[Institution] = relationship()
    campaign: Mapped[Campaign | None] = relationship()
