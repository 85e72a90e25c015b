"""Where many postcodes are, worked out from memory: `resolve` asks the database for each
postcode's priority places, which a file of thousands of rows would pay for thousands of
times. A `PlaceBook` reads the priority places once and answers as `resolve` does (the
bulk import's tests check the two agree); told the postcodes it will be asked beforehand
(`expect`), it places them in their wards all at once. Never writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

from sqlalchemy import select

from ..extensions import db
from .models import PriorityPlace, PriorityPlacePrefix, PriorityPlaceWard
from .postcodes import InvalidPostcode, normalise_postcode, prefixes_of
from .service import SPECIFICITY, Place, place_with, prefix_specificity, rank_places
from .wards import Ward, ward_of_postcode, wards_of_postcodes


class PlaceBook:
    """`resolve` for many postcodes, each worked out once."""

    def __init__(self) -> None:
        self._places: dict[str, Place] = {}
        self._wards: dict[str, Ward | None] = {}

    def expect(self, texts: Iterable[str]) -> None:
        """Place these postcodes (any that are postcodes) in their wards together, ahead of
        `resolve`: one pass of array tests per ward, not a ward search per postcode."""
        postcodes = set()
        for text in texts:
            try:
                postcodes.add(normalise_postcode(text))
            except InvalidPostcode:
                continue
        self._wards |= wards_of_postcodes(postcodes - self._wards.keys())

    def resolve(self, text: str) -> Place:
        """As `places.service.resolve`: InvalidPostcode (not shaped like a postcode) or
        UnknownPostcode (not listed, or listed without a position)."""
        postcode = normalise_postcode(text)
        if postcode not in self._places:
            self._places[postcode] = place_with(postcode, self._priority_places, self._ward_of)
        return self._places[postcode]

    def _ward_of(self, postcode: str) -> Ward | None:
        if postcode in self._wards:
            return self._wards[postcode]
        return ward_of_postcode(postcode)

    def _priority_places(self, postcode: str, ward: Ward | None) -> list[str]:
        """The most specific prefix or ward wins (a postcode, a sector, a ward, then a
        district), then the first name in order, as in service.priority_places_for."""
        found = [
            (prefix_specificity(prefix), name)
            for prefix in prefixes_of(postcode)
            for name in self.priority_prefixes.get(prefix, ())
        ]
        if ward is not None:
            wards = self.priority_wards.get(ward.code, ())
            found += [(SPECIFICITY["ward"], name) for name in wards]
        return rank_places(found)

    @cached_property
    def priority_prefixes(self) -> dict[str, list[str]]:
        """Each priority place prefix and the names of the places it is in."""
        return _names_by_key(
            select(PriorityPlacePrefix.prefix, PriorityPlace.name).join(PriorityPlace.prefixes)
        )

    @cached_property
    def priority_wards(self) -> dict[str, list[str]]:
        """Each ward code in a priority place and the names of the places it is in."""
        return _names_by_key(
            select(PriorityPlaceWard.ward_code, PriorityPlace.name).join(PriorityPlace.wards)
        )


def _names_by_key(query: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, name in db.session.execute(query):
        found.setdefault(key, []).append(name)
    return found
