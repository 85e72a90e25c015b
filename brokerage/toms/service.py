"""TOMs catalogue operations. Services flush, never commit: the caller does.

`load_framework_file` imports a framework file whole or not at all; loading the same file
and version again changes nothing, and a changed row updates its measure in place. A
measure that a reload leaves out is kept (offers and needs may point at it) and reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..errors import BrokerageError
from ..extensions import db
from ..matching import Catalogue, MeasureInfo
from ..matching.reasons import measure_name
from ..partnership import current_partnership
from .cache import cached_catalogue
from .files import (
    CatalogueFileInvalid,
    MeasureRow,
    default_version,
    read_rows,
    version_problem,
)
from .models import Framework, FrameworkVersion, Measure, Outcome, ProxyValue, Theme
from .sync import CatalogueSync, LoadReport

__all__ = [
    "CatalogueFileInvalid",
    "LoadReport",
    "add_proxy_value",
    "current_measures",
    "load_framework_file",
    "matching_catalogue",
    "measure_in_words",
    "themes_in_force",
    "themes_of",
]

DATA_FOLDER = Path(__file__).parent / "data"
NATIONAL_FILE = DATA_FOLDER / "national-toms.csv"


def shipped_files() -> tuple[tuple[Path, str | None], ...]:
    """The frameworks that ship with the app, each with its version: the partnership's
    local measures (versioned by the year their framework's name ends with) and the
    national TOMs rows verified so far."""
    return (
        (current_partnership().file("local_measures"), None),
        (NATIONAL_FILE, "unstated"),
    )


def load_framework_file(
    source: Path | str | Iterable[Mapping[str, Any]], version: str | None = None
) -> LoadReport:
    """Create or update each framework version the file declares (`version`, or the year
    the framework's name ends with); raises CatalogueFileInvalid and changes nothing if
    any row is bad."""
    rows = read_rows(source)
    if version is not None and (problem := version_problem(version)):
        raise CatalogueFileInvalid([problem])
    file_name = Path(source).name[:255] if isinstance(source, str | Path) else ""
    by_framework: dict[str, list[MeasureRow]] = {}
    for row in rows:
        by_framework.setdefault(row.framework, []).append(row)
    report = LoadReport()
    with db.session.no_autoflush:
        for name, framework_rows in by_framework.items():
            label = version if version is not None else default_version(name)
            CatalogueSync(report).version(name, label, file_name, framework_rows)
    db.session.flush()
    return report


def load_shipped_frameworks() -> list[LoadReport]:
    """The frameworks that ship with the app (idempotent, for the demo seed)."""
    return [load_framework_file(path, version) for path, version in shipped_files()]


def add_proxy_value(measure: Measure, value_pence: int, source: str, added_by: Any) -> ProxyValue:
    """Record a proxy value staff read in `source`; it becomes the measure's value in force."""
    if value_pence < 0:
        raise BrokerageError("A proxy value cannot be negative.")
    if not source.strip():
        raise BrokerageError("Say where the proxy value is published.")
    proxy = ProxyValue(value_pence=value_pence, source=source.strip(), added_by=added_by)
    measure.proxy_values.insert(0, proxy)
    audit.record(
        added_by, "proxy_value.add", f"measure {measure.code}", pence=value_pence, source=source
    )
    db.session.flush()
    return proxy


# Reading the catalogue ------------------------------------------------------------


def all_versions() -> list[FrameworkVersion]:
    """Every loaded version, by framework name then load order."""
    return list(
        db.session.scalars(
            select(FrameworkVersion)
            .join(FrameworkVersion.framework)
            .order_by(Framework.name, FrameworkVersion.loaded_at, FrameworkVersion.id)
            .options(selectinload(FrameworkVersion.framework))
        )
    )


def current_versions() -> list[FrameworkVersion]:
    """Each framework's version in force: the one loaded most recently."""
    latest: dict[int, FrameworkVersion] = {}
    for version in all_versions():
        latest[version.framework_id] = version
    return list(latest.values())


def _measures_query() -> Any:
    return (
        select(Measure)
        .join(Measure.outcome)
        .join(Outcome.theme)
        .join(Theme.framework_version)
        .join(FrameworkVersion.framework)
        .options(
            selectinload(Measure.outcome).selectinload(Outcome.theme),
            selectinload(Measure.framework_version).selectinload(FrameworkVersion.framework),
            selectinload(Measure.proxy_values),
        )
        .order_by(
            Framework.name,
            FrameworkVersion.loaded_at,
            FrameworkVersion.id,
            Theme.position,
            Outcome.position,
            Measure.position,
        )
    )


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_measures(versions: list[FrameworkVersion], words: str = "") -> list[Measure]:
    """The measures of `versions` in catalogue order; with `words`, only those whose code,
    description, unit, outcome or theme contains every word."""
    query = _measures_query().where(Measure.framework_version_id.in_([v.id for v in versions]))
    for word in words.split():
        pattern = f"%{_escape_like(word)}%"
        query = query.where(
            or_(
                *(
                    column.ilike(pattern, escape="\\")
                    for column in (
                        Measure.code,
                        Measure.description,
                        Measure.unit,
                        Outcome.name,
                        Theme.name,
                    )
                )
            )
        )
    return list(db.session.scalars(query))


def current_measures() -> list[Measure]:
    """The measures in force, one per code, in catalogue order.

    Codes are unique within a version; should two frameworks in force share a code, the
    version loaded last wins, so a code always means one measure.
    """
    versions = current_versions()
    order = {version.id: (version.loaded_at, version.id) for version in versions}
    measures = find_measures(versions)
    by_code: dict[str, Measure] = {}
    for measure in measures:
        held = by_code.get(measure.code)
        if held is None or order[measure.framework_version_id] > order[held.framework_version_id]:
            by_code[measure.code] = measure
    return [measure for measure in measures if by_code[measure.code] is measure]


def proxy_value_on(code: str, on: date) -> ProxyValue | None:
    """The proxy value in force for `code` on a day: the last one recorded by the end of
    that day, in any loaded version. For a day before the catalogue held any value, the
    earliest value recorded (the nearest the catalogue knows). None: no proxy value."""
    values = list(
        db.session.scalars(
            select(ProxyValue)
            .join(Measure)
            .where(Measure.code == code)
            .order_by(ProxyValue.added_at, ProxyValue.id)
        )
    )
    by_then = [value for value in values if value.added_at.date() <= on]
    if by_then:
        return by_then[-1]
    return values[0] if values else None


def measures_by_code(codes: Iterable[str]) -> dict[str, Measure]:
    """The measures in force for these codes; unknown codes are left out."""
    wanted = set(codes)
    return {m.code: m for m in current_measures() if m.code in wanted}


def matching_catalogue() -> Catalogue:
    """The matching core's view of the measures in force, in catalogue order: plain data,
    kept per process until the catalogue changes (see `cache`)."""
    return cached_catalogue(_read_matching_catalogue)


def measure_in_words(code: str) -> str:
    """A measure as the match reasons name it: its name first, its code in brackets (the
    code alone when no measure in force has it)."""
    return measure_name(code, matching_catalogue())


def themes_in_force() -> list[str]:
    """The names of the themes in force, in catalogue order (frameworks merged by name)."""
    return themes_of(matching_catalogue())


def themes_of(catalogue: Catalogue) -> list[str]:
    """The names of a catalogue's themes, in its order (frameworks merged by name)."""
    return list(dict.fromkeys(measure.theme for measure in catalogue.measures.values()))


def _read_matching_catalogue() -> Catalogue:
    return Catalogue(
        MeasureInfo(
            code=measure.code,
            name=measure.description,
            unit=measure.unit,
            outcome=measure.outcome.name,
            theme=measure.theme.name,
        )
        for measure in current_measures()
    )


@dataclass
class OutcomeGroup:
    outcome: Outcome
    measures: list[Measure] = field(default_factory=list)


@dataclass
class ThemeGroup:
    name: str
    outcomes: list[OutcomeGroup] = field(default_factory=list)

    @property
    def measures(self) -> list[Measure]:
        return [measure for group in self.outcomes for measure in group.measures]


@dataclass
class VersionGroup:
    version: FrameworkVersion
    themes: list[ThemeGroup] = field(default_factory=list)


def group_catalogue(measures: list[Measure]) -> list[VersionGroup]:
    """Measures (in catalogue order) as framework version -> theme -> outcome -> measure."""
    versions: list[VersionGroup] = []
    for measure in measures:
        if not versions or versions[-1].version.id != measure.framework_version_id:
            versions.append(VersionGroup(measure.framework_version))
        themes = versions[-1].themes
        if not themes or themes[-1].name != measure.theme.name:
            themes.append(ThemeGroup(measure.theme.name))
        outcomes = themes[-1].outcomes
        if not outcomes or outcomes[-1].outcome.id != measure.outcome_id:
            outcomes.append(OutcomeGroup(measure.outcome))
        outcomes[-1].measures.append(measure)
    return versions


def group_by_theme(measures: list[Measure]) -> list[ThemeGroup]:
    """Measures under their theme names, themes from every framework merged by name."""
    themes: dict[str, ThemeGroup] = {}
    for measure in measures:
        group = themes.setdefault(measure.theme.name, ThemeGroup(measure.theme.name))
        if not group.outcomes or group.outcomes[-1].outcome.id != measure.outcome_id:
            group.outcomes.append(OutcomeGroup(measure.outcome))
        group.outcomes[-1].measures.append(measure)
    return list(themes.values())
