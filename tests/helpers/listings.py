"""Listings as tests make them: valid service input and form posts per kind, the people
around a listing, and reading one back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from brokerage.extensions import db
from brokerage.listings import columns, service
from brokerage.listings.kinds import KINDS, ListingKind
from brokerage.listings.models import Listing
from brokerage.places.service import save_priority_place

ROLES = ("anon", "member", "same_kind", "wrong_kind", "staff")
KIND_NAMES = [kind.name for kind in KINDS]
ORGANISATION_KINDS = {"offer": "supplier", "opportunity": "buyer", "need": "beneficiary"}
# Another kind of organisation, for members who may not list this kind of thing.
WRONG_KIND = {"offer": "buyer", "opportunity": "beneficiary", "need": "supplier"}


def kind_named(name: str) -> ListingKind:
    return next(kind for kind in KINDS if kind.name == name)


def listing_fields(kind: str, **changes: Any) -> columns.ListingFields:
    """Valid service input for a listing of `kind`; `changes` set what a test cares about."""
    common = {
        "title": "Reading helpers for east Oxford schools",
        "description": "Staff volunteering as reading helpers in primary schools.",
        "category": "volunteering",
        "postcode": "OX4 2JY",
    }
    if kind == "offer":
        values = {
            "available_from": None,
            "available_to": None,
            "measures": {"OIEP-S1": Decimal(4), "OIEP-S6": Decimal(40)},
        }
        return columns.OfferFields(**{**common, **values, **changes})
    if kind == "opportunity":
        values = {
            "estimated_value_pence": 25_000_000,
            "deadline": service.today() + timedelta(days=30),
            "measures": {"OIEP-J1": Decimal(3)},
            "weights": {"OIEP-J1": Decimal(2)},
        }
        return columns.OpportunityFields(**{**common, **values, **changes})
    values = {
        "deadline": service.today() + timedelta(days=90),
        "quantity_wanted": Decimal(90),
        "quantity_unit": "volunteers",
        "measures": {"OIEP-S1": Decimal(90), "OIEP-S2": None},
    }
    return columns.NeedFields(**{**common, **values, **changes})


# What each kind's form posts, valid; tests change one field at a time.
FORMS = {
    "offer": {
        "title": "Staff volunteering days",
        "description": "Four of our staff would read with children every week.",
        "category": "volunteering",
        "postcode": "ox42jy",
        "measures": ["OIEP-S1", "OIEP-S6"],
        "measures:OIEP-S1": "4",
        "measures:OIEP-S6": "40",
        "available_from": "",
        "available_to": "",
    },
    "opportunity": {
        "title": "Office cleaning at County Hall",
        "description": "Cleaning of offices in central Oxford.",
        "category": "cleaning",
        "postcode": "ox11nd",
        "estimated_value": "£250,000",
        "deadline": "",  # filled in by form_data(): a date a month ahead
        "measures": ["OIEP-J1"],
        "measures:OIEP-J1": "3",
        "weights:OIEP-J1": "2",
    },
    "need": {
        "title": "Reading helper volunteers",
        "description": "46 schools are on our waiting list.",
        "category": "education",
        "postcode": "ox41je",
        "measures": ["OIEP-S1", "OIEP-S2"],
        "measures:OIEP-S1": "90",
        "measures:OIEP-S2": "",
        "quantity_wanted": "90",
        "quantity_unit": "volunteers",
        "deadline": "",
    },
}


def form_data(kind: str, **changes: Any) -> dict[str, Any]:
    data = dict(FORMS[kind])
    if kind == "opportunity":
        data["deadline"] = (service.today() + timedelta(days=30)).isoformat()
    return {**data, **changes}


@dataclass(frozen=True)
class ListingsWorld:
    """Two organisations of each kind (`supplier`, `supplier_2`, ...) with one member each
    (same emails as keys), and a member of staff."""

    organisations: dict[str, int]
    emails: dict[str, str]

    def role_email(self, kind: str, role: str) -> str:
        """The person in `role` towards a listing of `kind` (offer, opportunity, need)."""
        owner = ORGANISATION_KINDS[kind]
        key = {
            "member": owner,
            "same_kind": f"{owner}_2",
            "wrong_kind": WRONG_KIND[kind],
            "staff": "staff",
        }[role]
        return self.emails[key]


def load(kind: str, listing_id: int) -> Listing:
    """A listing as the database holds it (call inside an app context)."""
    db.session.expire_all()
    return db.session.get(kind_named(kind).model, listing_id)


def priority_place_in_blackbird_leys(
    name: str = "Blackbird Leys", replace_listings: bool = True
) -> None:
    """A priority place covering the OX4 6 sector (call inside an app context)."""
    save_priority_place(
        None,
        name=name,
        local_authority="Oxford",
        prefixes=[("OX4 6", "")],
        reason="",
        source="",
        replace_listings=replace_listings,
    )
