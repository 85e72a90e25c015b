"""The "for you" pages and a listing's stored matches, for each kind of person."""

from __future__ import annotations

import re
from html import escape

import pytest
from flask import url_for
from sqlalchemy import select

from brokerage.extensions import db
from brokerage.matches.models import Match, State
from tests.helpers.matches import (
    READING,
    forget_stored_reasons,
    offer,
    reading_need,
    reference_reasons,
    set_profile,
    versions,
)
from tests.helpers.web import log_in

# The shipped TOMs catalogue and rankings of two, as for the stored-matches tests.
pytestmark = pytest.mark.usefixtures("shipped_catalogue", "small_top_n")


@pytest.fixture
def listed(county):
    need = county.list("need", "arch", **reading_need())
    reading = county.list("offer", "readers", **offer("Reading volunteers", "OX4 2JY", READING))
    opportunity = county.list("opportunity", "buyer", title="Cleaning at County Hall")
    draft_need = county.list("need", "arch", publish=False, **reading_need(title="Secret need"))
    return {"need": need, "offer": reading, "opportunity": opportunity, "draft": draft_need}


def _as(app, county, key):
    return log_in(app.test_client(), county.email(key))


def test_a_beneficiary_sees_offers_for_its_published_needs_with_reasons(app, county, listed):
    page = _as(app, county, "arch").get(
        f"/matching/organisations/{county.organisations['arch']}/offers-for-you"
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Reading volunteers" in html and "Why" in html and "km away" in html
    assert "Secret need" not in html
    # People read a strength word beside the score, and no policy version.
    assert re.search(r"0\.\d\d <span class=\"badge[^>]*\">(Strong|Good|Possible)</span>", html)
    assert "policy version" not in html


def test_a_suggested_matchs_stage_badge_has_a_border_to_stand_out_from_the_white_card(
    app, county, listed
):
    html = _as(app, county, "arch").get(f"/matching/needs/{listed['need']}").get_data(as_text=True)
    assert 'class="badge stage-badge text-bg-light border">Suggested</span>' in html


def test_reasons_not_stored_are_worked_out_for_the_page_and_nothing_is_written(
    app, county, listed, in_app
):
    forget_stored_reasons(in_app)
    expected = in_app(
        lambda: [
            reference_reasons(match)
            for match in db.session.scalars(select(Match).where(Match.need_id == listed["need"]))
        ]
    )
    assert expected
    before = versions(in_app)
    for url in (
        f"/matching/needs/{listed['need']}",
        f"/matching/organisations/{county.organisations['arch']}/offers-for-you",
    ):
        html = _as(app, county, "arch").get(url).get_data(as_text=True)
        for reasons in expected:
            assert all(f"<li>{escape(reason)}</li>" in html for reason in reasons), html
    assert versions(in_app) == before
    assert not in_app(
        lambda: db.session.scalars(select(Match).where(Match.stored_reasons.is_not(None))).all()
    )


def test_a_supplier_sees_opportunities_of_its_sector_when_neither_side_names_trades(
    app, county, listed
):
    set_profile(county, "readers", (), sector="volunteering")  # the contract's category
    page = _as(app, county, "readers").get(
        f"/matching/organisations/{county.organisations['readers']}/opportunities-for-you"
    )
    assert page.status_code == 200
    assert "Cleaning at County Hall" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("who", "status"),
    [("arch", 200), ("staff", 200), ("parents", 404), ("readers", 404), ("buyer", 404)],
)
def test_only_members_staff_and_the_task_force_see_an_organisations_offers_for_you(
    app, county, listed, who, status
):
    url = f"/matching/organisations/{county.organisations['arch']}/offers-for-you"
    assert _as(app, county, who).get(url).status_code == status


def test_the_task_force_reads_for_you_pages_and_anonymous_people_must_log_in(
    app, county, listed, task_force, anon
):
    url = f"/matching/organisations/{county.organisations['readers']}/opportunities-for-you"
    assert task_force.get(url).status_code == 200
    assert anon.get(url).status_code == 302


