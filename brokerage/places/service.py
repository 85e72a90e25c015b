"""Places: where a postcode is (grid point, district, priority place), and the priority
places staff manage. Services flush, never commit: the caller does.

Other features store what `resolve` returns on their records at save time:

    place = resolve(form.postcode.data)
    offer.easting, offer.northing = place.easting, place.northing
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..errors import BrokerageError
from ..extensions import db
from ..jobs import enqueue
from ..partnership import current_partnership
from ..types import utcnow
from .districts import area_districts, district_of, is_in_area, postcode_areas
from .lookup import GridPoint, locate_postcode, prefix_exists
from .models import PriorityPlace, PriorityPlacePrefix, PriorityPlaceWard
from .postcodes import InvalidPostcode, normalise_postcode, normalise_prefix, prefixes_of
from .wards import VINTAGE, Ward, ward_named, ward_of_postcode

_PREFIX_LINE = re.compile(r"^(?P<prefix>[^()]*?)\s*(?:\((?P<note>[^()]*)\))?$")


class UnknownPostcode(BrokerageError):
    """A well-formed postcode that Code-Point Open does not list."""


class PlaceNameTaken(BrokerageError):
    pass


class UnknownDistrict(BrokerageError):
    """A district the partnership's configuration does not list."""


class OutsideArea(BrokerageError):
    """A postcode outside the partnership's postcode areas."""


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
    ward: str | None
    priority_places: tuple[str, ...]

    @property
    def priority_place(self) -> str | None:
        """The most specific priority place the postcode is in (see `priority_places_for`)."""
        return self.priority_places[0] if self.priority_places else None

    @property
    def in_priority_place(self) -> bool:
        return self.priority_place is not None


def resolve(postcode: str) -> Place:
    """Everything the brokerage records about a postcode, offline.

    Raises InvalidPostcode (not shaped like a postcode) or UnknownPostcode (not listed, or
    listed without a position).
    """
    return place_with(
        normalise_postcode(postcode),
        lambda postcode, _ward: [place.name for place in priority_places_for(postcode)],
    )


def place_with(
    postcode: str,
    priority_places: Callable[[str, Ward | None], list[str]],
    ward_of: Callable[[str], Ward | None] = ward_of_postcode,
) -> Place:
    """The Place of a normalised postcode, its priority places named by `priority_places`
    (given the postcode and its ward, found by `ward_of`): from the database (`resolve`) or
    from memory (`book.PlaceBook`). UnknownPostcode if it is not listed, or listed without
    a position."""
    postcode, point = locate_known(postcode)
    ward = ward_of(postcode)
    return Place(
        postcode=postcode,
        easting=point.easting,
        northing=point.northing,
        district=district_of(postcode),
        ward=ward.name if ward else None,
        priority_places=tuple(priority_places(postcode, ward)),
    )


def locate_known(postcode: str) -> tuple[str, GridPoint]:
    """The postcode normalised and its grid point: what `resolve` begins with, without the
    ward and priority places it goes on to look up (a ring search and two queries), for a
    form that only checks a postcode. Raises as `resolve` does."""
    postcode = normalise_postcode(postcode)
    point = locate_postcode(postcode)
    if point is None:
        raise UnknownPostcode(f"We could not find {postcode}.")
    return postcode, point


def resolve_in_area(postcode: str) -> Place:
    """`resolve`, refusing a postcode outside the partnership's postcode areas."""
    postcode = normalise_postcode(postcode)
    if not is_in_area(postcode):
        areas = ", ".join(sorted(postcode_areas()))
        raise OutsideArea(f"{postcode} is outside the partnership's postcode areas ({areas}).")
    return resolve(postcode)


# How specific each way of naming an area is: a postcode beats a sector, a sector a ward,
# a ward a district. Shared with bulk.lookups, which applies the same rule from memory.
SPECIFICITY = {"postcode": 4, "sector": 3, "ward": 2, "district": 1}


def prefix_specificity(prefix: str) -> int:
    """SPECIFICITY of a normalised district (`OX4`), sector (`OX4 6`) or postcode."""
    if " " not in prefix:
        return SPECIFICITY["district"]
    return SPECIFICITY["sector"] if len(prefix.split(" ")[1]) == 1 else SPECIFICITY["postcode"]


def rank_places(found: list[tuple[int, str]]) -> list[str]:
    """Place names from `(specificity, name)` pairs: most specific first, then by name,
    each name once."""
    ranked: list[str] = []
    for _, name in sorted(found, key=lambda pair: (-pair[0], pair[1])):
        if name not in ranked:
            ranked.append(name)
    return ranked


def priority_places_for(postcode: str) -> list[PriorityPlace]:
    """Every priority place a postcode is in, by one of its prefixes or its ward: the most
    specific first (a postcode, a sector, a ward, then a district), by name when tied."""
    postcode = normalise_postcode(postcode)
    ward = ward_of_postcode(postcode)
    by_prefix = db.session.execute(
        select(PriorityPlace, PriorityPlacePrefix.prefix)
        .join(PriorityPlace.prefixes)
        .where(PriorityPlacePrefix.prefix.in_(prefixes_of(postcode)))
    ).all()
    found = [(prefix_specificity(prefix), place) for place, prefix in by_prefix]
    if ward is not None:
        found += [
            (SPECIFICITY["ward"], place)
            for place in db.session.scalars(
                select(PriorityPlace)
                .join(PriorityPlace.wards)
                .where(PriorityPlaceWard.ward_code == ward.code)
            )
        ]
    places = {place.name: place for _, place in found}
    return [places[name] for name in rank_places([(s, p.name) for s, p in found])]


