"""The delivery plan: a year's working groups, their objectives and actions, KPIs and projects.

A plan is loaded from a data file (see service.load_plan); statuses, progress updates and
KPI values are what staff add afterwards, and a reload of the same file keeps them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import Model, db
from ..types import UTCDateTime, in_list, utcnow
from .progress import is_overdue
from .states import ActionStatus, Phase


class Plan(Model):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    working_groups: Mapped[list[WorkingGroup]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="WorkingGroup.position"
    )
    projects: Mapped[list[Project]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Project.position"
    )

    def __repr__(self) -> str:
        return f"<Plan {self.year}>"


class WorkingGroup(Model):
    __tablename__ = "plan_working_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # The figures behind its problem statement, one a line, for its public page.
    data: Mapped[str] = mapped_column(Text, default="", server_default="")

    plan: Mapped[Plan] = relationship(back_populates="working_groups")
    objectives: Mapped[list[Objective]] = relationship(
        back_populates="working_group", cascade="all, delete-orphan", order_by="Objective.number"
    )

    __table_args__ = (
        UniqueConstraint("plan_id", "name", name="uq_plan_working_groups_plan_name"),
        UniqueConstraint("plan_id", "slug", name="uq_plan_working_groups_plan_slug"),
    )

    @property
    def actions(self) -> list[Action]:
        return [action for objective in self.objectives for action in objective.actions]

    @property
    def data_lines(self) -> list[str]:
        return [line for line in self.data.splitlines() if line.strip()]


class Objective(Model):
    """A numbered "what we will do"; `outcomes` is its evidence cell, one item a line."""

    __tablename__ = "plan_objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    working_group_id: Mapped[int] = mapped_column(
        ForeignKey("plan_working_groups.id", ondelete="CASCADE")
    )
    number: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    # The table's "Working Group" column (Communications, Data ...); blank in some tables.
    stream: Mapped[str | None] = mapped_column(String(120))
    outcomes: Mapped[str] = mapped_column(Text, default="")

    working_group: Mapped[WorkingGroup] = relationship(back_populates="objectives")
    phases: Mapped[list[ObjectivePhase]] = relationship(
        back_populates="objective", cascade="all, delete-orphan"
    )
    # The actions the plan file holds now; an action the file dropped after staff recorded
    # progress on it is archived (kept, with its updates) and left out of these.
    actions: Mapped[list[Action]] = relationship(
        back_populates="objective",
        cascade="all, delete-orphan",
        order_by="Action.position",
        primaryjoin="and_(Objective.id == Action.objective_id, Action.archived_at.is_(None))",
    )
    archived_actions: Mapped[list[Action]] = relationship(
        viewonly=True,
        order_by="Action.archived_at",
        primaryjoin="and_(Objective.id == Action.objective_id, Action.archived_at.is_not(None))",
    )
    kpis: Mapped[list[Kpi]] = relationship(
        back_populates="objective", cascade="all, delete-orphan", order_by="Kpi.position"
    )

    __table_args__ = (
        UniqueConstraint("working_group_id", "number", name="uq_plan_objectives_group_number"),
    )

    @property
    def outcome_lines(self) -> list[str]:
        return [line for line in self.outcomes.splitlines() if line.strip()]

    def phase_aim(self, phase: str | None) -> str | None:
        return next((p.aim for p in self.phases if p.phase == phase), None)


class ObjectivePhase(Model):
    """What an objective's phase is for, e.g. Understand: "understand needs, resources ..."."""

    __tablename__ = "plan_objective_phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("plan_objectives.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(String(20))
    aim: Mapped[str] = mapped_column(Text)

    objective: Mapped[Objective] = relationship(back_populates="phases")

    __table_args__ = (
        UniqueConstraint("objective_id", "phase", name="uq_plan_objective_phases_objective_phase"),
        CheckConstraint(in_list("phase", Phase), name="phase_known"),
    )


