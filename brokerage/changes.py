"""What a commit changed, and who hears of it: the only Session listener in the app.

Each flush notes the rows it created, changed or deleted (a `Change`, with the topic of
its model); statements that write through the session without the unit of work (ORM bulk
updates, inserts into a table) note their table's topic, and writes that bypass the
session altogether `announce` theirs. Just before the commit, one statement gives every
versioned topic written a new version (`TopicVersion`), in the same transaction, so any
process reading the versions after the commit knows what it holds is stale.

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
from sqlalchemy import BigInteger, String, event, inspect, select, update
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, SessionTransaction, mapped_column

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
    """Every versioned topic's version, read once per transaction (a read request is one)."""
    info = db.session().info
    if _VERSIONS not in info:
        query = select(TopicVersion.topic, TopicVersion.version)
        info[_VERSIONS] = dict(db.session.execute(query).all())
    return info[_VERSIONS]


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
