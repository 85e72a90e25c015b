"""Electoral wards (2013 boundaries) and which one a postcode's grid point lies in.

The boundaries ship in the partnership's `wards` file, already in OS grid metres (converted once by
`scripts/convert_wards.py`), so placing a postcode is a plain ray-casting point-in-polygon
over the few wards whose bounding box holds the point.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from ..partnership import current_partnership
from .lookup import GridPoint, locate_postcode

VINTAGE = "2013 wards"

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Ward:
    code: str
    name: str
    district: str
    # Each polygon is its outer ring then its holes.
    polygons: tuple[tuple[Ring, ...], ...]
    box: tuple[float, float, float, float]

    def contains(self, point: GridPoint) -> bool:
        x, y = point.easting, point.northing
        west, east, south, north = self.box
        if not (west <= x <= east and south <= y <= north):
            return False
        return any(
            ring_contains(polygon[0], x, y)
            and not any(ring_contains(hole, x, y) for hole in polygon[1:])
            for polygon in self.polygons
        )


def ring_contains(ring: Sequence[tuple[float, float]], x: float, y: float) -> bool:
    """Ray casting: whether (x, y) is inside the closed ring."""
    inside = False
    previous_x, previous_y = ring[-1]
    for current_x, current_y in ring:
        if (current_y > y) != (previous_y > y):
            crossing = (previous_x - current_x) * (y - current_y) / (previous_y - current_y)
            if x < current_x + crossing:
                inside = not inside
        previous_x, previous_y = current_x, current_y
    return inside


def all_wards() -> tuple[Ward, ...]:
    """Every ward of the partnership's area, by district then name."""
    return _read_wards(current_partnership().file("wards"))


@cache
def _read_wards(path: Path) -> tuple[Ward, ...]:
    """A wards file, read once per process."""
    wards = []
    for ward in json.loads(path.read_text(encoding="utf-8")):
        polygons = tuple(
            tuple(tuple((e, n) for e, n in ring) for ring in polygon)
            for polygon in ward["polygons"]
        )
        points = [point for polygon in polygons for point in polygon[0]]
        box = (
            min(e for e, _ in points),
            max(e for e, _ in points),
            min(n for _, n in points),
            max(n for _, n in points),
        )
        wards.append(Ward(ward["code"], ward["name"], ward["district"], polygons, box))
    return tuple(wards)


def ward_named(name: str) -> Ward | None:
    """The ward with this name, in any case and spacing; None if there is none."""
    wanted = " ".join(name.split()).lower()
    return next((ward for ward in all_wards() if ward.name.lower() == wanted), None)


# The side of the squares wards are filed under by their box, in metres: a point is tested
# against the two or three wards whose box reaches its square, not against all of them
# (Oxfordshire's 137 took some 27 us a postcode, mostly comparing boxes).
SQUARE_M = 1000


@dataclass(frozen=True)
class WardFinder:
    """The wards whose box reaches each square of the grid, in the wards' order, so the
    first that holds a point is the one a search of every ward in order would find."""

    by_square: dict[tuple[int, int], tuple[Ward, ...]]

    @classmethod
    def of(cls, wards: Sequence[Ward]) -> WardFinder:
        by_square: dict[tuple[int, int], list[Ward]] = {}
        for ward in wards:
            west, east, south, north = (int(side // SQUARE_M) for side in ward.box)
            for x in range(west, east + 1):
                for y in range(south, north + 1):
                    by_square.setdefault((x, y), []).append(ward)
        return cls({square: tuple(found) for square, found in by_square.items()})

    def ward_at(self, point: GridPoint) -> Ward | None:
        square = (point.easting // SQUARE_M, point.northing // SQUARE_M)
        return next((ward for ward in self.by_square.get(square, ()) if ward.contains(point)), None)


@cache
def _ward_finder(path: Path) -> WardFinder:
    return WardFinder.of(_read_wards(path))


def ward_of_postcode(postcode: str) -> Ward | None:
    """The ward a (normalised) postcode's Code-Point Open point lies in, if any."""
    return _ward_of_postcode(current_partnership().file("wards"), postcode)


@lru_cache(maxsize=65_536)
def _ward_of_postcode(wards_file: Path, postcode: str) -> Ward | None:
    point = locate_postcode(postcode)
    return _ward_finder(wards_file).ward_at(point) if point is not None else None
