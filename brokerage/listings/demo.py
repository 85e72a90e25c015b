"""Demo profiles and listings around the delivery plan's programmes.

The needs are the real ones the 2023/24 delivery plan states (ARCh's 90 reading helper
volunteers for the 46 schools on its waiting list, Growing Minds scaling to the Leys,
Parent Power's six parent advocates and their equipment); the offers come from the
fictional demo suppliers, and the councils' opportunities are marked as demo listings,
with no invented contract values. Only codes from the shipped TOMs files are used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ..accounts.models import Organisation, User
from ..extensions import db
from . import service
from .models import LISTING_MODELS

ARCH = "Assisted Reading for Children (ARCh)"
DEMO = "Demo listing, written for this demonstration: "


@dataclass(frozen=True)
class DemoListing:
    organisation: str
    title: str
    description: str
    category: str
    postcode: str
    measures: dict[str, str]  # code: quantity ("" for any amount)
    days_to_deadline: int | None = None  # deadline, or offer's end, from the seeding day
    weights: dict[str, str] = field(default_factory=dict)
    quantity_wanted: str = ""
    quantity_unit: str = ""
    trades: tuple[str, ...] = ()  # an opportunity's, as CPV codes


NEEDS = (
    DemoListing(
        ARCH,
        "90 reading helper volunteers for 46 primary schools",
        "ARCh supports around 120 of Oxfordshire's 269 primary schools with vetted, trained "
        "and supported reading helper volunteers who see children twice a week. 46 schools "
        "are on our waiting list, some in areas of high deprivation, and some would like "
        "more than one volunteer: 90 volunteers are needed. Employers can help by releasing "
        "staff to volunteer. (OIEP Delivery Plan 2023/24)",
        "education",
        "OX4 1JE",
        {"OIEP-S1": "90", "OIEP-S2": "46"},
        quantity_wanted="90",
        quantity_unit="reading helper volunteers",
    ),
    DemoListing(
        ARCH,
        "Funding for the ARCh expansion",
        "A volunteer recruitment officer (£12,000), a company volunteer officer (£10,000) and "
        "the costs of 90 volunteers for the 46 schools on the waiting list (£69,120): "
        "£91,120 a year. (OIEP Delivery Plan 2023/24)",
        "education",
        "OX4 1JE",
        {"OIEP-S7": "91120"},
    ),
    DemoListing(
        "Growing Minds",
        "Scaling Growing Minds to the Leys",
        "Growing Minds improves school readiness in disadvantaged communities, with antenatal "
        "provision, Peep groups and Dolly Parton's Imagination Library. Based in Berinsfield "
        "and Littlemore, it is scaling to the Leys with local organisations: staffing, running "
        "costs, books, equipment and Peep training for up to 12 local service providers, "
        "£76,003 in all. (OIEP Delivery Plan 2023/24)",
        "education",
        "OX4 6JZ",
        {"OIEP-S5": "", "OIEP-S7": "76003"},
    ),
    DemoListing(
        "Parent Power",
        "Six parent advocates, and tablets to equip them",
        "Parent Power brings parents in Blackbird Leys together to support each other. We "
        "want to grow the parent advocate model: six parent advocates working 15 hours a "
        "week, trained and equipped with tablets, Clear Signal licences and pre-paid cards "
        "for taking parents out for coffee. (OIEP Delivery Plan 2023/24)",
        "volunteering",
        "OX4 6JZ",
        {"OIEP-S4": "6", "OIEP-S8": "6"},
        quantity_wanted="6",
        quantity_unit="parent advocates",
    ),
)

OFFERS = (
    DemoListing(
        "Thames Valley Print Works",
        "Staff volunteering days for school reading schemes",
        DEMO + "our staff each give a volunteering day a year; four of them would like to "
        "become reading helpers in east Oxford primary schools.",
        "volunteering",
        "OX4 2JY",
        {"OIEP-S6": "40", "OIEP-S1": "4"},
        days_to_deadline=365,
    ),
    DemoListing(
        "Cowley Road Catering CIC",
        "Kitchen placements and jobs for prison leavers",
        DEMO + "placements on release on temporary licence, and two jobs a year for prison "
        "leavers in our event kitchen.",
        "catering",
        "OX4 1RF",
        {"OIEP-J5": "4", "OIEP-J4": "2"},
        days_to_deadline=365,
    ),
    DemoListing(
        "Leys Community Cleaning Co-operative",
        "Cleaning jobs for local people over 50",
        DEMO + "we recruit local people over 50 on fair terms, and give volunteering hours "
        "to community projects in the Leys.",
        "cleaning",
        "OX4 6HN",
        {"OIEP-J1": "3", "OIEP-S6": "20"},
    ),
    DemoListing(
        "Banbury Digital Skills Ltd",
        "Refurbished tablets and digital placements",
        DEMO + "refurbished tablets for community projects, and IT placements for people "
        "from the resettlement schemes.",
        "digital",
        "OX16 5QE",
        {"OIEP-S8": "10", "OIEP-J3": "2"},
        days_to_deadline=180,
    ),
    DemoListing(
        "Didcot Green Builders",
        "Local jobs on our building contracts",
        DEMO + "local people hired for the length of a contract, including people who have "
        "been out of work for a year or more.",
        "construction",
        "OX11 7HJ",
        {"NT1": "2", "NT3": "1"},
    ),
)

OPPORTUNITIES = (
    DemoListing(
        "Oxfordshire County Council",
        "Office cleaning at County Hall",
        DEMO + "cleaning of offices in central Oxford. We want the contract to open jobs to "
        "people over 50 and to be delivered by a Living Wage supply chain.",
        "cleaning",
        "OX1 1ND",
        {"OIEP-J1": "3", "OIEP-G3": "1"},
        days_to_deadline=60,
        weights={"OIEP-J1": "2"},
        trades=("90910000",),  # cleaning services
    ),
    DemoListing(
        "Oxford City Council",
        "Catering for community events",
        DEMO + "catering for the council's community events, with work for prison leavers.",
        "catering",
        "OX1 1BX",
        {"OIEP-J4": "2", "OIEP-J5": "2"},
        days_to_deadline=75,
        trades=("55520000",),  # catering services
    ),
    DemoListing(
        "University of Oxford",
        "Print and design services",
        DEMO + "printing and design for departments, with staff volunteering in local "
        "primary schools as reading helpers.",
        "printing",
        "OX1 2JD",
        {"OIEP-S6": "100", "OIEP-S1": "10"},
        days_to_deadline=90,
        weights={"OIEP-S1": "2"},
        trades=("79800000",),  # printing and related services
    ),
)

# The fictional suppliers' profiles; of the real bodies, only what the plan states.
PROFILES: dict[str, dict[str, Any]] = {
    "Thames Valley Print Works": {
        "sector": "printing",
        "size": "small",
        "radius": 30,
        "trades": ("79800000",),
    },
    "Cowley Road Catering CIC": {
        "sector": "catering",
        "trades": ("55520000",),
        "size": "micro",
        "vcse": True,
        "se": True,
        "rlw": True,
    },
    "Leys Community Cleaning Co-operative": {
        "sector": "cleaning",
        "trades": ("90910000",),
        "size": "small",
        "se": True,
        "rlw": True,
    },
    # The fictional suppliers' trades say what their descriptions say, as CPV codes.
    "Banbury Digital Skills Ltd": {
        "sector": "digital",
        "size": "small",
        "radius": 40,
        "trades": ("72000000", "80500000"),
    },
    "Didcot Green Builders": {
        "sector": "construction",
        "size": "medium",
        "radius": 50,
        "trades": ("45000000",),
    },
    ARCH: {"vcse": True},  # "a highly regarded, multiple award-winning Oxfordshire charity"
}
# Real bodies the partnership knows; the fictional suppliers stay unverified.
VERIFIED = (
    "Oxfordshire County Council",
    "Oxford City Council",
    "University of Oxford",
    ARCH,
    "Growing Minds",
    "Parent Power",
)


def seed(organisations: Mapping[str, Organisation], staff: User) -> list[str]:
    """Create the demo profiles and published listings that are missing (by organisation
    and title); returns what was created."""
    created = [*_seed_profiles(organisations, staff)]
    existing = {
        (listing.organisation_id, listing.title)
        for model in LISTING_MODELS
        for listing in db.session.scalars(select(model))
    }
    for demos, fields in ((NEEDS, _need), (OFFERS, _offer), (OPPORTUNITIES, _opportunity)):
        for demo in demos:
            organisation = organisations[demo.organisation]
            if (organisation.id, demo.title) in existing:
                continue
            listing = service.create_listing(organisation, fields(demo))
            service.change_status(listing, "publish", staff)
            created.append(f"{listing.ref} {demo.title}")
    return created


def _seed_profiles(organisations: Mapping[str, Organisation], staff: User) -> list[str]:
    created = []
    for name, values in PROFILES.items():
        organisation = organisations[name]
        if service.profile_of(organisation) is None:
            service.save_profile(
                organisation,
                service.ProfileFields(
                    sector=values.get("sector"),
                    size=values.get("size"),
                    is_vcse=values.get("vcse", False),
                    is_social_enterprise=values.get("se", False),
                    pays_real_living_wage=values.get("rlw", False),
                    service_radius_km=values.get("radius"),
                    trades=values.get("trades"),
                ),
            )
            created.append(f"profile of {name}")
    for name in VERIFIED:
        profile = service.profile_of(organisations[name])
        if profile is None or not profile.verified:
            service.set_verified(organisations[name], True, staff)
            created.append(f"verification of {name}")
    return created


def _quantities(measures: dict[str, str]) -> dict[str, Decimal | None]:
    return {code: Decimal(q) if q else None for code, q in measures.items()}


def _stated(measures: dict[str, str]) -> dict[str, Decimal]:
    """An offer's or opportunity's quantities, which its demo data always states."""
    return {code: Decimal(q) for code, q in measures.items()}


def _common(demo: DemoListing) -> dict[str, Any]:
    return {
        "title": demo.title,
        "description": demo.description,
        "category": demo.category,
        "postcode": demo.postcode,
    }


def _day(demo: DemoListing) -> Any:
    if demo.days_to_deadline is None:
        return None
    return service.today() + timedelta(days=demo.days_to_deadline)


def _need(demo: DemoListing) -> service.NeedFields:
    return service.NeedFields(
        **_common(demo),
        deadline=_day(demo),
        quantity_wanted=Decimal(demo.quantity_wanted) if demo.quantity_wanted else None,
        quantity_unit=demo.quantity_unit,
        measures=_quantities(demo.measures),
    )


def _offer(demo: DemoListing) -> service.OfferFields:
    return service.OfferFields(
        **_common(demo),
        available_from=service.today(),
        available_to=_day(demo),
        measures=_stated(demo.measures),
    )


def _opportunity(demo: DemoListing) -> service.OpportunityFields:
    return service.OpportunityFields(
        **_common(demo),
        estimated_value_pence=None,
        deadline=_day(demo),
        measures=_stated(demo.measures),
        weights={code: Decimal(w) for code, w in demo.weights.items()},
        trades=demo.trades,
    )
