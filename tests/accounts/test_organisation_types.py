"""Organisation types read as partners write them; what is not plainly a type is not guessed."""

from __future__ import annotations

import pytest

from brokerage.accounts.organisation_types import TYPE_LABELS, OrganisationType, recognise, suggest


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Council", OrganisationType.COUNCIL),
        ("County Council", OrganisationType.COUNCIL),
        ("Public sector", OrganisationType.PUBLIC_BODY),
        ("NHS Foundation Trust", OrganisationType.NHS),
        ("School", OrganisationType.SCHOOL),
        ("  primary   SCHOOL ", OrganisationType.SCHOOL),
        ("Community Interest Company", OrganisationType.SOCIAL_ENTERPRISE),
        ("CIC", OrganisationType.SOCIAL_ENTERPRISE),
        ("Registered charity", OrganisationType.CHARITY),
        ("university or college", OrganisationType.UNIVERSITY),
        ("social_enterprise", OrganisationType.SOCIAL_ENTERPRISE),
    ],
)
def test_types_are_recognised_as_people_write_them(written, expected):
    assert recognise(written) == expected


@pytest.mark.parametrize("kind", list(OrganisationType))
def test_every_label_the_app_shows_is_recognised(kind):
    assert recognise(TYPE_LABELS[kind]) == kind


@pytest.mark.parametrize(
    "written", ["Youth", "Food bank", "Early years", "Health", "", "Logistics"]
)
def test_words_that_do_not_plainly_name_a_type_are_left_for_staff(written):
    assert recognise(written) is None


def test_a_misspelt_type_gets_the_nearest_types():
    assert suggest("Charaty")[0] == OrganisationType.CHARITY
    assert suggest("xyzzy") == []
