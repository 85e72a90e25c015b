"""The partnership's place names as matching reads them: towns, villages and wards from its
folder's data (post towns and the places each postcode district covers, ward names,
districts and the area's own name).

A name of one word ("Bicester", "Ducklington") is a place; in a name of several words only
a word that is itself such a place counts ("Bicester" of "Bicester East"), so "Hill",
"Park" or "Common" stay words that can say what help is asked for. A compass point alone
(Oxford's ward "North") is no place a listing names.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from ..partnership import current_partnership
from .districts import reference_districts
from .wards import all_wards

COMPASS_POINTS = frozenset({"north", "south", "east", "west", "central"})
# Names listing several places: "Ambrosden and Chesterton", "Hailey, Minster Lovell and
# Leafield", "Kingston Bagpuize with Southmoor".
_SEVERAL = re.compile(r",|\band\b|\bwith\b|&", re.IGNORECASE)
_COVERAGE = re.compile(r"Coverage:(.*)$", re.IGNORECASE)


def place_names() -> frozenset[str]:
    """The place names of the current partnership (matching's `Wanted.place_names`)."""
    partnership = current_partnership()
    return _place_names(partnership.folder, partnership.area, partnership.districts)


@cache
def _place_names(folder: Path, area: str, districts: tuple[str, ...]) -> frozenset[str]:
    names = [area, *districts]
    for row in reference_districts().values():
        names.append(row.post_town.title())
        coverage = _COVERAGE.search(row.notes)
        if coverage:
            names.extend(coverage.group(1).split(","))
    names.extend(ward.name for ward in all_wards())
    return single_places(names)


def single_places(names: list[str]) -> frozenset[str]:
    """The one-word places among `names`, and the words of longer names that are one."""
    parts = [part.strip() for name in names for part in _SEVERAL.split(name)]
    single = {
        part for part in parts if part and " " not in part and part.casefold() not in COMPASS_POINTS
    }
    folded = {place.casefold() for place in single}
    within = {
        word for part in parts if " " in part for word in part.split() if word.casefold() in folded
    }
    return frozenset(single | within)
