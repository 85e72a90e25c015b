"""What a commit changed, and who hears of it: the only Session listener in the app.

Each flush notes the rows it created, changed or deleted (a `Change`, with the topic of
its model); statements that write through the session without the unit of work (ORM bulk
updates, inserts into a table) note their table's topic, and writes that bypass the
session altogether `announce` theirs. Just before the commit, one statement gives every
versioned topic written a new version (`TopicVersion`), in the same transaction, so any
process reading the versions after the commit knows what it holds is stale. The rows of the
topics the published world is built from are also logged one by one (`ChangedRow`), so a
process keeping that world loaded reloads only the rows written since it last read.

After the commit the subscribers `create_app` lists (`subscribe`) hear of it, in that
order: logs, evidence, jobs, matches, caches. On a rollback they hear nothing but `rolled_back`
(for those that hold something for the commit). A subscriber may not write with the
session that committed; work a commit sets off is a job, which runs in its own
transaction (`jobs.enqueue`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import (
    JSON,
    BigInteger,
    Row,
    String,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, SessionTransaction, mapped_column

from .driver_reads import read_fixed
from .extensions import Model, db

# The topics whose versions caches read. A model's topic is its `__topic__`, else the
# name of its feature package (brokerage.charter.models -> "charter"); writes to other
# topics reach the subscribers but raise no version (nothing cached reads them).
TOPICS = (
    "organisations",
    "listings",
    "toms",
    "matches",
    "people",
    "plan",
    "charter",
    "notifications",
)
# The topics whose rows are logged one by one (`ChangedRow`): what the matches' kept world
# is built from (brokerage/matches/kept.py).
LOGGED_TOPICS = ("listings", "organisations", "toms", "charter")
# How many logged rows are kept: a reader further behind than that reloads everything.
LOG_KEPT = 10_000
# Log writers take this PostgreSQL transaction lock, so ids are given in commit order.
_LOG_LOCK = 0x6B657074  # "kept"
_NOTED = "changes_noted"
_COMMITTING = "changes_committing"
_VERSIONS = "changes_versions"


class TopicVersion(Model):
    """A topic's version: part of the key of everything cached from it. Each commit that
    writes the topic sets a new random number, never an increment, so a version never comes
    back once it was seen (after a rollback behind the session's back, as the test suite
    makes, or a restored backup) and nothing cached under it can be served again."""

    __tablename__ = "topic_versions"

    topic: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)


class ChangedRow(Model):
    """One row a commit wrote to a logged topic (`LOGGED_TOPICS`), with the foreign keys it
    had; `table_name` None: the topic was written in bulk (its rows are not listed). Writers
    take one lock, so ids follow the commits' order and a reader that has seen an id has
    seen every id before it. `version` is random, like a topic's: a reader checks that the row it
    read last is still there with the same version (not pruned, rolled back or restored)."""

    __tablename__ = "changed_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)
    topic: Mapped[str] = mapped_column(String(40), nullable=False)
    table_name: Mapped[str | None] = mapped_column(String(60))
    row_id: Mapped[int | None]
    links: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)


def new_version() -> int:
    return secrets.randbits(62)


@dataclass(frozen=True)
class Change:
    """One row a flush wrote: its model, primary key, the names of the columns changed
    (never their values) and its foreign keys as they were at the flush."""

    action: str  # created, changed or deleted
    model: type
    identity: Any
    topic: str
    fields: tuple[str, ...] = ()
    links: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Committed:
    """What one transaction wrote: rows through the unit of work, and topics written in
    bulk (whose rows are not listed)."""

    changes: list[Change] = field(default_factory=list)
    bulk_topics: set[str] = field(default_factory=set)
    _place_of_row: dict[tuple[type, Any], int] = field(default_factory=dict, repr=False)

    def note(self, change: Change) -> None:
        """One entry per row however often it was flushed: created stays created, deleted
        wins, changed fields add up."""
        row = (change.model, change.identity)
        place = self._place_of_row.get(row)
        if place is None:
            self._place_of_row[row] = len(self.changes)
            self.changes.append(change)
            return
        before = self.changes[place]
        self.changes[place] = replace(
            before,
            action="deleted" if change.action == "deleted" else before.action,
            fields=tuple(dict.fromkeys(before.fields + change.fields)),
            links={**before.links, **change.links},
        )

    @property
    def topics(self) -> set[str]:
        return {change.topic for change in self.changes} | self.bulk_topics


@dataclass(frozen=True)
class Subscriber:
    name: str
    committed: Callable[[Committed], None]
    rolled_back: Callable[[Committed], None] | None = None


def subscribe(app: Flask, subscribers: Iterable[Subscriber]) -> None:
    """Set, once per app, who hears of its commits and in which order."""
    app.extensions["changes.subscribers"] = tuple(subscribers)


def announce(*topics: str) -> None:
    """Writes made behind the session's back (or too many to list) changed these topics."""
    _noted(db.session()).bulk_topics.update(topics)


