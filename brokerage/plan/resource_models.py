"""The resource toolkit each working group builds: links, guides, case studies and
signposting to services, tagged by working group, TOMs theme and audience."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import Model
from ..types import UTCDateTime, in_list, utcnow
from .models import WorkingGroup
from .states import Audience, ResourceKind


class Resource(Model):
    __tablename__ = "plan_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    # A web address (http or https only), or the text itself, or both.
    url: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text, default="")
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_working_groups.id", ondelete="SET NULL"), index=True
    )
    # The TOMs theme by name, as text: the toolkit does not depend on the TOMs catalogue.
    toms_theme: Mapped[str] = mapped_column(String(120), default="")
    audience: Mapped[str] = mapped_column(String(30), default=Audience.EVERYONE.value)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    working_group: Mapped[WorkingGroup | None] = relationship()
    updated_by: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint(in_list("kind", ResourceKind), name="kind_known"),
        CheckConstraint(in_list("audience", Audience), name="audience_known"),
        CheckConstraint("url IS NOT NULL OR body <> ''", name="url_or_body"),
        CheckConstraint(
            "url IS NULL OR substr(url, 1, 7) = 'http://' OR substr(url, 1, 8) = 'https://'",
            name="url_is_web",
        ),
    )

    @property
    def kind_enum(self) -> ResourceKind:
        return ResourceKind(self.kind)

    @property
    def audience_enum(self) -> Audience:
        return Audience(self.audience)