class PlanLead(Model):
    """A responsible lead as the plan names them (a person or a group), across plan years."""

    __tablename__ = "plan_leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    # Optional link to the lead's account, so a lead can later see "my actions".
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    user: Mapped[User | None] = relationship()


class ActionLead(Model):
    __tablename__ = "plan_action_leads"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("plan_actions.id", ondelete="CASCADE"), primary_key=True
    )
    lead_id: Mapped[int] = mapped_column(
        ForeignKey("plan_leads.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int]

    action: Mapped[Action] = relationship(back_populates="action_leads")
    lead: Mapped[PlanLead] = relationship()


class Action(Model):
    """A "how will we do it" row. `timescale` is the text as written; the dates are parsed
    from it (first and last day of its months) when it names months."""

    __tablename__ = "plan_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("plan_objectives.id", ondelete="CASCADE"))
    position: Mapped[int]
    description: Mapped[str] = mapped_column(Text, default="")
    lead_text: Mapped[str] = mapped_column(String(300), default="")
    timescale: Mapped[str] = mapped_column(String(80), default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    phase: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.NOT_STARTED.value)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when a reloaded plan file no longer holds the action but it has progress updates.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    objective: Mapped[Objective] = relationship(back_populates="actions")
    action_leads: Mapped[list[ActionLead]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionLead.position"
    )
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action",
        cascade="all, delete-orphan",
        order_by=lambda: (ActionUpdate.created_at.desc(), ActionUpdate.id.desc()),
    )

    __table_args__ = (
        UniqueConstraint("objective_id", "position", name="uq_plan_actions_objective_position"),
        CheckConstraint(in_list("status", ActionStatus), name="status_known"),
        CheckConstraint(f"phase IS NULL OR {in_list('phase', Phase)}", name="phase_known"),
        CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on", name="dates_in_order"
        ),
    )

    @property
    def leads(self) -> list[PlanLead]:
        return [action_lead.lead for action_lead in self.action_leads]

    @property
    def status_enum(self) -> ActionStatus:
        return ActionStatus(self.status)

    @property
    def phase_enum(self) -> Phase | None:
        return Phase(self.phase) if self.phase else None

    def is_overdue(self, today: date) -> bool:
        return is_overdue(self.ends_on, self.status, today)


class ActionUpdate(Model):
    """A dated progress note; recording one sets the action's status."""

    __tablename__ = "plan_action_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("plan_actions.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    action: Mapped[Action] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()

    __table_args__ = (CheckConstraint(in_list("status", ActionStatus), name="status_known"),)

    @property
    def status_enum(self) -> ActionStatus:
        return ActionStatus(self.status)


class Kpi(Model):
    __tablename__ = "plan_kpis"

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("plan_objectives.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(40), default="")
    # The plan sets no targets; staff may add them.
    target: Mapped[int | None]

    objective: Mapped[Objective] = relationship(back_populates="kpis")
    values: Mapped[list[KpiValue]] = relationship(
        back_populates="kpi", cascade="all, delete-orphan", order_by="KpiValue.recorded_on"
    )
    # TOMs measures whose verified outcomes feed this KPI (`flask plan sync-kpis`).
    measures: Mapped[list[KpiMeasure]] = relationship(
        back_populates="kpi", cascade="all, delete-orphan", order_by="KpiMeasure.measure_code"
    )

    __table_args__ = (
        UniqueConstraint("objective_id", "name", name="uq_plan_kpis_objective_name"),
        CheckConstraint("target IS NULL OR target >= 0", name="target_not_negative"),
    )

    @property
    def total(self) -> int:
        """Each value counts what happened on its date, so the KPI stands at their sum."""
        return sum(value.value for value in self.values)


class KpiMeasure(Model):
    """A TOMs measure (by code) whose verified brokerage outcomes count towards a KPI."""

    __tablename__ = "plan_kpi_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("plan_kpis.id", ondelete="CASCADE"), index=True)
    measure_code: Mapped[str] = mapped_column(String(40))

    kpi: Mapped[Kpi] = relationship(back_populates="measures")

    __table_args__ = (
        UniqueConstraint("kpi_id", "measure_code", name="uq_plan_kpi_measures_kpi_code"),
    )


class KpiValue(Model):
    """A count recorded on a date (an event's attendance, a month's new sign-ups)."""

    __tablename__ = "plan_kpi_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("plan_kpis.id", ondelete="CASCADE"), index=True)
    recorded_on: Mapped[date] = mapped_column(Date)
    value: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Set when the value is an event's attendance (or the event itself, counted once); the
    # event keeps it up to date. See event_models.Event.
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_events.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when another feature counted the value (see kpi_sources.py): the source's key,
    # one value per month, kept up to date by `flask plan sync-kpis`.
    source: Mapped[str | None] = mapped_column(String(40))

    kpi: Mapped[Kpi] = relationship(back_populates="values")
    recorded_by: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint("value >= 0", name="value_not_negative"),
        UniqueConstraint("kpi_id", "event_id", name="uq_plan_kpi_values_kpi_event"),
        UniqueConstraint("kpi_id", "source", "recorded_on", name="uq_plan_kpi_values_kpi_source"),
    )


