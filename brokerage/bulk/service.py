"""Bulk import: check every row of a file, then save them all, or none.

A file is read once, row by row; each row is checked (with what the database already
holds and what earlier rows said) and kept in its checked form, never as text. If any
row is bad, nothing is saved and the report lists every bad row with its line and
reason, unless `skip_invalid` asks for the good rows to be saved anyway. Rows are keyed
by the partner's `ref` (or the site's own, for records made on the site: see refs.py), so
importing the same file twice changes nothing. Services flush; the caller commits.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from rq import get_current_job
from sqlalchemy import select, update

from ..accounts.models import User
from ..changes import announce
from ..errors import BrokerageError
from ..extensions import db
from ..notifications.service import notify
from ..types import utcnow
from . import listings, organisations
from .formats import KINDS, CellError, Kind
from .lookups import Lookups
from .models import ImportRun, RunStatus
from .reader import FileProblem, read_rows

log = logging.getLogger(__name__)

BATCH = 1000
MAX_REPORTED = 1000  # bad rows listed in a report; the count says how many in all
Progress = Callable[[int, int], None]


class UnknownKind(BrokerageError):
    pass


@dataclass(frozen=True)
class BadRow:
    line: int
    ref: str
    reason: str


@dataclass(frozen=True)
class RowWarning:
    """Something read but not understood, kept as written (a trade no list holds)."""

    line: int
    ref: str
    message: str


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    bad_count: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    ended: int = 0  # listings whose dates had passed: kept archived, never published
    warning_count: int = 0
    warnings: list[RowWarning] = field(default_factory=list)
    file_problem: str = ""
    applied: bool = False

    @property
    def summary(self) -> str:
        if self.file_problem:
            return f"Nothing imported: {self.file_problem}"
        if not self.applied:
            return (
                f"Nothing imported: {self.bad_count} of {self.rows} rows are bad. Correct them "
                "and import the file again, or skip the bad rows."
            )
        skipped = f", {self.bad_count} bad rows skipped" if self.bad_count else ""
        ended = (
            f" {self.ended} had ended and {'is' if self.ended == 1 else 'are'} kept archived."
            if self.ended
            else ""
        )
        warned = (
            f" {self.warning_count} warning{'' if self.warning_count == 1 else 's'}: words "
            "kept as written for staff to classify."
            if self.warning_count
            else ""
        )
        return (
            f"{self.kind}: {self.rows} rows read, {self.created} created, {self.updated} "
            f"updated, {self.unchanged} unchanged{skipped}.{ended}{warned}"
        )

    def as_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["summary"] = self.summary
        return data


def kind_named(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind(f"Import one of: {', '.join(KINDS)}, not {name[:30]}.") from None


def import_stream(
    kind_name: str,
    stream: BinaryIO,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row of `stream` (a CSV file opened in binary), then save them if all
    are good (or the good ones, with `skip_invalid`)."""
    kind = kind_named(kind_name)
    report = ImportReport(kind.name)
    try:
        good = _check_rows(kind, stream, report)
    except FileProblem as error:
        report.file_problem = str(error)
        return report
    if report.bad_count and not skip_invalid:
        return report
    _save(kind, good, report, progress or (lambda done, total: None))
    return report


def _check_rows(kind: Kind, stream: BinaryIO, report: ImportReport) -> list[Any]:
    parse = listings.parse if kind.listing else organisations.parse
    lookups = Lookups()
    good = []
    for row in read_rows(stream, kind.columns, kind.optional_columns):
        report.rows += 1
        ref = " ".join(row.cells.get("ref", "").split())
        try:
            if row.problem:
                raise CellError(row.problem)
            if ref in lookups.refs_in_file:
                raise CellError(f"ref {ref} is on an earlier row too: each row needs its own.")
            checked = parse(kind, row.cells, lookups)
            good.append(checked)
            report.ended += int(getattr(checked, "ended", False))
            for message in getattr(checked, "warnings", ()):
                report.warning_count += 1
                if len(report.warnings) < MAX_REPORTED:
                    report.warnings.append(RowWarning(row.line, ref[:60], message))
        except CellError as error:
            report.bad_count += 1
            if len(report.bad_rows) < MAX_REPORTED:
                report.bad_rows.append(BadRow(row.line, ref[:60], str(error)))
        lookups.refs_in_file.add(ref)
    return good


