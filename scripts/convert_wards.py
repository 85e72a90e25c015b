"""Convert the ward boundaries (GeoJSON, longitude/latitude) to OS grid metres, once.

    python scripts/convert_wards.py ../shared/reference/boundaries \
        partnerships/oxfordshire/wards-2013.json

Writes one JSON list of wards, `{"code", "name", "district", "polygons"}`, each polygon a
list of rings of `[easting, northing]` points in metres, to 0.1 m (whole metres move a
postcode that sits on a boundary to the other side), so the app places a Code-Point Open
postcode in its ward by point-in-polygon without converting anything at run time.
Each ring is converted back to longitude/latitude and compared with its source: convertbng
(a ctypes call) now and then returns zeros for the first points of a list, which once put
part of Otmoor at easting 0; such a ring is converted again, and the script stops if it
still comes back wrong.
Source and licence: see the README's "Ward boundaries" section.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from convertbng.util import convert_bng, convert_lonlat

DISTRICTS = {
    "E07000177": "Cherwell",
    "E07000178": "Oxford",
    "E07000179": "South Oxfordshire",
    "E07000180": "Vale of White Horse",
    "E07000181": "West Oxfordshire",
}


# A round trip through the OS grid comes back within about 1e-8 degrees (1 mm).
ROUND_TRIP_DEGREES = 1e-6
ATTEMPTS = 3


def _to_grid(lons: list[float], lats: list[float]) -> tuple[list[float], list[float]]:
    """OS grid metres of the points, checked by converting them back."""
    for _ in range(ATTEMPTS):
        eastings, northings = convert_bng(lons, lats)
        back_lons, back_lats = convert_lonlat(eastings, northings)
        if all(
            abs(a - b) < ROUND_TRIP_DEGREES
            for a, b in zip([*lons, *lats], [*back_lons, *back_lats], strict=True)
        ):
            return eastings, northings
    raise RuntimeError(f"convertbng kept returning wrong points for a ring at {lons[0]}, {lats[0]}")


def _ring(points: list[list[float]]) -> list[list[float]]:
    eastings, northings = _to_grid([p[0] for p in points], [p[1] for p in points])
    ring: list[list[float]] = []
    for easting, northing in zip(eastings, northings, strict=True):
        point = [round(easting, 1), round(northing, 1)]
        if not ring or ring[-1] != point:
            ring.append(point)
    return ring


def convert(folder: Path) -> list[dict]:
    wards = []
    for code, district in DISTRICTS.items():
        collection = json.loads((folder / f"{code}.json").read_text(encoding="utf-8"))
        for feature in collection["features"]:
            geometry = feature["geometry"]
            polygons = (
                [geometry["coordinates"]]
                if geometry["type"] == "Polygon"
                else geometry["coordinates"]
            )
            wards.append(
                {
                    "code": feature["properties"]["WD13CD"],
                    "name": feature["properties"]["WD13NM"],
                    "district": district,
                    "polygons": [[_ring(ring) for ring in polygon] for polygon in polygons],
                }
            )
    return sorted(wards, key=lambda ward: (ward["district"], ward["name"]))


if __name__ == "__main__":
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    target.write_text(json.dumps(convert(source), separators=(",", ":")), encoding="utf-8")
