"""Buddy suggestions: organisations that have implemented the same pledge, ranked by the
matching engine (nearby, same sector and size first) and explained; staff record which
buddy they introduced."""

from __future__ import annotations

from datetime import date

import pytest

from brokerage.charter import buddies
from brokerage.charter.models import BuddyIntroduction, Signee
from brokerage.extensions import db
from tests.helpers.charter import hold_meeting, post
from tests.helpers.pages import count, page_text


@pytest.fixture
def network(make_signee, in_app) -> dict[str, int]:
    """Cowley Bakery (OX4, private, small) wants help with OCC-5; around it, organisations
    that have (or have not) implemented it."""
    made = {
        "bakery": make_signee(("OCC-5",)),
        # 2 km away, private, small: the best buddy.
        "twin": make_signee(
            ("OCC-5",),
            organisation_name="Iffley Cakes",
            postcode="OX4 4HH",
            contact_email="a@i.org",
        ),
        # 2 km away, but public and large.
        "council": make_signee(
            ("OCC-5",),
            organisation_name="Headington Library",
            postcode="OX3 7LF",
            sector="public",
            size="large",
            employees=400,
            contact_email="b@h.org",
        ),
        # 35 km away in Banbury, private and small.
        "far": make_signee(
            ("OCC-5",),
            organisation_name="Banbury Buns",
            postcode="OX16 0AH",
            contact_email="c@b.org",
        ),
        # Nearby and alike, but only in progress with OCC-5.
        "trying": make_signee(
            ("OCC-5",),
            organisation_name="Cowley Crumbs",
            postcode="OX4 2JY",
            contact_email="d@c.org",
        ),
        # Nearby and alike, but implemented another pledge.
        "other": make_signee(
            ("OCC-1",), organisation_name="Temple Teas", postcode="OX4 1AA", contact_email="e@t.org"
        ),
    }
    held = date(2024, 2, 10)
    for name in ("twin", "council", "far"):
        in_app(lambda n=name: hold_meeting(made[n], "baseline", {"OCC-5": "implemented"}, held))
    in_app(lambda: hold_meeting(made["trying"], "baseline", {"OCC-5": "in_progress"}, held))
    in_app(lambda: hold_meeting(made["other"], "baseline", {"OCC-1": "implemented"}, held))
    return made


def _suggested(signee_id: int, code: str = "OCC-5") -> list[buddies.BuddySuggestion]:
    signee = db.session.get(Signee, signee_id)
    pledge = next(
        p.version.pledge for p in signee.approved_pledges if p.version.pledge.code == code
    )
    return buddies.suggest_buddies(signee, pledge)


def test_only_organisations_that_implemented_the_pledge_are_suggested_nearest_and_alike_first(
    network, in_app
):
    names = in_app(lambda: [s.organisation.name for s in _suggested(network["bakery"])])

    assert names == ["Iffley Cakes", "Headington Library", "Banbury Buns"]


def test_each_suggestion_is_explained_with_facts_a_person_can_check(network, in_app):
    first, second, third = in_app(lambda: _suggested(network["bakery"]))

    assert first.reasons == (
        "Implemented it by the baseline meeting on 10 February 2024",
        f"{first.distance_km:.1f} km away (nearby)",
        "Same sector: Private sector",
        "Same size: Small (10 to 49 employees)",
    )
    assert 2.0 < first.distance_km < 2.5
    assert "Other sector: Public sector" in second.reasons
    assert "Other size: Large (250 or more employees)" in second.reasons
    assert third.distance_km > 30 and not third.reasons[1].endswith("(nearby)")
    assert 1 >= first.score > second.score > third.score > 0


def test_a_pledge_that_was_implemented_and_later_dropped_no_longer_counts(network, in_app):
    in_app(
        lambda: hold_meeting(network["twin"], "month_3", {"OCC-5": "dropped"}, date(2024, 4, 20))
    )

    names = in_app(lambda: [s.organisation.name for s in _suggested(network["bakery"])])

    assert "Iffley Cakes" not in names


def test_a_declined_or_unlocated_organisation_is_never_suggested(network, in_app):
    def change():
        db.session.get(Signee, network["far"]).status = "declined"
        db.session.get(Signee, network["council"]).organisation.postcode = "XX"
        db.session.commit()

    in_app(change)

    assert in_app(lambda: [s.organisation.name for s in _suggested(network["bakery"])]) == [
        "Iffley Cakes"
    ]


def test_staff_see_the_ranked_suggestions_with_the_support_asked_for(staff, network):
    text = page_text(staff.get(f"/charter/signees/{network['bakery']}"))

    assert "Support and buddy suggestions" in text
    assert text.index("Iffley Cakes") < text.index("Headington Library") < text.index("Banbury")
    assert (
        "Cowley Crumbs"
        not in text.split("Support and buddy suggestions")[1].split("Buddy introductions")[0]
    )


def test_members_do_not_see_buddy_suggestions(charter_client, charter_world):
    text = page_text(charter_client("member").get(f"/charter/signees/{charter_world.signee_id}"))

    assert "Support and buddy suggestions" not in text


def test_staff_record_the_buddy_they_introduced_from_a_suggestion(staff, network, in_app):
    def ids():
        signee = db.session.get(Signee, network["bakery"])
        twin = db.session.get(Signee, network["twin"])
        pledge = signee.approved_pledges[0].version.pledge
        return pledge.id, twin.organisation_id

    pledge_id, buddy_id = in_app(ids)

    response = post(
        staff,
        f"/charter/signees/{network['bakery']}/introductions",
        {"pledge": pledge_id, "buddy": buddy_id, "introduced_on": "2024-03-01"},
    )

    assert response.status_code == 302
    recorded = in_app(
        lambda: [
            (i.buddy.name, i.pledge.code, i.introduced_on, i.introduced_by.is_staff)
            for i in db.session.get(Signee, network["bakery"]).introductions
        ]
    )
    assert recorded == [("Iffley Cakes", "OCC-5", date(2024, 3, 1), True)]
    text = page_text(staff.get(f"/charter/signees/{network['bakery']}"))
    assert "Introduced on 1 March 2024" in text


def test_nobody_but_staff_can_record_an_introduction(
    charter_client, charter_world, in_app, pledge_ids
):
    before = in_app(lambda: count(BuddyIntroduction))
    for role in ("member", "buyer", "supplier", "task_force"):
        response = post(
            charter_client(role),
            f"/charter/signees/{charter_world.signee_id}/introductions",
            {"pledge": pledge_ids["OCC-5"], "buddy": 1, "introduced_on": "2024-03-01"},
        )
        assert response.status_code == 403, role
    assert in_app(lambda: count(BuddyIntroduction)) == before
