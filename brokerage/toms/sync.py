"""Copy checked framework rows onto the database, matching existing records by their
natural keys (framework name, version, theme name, outcome name, measure code), so a
reload changes only what the file changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect, select

from ..extensions import db
from .files import MeasureRow
from .models import Framework, FrameworkVersion, Measure, Outcome, ProxyValue, Theme


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


@dataclass
class VersionCounts:
    label: str
    themes: int = 0
    outcomes: int = 0
    measures: int = 0
    proxy_values: int = 0
    kept: list[str] = field(default_factory=list)

    def summary(self) -> str:
        line = (
            f"{self.label}: {_count(self.themes, 'theme')}, {_count(self.outcomes, 'outcome')}, "
            f"{_count(self.measures, 'measure')}, {self.proxy_values} with a proxy value."
        )
        if self.kept:
            line += f" Kept, though not in this file: {', '.join(self.kept)}."
        return line


@dataclass
class LoadReport:
    versions: list[VersionCounts] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    def summary(self) -> str:
        lines = [counts.summary() for counts in self.versions]
        lines.append(f"{self.created} records created, {self.updated} updated.")
        return "\n".join(lines)


@dataclass
class CatalogueSync:
    report: LoadReport

    def assign(self, record: Any, **values: Any) -> None:
        changed = {k: v for k, v in values.items() if getattr(record, k, None) != v}
        for key, value in changed.items():
            setattr(record, key, value)
        if changed and inspect(record).persistent:
            self.report.updated += 1

    def created(self, record: Any) -> Any:
        db.session.add(record)
        self.report.created += 1
        return record

    def version(self, name: str, label: str, file_name: str, rows: list[MeasureRow]) -> None:
        framework = db.session.scalar(select(Framework).where(Framework.name == name))
        if framework is None:
            framework = self.created(Framework(name=name))
        version = next((v for v in framework.versions if v.version == label), None)
        if version is None:
            version = self.created(FrameworkVersion(version=label))
            framework.versions.append(version)
        if file_name:
            self.assign(version, source_file=file_name)
        counts = VersionCounts(f"{name} (version {label})", measures=len(rows))
        self.report.versions.append(counts)
        self.measures(version, rows, counts)

    def measures(
        self, version: FrameworkVersion, rows: list[MeasureRow], counts: VersionCounts
    ) -> None:
        outcomes = self.outcomes(version, rows)
        existing = {
            m.code: m
            for m in db.session.scalars(
                select(Measure).where(Measure.framework_version_id == version.id)
            )
        }
        for position, row in enumerate(rows):
            measure = existing.pop(row.code, None)
            if measure is None:
                measure = self.created(Measure(code=row.code, framework_version=version))
            self.assign(
                measure,
                outcome=outcomes[(row.theme, row.outcome)],
                position=position,
                description=row.description,
                unit=row.unit,
                source=row.source,
            )
            self.proxy_value(measure, row)
        counts.themes = len({row.theme for row in rows})
        counts.outcomes = len(outcomes)
        counts.proxy_values = sum(1 for row in rows if row.proxy_value_pence is not None)
        counts.kept = sorted(existing)

    def outcomes(
        self, version: FrameworkVersion, rows: list[MeasureRow]
    ) -> dict[tuple[str, str], Outcome]:
        """The version's themes and outcomes, in the order the file first names them."""
        names: dict[str, dict[str, None]] = {}
        for row in rows:
            names.setdefault(row.theme, {})[row.outcome] = None
        themes = {theme.name: theme for theme in version.themes}
        found = {}
        for theme_position, (theme_name, outcome_names) in enumerate(names.items()):
            theme = themes.get(theme_name)
            if theme is None:
                theme = self.created(Theme(name=theme_name, position=theme_position))
                version.themes.append(theme)
            self.assign(theme, position=theme_position)
            by_name = {outcome.name: outcome for outcome in theme.outcomes}
            for position, name in enumerate(outcome_names):
                outcome = by_name.get(name)
                if outcome is None:
                    outcome = self.created(Outcome(name=name, position=position))
                    theme.outcomes.append(outcome)
                self.assign(outcome, position=position)
                found[(theme_name, name)] = outcome
        return found

    def proxy_value(self, measure: Measure, row: MeasureRow) -> None:
        """Keep the file's own value in step with the file; staff values are left alone."""
        from_file = next((p for p in measure.proxy_values if p.from_file), None)
        if row.proxy_value_pence is None:
            if from_file is not None:
                measure.proxy_values.remove(from_file)
                self.report.updated += 1
            return
        source = row.source or f"{measure.framework_version.framework.name} file"
        if from_file is None:
            proxy = ProxyValue(value_pence=row.proxy_value_pence, source=source, from_file=True)
            measure.proxy_values.insert(0, self.created(proxy))
        else:
            self.assign(from_file, value_pence=row.proxy_value_pence, source=source)
