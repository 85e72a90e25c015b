"""The example import files and the shapes of an import, as bulk tests use them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from brokerage.bulk.service import ImportReport

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ORGANISATION_KINDS = ("suppliers", "buyers", "beneficiaries")
LISTING_KINDS = ("offers", "opportunities", "needs")
KIND_ORDER = (*ORGANISATION_KINDS, *LISTING_KINDS)
ORGANISATION_HEADER = "ref,name,postcode,sector,size,vcse,living_wage,description,website"

Importer = Callable[..., ImportReport]


def example(kind: str) -> bytes:
    return (EXAMPLES / f"{kind}.csv").read_bytes()
