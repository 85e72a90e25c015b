"""Saves queue their recompute for after the commit: a worker takes it (with Redis), or it
runs just after the commit in a transaction of its own (without); a save rolled back
recomputes nothing."""

from __future__ import annotations

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.jobs import work
from brokerage.listings import service
from brokerage.listings.models import Offer
from tests.commits import recorded_commits
from tests.helpers.listings import listing_fields
from tests.helpers.matches import READING, offer, reading_need, stored


def test_with_redis_a_save_is_recomputed_by_the_worker_after_the_commit(county, in_app, with_redis):
    need = county.list("need", "arch", **reading_need())
    reading = county.list("offer", "readers", **offer("Reading volunteers", "OX4 2JY", READING))
    assert stored(in_app) == {}, "nothing is recomputed until a worker runs the job"
    in_app(lambda: work(burst=True))
    assert (reading, "need", need) in stored(in_app)


def test_without_redis_the_recompute_runs_just_after_the_commit_in_its_own(app, county, in_app):
    with recorded_commits(app) as commits:
        need = county.list("need", "arch", **reading_need())
        reading = county.list("offer", "readers", **offer("Reading volunteers", "OX4 2JY", READING))
    assert (reading, "need", need) in stored(in_app)
    offer_saves = [c for c in commits if any(change.model is Offer for change in c.changes)]
    recomputes = [c for c in commits if "matches" in c.topics]
    assert offer_saves and recomputes
    assert not any("matches" in c.topics for c in offer_saves)  # never inside the save's


def test_a_save_rolled_back_leaves_nothing_to_recompute(county, in_app):
    def save_then_roll_back() -> None:
        organisation = db.session.get(Organisation, county.organisations["arch"])
        service.create_listing(organisation, listing_fields("need", **reading_need()))
        db.session.rollback()
        db.session.commit()

    before = stored(in_app)
    in_app(save_then_roll_back)
    assert stored(in_app) == before