def written_topics() -> set[str]:
    """Topics this transaction has written so far: caches neither serve nor keep them."""
    noted = db.session().info.get(_NOTED)
    return noted.topics if noted else set()


def committing() -> bool:
    """Whether subscribers are hearing of a commit now (its session cannot write)."""
    return bool(db.session().info.get(_COMMITTING))


def topic_versions() -> dict[str, int]:
    """Every versioned topic's version, read once per transaction (a read request is one).
    Read on the session's connection, in its transaction, but through the driver's own
    cursor (`driver_reads`): every signed-in page asks, and it is often all a page reads."""
    session = db.session()
    if _VERSIONS not in session.info:
        rows = read_fixed(session.connection(), _READ_VERSIONS)
        session.info[_VERSIONS] = {topic: version for topic, version in rows}
    return session.info[_VERSIONS]


_READ_VERSIONS = "SELECT topic, version FROM topic_versions"


def unwritten_versions(topics: Iterable[str]) -> tuple[int, ...] | None:
    """The versions of `topics`, in the order given, this transaction sees; None if it has
    written one of them. `written_topics` and `topic_versions` in one look at the session:
    each entry a page reads from the cache asks (five on every signed-in page)."""
    info = db.session().info
    noted: Committed | None = info.get(_NOTED)
    if noted is not None and not noted.topics.isdisjoint(topics):
        return None
    versions = info[_VERSIONS] if _VERSIONS in info else topic_versions()
    return tuple(versions.get(topic, 0) for topic in topics)


def topic_of(model: type) -> str:
    return getattr(model, "__topic__", None) or model.__module__.split(".")[1]


def _noted(session: Session) -> Committed:
    return session.info.setdefault(_NOTED, Committed())


def _change(action: str, row: object, fields: tuple[str, ...] = ()) -> Change:
    state = inspect(row)
    mapper = state.mapper
    identity = mapper.primary_key_from_instance(row)  # new rows' too
    links = {
        column.key: state.dict.get(column.key)
        for column in mapper.columns
        if column.foreign_keys and column.key in state.dict
    }
    return Change(
        action,
        type(row),
        identity[0] if len(identity) == 1 else tuple(identity),
        topic_of(type(row)),
        fields,
        links,
    )


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: object) -> None:
    noted = _noted(session)
    for row in session.new:
        noted.note(_change("created", row))
    for row in session.deleted:
        noted.note(_change("deleted", row))
    for row in session.dirty:
        fields = tuple(a.key for a in inspect(row).attrs if a.history.has_changes())
        if fields:
            noted.note(_change("changed", row, fields))


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper or _mapper_of_table(getattr(state.statement, "table", None))
    _noted(state.session).bulk_topics.add(topic_of(mapper.class_) if mapper else "unknown")


def _mapper_of_table(table: Any) -> Any:
    return next((m for m in Model.registry.mappers if m.local_table is table), None)


