"""Read a plan file's data (as parsed from YAML or JSON) into checked, typed specs.

No database here: `read_plan` checks the whole structure and reports every
problem at once, each with where it is ("working_groups[2].objectives[1].actions[0]: ..."),
so a file is imported whole or not at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import BrokerageError
from ..formatting import format_pounds
from .spec_events import EventSpec, read_events
from .spec_reader import Reader
from .states import Phase
from .timescales import Timescale, TimescaleError, parse_timescale


class PlanFileInvalid(BrokerageError):
    """The file is not a plan; `problems` says where and why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"The plan file has {count}; nothing was imported.")


@dataclass(frozen=True)
class ActionSpec:
    description: str
    lead_text: str
    leads: tuple[str, ...]
    timescale: Timescale
    phase: str | None


@dataclass(frozen=True)
class KpiSpec:
    name: str
    unit: str
    target: int | None


@dataclass(frozen=True)
class ObjectiveSpec:
    number: int
    title: str
    stream: str | None
    outcomes: tuple[str, ...]
    phases: dict[str, str]
    kpis: tuple[KpiSpec, ...]
    actions: tuple[ActionSpec, ...]


@dataclass(frozen=True)
class WorkingGroupSpec:
    name: str
    slug: str
    description: str
    objectives: tuple[ObjectiveSpec, ...]
    # The figures behind the problem statement, quoted from the plan, one a line.
    data: tuple[str, ...] = ()
    events: tuple[EventSpec, ...] = ()


@dataclass(frozen=True)
class CostLineSpec:
    description: str
    breakdown: str
    amount_pence: int


@dataclass(frozen=True)
class FundingSpec:
    source: str
    amount_pence: int
    secured: bool


@dataclass(frozen=True)
class ProjectSpec:
    name: str
    description: str
    cost_basis: str
    working_group: str | None
    objective: int | None
    stated_total_pence: int
    cost_lines: tuple[CostLineSpec, ...]
    funding: tuple[FundingSpec, ...]
    # The project's objective's actions (numbered from 1) that raise its funding.
    fundraising_actions: tuple[int, ...] = ()


@dataclass(frozen=True)
class PlanSpec:
    year: str
    title: str
    working_groups: tuple[WorkingGroupSpec, ...]
    projects: tuple[ProjectSpec, ...]


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


_MONEY = re.compile(r"^£?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?$")


