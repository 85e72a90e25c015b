"""Electoral wards (2013 boundaries) and which one a postcode's grid point lies in.

The boundaries ship in the partnership's `wards` file, already in OS grid metres (converted once by
`scripts/convert_wards.py`), so placing a postcode is a plain ray-casting point-in-polygon
over the few wards whose bounding box holds the point. Many postcodes at once (a supplier
world's tens of thousands) are placed by the same test in arrays, a ward's edges against
all the points in its box together (`wards_of_postcodes`).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

from ..partnership import current_partnership
from .lookup import GridPoint, locate_postcode

VINTAGE = "2013 wards"

Ring = tuple[tuple[float, float], ...]
# Edges times points tested in one array operation, at most (memory: ~9 bytes each).
EDGE_POINTS = 1 << 20


@dataclass(frozen=True)
class Ward:
    code: str
    name: str
    district: str
    # Each polygon is its outer ring then its holes.
    polygons: tuple[tuple[Ring, ...], ...]
    box: tuple[float, float, float, float]
    # The polygons' rings as (n, 2) arrays, for `contains_all`.
    arrays: tuple[tuple[np.ndarray, ...], ...] = field(default=(), compare=False, repr=False)

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

    def contains_all(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """`contains` for many points (eastings `x`, northings `y`) at once."""
        inside = np.zeros(x.shape, dtype=bool)
        for outer, *holes in self.arrays:
            within = ring_contains_all(outer, x, y)
            for hole in holes:
                within &= ~ring_contains_all(hole, x, y)
            inside |= within
        return inside


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


def ring_contains_all(ring: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`ring_contains` for many points at once, with the same arithmetic in the same order
    (so a point on an edge comes out the same): each edge's crossing for every point."""
    current_x, current_y = ring[:, 0, np.newaxis], ring[:, 1, np.newaxis]
    previous_x = np.roll(ring[:, 0], 1)[:, np.newaxis]
    previous_y = np.roll(ring[:, 1], 1)[:, np.newaxis]
    inside = np.zeros(x.shape, dtype=bool)
    step = max(1, EDGE_POINTS // len(ring))
    for start in range(0, x.size, step):
        xs, ys = x[start : start + step], y[start : start + step]
        straddles = (current_y > ys) != (previous_y > ys)
        # Edges that do not straddle the point's northing divide by zero: never counted.
        with np.errstate(divide="ignore", invalid="ignore"):
            crossing = (previous_x - current_x) * (ys - current_y) / (previous_y - current_y)
        crossed = straddles & (xs < current_x + crossing)
        inside[start : start + step] = np.count_nonzero(crossed, axis=0) % 2 == 1
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
        arrays = tuple(
            tuple(np.array(ring, dtype=np.float64).reshape(-1, 2) for ring in polygon)
            for polygon in polygons
        )
        wards.append(Ward(ward["code"], ward["name"], ward["district"], polygons, box, arrays))
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


def wards_of_postcodes(postcodes: Collection[str]) -> dict[str, Ward | None]:
    """`ward_of_postcode` of each (normalised) postcode, all placed at once: each ward's
    rings tested against every point in its box together, the first ward in order that
    holds a point taking it (as `WardFinder.ward_at` does, one point after another)."""
    wards = all_wards()
    located = [(p, point) for p in postcodes if (point := locate_postcode(p)) is not None]
    x = np.array([point.easting for _, point in located], dtype=np.float64)
    y = np.array([point.northing for _, point in located], dtype=np.float64)
    found = np.full(len(located), -1, dtype=np.int64)
    for number, ward in enumerate(wards):
        west, east, south, north = ward.box
        rows = np.flatnonzero((found < 0) & (west <= x) & (x <= east) & (south <= y) & (y <= north))
        if rows.size:
            found[rows[ward.contains_all(x[rows], y[rows])]] = number
    placed: dict[str, Ward | None] = dict.fromkeys(postcodes)
    for (postcode, _), number in zip(located, found.tolist(), strict=True):
        placed[postcode] = wards[number] if number >= 0 else None
    return placed
