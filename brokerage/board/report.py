"""The board report of a quarter, gathered from each feature's own services: the delivery
plan (RAG, what changed, KPIs, project funding), the brokerage (the review dashboard's
figures for the quarter) and the charter (the impact report over the quarter, check-ins).

Nothing here writes. Past quarters are shown as they stood at the quarter's end: an
action's status is that of its last update posted by then, and a KPI counts the values
recorded by then. Funding has no dates, so it is shown as it stands today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..charter.check_ins import CheckInCount, check_ins_between
from ..charter.impact import impact_between
from ..charter.kpi_counts import signees_by_month
from ..charter.report import ImpactReport
from ..impact.service import outcomes_map
from ..places.map import CountyMap
from ..plan import kpis as plan_kpis
from ..plan import projects as plan_projects
from ..plan import service as plan_service
from ..plan.charts import Trend, build_trend
from ..plan.models import Action, ActionUpdate, Kpi, Plan, Project
from ..plan.progress import Progress, as_of, summarise
from ..review.dashboard import Dashboard, build_dashboard
from ..review.figures import Filters
from .quarters import InvalidQuarter, Quarter


@dataclass(frozen=True)
class ActionChange:
    """A progress update posted in the quarter."""

    action: Action
    update: ActionUpdate


@dataclass(frozen=True)
class GroupPart:
    """A working group's actions as the quarter began and as it ended, and what changed."""

    name: str
    at_start: Progress
    at_end: Progress
    changes: list[ActionChange]


@dataclass(frozen=True)
class KpiLine:
    kpi: Kpi
    before: int  # the total when the quarter began
    added: int  # recorded in the quarter
    trend: Trend  # the running total up to the quarter's end, against the target

    @property
    def total(self) -> int:
        return self.before + self.added

    @property
    def target(self) -> int | None:
        return self.kpi.target

    @property
    def share_of_target(self) -> float | None:
        return self.total / self.target if self.target else None


@dataclass(frozen=True)
class CharterPart:
    impact: ImpactReport  # signees with a term in the quarter, check-ins held in it
    new_signees: int  # approved in the quarter
    check_ins: list[CheckInCount]

    @property
    def check_ins_due(self) -> int:
        return sum(count.due for count in self.check_ins)


@dataclass(frozen=True)
class BoardReport:
    quarter: Quarter
    # The day actions are judged on (overdue means ended before it): the quarter's last
    # day, or today while the quarter runs.
    judged_on: date
    plan: Plan | None
    groups: list[GroupPart]
    kpis: list[KpiLine]
    brokerage: Dashboard
    # The brokerage's verified outcomes by district on the area's map (as the impact page).
    district_map: CountyMap
    charter: CharterPart
    projects: list[Project]

    @property
    def changes(self) -> list[ActionChange]:
        return [change for group in self.groups for change in group.changes]


def build_board_report(quarter: Quarter, today: date) -> BoardReport:
    """The report of `quarter`; raises InvalidQuarter for one that has not begun."""
    if quarter.starts_on > today:
        raise InvalidQuarter(f"{quarter.label} has not begun yet: choose a quarter up to now.")
    judged_on = min(quarter.ends_on, today)
    plan = plan_service.current_plan()
    brokerage = build_dashboard(Filters(date_from=quarter.starts_on, date_to=quarter.ends_on))
    return BoardReport(
        quarter=quarter,
        judged_on=judged_on,
        plan=plan,
        groups=_groups(plan, quarter, judged_on) if plan else [],
        kpis=[_kpi_line(kpi, quarter) for kpi in plan_kpis.plan_kpis(plan)] if plan else [],
        brokerage=brokerage,
        district_map=outcomes_map("board-map", brokerage.by_district),
        charter=_charter(quarter),
        projects=plan_projects.plan_projects(plan) if plan else [],
    )


def _groups(plan: Plan, quarter: Quarter, judged_on: date) -> list[GroupPart]:
    actions = plan_service.actions_with_updates(plan)
    before = quarter.previous().ends_on
    parts = []
    for group in plan.working_groups:
        mine = [a for a in actions if a.objective.working_group_id == group.id]
        changes = [
            ActionChange(action, update)
            for action in mine
            for update in reversed(action.updates)  # oldest first
            if quarter.starts_on <= update.created_at.date() <= quarter.ends_on
        ]
        parts.append(
            GroupPart(
                name=group.name,
                at_start=summarise([as_of(a.ends_on, a.updates, before) for a in mine], before),
                at_end=summarise([as_of(a.ends_on, a.updates, judged_on) for a in mine], judged_on),
                changes=sorted(changes, key=lambda change: change.update.created_at),
            )
        )
    return parts


def _kpi_line(kpi: Kpi, quarter: Quarter) -> KpiLine:
    by_end = [value for value in kpi.values if value.recorded_on <= quarter.ends_on]
    return KpiLine(
        kpi=kpi,
        before=sum(v.value for v in by_end if v.recorded_on < quarter.starts_on),
        added=sum(v.value for v in by_end if v.recorded_on >= quarter.starts_on),
        trend=build_trend(by_end, kpi.target),
    )


def _charter(quarter: Quarter) -> CharterPart:
    approved = signees_by_month()
    return CharterPart(
        impact=impact_between(quarter.starts_on, quarter.ends_on),
        new_signees=sum(approved.get(month, 0) for month in quarter.months),
        check_ins=check_ins_between(quarter.starts_on, quarter.ends_on),
    )
