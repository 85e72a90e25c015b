"""The TOMs catalogue: frameworks, each loaded as versions (a year's file) of themes,
outcomes and measures, and the proxy values known for a measure.

A measure belongs to one framework version, so next year's file loads beside this year's
and a proxy value recorded against a version's measure stays with that version. A measure
without a proxy value has none: the app never makes one up.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..formatting import format_pounds
from ..types import UTCDateTime, utcnow


class Framework(Model):
    """A set of measures under one name, e.g. "National TOMs (verified rows)"."""

    __tablename__ = "toms_frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    versions: Mapped[list[FrameworkVersion]] = relationship(
        back_populates="framework",
        cascade="all, delete-orphan",
        order_by="(FrameworkVersion.loaded_at, FrameworkVersion.id)",
    )

    def __repr__(self) -> str:
        return f"<Framework {self.name}>"


class FrameworkVersion(Model):
    """One load of a framework: its year or version label and the file it came from."""

    __tablename__ = "toms_framework_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("toms_frameworks.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(40))
    source_file: Mapped[str] = mapped_column(String(255), default="")
    # Set when the version is first loaded; reloading the same version keeps it.
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    framework: Mapped[Framework] = relationship(back_populates="versions")
    themes: Mapped[list[Theme]] = relationship(
        back_populates="framework_version", cascade="all, delete-orphan", order_by="Theme.position"
    )

    __table_args__ = (
        UniqueConstraint(
            "framework_id", "version", name="uq_toms_framework_versions_framework_version"
        ),
        CheckConstraint("version <> ''", name="version_not_empty"),
    )

    @property
    def label(self) -> str:
        return f"{self.framework.name} (version {self.version})"

    def __repr__(self) -> str:
        return f"<FrameworkVersion {self.framework_id} {self.version}>"


class Theme(Model):
    __tablename__ = "toms_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_version_id: Mapped[int] = mapped_column(
        ForeignKey("toms_framework_versions.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(160))

    framework_version: Mapped[FrameworkVersion] = relationship(back_populates="themes")
    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="theme", cascade="all, delete-orphan", order_by="Outcome.position"
    )

    __table_args__ = (
        UniqueConstraint("framework_version_id", "name", name="uq_toms_themes_version_name"),
    )


class Outcome(Model):
    __tablename__ = "toms_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("toms_themes.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))

    theme: Mapped[Theme] = relationship(back_populates="outcomes")
    # The database deletes an outcome's measures with it (ON DELETE CASCADE).
    measures: Mapped[list[Measure]] = relationship(
        back_populates="outcome", order_by="Measure.position", passive_deletes=True
    )

    __table_args__ = (UniqueConstraint("theme_id", "name", name="uq_toms_outcomes_theme_name"),)


class Measure(Model):
    """A measure as its framework version states it; its code is unique within the version."""

    __tablename__ = "toms_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept beside the outcome so the database itself holds codes unique within a version.
    framework_version_id: Mapped[int] = mapped_column(
        ForeignKey("toms_framework_versions.id", ondelete="CASCADE")
    )
    outcome_id: Mapped[int] = mapped_column(
        ForeignKey("toms_outcomes.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(Text, default="")

    framework_version: Mapped[FrameworkVersion] = relationship()
    outcome: Mapped[Outcome] = relationship(back_populates="measures")
    proxy_values: Mapped[list[ProxyValue]] = relationship(
        back_populates="measure",
        cascade="all, delete-orphan",
        order_by="(ProxyValue.added_at.desc(), ProxyValue.id.desc())",
    )

    __table_args__ = (
        UniqueConstraint("framework_version_id", "code", name="uq_toms_measures_version_code"),
        CheckConstraint("code <> ''", name="code_not_empty"),
    )

    @property
    def theme(self) -> Theme:
        return self.outcome.theme

    @property
    def proxy_value(self) -> ProxyValue | None:
        """The value in force: the one added last. None means "no proxy value"."""
        return self.proxy_values[0] if self.proxy_values else None

    def __repr__(self) -> str:
        return f"<Measure {self.code}>"


class ProxyValue(Model):
    """A published £ value for one unit of a measure, with where it was read.

    Values come from a framework file (`from_file`, kept in step with the file on reload)
    or from staff, who give a source; both are kept, and the latest is the one in force.
    """

    __tablename__ = "toms_proxy_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("toms_measures.id", ondelete="CASCADE"), index=True
    )
    value_pence: Mapped[int]
    source: Mapped[str] = mapped_column(Text)
    from_file: Mapped[bool] = mapped_column(default=False)
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="proxy_values")
    # Named, not imported: the catalogue sits below accounts in the layers.
    added_by = relationship("User")

    __table_args__ = (
        CheckConstraint("value_pence >= 0", name="value_not_negative"),
        CheckConstraint("source <> ''", name="source_not_empty"),
    )

    @property
    def pounds(self) -> str:
        """£1,234.50: proxy values are always shown to the penny."""
        return format_pounds(self.value_pence, pennies="always")