def priority_place_for(postcode: str) -> PriorityPlace | None:
    """The most specific priority place a postcode is in (see `priority_places_for`)."""
    places = priority_places_for(postcode)
    return places[0] if places else None


def is_in_priority_place(postcode: str) -> bool:
    return priority_place_for(postcode) is not None


def priority_places() -> list[PriorityPlace]:
    return list(
        db.session.scalars(
            select(PriorityPlace)
            .order_by(PriorityPlace.local_authority, PriorityPlace.name)
            .options(selectinload(PriorityPlace.prefixes), selectinload(PriorityPlace.wards))
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
        if not is_in_area(prefix):
            areas = ", ".join(sorted(postcode_areas()))
            problems.append(f"{prefix} is outside the partnership's postcode areas ({areas}).")
        elif not prefix_exists(prefix):
            problems.append(f"No postcode in the Ordnance Survey list starts with {prefix}.")
        found[prefix] = " ".join((match["note"] or "").split())[:120]
    if problems:
        raise InvalidPrefixes(problems)
    return list(found.items())


class InvalidWards(ValueError):
    """Ward names that are not wards of the area; `problems` names each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(" ".join(problems))


def read_wards(text: str) -> list[Ward]:
    """The wards named one a line (semicolons also separate), or InvalidWards naming every
    name that is not a ward."""
    wards: dict[str, Ward] = {}
    problems = []
    for name in filter(None, (part.strip() for part in re.split(r"[\n;]", text or ""))):
        ward = ward_named(name)
        if ward is None:
            problems.append(f"There is no ward called “{name[:60]}” in the {VINTAGE}.")
        else:
            wards[ward.code] = ward
    if problems:
        raise InvalidWards(problems)
    return sorted(wards.values(), key=lambda ward: ward.name)


PLACES_CHANGED = "places_changed_jobs"


def on_priority_places_changed(app: Flask, job: Callable[[], Any]) -> None:
    """Register a job to queue whenever a priority place changes. Listings sit above places
    and re-place themselves, so they register here from create_app."""
    app.extensions.setdefault(PLACES_CHANGED, []).append(job)


def _queue_replacing() -> None:
    for job in current_app.extensions.get(PLACES_CHANGED, []):
        enqueue(job)


def save_priority_place(
    place: PriorityPlace | None,
    *,
    name: str,
    local_authority: str,
    prefixes: list[tuple[str, str]],
    wards: list[Ward] | None = None,
    reason: str,
    source: str,
    actor: Any = None,
    replace_listings: bool = True,
) -> PriorityPlace:
    """Create a priority place (`place` None) or change one; the names stay unique.
    `actor` is the member of staff (None from the command line), for the audit log. The
    listings are re-placed in a queued job unless `replace_listings` is False."""
    name = " ".join(name.split())
    clash = db.session.scalar(
        select(PriorityPlace).where(func.lower(PriorityPlace.name) == name.lower())
    )
    if clash is not None and clash is not place:
        raise PlaceNameTaken(f"There is already a priority place called {clash.name}.")
    if local_authority not in area_districts():
        raise UnknownDistrict(f"{local_authority} is not one of the partnership's districts.")
    if place is None:
        place = PriorityPlace(name=name, local_authority=local_authority)
        db.session.add(place)
    else:
        place.updated_at = utcnow()
    place.name, place.local_authority = name, local_authority
    place.reason, place.source = reason.strip(), source.strip()
    kept = {p.prefix: p for p in place.prefixes}
    place.prefixes = [_prefix(kept.get(prefix), prefix, note) for prefix, note in sorted(prefixes)]
    kept_wards = {ward.ward_code: ward for ward in place.wards}
    place.wards = [
        kept_wards.get(ward.code) or PriorityPlaceWard(ward_code=ward.code, ward_name=ward.name)
        for ward in wards or []
    ]
    db.session.flush()
    audit.record(
        actor,
        "priority_place.save",
        f"priority place #{place.id} {place.name}",
        prefixes=[prefix for prefix, _ in sorted(prefixes)],
        wards=[ward.name for ward in wards or []],
    )
    if replace_listings:
        _queue_replacing()
    return place


def _prefix(existing: PriorityPlacePrefix | None, prefix: str, note: str) -> PriorityPlacePrefix:
    record = existing or PriorityPlacePrefix(prefix=prefix)
    record.note = note
    return record


def load_reference_priority_places(path: Path | None = None) -> list[str]:
    """Add the places in the partnership's reference list (or `path`) that are not here
    yet (by name); places already here keep what staff changed. Returns the names added."""
    path = path or current_partnership().file("priority_places")
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
                wards=read_wards(row.get("wards", "")),
                reason=row["reason"],
                source=row["source"],
                replace_listings=False,
            )
            added.append(row["name"].strip())
    if added:
        _queue_replacing()
    return added
