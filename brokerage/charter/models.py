"""The charter and its versioned pledges; signees, what they pledged, their terms,
check-ins, the reminders sent for them, and buddy introductions.

A pledge's wording lives in PledgeVersion; editing a pledge adds a version, and a
signee's SignedPledge keeps pointing at the version it signed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organisation, OrganisationKind, User
from ..extensions import Model
from ..listings.choices import Size
from ..partnership import current_partnership
from ..types import UTCDateTime, in_list, utcnow
from .choices import CheckInKind, PledgeProgress, ReminderKind, Sector, SigneeStatus, Unit


class Charter(Model):
    __tablename__ = "charters"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    launched_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    pledges: Mapped[list[Pledge]] = relationship(
        back_populates="charter", cascade="all, delete-orphan", order_by="Pledge.position"
    )


class Pledge(Model):
    """A pledge's identity; its wording is in `versions`, the last one in force."""

    __tablename__ = "charter_pledges"

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charters.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    position: Mapped[int]

    charter: Mapped[Charter] = relationship(back_populates="pledges")
    versions: Mapped[list[PledgeVersion]] = relationship(
        back_populates="pledge", cascade="all, delete-orphan", order_by="PledgeVersion.number"
    )
    resources: Mapped[list[PledgeResource]] = relationship(
        back_populates="pledge", cascade="all, delete-orphan", order_by="PledgeResource.id"
    )

    __table_args__ = (
        UniqueConstraint("charter_id", "code", name="uq_charter_pledges_charter_code"),
    )

    @property
    def current(self) -> PledgeVersion:
        return self.versions[-1]

    @property
    def code_note(self) -> str:
        """What the code's prefix means (the partnership's configuration says), so pages
        never pass a list number off as official."""
        notes = current_partnership().charter_code_notes
        return notes.get(self.code.partition("-")[0], "")


class PledgeVersion(Model):
    """The wording of a pledge from `created_at` on. `measure_hint` is editorial advice on
    what could be counted, never a verified TOMs measure code."""

    __tablename__ = "charter_pledge_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("charter_pledges.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    wording: Mapped[str] = mapped_column(Text)
    measure_hint: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    pledge: Mapped[Pledge] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (
        UniqueConstraint("pledge_id", "number", name="uq_charter_pledge_versions_pledge_number"),
        # Lets a signed pledge name its version and pledge together (see SignedPledge).
        UniqueConstraint("id", "pledge_id", name="uq_charter_pledge_versions_id_pledge"),
        CheckConstraint("number >= 1", name="number_positive"),
    )


class PledgeResource(Model):
    """A toolkit resource signposted for a pledge, with where staff verified it. `url` stays
    empty unless a published address was verified: an address is never guessed."""

    __tablename__ = "charter_pledge_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(
        ForeignKey("charter_pledges.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    pledge: Mapped[Pledge] = relationship(back_populates="resources")

    __table_args__ = (
        UniqueConstraint("pledge_id", "title", name="uq_charter_pledge_resources_pledge_title"),
    )


class Signee(Model):
    """An organisation's sign-up to the charter: at most one per organisation.

    A sign-up keeps the organisation's name, kind and postcode as submitted and reserves
    nothing: the organisation is found or made only when staff approve it. A sign-up whose
    name looks like another signee's is its own record, flagged by `possible_duplicate_of`
    until staff merge it or keep it apart.
    """

    __tablename__ = "charter_signees"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), unique=True)
    organisation_name: Mapped[str] = mapped_column(String(160))
    organisation_kind: Mapped[str] = mapped_column(String(20))
    postcode: Mapped[str] = mapped_column(String(8))
    possible_duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("charter_signees.id", ondelete="SET NULL"), index=True
    )
    sector: Mapped[str] = mapped_column(String(20))
    size: Mapped[str] = mapped_column(String(20))
    employees: Mapped[int]
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254))
    listed_publicly: Mapped[bool] = mapped_column(default=False)
    signed_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=SigneeStatus.PENDING.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    organisation: Mapped[Organisation | None] = relationship()
    possible_duplicate_of: Mapped[Signee | None] = relationship(remote_side=[id])
    approved_by: Mapped[User | None] = relationship()
    signed_pledges: Mapped[list[SignedPledge]] = relationship(
        back_populates="signee", cascade="all, delete-orphan", order_by="SignedPledge.id"
    )
    terms: Mapped[list[Term]] = relationship(
        back_populates="signee", cascade="all, delete-orphan", order_by="Term.number"
    )
    introductions: Mapped[list[BuddyIntroduction]] = relationship(
        back_populates="signee",
        cascade="all, delete-orphan",
        order_by="BuddyIntroduction.introduced_on",
    )

    __table_args__ = (
        CheckConstraint(in_list("status", SigneeStatus), name="status_known"),
        CheckConstraint(in_list("sector", Sector), name="sector_known"),
        CheckConstraint(in_list("size", Size), name="size_known"),
        CheckConstraint("employees >= 0", name="employees_not_negative"),
        CheckConstraint(in_list("organisation_kind", OrganisationKind), name="kind_known"),
        CheckConstraint(
            "status != 'approved' OR organisation_id IS NOT NULL",
            name="approved_has_organisation",
        ),
    )

    @property
    def name(self) -> str:
        """The organisation's name: its record's once approved, else as submitted."""
        return self.organisation.name if self.organisation else self.organisation_name

    @property
    def status_enum(self) -> SigneeStatus:
        return SigneeStatus(self.status)

    @property
    def sector_enum(self) -> Sector:
        return Sector(self.sector)

    @property
    def size_enum(self) -> Size:
        return Size(self.size)

    @property
    def current_term(self) -> Term | None:
        return self.terms[-1] if self.terms else None

    @property
    def approved_pledges(self) -> list[SignedPledge]:
        return [p for p in self.signed_pledges if p.approved_at is not None]

    @property
    def pledges_awaiting_approval(self) -> list[SignedPledge]:
        return [p for p in self.signed_pledges if p.approved_at is None]