def _save(kind: Kind, rows: list[Any], report: ImportReport, progress: Progress) -> None:
    save = listings.save if kind.listing else organisations.save
    for start in range(0, len(rows), BATCH):
        created, updated = save(kind, rows[start : start + BATCH])
        report.created += created
        report.updated += updated
        progress(min(start + BATCH, len(rows)), len(rows))
    report.unchanged = len(rows) - report.created - report.updated
    report.applied = True
    if kind.listing and report.created + report.updated:
        announce("listings")


def import_file(kind_name: str, path: Path, *, skip_invalid: bool = False) -> ImportReport:
    with path.open("rb") as stream:
        return import_stream(kind_name, stream, skip_invalid=skip_invalid)


# Runs from the upload page --------------------------------------------------------


def start_run(kind_name: str, filename: str, skip_invalid: bool, user: Any) -> ImportRun:
    """The record of an upload, before its job runs: its id names the stored file."""
    kind = kind_named(kind_name)
    run = ImportRun(
        kind=kind.name, filename=filename[:255], skip_invalid=skip_invalid, started_by=user
    )
    db.session.add(run)
    db.session.flush()
    return run


def run_import(run_id: int, path: str) -> None:
    """The job: import the stored file for this run and record its report (the stored
    file is removed afterwards). On a worker it also records its progress as it goes.

    An import that breaks is undone to a savepoint and recorded as failed, and staff are
    told of it, as they are of a file rejected whole; the job itself then ends normally."""
    run = db.session.get(ImportRun, run_id)
    if run is None or run.is_finished:
        return
    progress = _progress_of(run_id) if _progress_visible() else None
    try:
        with db.session.begin_nested(), Path(path).open("rb") as stream:
            report = import_stream(
                run.kind, stream, skip_invalid=run.skip_invalid, progress=progress
            )
    except Exception:
        log.exception("Import run %s failed", run_id)
        _finish(run, RunStatus.FAILED, None)
        return
    finally:
        Path(path).unlink(missing_ok=True)
    _finish(run, RunStatus.DONE if report.applied else RunStatus.REJECTED, report)


def _finish(run: ImportRun, status: RunStatus, report: ImportReport | None) -> None:
    run.status = status.value
    if report is not None:
        run.rows_total = report.rows
        run.rows_done = report.rows if report.applied else 0
        run.report = report.as_json()
    run.finished_at = utcnow()
    db.session.flush()
    if status != RunStatus.DONE:
        _tell_staff_of_failure(run, report)


def _tell_staff_of_failure(run: ImportRun, report: ImportReport | None) -> None:
    """An inbox entry and an email for each member of staff, whoever started the import."""
    why = report.summary if report is not None else "The import broke; nothing was saved."
    notify(
        db.session.scalars(select(User).where(User.is_staff)),
        f"Import failed: {run.filename}",
        why,
        f"/admin/import/{run.id}",
    )


def _progress_visible() -> bool:
    """Progress can be shown while a worker runs the job, on a database that lets another
    connection write meanwhile (SQLite would wait for the job's lock)."""
    return get_current_job() is not None and db.engine.dialect.name != "sqlite"


def _progress_of(run_id: int) -> Callable[..., None]:
    """Progress written (and committed) on a connection of its own, so the page can see it
    while the job's own transaction is still open (in a request, the page is only shown
    once the import is over)."""

    def record(done: int, total: int, status: RunStatus = RunStatus.RUNNING) -> None:
        with db.engine.begin() as connection:
            connection.execute(
                update(ImportRun)
                .where(ImportRun.id == run_id)
                .values(status=status.value, rows_done=done, rows_total=total)
            )

    record(0, 0)
    return record


def recent_runs(limit: int = 20) -> list[ImportRun]:
    return list(
        db.session.scalars(
            select(ImportRun)
            .order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
            .limit(limit)
        )
    )
