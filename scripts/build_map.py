"""Simplify the ward boundaries into the county map's outlines, once.

    python scripts/build_map.py partnerships/oxfordshire/wards-2013.json \
        partnerships/oxfordshire/map-2013.json

Reads the wards in OS grid metres (made by `scripts/convert_wards.py`), simplifies them as a
coverage (shapely's `coverage_simplify`, so neighbouring wards keep one shared border and no
gaps open between them) to `TOLERANCE_M`, dissolves each district's wards into its outline,
and writes every point in hectometres of the OS grid (whole numbers: the map is a few
hundred pixels wide, so 100 m is under a pixel). Needs `shapely` (a dev dependency); the
app reads the written file and needs nothing but the standard library.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

TOLERANCE_M = 100
UNIT_M = 100

Rings = list[list[list[int]]]


def _geometry(polygons: list[list[list[list[float]]]]) -> BaseGeometry:
    shapes = [Polygon(rings[0], rings[1:]) for rings in polygons]
    return shapes[0] if len(shapes) == 1 else MultiPolygon(shapes)


def _ring(coordinates: object) -> list[list[int]]:
    """A ring in whole hectometres, repeated points dropped, not closed (SVG closes it)."""
    points: list[list[int]] = []
    for easting, northing in coordinates:  # type: ignore[attr-defined]
        point = [round(easting / UNIT_M), round(northing / UNIT_M)]
        if not points or points[-1] != point:
            points.append(point)
    return points[:-1] if len(points) > 1 and points[0] == points[-1] else points


def _polygons(geometry: BaseGeometry) -> list[Rings]:
    """Each polygon as its outer ring then its holes."""
    parts = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
    return [
        [_ring(part.exterior.coords), *(_ring(hole.coords) for hole in part.interiors)]
        for part in parts
    ]


def build(wards: list[dict]) -> dict:
    geometries = [_geometry(ward["polygons"]) for ward in wards]
    if not shapely.coverage_is_valid(geometries):
        raise ValueError("The wards overlap or leave gaps: they cannot be simplified together.")
    simplified = shapely.coverage_simplify(geometries, TOLERANCE_M)
    districts: dict[str, list[BaseGeometry]] = {}
    for ward, geometry in zip(wards, simplified, strict=True):
        districts.setdefault(ward["district"], []).append(geometry)
    outlines = {name: shapely.union_all(parts) for name, parts in sorted(districts.items())}
    county = shapely.union_all(list(outlines.values()))
    west, south, east, north = (round(edge / UNIT_M) for edge in county.bounds)
    return {
        "unit_m": UNIT_M,
        "tolerance_m": TOLERANCE_M,
        "box": [west, south, east, north],
        "districts": [
            {
                "name": name,
                "polygons": _polygons(outline),
                # Where the district's name goes: the point farthest inside it.
                "label": _ring(polylabel(_largest(outline), 10).coords)[0],
            }
            for name, outline in outlines.items()
        ],
        "wards": [
            {"name": ward["name"], "district": ward["district"], "polygons": _polygons(shape)}
            for ward, shape in zip(wards, simplified, strict=True)
        ],
    }


def _largest(geometry: BaseGeometry) -> Polygon:
    parts = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
    return max(parts, key=lambda part: part.area)


if __name__ == "__main__":
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    wards = json.loads(source.read_text(encoding="utf-8"))
    target.write_text(json.dumps(build(wards), separators=(",", ":")), encoding="utf-8")
