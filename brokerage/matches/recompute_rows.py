"""The stored rows one recompute reads and changes, kept as plain records and written in a
few statements at its end, not as ORM objects.

An opportunity sits in hundreds of offers' rankings (at 10,000 suppliers about 150 rows an
opportunity, five times that at 50,000): read as `Match` objects and written back by the
unit of work, each row cost its own UPDATE (the `version` check keeps the ORM from batching
them), its own history and change-log entry, and the three reads of the saved listing's rows
each autoflushed what came before. Here the rows are read once as plain columns, changed in
memory, and written at the end: deletes, then updates grouped by the columns they set (one
`executemany` each), then new rows through `bulk_rows.insert_columns`. Each update and delete
still checks the row's `version` (and bumps it), as the ORM did, and fails as it did
(`StaleDataError`) when someone else changed the row in between.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.orm.exc import StaleDataError

from ..bulk_rows import insert_columns
from ..changes import announce
from ..extensions import db
from .models import Match, State

SUGGESTED = State.SUGGESTED.value
# Rows read by one query (a bound parameter per key).
READ_BATCH = 500
_TABLE = cast(Table, Match.__table__)
# What a recompute writes of a pair's scoring (store.row_fields), besides its ranks.
ROW_FIELDS = (
    "score",
    "location_score",
    "toms_score",
    "fit_score",
    "distance_m",
    "reasons",
    "policy_version",
    "computed_at",
)


@dataclass(slots=True, eq=False)
class StoredRow:
    """One stored pair as a recompute sees it (`id` None: new, inserted at the end); the
    columns it changed are written when the recompute ends."""

    id: int | None
    seeker: int
    offer: int
    state: str
    version: int
    score: float
    seeker_rank: int | None
    offer_rank: int | None
    columns: dict[str, Any] = field(default_factory=dict)

    def set(self, column: str, value: Any) -> None:
        """Set a column to write, only if it changes (a rank set to its own value is no
        write); `score` and the ranks are kept as attributes too, as read."""
        if column in ("score", "seeker_rank", "offer_rank"):
            if getattr(self, column) == value and column not in self.columns:
                return
            setattr(self, column, value)
        self.columns[column] = value


def batches(keys: Iterable[int]) -> Iterator[list[int]]:
    """`keys` in order, a read's worth at a time."""
    ordered = sorted(keys)
    for start in range(0, len(ordered), READ_BATCH):
        yield ordered[start : start + READ_BATCH]