@event.listens_for(Session, "before_commit")
def _raise_versions(session: Session) -> None:
    """The last statements before the commit: concurrent writers of a topic wait for each
    other's commit here, so the row lock is held as briefly as the commit allows."""
    if session.in_nested_transaction():
        return
    session.flush()
    noted = session.info.get(_NOTED)
    topics = sorted(noted.topics.intersection(TOPICS)) if noted else []
    if topics:
        session.connection().execute(  # not the ORM's: no statement to note
            update(TopicVersion).where(TopicVersion.topic.in_(topics)).values(version=new_version())
        )
    if noted:
        _log_rows(session, noted)


def _logged(noted: Committed) -> list[dict[str, Any]]:
    """Rows to log: a topic written in bulk without its rows, then each row written."""
    rows: list[dict[str, Any]] = [
        {"topic": topic, "table_name": None, "row_id": None, "links": {}}
        for topic in sorted(noted.bulk_topics.intersection(LOGGED_TOPICS))
    ]
    rows += [
        {
            "topic": change.topic,
            "table_name": getattr(change.model, "__tablename__", None),
            "row_id": change.identity if isinstance(change.identity, int) else None,
            "links": {name: value for name, value in change.links.items() if value is not None},
        }
        for change in noted.changes
        if change.topic in LOGGED_TOPICS
    ]
    return [{**row, "version": new_version()} for row in rows]


_LOGGED_COLUMNS = (ChangedRow.topic, ChangedRow.table_name, ChangedRow.row_id, ChangedRow.links)


def _log_rows(session: Session, noted: Committed) -> None:
    """Log the rows of `LOGGED_TOPICS` written, under one lock held until the commit (on
    PostgreSQL; SQLite has one writer at a time anyway), and drop the oldest beyond LOG_KEPT."""
    rows = _logged(noted)
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOG_LOCK})
    connection.execute(insert(ChangedRow), rows)
    newest = select(func.max(ChangedRow.id)).scalar_subquery()
    connection.execute(delete(ChangedRow).where(ChangedRow.id <= newest - LOG_KEPT))


def rows_changed_since(last_id: int, last_version: int, limit: int) -> list[Row[Any]] | None:
    """The rows logged after row `last_id` (at most `limit`, oldest first, as plain rows:
    topic, table_name, row_id, links); None when that row is gone or is not the one read
    (pruned, rolled back, restored) or more than `limit` wait: the reader reloads then."""
    found = db.session.execute(
        select(ChangedRow.id, ChangedRow.version, *_LOGGED_COLUMNS)
        .where(ChangedRow.id >= last_id)
        .order_by(ChangedRow.id)
        .limit(limit + 2)
    ).all()
    if not found or (found[0].id, found[0].version) != (last_id, last_version):
        return None
    if len(found) > limit + 1:
        return None
    return list(found[1:])


def newest_changed_row() -> tuple[int, int]:
    """The id and version of the newest logged row ((0, 0) if the log is empty: a reader
    starting there reads everything again until a row is logged)."""
    newest = db.session.execute(
        select(ChangedRow.id, ChangedRow.version).order_by(ChangedRow.id.desc()).limit(1)
    ).first()
    return (0, 0) if newest is None else (newest.id, newest.version)


@event.listens_for(Session, "after_commit")
def _tell_committed(session: Session) -> None:
    noted = session.info.pop(_NOTED, None)
    if noted is None or not has_app_context():
        return
    session.info[_COMMITTING] = True
    try:
        for subscriber in current_app.extensions.get("changes.subscribers", ()):
            subscriber.committed(noted)
    finally:
        session.info.pop(_COMMITTING, None)


@event.listens_for(Session, "after_transaction_end")
def _tell_rolled_back(session: Session, transaction: SessionTransaction) -> None:
    """A transaction ended without a commit (rolled back, or its session closed)."""
    if transaction.parent is not None:
        return
    session.info.pop(_VERSIONS, None)
    if _NOTED not in session.info:
        return
    noted = session.info.pop(_NOTED)
    if not has_app_context():
        return
    for subscriber in current_app.extensions.get("changes.subscribers", ()):
        if subscriber.rolled_back is not None:
            subscriber.rolled_back(noted)
