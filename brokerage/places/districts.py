"""Which Oxfordshire district a postcode is in, for reporting, from the partnership's
reference table of OX postcode districts (`data/oxfordshire-postcode-districts.csv`).

The table gives each OX postcode district's main local authority; where it leaves the
authority empty (not verified), the answer is "unknown", never a guess. A postcode outside
the OX area is "outside Oxfordshire" only when it lies well away from every OX postcode;
nearer ones (Henley's RG9, Faringdon's SN7 ...) may be in the county and are "unknown".
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .lookup import area_extent, locate_postcode, postcode_area
from .postcodes import normalise_postcode

DISTRICTS_FILE = Path(__file__).parent / "data" / "oxfordshire-postcode-districts.csv"
OXFORDSHIRE_DISTRICTS = (
    "Cherwell",
    "Oxford",
    "South Oxfordshire",
    "Vale of White Horse",
    "West Oxfordshire",
)
OUTSIDE_OXFORDSHIRE = "outside Oxfordshire"
UNKNOWN = "unknown"
# Oxfordshire reaches a few kilometres beyond the OX postcode area (Henley, Goring,
# Faringdon); beyond this margin around every OX postcode no part of the county lies.
COUNTY_MARGIN_M = 10_000


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


@cache
def reference_districts() -> dict[str, PostcodeDistrict]:
    """The reference table by postcode district (`OX4`), read once per process."""
    with DISTRICTS_FILE.open(encoding="utf-8-sig", newline="") as handle:
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
    unknown = {r.local_authority for r in rows} - {None, *OXFORDSHIRE_DISTRICTS}
    if unknown:
        raise ValueError(
            f"{DISTRICTS_FILE.name} names authorities that are not districts: {unknown}"
        )
    return {row.postcode_district: row for row in rows}


@cache
def postcode_areas() -> frozenset[str]:
    """The postcode areas (`OX`) the partnership covers: those of its districts table."""
    return frozenset(postcode_area(district) for district in reference_districts())


def is_in_area(prefix: str) -> bool:
    """Whether a normalised district, sector or postcode is in one of the partnership's
    postcode areas."""
    match = re.match(r"[A-Z]+", prefix)
    return match is not None and match.group(0) in postcode_areas()


def district_of(postcode: str) -> str:
    """The postcode's Oxfordshire district, "outside Oxfordshire" or "unknown".

    Raises InvalidPostcode when the text is not shaped like a postcode.
    """
    postcode = normalise_postcode(postcode)
    outward = postcode.split(" ")[0]
    row = reference_districts().get(outward)
    if row is not None:
        return row.local_authority or UNKNOWN
    if re.match(r"OX[0-9]", outward):
        return UNKNOWN  # an OX district the table does not list (OX6 and OX8 were retired)
    return OUTSIDE_OXFORDSHIRE if _far_from_oxfordshire(postcode) else UNKNOWN


def _far_from_oxfordshire(postcode: str) -> bool:
    point = locate_postcode(postcode)
    extent = area_extent("ox")
    if point is None or extent is None or not (point.easting and point.northing):
        return False
    min_e, max_e, min_n, max_n = extent
    return not (
        min_e - COUNTY_MARGIN_M <= point.easting <= max_e + COUNTY_MARGIN_M
        and min_n - COUNTY_MARGIN_M <= point.northing <= max_n + COUNTY_MARGIN_M
    )
