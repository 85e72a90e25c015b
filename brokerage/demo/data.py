"""The demo organisations and logins.

Buyers and beneficiaries are the real bodies and programmes the delivery plan names;
suppliers are fictional local businesses (marked so in their descriptions). Postcodes
are real Code-Point Open postcodes near each body's offices or programme area.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "oxfordshire-demo-2023"  # noqa: S105  (printed for demo logins)


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: str
    postcode: str
    description: str


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    organisations: tuple[str, ...] = ()
    staff: bool = False
    task_force: bool = False


ORGANISATIONS = (
    DemoOrganisation(
        "Oxfordshire County Council",
        "buyer",
        "OX1 1ND",
        "The county council; a partner in the OIEP and a buyer developing its social value "
        "procurement policy.",
    ),
    DemoOrganisation(
        "Oxford City Council",
        "buyer",
        "OX1 1BX",
        "The city council; a charter signee buying from purposeful local organisations and "
        "accounting for social value in its purchasing.",
    ),
    DemoOrganisation(
        "Cherwell District Council",
        "buyer",
        "OX15 4AA",
        "District council for Banbury, Bicester and Kidlington.",
    ),
    DemoOrganisation(
        "South Oxfordshire District Council",
        "buyer",
        "OX14 4SB",
        "District council; Berinsfield, a Growing Minds community, is in its area.",
    ),
    DemoOrganisation(
        "West Oxfordshire District Council",
        "buyer",
        "OX28 1NB",
        "District council for Witney, Carterton and Chipping Norton.",
    ),
    DemoOrganisation(
        "University of Oxford",
        "buyer",
        "OX1 2JD",
        "An anchor institution whose procurement can open supply chains to local SMEs and "
        "social enterprises.",
    ),
    DemoOrganisation(
        "Assisted Reading for Children (ARCh)",
        "beneficiary",
        "OX4 1JE",
        "Oxfordshire charity, established in 2008, supporting around 120 of 269 primary "
        "schools with trained reading helper volunteers. 46 schools are on the waiting list "
        "and 90 volunteers are needed.",
    ),
    DemoOrganisation(
        "Growing Minds",
        "beneficiary",
        "OX10 7NL",
        "Improves school readiness in disadvantaged communities, including antenatal "
        "provision; based in Berinsfield and Littlemore and expanding to the Leys.",
    ),
    DemoOrganisation(
        "Parent Power",
        "beneficiary",
        "OX4 6JZ",
        "A project in Blackbird Leys that brings parents together to support each other, "
        "with trained parent peer supporters (with Oxford Hub and African Families in the UK).",
    ),
    DemoOrganisation(
        "Oxfordshire Inclusive Economy Partnership",
        "partner",
        "OX1 1ND",
        "The partnership: working groups on educational attainment, inclusive employment, "
        "social value and procurement, and place shaping; home of the Inclusive Economy Charter.",
    ),
    DemoOrganisation(
        "Cowley Road Catering CIC",
        "supplier",
        "OX4 1RF",
        "Fictional demo supplier: a community interest company catering for events, which "
        "recruits prison leavers through release on temporary licence placements.",
    ),
    DemoOrganisation(
        "Leys Community Cleaning Co-operative",
        "supplier",
        "OX4 6HN",
        "Fictional demo supplier: a workers' co-operative in Blackbird Leys offering office "
        "cleaning and employing local people over 50.",
    ),
    DemoOrganisation(
        "Thames Valley Print Works",
        "supplier",
        "OX4 2JY",
        "Fictional demo supplier: an SME printer that gives staff volunteering days for "
        "school reading schemes.",
    ),
    DemoOrganisation(
        "Banbury Digital Skills Ltd",
        "supplier",
        "OX16 5QE",
        "Fictional demo supplier: IT support and digital skills training, with placements "
        "for refugees from the resettlement schemes.",
    ),
    DemoOrganisation(
        "Didcot Green Builders",
        "supplier",
        "OX11 7HJ",
        "Fictional demo supplier: a building contractor with apprenticeships and local "
        "supply-chain spend.",
    ),
)

USERS = (
    DemoUser(
        "staff@oiep.example.org",
        "OIEP staff (demo)",
        ("Oxfordshire Inclusive Economy Partnership",),
        staff=True,
    ),
    DemoUser("taskforce@oiep.example.org", "Task force member (demo)", task_force=True),
    DemoUser("buyer@county.example.org", "County buyer (demo)", ("Oxfordshire County Council",)),
    DemoUser("buyer@city.example.org", "City buyer (demo)", ("Oxford City Council",)),
    DemoUser(
        "procurement@university.example.org", "University buyer (demo)", ("University of Oxford",)
    ),
    DemoUser(
        "volunteers@arch.example.org",
        "ARCh volunteering lead (demo)",
        ("Assisted Reading for Children (ARCh)",),
    ),
    DemoUser("hello@growingminds.example.org", "Growing Minds (demo)", ("Growing Minds",)),
    DemoUser("team@parentpower.example.org", "Parent Power (demo)", ("Parent Power",)),
    DemoUser(
        "bids@cowleycatering.example.org",
        "Cowley Road Catering (demo)",
        ("Cowley Road Catering CIC",),
    ),
    DemoUser(
        "office@leyscleaning.example.org",
        "Leys Cleaning (demo)",
        ("Leys Community Cleaning Co-operative",),
    ),
    DemoUser(
        "sales@tvprint.example.org", "Thames Valley Print (demo)", ("Thames Valley Print Works",)
    ),
)
