"""The area's map, laid out for server-rendered SVG (templates/macros/maps.html): the
partnership's districts' outlines, dots at postcodes, districts shaded by a number, and
priority places outlined by their wards. No database; the partnership says which map.

The outlines come from the partnership's `map` file, its wards simplified once by
`scripts/build_map.py`, in whole hectometres of the OS grid; SVG's y runs down, so a point
is drawn at (easting - west, north - northing) in those units. A dot is only ever a
postcode's Code-Point Open point, rounded to 100 m: never more than a listing shows.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, cached_property
from pathlib import Path

from markupsafe import Markup

from ..formatting import possessive
from ..partnership import current_partnership
from .districts import area_districts
from .lookup import GridPoint, locate_postcode
from .postcodes import InvalidPostcode, normalise_postcode
from .wards import VINTAGE, ring_contains, ward_of_postcode

NOWHERE = "No known location (not drawn)"
SHADES = 4  # shading steps above "none"
NUMBER_WORDS = dict(enumerate(("no", "one", "two", "three", "four", "five", "six", "seven")))
DOT_RADIUS = 7  # map units (100 m): about 4 to 5 px on the page

Ring = tuple[tuple[int, int], ...]
Box = tuple[int, int, int, int]  # left, top, width, height, in map units


@dataclass(frozen=True)
class Outline:
    name: str
    district: str
    rings: tuple[Ring, ...]  # in SVG units: outer rings and holes alike (drawn even-odd)
    label: tuple[int, int] | None = None

    @cached_property
    def path(self) -> Markup:
        """The rings as one SVG path, each step relative to the last (the shortest text);
        made once per outline, since the outlines are read once per process, and Markup, so
        a page does not escape its some 12 KB again (it holds only digits, spaces, minus
        signs and the letters M, l and z)."""
        return Markup("".join(_ring_path(ring) for ring in self.rings))  # noqa: S704 (numbers)

    def contains(self, x: float, y: float) -> bool:
        return sum(ring_contains(ring, x, y) for ring in self.rings) % 2 == 1


def clip_ring(ring: Ring, box: Box) -> Ring:
    """The part of `ring` inside `box` (Sutherland–Hodgman: one half-plane per side), its
    crossings rounded to whole map units; empty if fewer than three corners are left."""
    left, top, width, height = box
    points = list(ring)
    for axis, limit, keep_above in ((0, left, True), (0, left + width, False),
                                    (1, top, True), (1, top + height, False)):  # fmt: skip
        points = _clip_to_half_plane(points, axis, limit, keep_above)
    corners = [point for i, point in enumerate(points) if point != points[i - 1]]
    return tuple(corners) if len(corners) >= 3 else ()


def _clip_to_half_plane(
    points: list[tuple[int, int]], axis: int, limit: int, keep_above: bool
) -> list[tuple[int, int]]:
    def inside(point: tuple[int, int]) -> bool:
        return point[axis] >= limit if keep_above else point[axis] <= limit

    def crossing(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
        along = a[1 - axis] + (limit - a[axis]) * (b[1 - axis] - a[1 - axis]) / (b[axis] - a[axis])
        return (limit, round(along)) if axis == 0 else (round(along), limit)

    kept: list[tuple[int, int]] = []
    for previous, point in zip(points[-1:] + points[:-1], points, strict=True):
        if inside(point) != inside(previous):
            kept.append(crossing(previous, point))
        if inside(point):
            kept.append(point)
    return kept


def _ring_path(ring: Ring) -> str:
    (x, y), steps = ring[0], []
    for next_x, next_y in ring[1:]:
        steps.append(f"{next_x - x} {next_y - y}")
        x, y = next_x, next_y
    return f"M{ring[0][0]} {ring[0][1]}l" + " ".join(steps).replace(" -", "-") + "z"


@dataclass(frozen=True)
class Geometry:
    width: int
    height: int
    districts: tuple[Outline, ...]
    wards: Mapping[str, Outline]  # by name
    unit_m: int
    west: int  # the map's top left corner, in hectometres of the grid
    north: int

    def xy(self, easting_hm: int, northing_hm: int) -> tuple[int, int]:
        return easting_hm - self.west, self.north - northing_hm

    def to_svg(self, point: GridPoint) -> tuple[int, int]:
        """Where a grid point is drawn, to the nearest 100 m."""
        return self.xy(round(point.easting / self.unit_m), round(point.northing / self.unit_m))


def geometry() -> Geometry:
    """The partnership's map outlines."""
    return _read_geometry(current_partnership().file("map"))