def test_a_for_you_page_of_the_wrong_kind_of_organisation_is_not_found(app, county, listed):
    staff = _as(app, county, "staff")
    assert (
        staff.get(
            f"/matching/organisations/{county.organisations['arch']}/opportunities-for-you"
        ).status_code
        == 404
    )
    assert (
        staff.get(
            f"/matching/organisations/{county.organisations['readers']}/offers-for-you"
        ).status_code
        == 404
    )


def test_a_listings_page_shows_its_stored_matches_and_the_task_force_reads_published_ones(
    app, county, listed, task_force
):
    html = _as(app, county, "arch").get(f"/matching/needs/{listed['need']}").get_data(as_text=True)
    assert "Reading volunteers" in html and "policy version" not in html
    assert task_force.get(f"/matching/needs/{listed['need']}").status_code == 200
    assert task_force.get(f"/matching/needs/{listed['draft']}").status_code == 404
    assert _as(app, county, "parents").get(f"/matching/needs/{listed['need']}").status_code == 403


def test_a_seekers_page_shows_the_reasons_stored_with_its_matches(app, county, listed, in_app):
    def reword() -> None:
        match = db.session.scalars(select(Match).where(Match.need_id == listed["need"])).first()
        match.reasons = ["Kept as the rebuild wrote it"]
        db.session.commit()

    in_app(reword)
    html = _as(app, county, "arch").get(f"/matching/needs/{listed['need']}").get_data(as_text=True)
    assert "<li>Kept as the rebuild wrote it</li>" in html


def test_every_page_that_ranks_by_toms_says_what_toms_are_and_links_the_plain_words(
    app, county, listed, in_app
):
    arch = _as(app, county, "arch")
    match_id = in_app(
        lambda: db.session.scalar(select(Match.id).where(Match.need_id == listed["need"]))
    )
    pages = {
        "a need's matches": (arch, f"/matching/needs/{listed['need']}"),
        "offers for you": (
            arch,
            f"/matching/organisations/{county.organisations['arch']}/offers-for-you",
        ),
        "opportunities for you": (
            _as(app, county, "readers"),
            f"/matching/organisations/{county.organisations['readers']}/opportunities-for-you",
        ),
        "a match": (arch, f"/matches/{match_id}"),
    }
    for name, (client, url) in pages.items():
        html = client.get(url).get_data(as_text=True)
        assert "TOMs are Themes, Outcomes and Measures" in html, name
        assert '<a href="/about-social-value">TOMs in plain words</a>' in html, name


def _card_links(html: str) -> set[str]:
    """The listings a "for you" page offers as cards (its numbered headings' links)."""
    return set(re.findall(r'\d\. <a href="([^"]+)"', html))


@pytest.mark.parametrize(
    ("state", "offered"),
    [
        (State.SUGGESTED, True),
        (State.IN_DISCUSSION, True),
        (State.VERIFIED, True),
        (State.DECLINED, False),
        (State.WITHDRAWN, False),
        (State.EXPIRED, False),
    ],
)
def test_a_match_that_ended_without_help_is_not_offered_again_on_either_for_you_page(
    app, county, listed, in_app, state, offered
):
    def set_state() -> None:
        match = db.session.scalar(
            select(Match).where(Match.need_id == listed["need"], Match.offer_id == listed["offer"])
        )
        match.state = state.value
        db.session.commit()

    in_app(set_state)
    with app.test_request_context():
        need_url = url_for("listings.show_need", listing_id=listed["need"])
        offer_url = url_for("listings.show_offer", listing_id=listed["offer"])
    arch, readers = county.organisations["arch"], county.organisations["readers"]
    offers = _as(app, county, "arch").get(f"/matching/organisations/{arch}/offers-for-you")
    needs = _as(app, county, "readers").get(
        f"/matching/organisations/{readers}/opportunities-for-you"
    )
    assert (offer_url in _card_links(offers.get_data(as_text=True))) is offered
    assert (need_url in _card_links(needs.get_data(as_text=True))) is offered
