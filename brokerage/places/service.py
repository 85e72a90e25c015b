"""Places: where a postcode is (grid point, district, priority place), and the priority
places staff manage. Services flush, never commit: the caller does.

Other features store what `resolve` returns on their records at save time:

    place = resolve(form.postcode.data)
    offer.easting, offer.northing = place.easting, place.northing
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..errors import BrokerageError
from ..extensions import db
from ..types import utcnow
from .districts import district_of
from .lookup import locate_postcode, prefix_exists
from .models import PriorityPlace, PriorityPlacePrefix
from .postcodes import InvalidPostcode, normalise_postcode, normalise_prefix, prefixes_of

PRIORITY_PLACES_FILE = Path(__file__).parent / "data" / "priority-places.csv"
_PREFIX_LINE = re.compile(r"^(?P<prefix>[^()]*?)\s*(?:\((?P<note>[^()]*)\))?$")


class UnknownPostcode(BrokerageError):
    """A well-formed postcode that Code-Point Open does not list."""


class PlaceNameTaken(BrokerageError):
    pass


class InvalidPrefixes(ValueError):
    """Lines of postcode prefixes that cannot be used; `problems` says why, one each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(" ".join(problems))


@dataclass(frozen=True)
class Place:
    postcode: str
    easting: int
    northing: int
    district: str
    priority_place: str | None

    @property
    def in_priority_place(self) -> bool:
        return self.priority_place is not None


def resolve(postcode: str) -> Place:
    """Everything the brokerage records about a postcode, offline.

    Raises InvalidPostcode (not shaped like a postcode) or UnknownPostcode (not listed, or
    listed without a position).
    """
    postcode = normalise_postcode(postcode)
    point = locate_postcode(postcode)
    if point is None:
        raise UnknownPostcode(f"We could not find {postcode}.")
    place = priority_place_for(postcode)
    return Place(
        postcode=postcode,
        easting=point.easting,
        northing=point.northing,
        district=district_of(postcode),
        priority_place=place.name if place else None,
    )


def priority_place_for(postcode: str) -> PriorityPlace | None:
    """The priority place a postcode is in: the one with the most specific prefix
    (a postcode, then a sector, then a district), by name when two are as specific."""
    keys = prefixes_of(normalise_postcode(postcode))
    matches = db.session.execute(
        select(PriorityPlace, PriorityPlacePrefix.prefix)
        .join(PriorityPlace.prefixes)
        .where(PriorityPlacePrefix.prefix.in_(keys))
        .order_by(func.length(PriorityPlacePrefix.prefix).desc(), PriorityPlace.name)
        .limit(1)
    ).first()
    return matches[0] if matches else None


def is_in_priority_place(postcode: str) -> bool:
    return priority_place_for(postcode) is not None


def priority_places() -> list[PriorityPlace]:
    return list(
        db.session.scalars(
            select(PriorityPlace)
            .order_by(PriorityPlace.local_authority, PriorityPlace.name)
            .options(selectinload(PriorityPlace.prefixes))
        )
    )


def read_prefixes(text: str) -> list[tuple[str, str]]:
    """`(prefix, note)` from one prefix a line ("OX16 0 (partial)"); semicolons also
    separate. Raises ValueError naming every bad line."""
    found: dict[str, str] = {}
    problems = []
    for line in filter(None, (part.strip() for part in re.split(r"[\n;]", text or ""))):
        match = _PREFIX_LINE.match(line)
        if match is None:
            problems.append(f"“{line[:30]}” cannot be read: put a note in brackets after it.")
            continue
        try:
            prefix = normalise_prefix(match["prefix"])
        except InvalidPostcode as error:
            problems.append(str(error))
            continue
        if not prefix_exists(prefix):
            problems.append(f"No postcode in the Ordnance Survey list starts with {prefix}.")
        found[prefix] = " ".join((match["note"] or "").split())[:120]
    if problems:
        raise InvalidPrefixes(problems)
    return list(found.items())


def save_priority_place(
    place: PriorityPlace | None,
    *,
    name: str,
    local_authority: str,
    prefixes: list[tuple[str, str]],
    reason: str,
    source: str,
    actor: Any = None,
) -> PriorityPlace:
    """Create a priority place (`place` None) or change one; the names stay unique.
    `actor` is the member of staff (None from the command line), for the audit log."""
    name = " ".join(name.split())
    clash = db.session.scalar(
        select(PriorityPlace).where(func.lower(PriorityPlace.name) == name.lower())
    )
    if clash is not None and clash is not place:
        raise PlaceNameTaken(f"There is already a priority place called {clash.name}.")
    if place is None:
        place = PriorityPlace(name=name, local_authority=local_authority)
        db.session.add(place)
    else:
        place.updated_at = utcnow()
    place.name, place.local_authority = name, local_authority
    place.reason, place.source = reason.strip(), source.strip()
    kept = {p.prefix: p for p in place.prefixes}
    place.prefixes = [_prefix(kept.get(prefix), prefix, note) for prefix, note in sorted(prefixes)]
    db.session.flush()
    audit.record(
        actor,
        "priority_place.save",
        f"priority place #{place.id} {place.name}",
        prefixes=[prefix for prefix, _ in sorted(prefixes)],
    )
    return place


def _prefix(existing: PriorityPlacePrefix | None, prefix: str, note: str) -> PriorityPlacePrefix:
    record = existing or PriorityPlacePrefix(prefix=prefix)
    record.note = note
    return record


def load_reference_priority_places(path: Path = PRIORITY_PLACES_FILE) -> list[str]:
    """Add the places in the partnership's reference list that are not here yet (by name);
    places already here keep what staff changed. Returns the names added."""
    existing = {name.lower() for name in db.session.scalars(select(PriorityPlace.name))}
    added = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["name"].strip().lower() in existing:
                continue
            save_priority_place(
                None,
                name=row["name"],
                local_authority=row["local_authority"].strip(),
                prefixes=read_prefixes(row["postcode_sectors"]),
                reason=row["reason"],
                source=row["source"],
            )
            added.append(row["name"].strip())
    return added
