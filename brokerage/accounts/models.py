"""Accounts: who people are, which organisations they act for, and with which rights."""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime

from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..types import UTCDateTime, in_list, utcnow
from . import identifiers
from .organisation_types import OrganisationType, type_label

ORGANISATION_REF_PREFIX = "ORG"


class OrganisationKind(enum.StrEnum):
    BUYER = "buyer"
    SUPPLIER = "supplier"
    BENEFICIARY = "beneficiary"
    PARTNER = "partner"

    @property
    def label(self) -> str:
        """The kind explained, as a form's choice reads: "Supplier (SME, ...)"."""
        return ORGANISATION_KIND_LABELS[self]

    @property
    def word(self) -> str:
        """The kind in one word, in sentence case, as badges and lists show it: "Supplier"."""
        return self.value.capitalize()


ORGANISATION_KIND_LABELS = {
    OrganisationKind.BUYER: "Buyer (council, university, large employer)",
    OrganisationKind.SUPPLIER: "Supplier (SME, social enterprise, charity)",
    OrganisationKind.BENEFICIARY: "Beneficiary (community group, school, charity)",
    OrganisationKind.PARTNER: "Partner (a member or network of the partnership)",
}


class MemberRole(enum.StrEnum):
    OWNER = "owner"
    MEMBER = "member"


def new_session_token() -> str:
    return secrets.token_hex(16)


class User(UserMixin, Model):
    __tablename__ = "users"
    __topic__ = "people"  # see brokerage/changes.py

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Rotated when the password changes, which signs the user out everywhere else.
    session_token: Mapped[str] = mapped_column(String(32), unique=True, default=new_session_token)
    is_staff: Mapped[bool] = mapped_column(default=False)
    is_task_force: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # None until the person opens the link emailed at sign-up: until then they cannot log in.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="Membership.user_id"
    )
    api_tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="ApiToken.created_at"
    )

    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower_case"),)

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def membership_in(self, organisation: Organisation) -> Membership | None:
        return self.membership_of(organisation.id)

    def membership_of(self, organisation_id: int) -> Membership | None:
        return next((m for m in self.memberships if m.organisation_id == organisation_id), None)

    @property
    def organisations(self) -> list[Organisation]:
        return sorted((m.organisation for m in self.memberships), key=lambda o: o.name.lower())

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Organisation(Model):
    __tablename__ = "organisations"
    __topic__ = "organisations"  # see brokerage/changes.py

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    postcode: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text, default="")
    # The partner's own id for it, from a spreadsheet import (the key re-imports update by).
    external_ref: Mapped[str | None] = mapped_column(String(60), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # What kind of body it is (organisation_types); a file's words that name no type are
    # kept in organisation_type_written until staff classify them.
    organisation_type: Mapped[str | None] = mapped_column(String(30))
    organisation_type_written: Mapped[str] = mapped_column(String(120), default="")
    # Official numbers, as identifiers.company_number and charity_number write them.
    company_number: Mapped[str | None] = mapped_column(String(8), unique=True)
    charity_number: Mapped[str | None] = mapped_column(String(8), unique=True)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint(in_list("kind", OrganisationKind), name="kind_known"),
        CheckConstraint(
            in_list("organisation_type", OrganisationType), name="organisation_type_known"
        ),
    )

    @property
    def organisation_type_label(self) -> str:
        return type_label(self.organisation_type, self.organisation_type_written)

    @property
    def ref(self) -> str:
        """The app's short public reference, e.g. ORG-12 (as Listing.ref)."""
        return f"{ORGANISATION_REF_PREFIX}-{self.id}"

    @property
    def org_ids(self) -> list[str]:
        """Its official identifiers as org-ids: GB-COH-01234567, GB-CHC-1123456."""
        return identifiers.org_ids(self.company_number, self.charity_number)

    @property
    def kind_enum(self) -> OrganisationKind:
        return OrganisationKind(self.kind)

    @property
    def kind_word(self) -> str:
        """Its kind as every page shows it in a word ("Supplier"), never the stored value."""
        return self.kind_enum.word

    def owners(self) -> list[User]:
        return [m.user for m in self.memberships if m.role == MemberRole.OWNER]

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"


class Membership(Model):
    __tablename__ = "memberships"
    __topic__ = "people"  # see brokerage/changes.py

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(10), default=MemberRole.MEMBER.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    # Whoever reads a person's memberships reads their organisations too (the header, most
    # permission checks): one query for both, made only when a page asks.
    organisation: Mapped[Organisation] = relationship(back_populates="memberships", lazy="joined")

    __table_args__ = (
        UniqueConstraint("user_id", "organisation_id", name="uq_memberships_user_organisation"),
        CheckConstraint(in_list("role", MemberRole), name="role_known"),
    )

    @property
    def is_owner(self) -> bool:
        return self.role == MemberRole.OWNER


class Invitation(Model):
    """An owner's invitation to join an organisation; the link carries a signed id."""

    __tablename__ = "invitations"
    __topic__ = "people"  # see brokerage/changes.py

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(10), default=MemberRole.MEMBER.value)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship(back_populates="invitations")
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    __table_args__ = (CheckConstraint(in_list("role", MemberRole), name="role_known"),)


class ApiToken(Model):
    """A personal token for the JSON API; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"
    __topic__ = "tokens"  # see brokerage/changes.py

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so a person can tell their tokens apart without the secret.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A token forgotten in a script or a leaked file stops working by itself.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="api_tokens")

    @staticmethod
    def digest(secret: str) -> str:
        # Tokens are 256 random bits, so a fast hash is enough; a slow one buys nothing.
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        """Not revoked; it may still have expired (`has_expired`)."""
        return self.revoked_at is None

    @property
    def has_expired(self) -> bool:
        return self.expires_at <= utcnow()


# Whoever asks: a signed-in person or Flask-Login's anonymous visitor (permissions take either).
Visitor = User | AnonymousUserMixin