def pence_from_pounds(value: Any) -> int:
    """Pence from pounds written as the plan does ("£12,000.00", "£5490") or a whole number."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("must be an amount in pounds written as text, like '£1,234.50'")
    match = _MONEY.match(str(value).strip())
    if not match:
        raise ValueError(f"'{value}' is not an amount in pounds, like '£1,234.50'")
    try:
        pounds = Decimal(match[1].replace(",", "") + (match[2] or ""))
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only digits
        raise ValueError(f"'{value}' is not an amount in pounds") from error
    return int(pounds * 100)


def read_plan(data: Any) -> PlanSpec:
    """The plan `data` describes; raises PlanFileInvalid listing every problem."""
    reader = Reader()
    top = reader.mapping(data, "", {"plan", "title", "working_groups", "projects"})
    year = reader.text(top, "", "plan", 20) if top else ""
    title = reader.text(top, "", "title", 200, required=False) if top else ""
    groups = [
        _working_group(reader, path, item) for path, item in reader.items(top, "", "working_groups")
    ]
    reader.unique("working_groups", "working group", [g.name for g in groups])
    reader.unique("working_groups", "working group web address", [g.slug for g in groups])
    reader.unique("working_groups", "event", [e.title for g in groups for e in g.events])
    if top and not groups:
        reader.problem("working_groups", "the plan has no working groups")
    projects = [
        _project(reader, path, item, groups) for path, item in reader.items(top, "", "projects")
    ]
    reader.unique("projects", "project", [p.name for p in projects])
    if reader.problems:
        raise PlanFileInvalid(reader.problems)
    return PlanSpec(year, title or f"Delivery Plan {year}", tuple(groups), tuple(projects))


def _working_group(reader: Reader, path: str, data: Any) -> WorkingGroupSpec:
    data = reader.mapping(data, path, {"name", "description", "data", "objectives", "events"})
    name = reader.text(data, path, "name", 120)
    objectives = [_objective(reader, p, item) for p, item in reader.items(data, path, "objectives")]
    reader.unique(f"{path}.objectives", "objective number", [o.number for o in objectives])
    description = reader.text(data, path, "description", 20_000, required=False)
    return WorkingGroupSpec(
        name,
        slugify(name),
        description,
        tuple(objectives),
        data=tuple(reader.texts(data, path, "data", 2_000)),
        events=tuple(read_events(reader, path, data, objectives)),
    )


_OBJECTIVE_KEYS = {"number", "title", "stream", "outcomes", "phases", "kpis", "actions"}


def _objective(reader: Reader, path: str, data: Any) -> ObjectiveSpec:
    data = reader.mapping(data, path, _OBJECTIVE_KEYS)
    number = reader.whole_number(data, path, "number", required=True) or 0
    kpis = [_kpi(reader, p, item) for p, item in reader.items(data, path, "kpis")]
    reader.unique(f"{path}.kpis", "KPI", [k.name for k in kpis])
    phases = _phases(reader, path, data.get("phases"))
    actions = [_action(reader, p, item, phases) for p, item in reader.items(data, path, "actions")]
    if data and not actions:
        reader.problem(path, "the objective has no actions")
    return ObjectiveSpec(
        number=number,
        title=reader.text(data, path, "title", 2_000),
        stream=reader.text(data, path, "stream", 120, required=False) or None,
        outcomes=tuple(reader.texts(data, path, "outcomes", 2_000)),
        phases=phases,
        kpis=tuple(kpis),
        actions=tuple(actions),
    )


def _phase(value: Any) -> str | None:
    """The phase key for "Understand", "plan" ...; None if it names no phase."""
    text = value.strip().lower() if isinstance(value, str) else ""
    return text if text in {p.value for p in Phase} else None


_PHASE_NAMES = ", ".join(p.label for p in Phase)


def _phases(reader: Reader, path: str, data: Any) -> dict[str, str]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        reader.problem(path, "'phases' must map each phase to its aim")
        return {}
    phases = {}
    for name, aim in data.items():
        phase = _phase(name)
        if phase is None:
            reader.problem(f"{path}.phases", f"'{name}' is not a phase ({_PHASE_NAMES})")
        elif not isinstance(aim, str) or not aim.strip():
            reader.problem(f"{path}.phases", f"the aim of '{name}' must be text")
        else:
            phases[phase] = aim.strip()
    return phases


def _action(reader: Reader, path: str, data: Any, phases: dict[str, str]) -> ActionSpec:
    data = reader.mapping(data, path, {"description", "lead", "leads", "timescale", "phase"})
    lead_text = reader.text(data, path, "lead", 300)
    if "leads" in data:
        leads = reader.texts(data, path, "leads", 160)
    else:
        leads = [name.strip() for name in lead_text.split("/") if name.strip()]
    reader.unique(path, "lead", leads)
    if any(len(name) > 160 for name in leads):
        reader.problem(path, "a lead's name is longer than 160 characters")
    try:
        timescale = parse_timescale(reader.text(data, path, "timescale", 80, required=False))
    except TimescaleError as error:
        reader.problem(path, str(error))
        timescale = parse_timescale("")
    phase = None
    if data.get("phase") is not None:
        phase = _phase(data["phase"])
        if phase is None:
            reader.problem(path, f"phase '{data['phase']}' is not one of {_PHASE_NAMES}")
    return ActionSpec(
        description=reader.text(data, path, "description", 10_000, required=False),
        lead_text=lead_text,
        leads=tuple(leads),
        timescale=timescale,
        phase=phase,
    )


def _kpi(reader: Reader, path: str, data: Any) -> KpiSpec:
    data = reader.mapping(data, path, {"name", "unit", "target"})
    return KpiSpec(
        name=reader.text(data, path, "name", 300),
        unit=reader.text(data, path, "unit", 40, required=False),
        target=reader.whole_number(data, path, "target", required=False),
    )


_PROJECT_KEYS = {
    "name",
    "description",
    "cost_basis",
    "working_group",
    "objective",
    "total",
    "cost_lines",
    "funding",
    "fundraising_actions",
}


def _project(reader: Reader, path: str, data: Any, groups: list[WorkingGroupSpec]) -> ProjectSpec:
    data = reader.mapping(data, path, _PROJECT_KEYS)
    group_name = reader.text(data, path, "working_group", 120, required=False) or None
    objective = reader.whole_number(data, path, "objective", required=False)
    _check_project_link(reader, path, group_name, objective, groups)
    fundraising = _fundraising_actions(reader, path, data, group_name, objective, groups)
    known_problems = len(reader.problems)
    lines = [_cost_line(reader, p, item) for p, item in reader.items(data, path, "cost_lines")]
    lines_read = len(reader.problems) == known_problems
    total = _money(reader, path, data, "total")
    added_up = sum(line.amount_pence for line in lines)
    if lines and lines_read and total is not None and added_up != total:
        reader.problem(
            path,
            f"the cost lines add up to {format_pounds(added_up)} "
            f"but the total is {format_pounds(total)}",
        )
    return ProjectSpec(
        name=reader.text(data, path, "name", 160),
        description=reader.text(data, path, "description", 20_000, required=False),
        cost_basis=reader.text(data, path, "cost_basis", 80, required=False),
        working_group=group_name,
        objective=objective,
        stated_total_pence=total or 0,
        cost_lines=tuple(lines),
        funding=tuple(_funding(reader, p, item) for p, item in reader.items(data, path, "funding")),
        fundraising_actions=fundraising,
    )


def _check_project_link(
    reader: Reader,
    path: str,
    group_name: str | None,
    objective: int | None,
    groups: list[WorkingGroupSpec],
) -> None:
    group = next((g for g in groups if g.name == group_name), None)
    if group_name and group is None:
        reader.problem(path, f"working group '{group_name}' is not in this plan")
    elif objective is not None and group is None:
        reader.problem(path, "'objective' needs the project's 'working_group'")
    elif group and objective is not None and objective not in {o.number for o in group.objectives}:
        reader.problem(path, f"'{group_name}' has no objective {objective}")


def _fundraising_actions(
    reader: Reader,
    path: str,
    data: dict[str, Any],
    group_name: str | None,
    number: int | None,
    groups: list[WorkingGroupSpec],
) -> tuple[int, ...]:
    if not data.get("fundraising_actions"):
        return ()
    group = next((g for g in groups if g.name == group_name), None)
    objective = next((o for o in group.objectives if o.number == number), None) if group else None
    if objective is None:
        if group_name is None or number is None:  # a wrong link is reported already
            reader.problem(path, "'fundraising_actions' needs the project's objective")
        return ()
    found = []
    for item_path, item in reader.items(data, path, "fundraising_actions"):
        if isinstance(item, bool) or not isinstance(item, int):
            reader.problem(item_path, "must be an action number")
        elif not 1 <= item <= len(objective.actions):
            reader.problem(item_path, f"objective {objective.number} has no action {item}")
        else:
            found.append(item)
    return tuple(found)


def _money(reader: Reader, path: str, data: dict[str, Any], key: str) -> int | None:
    if data.get(key) is None:
        reader.problem(path, f"'{key}' is missing")
        return None
    try:
        return pence_from_pounds(data[key])
    except ValueError as error:
        reader.problem(path, f"{key} {error}")
        return None


def _cost_line(reader: Reader, path: str, data: Any) -> CostLineSpec:
    data = reader.mapping(data, path, {"item", "breakdown", "amount"})
    return CostLineSpec(
        description=reader.text(data, path, "item", 300),
        breakdown=reader.text(data, path, "breakdown", 4_000, required=False),
        amount_pence=_money(reader, path, data, "amount") or 0,
    )


def _funding(reader: Reader, path: str, data: Any) -> FundingSpec:
    data = reader.mapping(data, path, {"source", "amount", "secured"})
    secured = data.get("secured", False)
    if not isinstance(secured, bool):
        reader.problem(path, "'secured' must be true or false")
    return FundingSpec(
        source=reader.text(data, path, "source", 200),
        amount_pence=_money(reader, path, data, "amount") or 0,
        secured=secured is True,
    )