class SignedPledge(Model):
    """A pledge as the signee signed it (that version's wording) and what it plans to do.

    `pledge_id` repeats the version's pledge so that the database refuses two versions of
    one pledge for the same signee.
    """

    __tablename__ = "charter_signed_pledges"

    id: Mapped[int] = mapped_column(primary_key=True)
    signee_id: Mapped[int] = mapped_column(ForeignKey("charter_signees.id", ondelete="CASCADE"))
    pledge_id: Mapped[int] = mapped_column(index=True)
    pledge_version_id: Mapped[int] = mapped_column(index=True)
    plan: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Staff approve pledges with the sign-up, and again when a later sign-up adds some.
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    signee: Mapped[Signee] = relationship(back_populates="signed_pledges")
    # Joined on both columns of the composite key, so setting it sets pledge_id too.
    version: Mapped[PledgeVersion] = relationship()

    __table_args__ = (
        ForeignKeyConstraint(
            ["pledge_version_id", "pledge_id"],
            ["charter_pledge_versions.id", "charter_pledge_versions.pledge_id"],
            name="fk_charter_signed_pledges_version",
        ),
        UniqueConstraint("signee_id", "pledge_id", name="uq_charter_signed_pledges_signee_pledge"),
    )


class Term(Model):
    """Twelve months of support; a renewal is the next term, the earlier ones kept."""

    __tablename__ = "charter_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    signee_id: Mapped[int] = mapped_column(ForeignKey("charter_signees.id", ondelete="CASCADE"))
    number: Mapped[int]
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    signee: Mapped[Signee] = relationship(back_populates="terms")
    check_ins: Mapped[list[CheckIn]] = relationship(
        back_populates="term", cascade="all, delete-orphan", order_by="CheckIn.due_on"
    )

    __table_args__ = (
        UniqueConstraint("signee_id", "number", name="uq_charter_terms_signee_number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("starts_on < ends_on", name="dates_in_order"),
    )


class CheckIn(Model):
    """A meeting due in a term. `version` is SQLAlchemy's version counter: saving from a
    stale row matches nothing and raises, so of two corrections at once the second is told."""

    __tablename__ = "charter_check_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("charter_terms.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    held_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    term: Mapped[Term] = relationship(back_populates="check_ins")
    recorded_by: Mapped[User | None] = relationship()
    records: Mapped[list[CheckInRecord]] = relationship(
        back_populates="check_in", cascade="all, delete-orphan", order_by="CheckInRecord.id"
    )
    reminders: Mapped[list[ReminderSent]] = relationship(
        back_populates="check_in", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("term_id", "kind", name="uq_charter_check_ins_term_kind"),
        CheckConstraint(in_list("kind", CheckInKind), name="kind_known"),
    )

    @property
    def kind_enum(self) -> CheckInKind:
        return CheckInKind(self.kind)

    @property
    def signee(self) -> Signee:
        return self.term.signee

    def is_overdue(self, today: date) -> bool:
        return self.held_on is None and self.due_on < today

    def record_for(self, signed_pledge: SignedPledge) -> CheckInRecord | None:
        return next((r for r in self.records if r.signed_pledge_id == signed_pledge.id), None)

    def earlier_status(self, signed_pledge: SignedPledge) -> str | None:
        """The pledge's status at the signee's latest other meeting held, in any term."""
        earlier = [
            (check_in.held_on, check_in.kind_enum.order, record.status)
            for term in self.signee.terms
            for check_in in term.check_ins
            if check_in.held_on is not None and check_in.id != self.id
            for record in check_in.records
            if record.signed_pledge_id == signed_pledge.id
        ]
        return max(earlier)[2] if earlier else None


class CheckInRecord(Model):
    """One pledge's progress at one check-in. `quantity` is in `unit`; money in pence."""

    __tablename__ = "charter_check_in_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_in_id: Mapped[int] = mapped_column(ForeignKey("charter_check_ins.id", ondelete="CASCADE"))
    # Named here: the conventional name is longer than PostgreSQL's 63 characters.
    signed_pledge_id: Mapped[int] = mapped_column(
        ForeignKey(
            "charter_signed_pledges.id",
            ondelete="CASCADE",
            name="fk_charter_check_in_records_signed_pledge",
        ),
        index=True,
    )
    status: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int | None]
    unit: Mapped[str | None] = mapped_column(String(20))
    narrative: Mapped[str] = mapped_column(Text, default="")
    support_needed: Mapped[str] = mapped_column(Text, default="")
    # Staff choose the narratives the annual impact report quotes.
    in_report: Mapped[bool] = mapped_column(default=False, server_default=false())

    check_in: Mapped[CheckIn] = relationship(back_populates="records")
    signed_pledge: Mapped[SignedPledge] = relationship()

    __table_args__ = (
        UniqueConstraint(
            "check_in_id", "signed_pledge_id", name="uq_charter_check_in_records_check_in_pledge"
        ),
        CheckConstraint(in_list("status", PledgeProgress), name="status_known"),
        CheckConstraint(f"unit IS NULL OR {in_list('unit', Unit)}", name="unit_known"),
        CheckConstraint("(quantity IS NULL) = (unit IS NULL)", name="quantity_has_unit"),
        CheckConstraint("quantity IS NULL OR quantity >= 0", name="quantity_not_negative"),
    )

    @property
    def status_enum(self) -> PledgeProgress:
        return PledgeProgress(self.status)

    @property
    def unit_enum(self) -> Unit | None:
        return Unit(self.unit) if self.unit else None