class RecomputeRows:
    """One side's stored rows (offers with opportunities, or with needs) read by a
    recompute: by seeker and by offer, each row one record whichever way it was read."""

    def __init__(self, seeker_column: str) -> None:
        self.seeker_column = seeker_column
        self._clear()

    def _clear(self) -> None:
        self._pairs: dict[tuple[int, int], StoredRow] = {}  # (seeker, offer) -> row
        # The rows of each seeker ("seeker", id) or offer ("offer", id) read so far.
        self._of: dict[tuple[str, int], dict[int, StoredRow]] = {}
        self._created: list[StoredRow] = []
        self._deleted: dict[int, int] = {}  # id -> version read

    def of(self, by_offer: bool, keys: Collection[int]) -> dict[int, dict[int, StoredRow]]:
        """The rows of each of `keys` (offers if `by_offer`, else seekers) by key, then
        partner: read in a few queries the first time, from memory after."""
        kind = "offer" if by_offer else "seeker"
        unread = [key for key in keys if (kind, key) not in self._of]
        if unread:
            self._read(by_offer, unread)
        return {key: dict(self._of[(kind, key)]) for key in keys}

    def _read(self, by_offer: bool, keys: list[int]) -> None:
        seeker = getattr(Match, self.seeker_column)
        key, partner = (Match.offer_id, seeker) if by_offer else (seeker, Match.offer_id)
        kind = "offer" if by_offer else "seeker"
        found: dict[int, dict[int, StoredRow]] = {k: {} for k in keys}
        columns = (Match.id, seeker, Match.offer_id, Match.state, Match.version, Match.score)
        for chosen in batches(keys):
            query = select(*columns, Match.seeker_rank, Match.offer_rank).where(
                key.in_(chosen), partner.is_not(None)
            )
            for row_id, seeker_id, offer_id, *rest in db.session.execute(query):
                if row_id in self._deleted:
                    continue
                row = self._pairs.get((seeker_id, offer_id))
                if row is None:
                    row = StoredRow(row_id, seeker_id, offer_id, *rest)
                    self._pairs[(seeker_id, offer_id)] = row
                found[offer_id if by_offer else seeker_id][seeker_id if by_offer else offer_id] = (
                    row
                )
        for row in self._created:
            owner, other = (row.offer, row.seeker) if by_offer else (row.seeker, row.offer)
            if owner in found:
                found[owner][other] = row
        for owner, rows in found.items():
            self._of[(kind, owner)] = rows

    def create(self, seeker: int, offer: int, columns: dict[str, Any]) -> StoredRow:
        """A new row for the pair, with its `columns` (scores, reasons, policy version)."""
        row = StoredRow(None, seeker, offer, SUGGESTED, 1, columns["score"], None, None)
        row.columns.update(columns)
        self._created.append(row)
        self._pairs[(seeker, offer)] = row
        self._place(row)
        return row

    def _place(self, row: StoredRow) -> None:
        for kind, owner, other in (
            ("seeker", row.seeker, row.offer),
            ("offer", row.offer, row.seeker),
        ):
            if (kind, owner) in self._of:
                self._of[(kind, owner)][other] = row

    def delete(self, row: StoredRow) -> None:
        if row.id is None:
            self._created.remove(row)
        else:
            self._deleted[row.id] = row.version
        del self._pairs[(row.seeker, row.offer)]
        for kind, owner, other in (
            ("seeker", row.seeker, row.offer),
            ("offer", row.offer, row.seeker),
        ):
            self._of.get((kind, owner), {}).pop(other, None)

    def write(self) -> None:
        """Write what changed: deletes, updates (grouped by the columns they set), new rows."""
        if self._deleted:
            _checked(
                delete(_TABLE).where(*_same_version()),
                [{"b_id": i, "b_version": v} for i, v in self._deleted.items()],
            )
        changed: dict[tuple[str, ...], list[StoredRow]] = {}
        for row in self._pairs.values():
            if row.id is not None and row.columns:
                changed.setdefault(tuple(sorted(row.columns)), []).append(row)
        for names, rows in changed.items():
            values: dict[str, Any] = {
                name: bindparam(f"v_{name}", type_=_TABLE.c[name].type) for name in names
            }
            statement = (
                update(_TABLE)
                .where(*_same_version())
                .values(values | {"version": _TABLE.c.version + 1})
            )
            _checked(
                statement,
                [
                    {"b_id": row.id, "b_version": row.version}
                    | {f"v_{name}": row.columns[name] for name in names}
                    for row in rows
                ],
            )
        if self._created:
            insert_columns(db.session.connection(), _TABLE, [self._new_columns()])
            announce("matches")
        self._clear()

    def _new_columns(self) -> dict[str, list[Any]]:
        other = "need_id" if self.seeker_column == "opportunity_id" else "opportunity_id"
        rows = self._created
        columns: dict[str, list[Any]] = {
            "offer_id": [row.offer for row in rows],
            self.seeker_column: [row.seeker for row in rows],
            other: [None] * len(rows),
            "state": [row.state for row in rows],
            "version": [row.version for row in rows],
            "seeker_rank": [row.seeker_rank for row in rows],
            "offer_rank": [row.offer_rank for row in rows],
        }
        for name in ROW_FIELDS:
            columns[name] = [row.columns[name] for row in rows]
        return columns


def _same_version() -> tuple[Any, ...]:
    return (_TABLE.c.id == bindparam("b_id"), _TABLE.c.version == bindparam("b_version"))


def _checked(statement: Any, parameters: list[dict[str, Any]]) -> None:
    """Run `statement` once per parameter set; each must find its row at its version."""
    result = db.session.execute(statement, parameters)
    if result.rowcount != len(parameters):  # type: ignore[attr-defined]
        raise StaleDataError(
            f"{len(parameters) - result.rowcount} stored matches changed while recomputed."  # type: ignore[attr-defined]
        )
