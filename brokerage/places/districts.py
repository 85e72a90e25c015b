"""Which of the partnership's districts a postcode is in, for reporting, from its
reference table of postcode districts (the `districts` file of its folder).

The table gives each postcode district's main local authority; where it leaves the
authority empty (not verified), the answer is "unknown", never a guess. A postcode outside
the partnership's postcode areas is "outside <area>" only when it lies well away from every
postcode of those areas; nearer ones may still be in the area and are "unknown".
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..partnership import current_partnership
from .lookup import area_extent, locate_postcode
from .postcodes import normalise_postcode

UNKNOWN = "unknown"


def area_districts() -> tuple[str, ...]:
    """The partnership's districts, in the order reports list them."""
    return current_partnership().districts


def outside_area() -> str:
    """What a postcode well away from the partnership's area is reported as."""
    return current_partnership().outside_area


def reported_districts() -> tuple[str, ...]:
    """Every answer `district_of` may give, in report order."""
    return (*area_districts(), outside_area(), UNKNOWN)


@dataclass(frozen=True)
class PostcodeDistrict:
    """One row of the reference table, kept as written."""

    postcode_district: str
    post_town: str
    local_authority: str | None
    notes: str
    source: str

    @property
    def is_provisional(self) -> bool:
        """The table marks authorities read from a post town, not a postcode list."""
        return self.local_authority is not None and "INFERRED" in self.notes


def reference_districts() -> dict[str, PostcodeDistrict]:
    """The partnership's reference table by postcode district (`OX4`)."""
    partnership = current_partnership()
    return _read_districts(partnership.file("districts"), partnership.districts)


@cache
def _read_districts(path: Path, districts: tuple[str, ...]) -> dict[str, PostcodeDistrict]:
    """A reference table, read once per process."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [
            PostcodeDistrict(
                postcode_district=row["postcode_district"].strip(),
                post_town=row["post_town"].strip(),
                local_authority=row["local_authority"].strip() or None,
                notes=row["notes"].strip(),
                source=row["source"].strip(),
            )
            for row in csv.DictReader(handle)
        ]
    unknown = {r.local_authority for r in rows} - {None, *districts}
    if unknown:
        raise ValueError(f"{path.name} names authorities that are not districts: {unknown}")
    return {row.postcode_district: row for row in rows}


def postcode_areas() -> frozenset[str]:
    """The postcode areas (`OX`) the partnership covers."""
    return frozenset(current_partnership().postcode_areas)


def is_in_area(prefix: str) -> bool:
    """Whether a normalised district, sector or postcode is in one of the partnership's
    postcode areas."""
    match = re.match(r"[A-Z]+", prefix)
    return match is not None and match.group(0) in postcode_areas()


def district_of(postcode: str) -> str:
    """The postcode's district, "outside <area>" or "unknown".

    Raises InvalidPostcode when the text is not shaped like a postcode.
    """
    postcode = normalise_postcode(postcode)
    outward = postcode.split(" ")[0]
    row = reference_districts().get(outward)
    if row is not None:
        return row.local_authority or UNKNOWN
    if is_in_area(outward):
        return UNKNOWN  # a district of the area the table does not list (OX6 was retired)
    return outside_area() if _far_from_area(postcode) else UNKNOWN


def _far_from_area(postcode: str) -> bool:
    """Whether the postcode lies beyond the margin around every one of the area's
    postcode areas (outside their boxes)."""
    point = locate_postcode(postcode)
    if point is None or not (point.easting and point.northing):
        return False
    margin = current_partnership().area_margin_m
    areas = sorted(postcode_areas())
    boxes = [box for area in areas if (box := area_extent(area.lower())) is not None]
    if len(boxes) < len(areas):
        return False  # an area Code-Point Open does not hold: nothing is known to be far
    return not any(
        min_e - margin <= point.easting <= max_e + margin
        and min_n - margin <= point.northing <= max_n + margin
        for min_e, max_e, min_n, max_n in boxes
    )