def outside_label() -> str:
    """The row counting dots outside the area, which the map cannot draw."""
    return f"Outside {current_partnership().area} (not drawn)"


@cache
def _read_geometry(path: Path) -> Geometry:
    """A map's outlines, read once per process."""
    data = json.loads(path.read_text(encoding="utf-8"))
    west, south, east, north = data["box"]
    frame = Geometry(east - west, north - south, (), {}, data["unit_m"], west, north)

    def outline(item: dict, district: str) -> Outline:
        rings = tuple(
            tuple(frame.xy(e, n) for e, n in ring) for rings in item["polygons"] for ring in rings
        )
        label = frame.xy(*item["label"]) if "label" in item else None
        return Outline(item["name"], district, rings, label)

    return Geometry(
        frame.width,
        frame.height,
        tuple(outline(d, d["name"]) for d in data["districts"]),
        {w["name"]: outline(w, w["district"]) for w in data["wards"]},
        frame.unit_m,
        west,
        north,
    )


@dataclass(frozen=True)
class Dot:
    """One dot for every result at the same place: bigger as they are more."""

    x: int
    y: int
    labels: tuple[str, ...]

    @property
    def radius(self) -> int:
        return round(DOT_RADIUS * math.sqrt(len(self.labels)))

    @property
    def label(self) -> str:
        if len(self.labels) == 1:
            return self.labels[0]
        return f"{len(self.labels)} at this postcode: {'; '.join(self.labels)}"


@dataclass(frozen=True)
class Shaded:
    outline: Outline
    number: int
    shade: int  # 0 (none) to SHADES


@dataclass(frozen=True)
class Band:
    shade: int
    text: str


@dataclass(frozen=True)
class CountyMap:
    id: str
    title: str
    description: str
    width: int
    height: int
    districts: tuple[Shaded, ...]
    places: tuple[Outline, ...] = ()
    dots: tuple[Dot, ...] = ()
    counts: tuple[tuple[str, int], ...] = ()  # the table beside a dot map
    legend: tuple[Band, ...] = ()
    # The part of the county drawn (x, y, width, height); None: all of it, named.
    view: tuple[int, int, int, int] | None = None

    @property
    def view_box(self) -> str:
        return " ".join(map(str, self.view or (0, 0, self.width, self.height)))

    @property
    def labelled(self) -> bool:
        """District names fit only on the whole county."""
        return self.view is None

    @property
    def vintage(self) -> str:
        return VINTAGE


INSET_MARGIN = 10  # hectometres around the enlarged district


def enlarged(county: CountyMap, district: str) -> CountyMap:
    """The same map showing one district and its priority places close up (the
    partnership's `enlarged_district`: a small one where most priority places lie)."""
    outline = next(d.outline for d in county.districts if d.outline.name == district)
    xs = [x for ring in outline.rings for x, _ in ring]
    ys = [y for ring in outline.rings for _, y in ring]
    left, top = min(xs) - INSET_MARGIN, min(ys) - INSET_MARGIN
    view = (left, top, max(xs) + INSET_MARGIN - left, max(ys) + INSET_MARGIN - top)
    inside = [place for place in county.places if place.district == district]
    # Only what lies in the view: a neighbour drawn whole would reach far beyond the SVG's
    # box, hidden but still laid out over the text around it (which axe-core then cannot
    # measure the contrast of).
    clipped = [(shaded, _clipped(shaded.outline, view)) for shaded in county.districts]
    names = ", ".join(place.name for place in inside) or "none"
    description = (
        f"{district} district enlarged, shaded as on the county map. "
        f"Its {VINTAGE} in priority places, outlined: {names}."
    )
    return replace(
        county,
        id=f"{county.id}-{district.lower().replace(' ', '-')}",
        title=f"{district}, enlarged",
        description=description,
        districts=tuple(replace(shaded, outline=outline) for shaded, outline in clipped if outline),
        places=tuple(inside),
        view=view,
    )


def _clipped(outline: Outline, box: Box) -> Outline | None:
    """The outline cut to the box (unlabelled), or None if none of it is inside."""
    rings = tuple(ring for ring in (clip_ring(r, box) for r in outline.rings) if ring)
    return replace(outline, rings=rings, label=None) if rings else None


