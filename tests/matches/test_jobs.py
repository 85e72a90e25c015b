"""Saves queue their recompute for after the commit (with Redis), or run it in the same
transaction (without); a save rolled back recomputes nothing."""

from __future__ import annotations

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.jobs import work
from brokerage.listings import service
from brokerage.matches.jobs import PENDING
from tests.helpers.listings import listing_fields
from tests.helpers.matches import offer, reading_need, stored
from tests.matches.test_store import READING


def test_with_redis_a_save_is_recomputed_by_the_worker_after_the_commit(county, in_app, with_redis):
    need = county.list("need", "arch", **reading_need())
    reading = county.list("offer", "readers", **offer("Reading volunteers", "OX4 2JY", READING))
    assert stored(in_app) == {}, "nothing is recomputed until a worker runs the job"
    in_app(lambda: work(burst=True))
    assert (reading, "need", need) in stored(in_app)


def test_without_redis_the_recompute_lands_with_the_save(county, in_app):
    need = county.list("need", "arch", **reading_need())
    reading = county.list("offer", "readers", **offer("Reading volunteers", "OX4 2JY", READING))
    assert (reading, "need", need) in stored(in_app)


def test_a_save_rolled_back_leaves_nothing_to_recompute(county, in_app):
    def save_then_roll_back() -> object:
        organisation = db.session.get(Organisation, county.organisations["arch"])
        service.create_listing(organisation, listing_fields("need", **reading_need()))
        assert db.session.info.get(PENDING)
        db.session.rollback()
        return db.session.info.get(PENDING)

    assert in_app(save_then_roll_back) is None