class ReminderSent(Model):
    """A reminder that went out; unique, so a second run of `charter remind` sends nothing."""

    __tablename__ = "charter_reminders_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_in_id: Mapped[int] = mapped_column(ForeignKey("charter_check_ins.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    check_in: Mapped[CheckIn] = relationship(back_populates="reminders")

    __table_args__ = (
        UniqueConstraint("check_in_id", "kind", name="uq_charter_reminders_sent_check_in_kind"),
        CheckConstraint(in_list("kind", ReminderKind), name="kind_known"),
    )


class BuddyIntroduction(Model):
    """Staff introduced the signee to an organisation that can help with a pledge."""

    __tablename__ = "charter_buddy_introductions"

    id: Mapped[int] = mapped_column(primary_key=True)
    signee_id: Mapped[int] = mapped_column(ForeignKey("charter_signees.id", ondelete="CASCADE"))
    buddy_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", name="fk_charter_buddy_introductions_buddy_organisation"),
        index=True,
    )
    pledge_id: Mapped[int] = mapped_column(ForeignKey("charter_pledges.id"), index=True)
    introduced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    introduced_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    signee: Mapped[Signee] = relationship(back_populates="introductions")
    buddy: Mapped[Organisation] = relationship()
    pledge: Mapped[Pledge] = relationship()
    introduced_by: Mapped[User | None] = relationship()
