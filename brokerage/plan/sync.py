"""Copy a checked plan spec onto the database rows, matching existing rows by their
natural keys (group name, objective number, action position ...), so a reload updates
in place and keeps what staff recorded since."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import inspect, select

from ..extensions import db
from ..types import utcnow
from .event_models import Event
from .models import (
    Action,
    ActionLead,
    CostLine,
    FundingSource,
    Kpi,
    Objective,
    ObjectivePhase,
    Plan,
    PlanLead,
    Project,
    WorkingGroup,
)
from .spec import ActionSpec, KpiSpec, ObjectiveSpec, PlanSpec, ProjectSpec, WorkingGroupSpec
from .spec_events import EventSpec, KpiRef

M = TypeVar("M")
S = TypeVar("S")


@dataclass
class LoadReport:
    year: str
    counts: dict[str, int] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    removed: int = 0
    # What the file no longer holds: removed, or (actions with progress updates) archived.
    removed_items: list[str] = field(default_factory=list)
    archived_items: list[str] = field(default_factory=list)

    def summary(self) -> str:
        counted = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in self.counts.items())
        lines = [
            f"Plan {self.year}: {counted}. "
            f"{self.created} records created, {self.updated} updated, {self.removed} removed."
        ]
        lines += [f"  removed: {item}" for item in self.removed_items]
        lines += [f"  archived (has progress updates): {item}" for item in self.archived_items]
        return "\n".join(lines)


def history_that_would_be_lost(plan: Plan, spec: PlanSpec) -> list[str]:
    """KPIs with values that the new file leaves out (actions with progress are archived)."""
    kept_kpis = set()
    for group_spec in spec.working_groups:
        for objective_spec in group_spec.objectives:
            kept_kpis |= {
                (group_spec.name, objective_spec.number, kpi_spec.name)
                for kpi_spec in objective_spec.kpis
            }
    problems = []
    for group in plan.working_groups:
        for objective in group.objectives:
            where = f"{group.name} objective {objective.number}"
            for kpi in objective.kpis:
                if kpi.values and (group.name, objective.number, kpi.name) not in kept_kpis:
                    problems.append(f"{where}: KPI '{kpi.name}' has values but is not in the file")
    return problems


@dataclass
class PlanSync:
    """Copies specs onto models, matching existing rows by their natural keys."""

    report: LoadReport
    leads: dict[str, PlanLead] = field(default_factory=dict)
    groups: dict[str, WorkingGroup] = field(default_factory=dict)
    objectives: dict[tuple[str, int], Objective] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.leads = {lead.name: lead for lead in db.session.scalars(select(PlanLead))}

    def assign(self, record: Any, **values: Any) -> None:
        changed = {k: v for k, v in values.items() if getattr(record, k, None) != v}
        for key, value in changed.items():
            setattr(record, key, value)
        if changed and inspect(record).persistent:
            self.report.updated += 1

    def sync(
        self,
        records: list[M],
        specs: Sequence[S],
        key_of_record: Callable[[M], Any],
        key_of_spec: Callable[[S, int], Any],
        make: Callable[[], M],
        fill: Callable[[M, S, int], None],
    ) -> None:
        """Make `records` match `specs` in order: update by key, create, remove the rest."""
        existing = {key_of_record(record): record for record in records}
        wanted = []
        for position, spec in enumerate(specs):
            record = existing.pop(key_of_spec(spec, position), None)
            if record is None:
                record = make()
                self.report.created += 1
            fill(record, spec, position)
            wanted.append(record)
        self.report.removed += len(existing)
        self.report.removed_items += [_describe(record) for record in existing.values()]
        records[:] = wanted

    def plan(self, plan: Plan, spec: PlanSpec) -> None:
        self.assign(plan, title=spec.title)
        plan.loaded_at = utcnow()
        self.sync(
            plan.working_groups, spec.working_groups, _name, _spec_name, WorkingGroup, self.group
        )
        self.sync(plan.projects, spec.projects, _name, _spec_name, Project, self.project)
        self.events(plan, spec)

    def group(self, group: WorkingGroup, spec: WorkingGroupSpec, position: int) -> None:
        self.assign(
            group,
            name=spec.name,
            slug=spec.slug,
            description=spec.description,
            data="\n".join(spec.data),
            position=position,
        )
        self.sync(
            group.objectives,
            spec.objectives,
            lambda o: o.number,
            lambda s, _: s.number,
            Objective,
            self.objective,
        )
        self.groups[spec.name] = group
        for objective in group.objectives:
            self.objectives[(spec.name, objective.number)] = objective

    def objective(self, objective: Objective, spec: ObjectiveSpec, _order: int) -> None:
        self.assign(
            objective,
            number=spec.number,
            title=spec.title,
            stream=spec.stream,
            outcomes="\n".join(spec.outcomes),
        )
        self.sync(
            objective.phases,
            list(spec.phases.items()),
            lambda p: p.phase,
            lambda s, _: s[0],
            ObjectivePhase,
            lambda record, s, _: self.assign(record, phase=s[0], aim=s[1]),
        )
        self.sync(
            objective.kpis,
            spec.kpis,
            _name,
            _spec_name,
            Kpi,
            self.kpi_from_spec,
        )
        self.actions(objective, spec.actions)

    def actions(self, objective: Objective, specs: Sequence[ActionSpec]) -> None:
        """Match actions by their wording first, then by position (an edited action keeps
        its place); one the file dropped is archived if it has progress updates, else
        removed. Both are reported."""
        existing = list(objective.actions)
        matched: dict[int, Action] = {}
        by_wording = {action.description: action for action in existing}
        for position, spec in enumerate(specs):
            action = by_wording.pop(spec.description, None)
            if action is not None:
                matched[position] = action
        by_position = {a.position: a for a in existing if a not in matched.values()}
        for position in range(len(specs)):
            if position not in matched and position in by_position:
                matched[position] = by_position.pop(position)
        dropped = [a for a in existing if a not in matched.values()]
        archived = [a for a in dropped if a.updates]
        moving = [a for p, a in matched.items() if a.position != p] + dropped
        if moving:
            # Positions are unique in an objective: step aside before taking new ones.
            for action in moving:
                action.position = -action.id
            db.session.flush()
        wanted = []
        for position, spec in enumerate(specs):
            action = matched.get(position)
            if action is None:
                action = Action()
                self.report.created += 1
            self.action(action, spec, position)
            wanted.append(action)
        for action in archived:
            action.archived_at = utcnow()
            self.report.archived_items.append(_describe(action))
        removed = [a for a in dropped if not a.updates]
        self.report.removed += len(removed)
        self.report.removed_items += [_describe(action) for action in removed]
        # Archived actions stay attached (so they are not deleted as orphans); the
        # relationship leaves them out once reloaded.
        objective.actions[:] = wanted + archived

    def kpi_from_spec(self, kpi: Kpi, spec: KpiSpec, position: int) -> None:
        """The file's target only when it sets one: a target staff set is theirs to keep."""
        self.assign(kpi, name=spec.name, unit=spec.unit, position=position)
        if spec.target is not None:
            self.assign(kpi, target=spec.target)

    def action(self, action: Action, spec: ActionSpec, position: int) -> None:
        self.assign(
            action,
            position=position,
            description=spec.description,
            lead_text=spec.lead_text,
            timescale=spec.timescale.text,
            starts_on=spec.timescale.starts_on,
            ends_on=spec.timescale.ends_on,
            phase=spec.phase,
        )
        self.sync(
            action.action_leads,
            spec.leads,
            lambda link: link.lead.name,
            lambda name, _: name,
            ActionLead,
            lambda link, name, i: self.assign(link, lead=self.lead(name), position=i),
        )

    def lead(self, name: str) -> PlanLead:
        if name not in self.leads:
            self.leads[name] = PlanLead(name=name)
            self.report.created += 1
        return self.leads[name]

    def events(self, plan: Plan, spec: PlanSpec) -> None:
        """Add the events the file names that the plan does not have yet (by title).

        The file only seeds events: staff set their dates, places and attendance, so an
        event already there is left as they have it, and none is removed.
        """
        known = set()
        if plan.id is not None:
            known = set(db.session.scalars(select(Event.title).where(Event.plan_id == plan.id)))
        for group in spec.working_groups:
            for event in group.events:
                if event.title not in known:
                    db.session.add(self.event(plan, group.name, event))
                    self.report.created += 1

    def event(self, plan: Plan, group: str, spec: EventSpec) -> Event:
        action = None
        if spec.serves:
            action = self.objectives[(group, spec.serves[0])].actions[spec.serves[1] - 1]
        return Event(
            plan=plan,
            title=spec.title,
            kind=spec.kind,
            happens_on=spec.happens_on,
            timing=spec.timing,
            place=spec.place,
            notes=spec.notes,
            action=action,
            attendance_kpi=self.kpi(group, spec.attendance_kpi),
            held_kpi=self.kpi(group, spec.held_kpi),
        )

    def kpi(self, group: str, ref: KpiRef | None) -> Kpi | None:
        if ref is None:
            return None
        return next(k for k in self.objectives[(group, ref.objective)].kpis if k.name == ref.name)

    def project(self, project: Project, spec: ProjectSpec, position: int) -> None:
        objective = self.objectives.get((spec.working_group or "", spec.objective or 0))
        group = self.groups.get(spec.working_group or "")
        self.assign(
            project,
            position=position,
            name=spec.name,
            description=spec.description,
            cost_basis=spec.cost_basis,
            stated_total_pence=spec.stated_total_pence,
            working_group=group,
            objective=objective,
        )
        self.sync(
            project.cost_lines,
            spec.cost_lines,
            _position,
            _index,
            CostLine,
            lambda line, s, i: self.assign(
                line,
                position=i,
                description=s.description,
                breakdown=s.breakdown,
                amount_pence=s.amount_pence,
            ),
        )
        fundraising = [
            objective.actions[number - 1] for number in spec.fundraising_actions if objective
        ]
        if project.fundraising_actions != fundraising:
            project.fundraising_actions = fundraising
        self.funding(project, spec)

    def funding(self, project: Project, spec: ProjectSpec) -> None:
        """Add or update the funding sources the file names; keep those staff added."""
        existing = {source.source: source for source in project.funding_sources}
        for funding in spec.funding:
            source = existing.get(funding.source)
            if source is None:
                source = FundingSource()
                project.funding_sources.append(source)
                self.report.created += 1
            self.assign(
                source,
                source=funding.source,
                amount_pence=funding.amount_pence,
                secured=funding.secured,
            )


def _describe(record: Any) -> str:
    """A removed record as the report names it: its kind and name or wording."""
    label = getattr(record, "name", None) or getattr(record, "description", None) or ""
    kind = type(record).__name__
    return f"{kind} “{' '.join(str(label).split())[:80]}”" if label else kind


def _name(record: Any) -> str:
    return record.name


def _spec_name(spec: Any, _position: int) -> str:
    return spec.name


def _position(record: Any) -> int:
    return record.position


def _index(_spec: Any, position: int) -> int:
    return position