class Project(Model):
    """A funded project; `stated_total_pence` is the plan's own total of its cost lines."""

    __tablename__ = "plan_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_working_groups.id", ondelete="SET NULL"), index=True
    )
    objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_objectives.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    cost_basis: Mapped[str] = mapped_column(String(80), default="")
    stated_total_pence: Mapped[int]

    plan: Mapped[Plan] = relationship(back_populates="projects")
    working_group: Mapped[WorkingGroup | None] = relationship()
    objective: Mapped[Objective | None] = relationship()
    cost_lines: Mapped[list[CostLine]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="CostLine.position"
    )
    funding_sources: Mapped[list[FundingSource]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="FundingSource.id"
    )
    # The actions that raise its funding ("Fundraising – investigating and identifying ...").
    fundraising_actions: Mapped[list[Action]] = relationship(
        secondary=lambda: project_actions, order_by="Action.position"
    )

    __table_args__ = (
        UniqueConstraint("plan_id", "name", name="uq_plan_projects_plan_name"),
        CheckConstraint("stated_total_pence >= 0", name="total_not_negative"),
    )

    @property
    def total_pence(self) -> int:
        return sum(line.amount_pence for line in self.cost_lines)

    @property
    def secured_pence(self) -> int:
        return sum(s.amount_pence for s in self.funding_sources if s.secured)

    @property
    def hoped_for_pence(self) -> int:
        """Applied for or promised, not yet secured."""
        return sum(s.amount_pence for s in self.funding_sources if not s.secured)

    @property
    def still_needed_pence(self) -> int:
        return max(self.total_pence - self.secured_pence, 0)


project_actions: Table = Table(
    "plan_project_actions",
    db.metadata,
    Column("project_id", ForeignKey("plan_projects.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "action_id",
        ForeignKey("plan_actions.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class CostLine(Model):
    __tablename__ = "plan_cost_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("plan_projects.id", ondelete="CASCADE"))
    position: Mapped[int]
    description: Mapped[str] = mapped_column(String(300))
    breakdown: Mapped[str] = mapped_column(Text, default="")
    amount_pence: Mapped[int]

    project: Mapped[Project] = relationship(back_populates="cost_lines")

    __table_args__ = (
        UniqueConstraint("project_id", "position", name="uq_plan_cost_lines_project_position"),
        CheckConstraint("amount_pence >= 0", name="amount_not_negative"),
    )


class FundingSource(Model):
    __tablename__ = "plan_funding_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("plan_projects.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(200))
    amount_pence: Mapped[int]
    secured: Mapped[bool] = mapped_column(default=False)

    project: Mapped[Project] = relationship(back_populates="funding_sources")

    __table_args__ = (CheckConstraint("amount_pence >= 0", name="amount_not_negative"),)
