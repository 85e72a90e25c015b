"""What kind of body an organisation is (a council, a school, a charity...), apart from its
role here (buyer, supplier, beneficiary) and its trades. Pure: no Flask, no database.

Partners' files name types as they write them; `recognise` reads the labels below and their
common spellings in any case, and says nothing for words it cannot place ("Youth", "Food
bank"): those are kept as written for staff to classify, never guessed.
"""

from __future__ import annotations

import enum
import re

from rapidfuzz import fuzz, process, utils


class OrganisationType(enum.StrEnum):
    COUNCIL = "council"
    NHS = "nhs"
    PUBLIC_BODY = "public_body"
    UNIVERSITY = "university"
    SCHOOL = "school"
    CHARITY = "charity"
    SOCIAL_ENTERPRISE = "social_enterprise"
    COMMUNITY_GROUP = "community_group"
    HOUSING_ASSOCIATION = "housing_association"
    BUSINESS = "business"

    @property
    def label(self) -> str:
        return TYPE_LABELS[self]


TYPE_LABELS = {
    OrganisationType.COUNCIL: "Council",
    OrganisationType.NHS: "NHS body",
    OrganisationType.PUBLIC_BODY: "Other public body",
    OrganisationType.UNIVERSITY: "University or college",
    OrganisationType.SCHOOL: "School or nursery",
    OrganisationType.CHARITY: "Charity",
    OrganisationType.SOCIAL_ENTERPRISE: "CIC or social enterprise",
    OrganisationType.COMMUNITY_GROUP: "Community or faith group",
    OrganisationType.HOUSING_ASSOCIATION: "Housing association",
    OrganisationType.BUSINESS: "Business",
}


def type_label(organisation_type: str | None, written: str) -> str:
    """An organisation's type as people read it: its label, or what a file said until staff
    classify it."""
    return OrganisationType(organisation_type).label if organisation_type else written


_SPELLINGS = {
    OrganisationType.COUNCIL: (
        "local authority",
        "local government",
        "county council",
        "district council",
        "city council",
        "parish council",
        "town council",
        "unitary authority",
    ),
    OrganisationType.NHS: (
        "nhs",
        "nhs trust",
        "nhs foundation trust",
        "integrated care board",
        "icb",
        "gp practice",
        "hospital",
    ),
    OrganisationType.PUBLIC_BODY: (
        "public sector",
        "public body",
        "government",
        "government department",
        "police",
        "fire and rescue",
    ),
    OrganisationType.UNIVERSITY: (
        "university",
        "college",
        "further education",
        "higher education",
        "fe college",
        "university or college",
    ),
    OrganisationType.SCHOOL: (
        "school",
        "primary school",
        "secondary school",
        "academy",
        "academy trust",
        "multi academy trust",
        "nursery",
        "pre-school",
        "preschool",
    ),
    OrganisationType.CHARITY: (
        "charity",
        "registered charity",
        "charitable trust",
        "charitable incorporated organisation",
        "cio",
        "voluntary organisation",
    ),
    OrganisationType.SOCIAL_ENTERPRISE: (
        "cic",
        "community interest company",
        "social enterprise",
        "co-operative",
        "cooperative",
        "community benefit society",
    ),
    OrganisationType.COMMUNITY_GROUP: (
        "community group",
        "community organisation",
        "faith group",
        "church",
        "mosque",
        "residents association",
        "voluntary group",
        "community or faith group",
    ),
    OrganisationType.HOUSING_ASSOCIATION: (
        "housing association",
        "housing provider",
        "registered provider",
    ),
    OrganisationType.BUSINESS: (
        "business",
        "company",
        "private sector",
        "limited company",
        "ltd",
        "plc",
        "sme",
        "employer",
        "large employer",
    ),
}
_SPACES = re.compile(r"\s+")


def _key(text: str) -> str:
    return _SPACES.sub(" ", utils.default_process(text or ""))


_NAMES = {
    _key(name): kind
    for kind in OrganisationType
    for name in (kind.value, TYPE_LABELS[kind], *_SPELLINGS[kind])
}


def recognise(text: str) -> OrganisationType | None:
    """The type `text` plainly names (a label, a value or a common spelling, any case)."""
    return _NAMES.get(_key(text))


def suggest(text: str, limit: int = 3) -> list[OrganisationType]:
    """The nearest types to words `recognise` could not read, best first."""
    found: list[OrganisationType] = []
    near = process.extract(_key(text), _NAMES.keys(), scorer=fuzz.WRatio, score_cutoff=80)
    for name, _, _ in near:
        if _NAMES[name] not in found:
            found.append(_NAMES[name])
    return found[:limit]
