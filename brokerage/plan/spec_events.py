"""Read a working group's `events` from a plan file: the events the plan names, each with
the action it serves and the KPIs its attendance counts towards.

References are within the working group: `serves: {objective: 3, action: 6}` is the sixth
action of its objective 3; `attendance_kpi: {objective: 7, name: ...}` a KPI of objective 7.
Dates are only given where the document gives one; `timing` keeps what it says instead
("September 2023", "February").
"""

from __future__ import annotations

from collections.abc import Sequence, Sized
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from .spec_reader import Reader
from .states import EventKind


class _NamedKpi(Protocol):
    @property
    def name(self) -> str: ...


class Objective(Protocol):
    """What an event reads of its group's objectives (`spec.ObjectiveSpec`, which reads
    the events: a protocol here keeps the two modules out of an import cycle)."""

    @property
    def number(self) -> int: ...

    @property
    def actions(self) -> Sized: ...

    @property
    def kpis(self) -> Sequence[_NamedKpi]: ...


@dataclass(frozen=True)
class KpiRef:
    objective: int
    name: str


@dataclass(frozen=True)
class EventSpec:
    title: str
    kind: str
    happens_on: date | None
    timing: str
    place: str
    notes: str
    serves: tuple[int, int] | None  # (objective number, action number from 1)
    attendance_kpi: KpiRef | None
    held_kpi: KpiRef | None


_EVENT_KEYS = {
    "title",
    "kind",
    "date",
    "timing",
    "place",
    "notes",
    "serves",
    "attendance_kpi",
    "held_kpi",
}
_KINDS = ", ".join(kind.value for kind in EventKind)


def read_events(
    reader: Reader, path: str, data: Any, objectives: Sequence[Objective]
) -> list[EventSpec]:
    """The events under `data['events']`, each checked against the group's objectives."""
    events = [_event(reader, p, item, objectives) for p, item in reader.items(data, path, "events")]
    reader.unique(f"{path}.events", "event", [event.title for event in events])
    return events


def _event(reader: Reader, path: str, data: Any, objectives: Sequence[Objective]) -> EventSpec:
    data = reader.mapping(data, path, _EVENT_KEYS)
    kind = reader.text(data, path, "kind", 20)
    if kind and kind not in {k.value for k in EventKind}:
        reader.problem(path, f"kind '{kind}' is not one of {_KINDS}")
    return EventSpec(
        title=reader.text(data, path, "title", 200),
        kind=kind,
        happens_on=_date(reader, path, data.get("date")),
        timing=reader.text(data, path, "timing", 80, required=False),
        place=reader.text(data, path, "place", 200, required=False),
        notes=reader.text(data, path, "notes", 4_000, required=False),
        serves=_action_ref(reader, path, data.get("serves"), objectives),
        attendance_kpi=_kpi_ref(reader, path, "attendance_kpi", data, objectives),
        held_kpi=_kpi_ref(reader, path, "held_kpi", data, objectives),
    )


def _date(reader: Reader, path: str, value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        reader.problem(path, f"date '{value}' is not a date like 2023-09-14")
        return None


def _objective(
    reader: Reader, path: str, number: Any, objectives: Sequence[Objective]
) -> Objective | None:
    found = next((o for o in objectives if o.number == number), None)
    if found is None:
        reader.problem(path, f"the working group has no objective {number!r}")
    return found


def _action_ref(
    reader: Reader, path: str, value: Any, objectives: Sequence[Objective]
) -> tuple[int, int] | None:
    if value is None:
        return None
    value = reader.mapping(value, f"{path}.serves", {"objective", "action"})
    objective = _objective(reader, f"{path}.serves", value.get("objective"), objectives)
    number = value.get("action")
    if objective is None:
        return None
    if not isinstance(number, int) or not 1 <= number <= len(objective.actions):
        reader.problem(f"{path}.serves", f"objective {objective.number} has no action {number!r}")
        return None
    return objective.number, number


def _kpi_ref(
    reader: Reader, path: str, key: str, data: dict[str, Any], objectives: Sequence[Objective]
) -> KpiRef | None:
    if data.get(key) is None:
        return None
    where = f"{path}.{key}"
    value = reader.mapping(data[key], where, {"objective", "name"})
    objective = _objective(reader, where, value.get("objective"), objectives)
    name = reader.text(value, where, "name", 300)
    if objective is None or not name:
        return None
    if name not in {kpi.name for kpi in objective.kpis}:
        reader.problem(where, f"objective {objective.number} has no KPI '{name}'")
        return None
    return KpiRef(objective.number, name)
