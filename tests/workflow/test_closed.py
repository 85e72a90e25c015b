"""Closed means closed (issue 20 point 4): a need past its deadline and an offer past its
end leave search, stored and live matches and "for you", show as "Closed" on their pages,
and the daily `match expire` ranks again without them. The clock is frozen by replacing
`listings.service.today`, as the other date tests do."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from brokerage.accounts.models import Organisation
from brokerage.directory.service import Filters, search
from brokerage.extensions import db
from brokerage.listings import service
from brokerage.listings.models import Need
from brokerage.matches import store
from brokerage.matches.models import Match
from brokerage.workflow.freshness import keep_fresh
from brokerage.workflow.listing_matches import live_matches_for, offers_for
from tests.helpers.listings import listing_fields
from tests.helpers.matches import READING, offer, reading_need
from tests.helpers.web import log_in

# The shipped TOMs catalogue and rankings of two, as for the stored-matches tests.
pytestmark = pytest.mark.usefixtures("shipped_catalogue", "small_top_n")


@pytest.fixture
def start() -> date:
    """The day the test's listings are made, taken when the test runs (not at collection)."""
    return service.today()


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch, start: date):
    """`frozen(days)`: from now on, today is `days` after the listings were made."""

    def _freeze(days: int) -> date:
        day = start + timedelta(days=days)
        monkeypatch.setattr(service, "today", lambda: day)
        return day

    return _freeze


@pytest.fixture
def listed(county, start: date):
    """A need due in 10 days; a reading offer ending in 5 days, and two that stay open."""
    need = county.list("need", "arch", **reading_need(deadline=start + timedelta(days=10)))
    ending = county.list(
        "offer",
        "readers",
        **offer("Reading volunteers ending soon", "OX4 2JY", READING),
        available_to=start + timedelta(days=5),
    )
    lasting = county.list("offer", "printers", **offer("Reading helpers", "OX1 1ND", READING))
    spare = county.list("offer", "cleaners", **offer("Reading buddies", "OX4 4HH", READING))
    return {"need": need, "ending": ending, "lasting": lasting, "spare": spare}


def _stored_offers(in_app, need_id: int, state: str = "suggested") -> set[int]:
    """The offers in the need's stored ranking (suggested), or in its matches in `state`."""

    def read() -> set[int]:
        db.session.expire_all()
        query = select(Match.offer_id).where(Match.need_id == need_id, Match.state == state)
        if state == "suggested":
            query = query.where(Match.seeker_rank.is_not(None))
        return set(db.session.scalars(query))

    return in_app(read)


def _rebuild(in_app) -> None:
    def run() -> None:
        store.rebuild()
        db.session.commit()

    in_app(run)


def test_an_offer_past_its_end_and_a_need_past_its_deadline_leave_a_rebuild(in_app, listed, frozen):
    assert listed["ending"] in _stored_offers(in_app, listed["need"])

    frozen(6)
    _rebuild(in_app)
    assert listed["ending"] not in _stored_offers(in_app, listed["need"])
    assert _stored_offers(in_app, listed["need"])  # the need is open: others are stored

    frozen(11)
    _rebuild(in_app)
    assert _stored_offers(in_app, listed["need"]) == set()


def test_a_closed_offer_leaves_live_matches_and_for_you(in_app, county, listed, frozen):
    frozen(6)

    def read() -> tuple[set[str], set[str]]:
        arch = db.session.get(Organisation, county.organisations["arch"])
        draft = service.create_listing(arch, listing_fields("need", **reading_need()))
        live = {m.listing.title for m in live_matches_for(draft)}
        for_you = {m.listing.title for m in offers_for(arch)}
        db.session.rollback()
        return live, for_you

    live, for_you = in_app(read)

    assert "Reading volunteers ending soon" not in live | for_you
    assert "Reading helpers" in live and "Reading helpers" in for_you


def test_a_cached_matches_page_drops_an_offer_that_closed_at_midnight(app, county, listed, frozen):
    arch = log_in(app.test_client(), county.email("arch"))
    urls = (f"/matching/needs/{listed['need']}", f"/api/v1/needs/{listed['need']}/matches")
    for url in urls:
        assert "Reading volunteers ending soon" in arch.get(url).get_data(as_text=True)
    frozen(6)  # nothing written: only the day changed
    for url in urls:
        shown = arch.get(url).get_data(as_text=True)
        assert "Reading volunteers ending soon" not in shown and "Reading helpers" in shown


def test_a_need_past_its_deadline_leaves_search_and_its_page_says_closed(
    app, in_app, county, listed, frozen, monkeypatch
):
    def needs_found() -> list[str]:
        return [r.entry.name for r in search("needs", Filters(words="reading")).results]

    # Read the database's stamp on every search, as another process's change would be seen.
    monkeypatch.setitem(app.config, "DIRECTORY_CHECK_SECONDS", 0)

    assert in_app(needs_found) == ["Reading volunteers for schools"]
    frozen(11)
    assert in_app(needs_found) == []

    page = log_in(app.test_client(), county.email("readers")).get(f"/needs/{listed['need']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert ">Closed</span>" in html and "its deadline passed on" in html
    assert "Offer help" not in html


def test_match_expire_ranks_again_without_what_closed(in_app, listed, frozen):
    top_two = _stored_offers(in_app, listed["need"])
    assert listed["ending"] in top_two and len(top_two) == 2

    day = frozen(6)
    report = in_app(lambda: _keep_fresh(day))

    assert report.closed == 1 and report.expired >= 1
    assert _stored_offers(in_app, listed["need"], "expired") == {listed["ending"]}
    refilled = _stored_offers(in_app, listed["need"])
    assert listed["ending"] not in refilled and len(refilled) == 2
    assert in_app(lambda: db.session.get(Need, listed["need"]).status) == "published"


def _keep_fresh(day: date):
    report = keep_fresh(datetime.combine(day, time(3), tzinfo=UTC))
    db.session.commit()
    return report
