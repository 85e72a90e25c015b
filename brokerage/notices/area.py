"""Whether a release concerns the partnership's area: a delivery address or the buyer's
address has a postcode in the partnership's postcode areas, or a region code of the area
(its ITL/NUTS codes, from the partnership's configuration), or the buyer is one of the
partnership's buyers (by org-id). Contracts Finder's regions are words ("South East"),
too broad to count."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from ..places.districts import is_in_area
from ..places.postcodes import InvalidPostcode, normalise_postcode
from . import ocds


@dataclass(frozen=True)
class Area:
    regions: frozenset[str]
    buyer_ids: frozenset[str]

    @classmethod
    def of(cls, regions: Collection[str], buyer_ids: Collection[str]) -> Area:
        return cls(frozenset(r.strip().upper() for r in regions), frozenset(buyer_ids))

    def keeps(self, release: dict[str, Any]) -> bool:
        buyer = ocds.buyer_party(release)
        addresses = [*ocds.delivery_addresses(release), ocds.as_dict(buyer.get("address"))]
        return (
            any(postcode_in_area(address.get("postalCode")) for address in addresses)
            or any(str(a.get("region") or "").strip().upper() in self.regions for a in addresses)
            or any(org_id in self.buyer_ids for org_id in ocds.org_ids(buyer))
        )


def postcode_in_area(text: Any) -> bool:
    """Whether the text is a postcode in the partnership's postcode areas."""
    if not isinstance(text, str):
        return False
    try:
        return is_in_area(normalise_postcode(text))
    except InvalidPostcode:
        return False
