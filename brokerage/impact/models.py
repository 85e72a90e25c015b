"""A verified match that staff chose as a public case study, with the short text they wrote
for it: the only words on the public impact page that people wrote, so staff write them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import Model
from ..matches.models import Match
from ..types import UTCDateTime, utcnow

MAX_CASE_STUDY = 600


class CaseStudy(Model):
    """One match shown as a case study while `shown` is set (kept when hidden, so the text
    is not lost)."""

    __tablename__ = "case_studies"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), unique=True)
    shown: Mapped[bool] = mapped_column(default=True)
    text: Mapped[str] = mapped_column(Text)
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    match: Mapped[Match] = relationship()
    chosen_by: Mapped[User | None] = relationship()

    __table_args__ = (CheckConstraint("text <> ''", name="text_not_empty"),)