def _point(postcode: str) -> GridPoint | None:
    try:
        return locate_postcode(postcode)
    except InvalidPostcode:
        return None


def dot_map(map_id: str, title: str, noun: str, located: Sequence[tuple[str, str]]) -> CountyMap:
    """Dots for (label, postcode) pairs, and how many fall in each district, outside the
    county or nowhere known; only those inside a district are drawn."""
    frame, outside, districts = geometry(), outside_label(), area_districts()
    counts: Counter[str] = Counter()
    at: dict[tuple[int, int], list[str]] = {}
    for label, postcode in located:
        point = _point(postcode)
        ward = ward_of_postcode(normalise_postcode(postcode)) if point is not None else None
        counts[NOWHERE if point is None else ward.district if ward else outside] += 1
        if point is not None and ward is not None:
            at.setdefault(frame.to_svg(point), []).append(label)
    dots = [Dot(x, y, tuple(labels)) for (x, y), labels in at.items()]
    drawn = sum(len(dot.labels) for dot in dots)
    rows = tuple((name, counts[name]) for name in (*districts, outside, NOWHERE))
    rows = tuple(row for row in rows if row[1] or row[0] in districts)
    where = "; ".join(f"{name}: {count}" for name, count in rows)
    description = (
        f"{_map_of_districts()} with a dot at the postcode of each {noun} on this page that "
        f"lies in the area ({drawn} of {len(located)}; those at one postcode share a bigger "
        f"dot). {where}."
    )
    shaded = tuple(Shaded(outline, counts[outline.name], 0) for outline in frame.districts)
    return CountyMap(
        map_id, title, description, frame.width, frame.height, shaded, dots=tuple(dots), counts=rows
    )


def _map_of_districts() -> str:
    """How a description starts: "A map of <area>'s five districts"."""
    count = len(area_districts())
    number = NUMBER_WORDS.get(count, str(count))
    area = possessive(current_partnership().area)
    return f"A map of {area} {number} district{'s' * (count != 1)}"


def shade_of(number: int, largest: int) -> int:
    """0 for nothing, else 1 to SHADES in equal steps up to the largest number."""
    return 0 if number <= 0 or largest <= 0 else math.ceil(SHADES * number / largest)


def legend(largest: int) -> tuple[Band, ...]:
    """The shades in use and the whole numbers each stands for."""
    bands = [Band(0, "None")]
    for shade in range(1, SHADES + 1):
        low, high = largest * (shade - 1) // SHADES + 1, largest * shade // SHADES
        if low <= high:
            bands.append(Band(shade, str(low) if low == high else f"{low} to {high}"))
    return tuple(bands)


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def shaded_map(
    map_id: str,
    title: str,
    noun: str,
    numbers: Mapping[str, int],
    places: Sequence[tuple[str, Sequence[str]]] = (),
) -> CountyMap:
    """Districts shaded by their number (of `noun`s), with each place (name, its ward names)
    outlined by its wards; a place without wards is named in the description only."""
    frame = geometry()
    largest = max([0, *(numbers.get(d.name, 0) for d in frame.districts)])
    shaded = tuple(
        Shaded(d, numbers.get(d.name, 0), shade_of(numbers.get(d.name, 0), largest))
        for d in frame.districts
    )
    # A ward in two places (Blackbird Leys alone and in the Leys) is drawn once.
    named = dict.fromkeys(ward for _, wards in places for ward in wards if ward in frame.wards)
    outlined = tuple(frame.wards[ward] for ward in named)
    drawn = [name for name, wards in places if any(w in frame.wards for w in wards)]
    by_district = "; ".join(f"{s.outline.name}: {_counted(s.number, noun)}" for s in shaded)
    description = f"{_map_of_districts()} shaded by {noun}s. {by_district}."
    if drawn:
        description += f" Priority places outlined by their {VINTAGE}: {', '.join(drawn)}."
    unmapped = [name for name, _ in places if name not in drawn]
    if unmapped:
        description += f" Priority places with no wards, not drawn: {', '.join(unmapped)}."
    return CountyMap(
        map_id,
        title,
        description,
        frame.width,
        frame.height,
        shaded,
        places=outlined,
        legend=legend(largest),
    )
