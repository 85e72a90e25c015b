"""What checking an import file needs to look up, read once per file rather than per row:
where postcodes are, the catalogue's codes, and the organisations already imported."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import func, select

from ..accounts.models import Organisation
from ..errors import BrokerageError
from ..extensions import db
from ..places.districts import district_of
from ..places.lookup import locate_postcode
from ..places.models import PriorityPlace, PriorityPlacePrefix
from ..places.postcodes import InvalidPostcode, normalise_postcode, prefixes_of
from ..places.service import Place, UnknownPostcode
from ..toms.service import current_measures
from .formats import CellError


@dataclass(frozen=True)
class KnownOrganisation:
    id: int
    kind: str
    postcode: str


@dataclass
class Lookups:
    places: dict[str, Place | CellError] = field(default_factory=dict)
    # Refs and names met so far in this file: a second row with either is a mistake.
    refs_in_file: set[str] = field(default_factory=set)
    names_in_file: set[str] = field(default_factory=set)

    def place(self, postcode: str, column: str = "postcode") -> Place:
        """What `places.service.resolve` says of a postcode, worked out here from the same
        parts: resolve asks the database for each postcode's priority place, which would
        be 50,000 queries for a large file (tests check the two agree)."""
        key = postcode.strip().upper()
        if key not in self.places:
            try:
                self.places[key] = self._place(postcode)
            except (BrokerageError, InvalidPostcode) as error:
                self.places[key] = CellError(f"{column}: {error}")
        found = self.places[key]
        if isinstance(found, CellError):
            raise found
        return found

    def _place(self, text: str) -> Place:
        postcode = normalise_postcode(text)
        point = locate_postcode(postcode)
        if point is None:
            raise UnknownPostcode(f"We could not find {postcode}.")
        # The most specific prefix wins (a postcode, then a sector, then a district),
        # then the first name in order, as in places.service.priority_place_for.
        names = [
            (-len(prefix), name)
            for prefix in prefixes_of(postcode)
            for name in self.priority_prefixes.get(prefix, ())
        ]
        return Place(
            postcode=postcode,
            easting=point.easting,
            northing=point.northing,
            district=district_of(postcode),
            priority_place=min(names)[1] if names else None,
        )

    @cached_property
    def priority_prefixes(self) -> dict[str, list[str]]:
        """Each priority place prefix and the names of the places it is in."""
        found: dict[str, list[str]] = {}
        rows = db.session.execute(
            select(PriorityPlacePrefix.prefix, PriorityPlace.name).join(PriorityPlace.prefixes)
        )
        for prefix, name in rows:
            found.setdefault(prefix, []).append(name)
        return found

    @cached_property
    def known_codes(self) -> frozenset[str]:
        return frozenset(measure.code for measure in current_measures())

    @cached_property
    def organisations(self) -> dict[str, KnownOrganisation]:
        """Organisations with a partner's ref, by ref."""
        rows = db.session.execute(
            select(
                Organisation.external_ref,
                Organisation.id,
                Organisation.kind,
                Organisation.postcode,
            ).where(Organisation.external_ref.is_not(None))
        )
        return {ref: KnownOrganisation(id_, kind, postcode) for ref, id_, kind, postcode in rows}

    @cached_property
    def name_owners(self) -> dict[str, tuple[str | None, str]]:
        """Every organisation's name (lower case): its ref (None: made on the site), kind."""
        rows = db.session.execute(
            select(func.lower(Organisation.name), Organisation.external_ref, Organisation.kind)
        )
        return {name: (ref, kind) for name, ref, kind in rows}
