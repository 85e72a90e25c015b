"""The published world a process keeps between recomputes (`matches/kept.py`) is, after every
kind of save, what reading it afresh gives, and a recompute against it stores what one
against a fresh read would."""

from __future__ import annotations

import gc
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, select

from brokerage.accounts.models import Organisation
from brokerage.changes import ChangedRow, announce
from brokerage.extensions import db
from brokerage.listings import profiles
from brokerage.listings.models import Listing, Need, Offer
from brokerage.matches import jobs, kept, scene, store, supplier_store
from brokerage.matches.models import Match
from brokerage.matches.scene import SIDE_OF, SIDES, Scene
from brokerage.matching import CandidatePool, supplier_batch
from brokerage.matching.queries import QueryPool
from brokerage.matching.text import fit_words
from brokerage.places import service as places
from brokerage.places.lookup import GridPoint
from tests.helpers.matches import (
    CATERING,
    CLEANING,
    JOBS,
    READING,
    VOLUNTEERING,
    offer,
    reading_need,
    set_profile,
    stored,
    supplier_rows,
)

Recorded = list[tuple[str, Any]]


def _offer_parts() -> dict[str, Any]:
    """The offers, their candidates and the seekers with what they want, as a Scene gets them."""
    loaded = kept.offer_side()
    assert loaded is not None
    seekers = {side.model: loaded.seekers[side.model] for side in SIDES}
    texts = [c.text for c in loaded.candidates]
    texts += [query.text for _, wanted in seekers.values() for query in wanted]
    return {
        "offers": loaded.offers.rows,
        "candidates": loaded.candidates,
        "pool": loaded.pool.candidates,
        "word weights": {w: loaded.pool.word_weight(w) for t in texts for w in fit_words(t)},
        "seekers": {
            model: (listings.rows, wanted) for model, (listings, wanted) in seekers.items()
        },
    }


def _supplier_parts() -> dict[str, Any]:
    side = kept.supplier_side()
    assert side is not None
    world, queries = side
    return {
        "suppliers": world.pool.candidates,
        "organisations": {key: tuple(row) for key, row in world.organisations.items()},
        "offers": world.offers,
        "opportunities": (queries.ids, queries.organisations, queries.queries),
    }


def _parts() -> tuple[dict[str, Any], dict[str, Any]]:
    return _offer_parts(), _supplier_parts()


def _fresh_parts() -> tuple[dict[str, Any], dict[str, Any]]:
    kept.forget()
    return _parts()


def _spied(monkeypatch: pytest.MonkeyPatch) -> Recorded:
    """What each save's recompute job was asked to recompute."""
    calls: Recorded = []

    def recompute(listings: list[Listing]) -> None:
        calls.append(("listings", [(type(listing), listing.id) for listing in listings]))
        store.recompute(listings)

    def recompute_suppliers(opportunities: Any = (), organisations: Any = ()) -> None:
        calls.append(("suppliers", (list(opportunities), list(organisations))))
        supplier_store.recompute_supplier_matches(opportunities, organisations)

    monkeypatch.setattr(jobs, "recompute", recompute)
    monkeypatch.setattr(jobs, "recompute_supplier_matches", recompute_suppliers)
    return calls


def _recomputed_afresh(calls: Recorded, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict]:
    """Every stored row after the recomputes in `calls` are run again against a world read
    afresh (left uncommitted)."""
    with monkeypatch.context() as fresh:
        fresh.setattr(kept, "offer_side", lambda: None)
        fresh.setattr(kept, "supplier_side", lambda: None)
        for what, arguments in calls:
            if what == "listings":
                store.recompute([db.session.get(model, key) for model, key in arguments])
            else:
                supplier_store.recompute_supplier_matches(*arguments)
        db.session.flush()
        return _rows()


def _rows() -> tuple[dict, dict]:
    here: Callable[[Callable[[], Any]], Any] = lambda work: work()  # noqa: E731
    suppliers = {pair: values[:4] for pair, values in supplier_rows(here).items()}
    return stored(here), suppliers


def _move(county, key: str, postcode: str) -> None:
    with county.app.app_context():
        db.session.get(Organisation, county.organisations[key]).postcode = postcode
        db.session.commit()


def _serve_within(county, key: str, km: int) -> None:
    with county.app.app_context():
        organisation = db.session.get(Organisation, county.organisations[key])
        fields = profiles.ProfileFields(size="small", service_radius_km=km, trades=(CLEANING,))
        profiles.save_profile(organisation, fields)
        db.session.commit()


def _toms_changed(county) -> None:
    with county.app.app_context():
        announce("toms")
        db.session.commit()


def _saves(county) -> list[tuple[str, Callable[[], Any]]]:
    ids: dict[str, int] = {}

    def listed(name: str, kind: str, owner: str, **fields: Any) -> Callable[[], None]:
        def make() -> None:
            ids[name] = county.list(kind, owner, **fields)

        return make

    def edit(kind: str, name: str, **fields: Any) -> Callable[[], None]:
        return lambda: county.edit(kind, ids[name], **fields)

    def act(name: str, action: str) -> Callable[[], None]:
        return lambda: county.act("offer", ids[name], action)

    jobs_offer = offer("Cleaning jobs", "OX4 4HH", JOBS)
    return [
        ("trades", lambda: set_profile(county, "cleaners", (CLEANING,))),
        ("more trades", lambda: set_profile(county, "caterers", (CATERING,))),
        ("an offer", listed("reading", "offer", "readers", **offer("Reading", "OX4 2JY", READING))),
        ("another offer", listed("cleaning", "offer", "cleaners", **jobs_offer)),
        ("a need", listed("need", "need", "arch", **reading_need())),
        (
            "an opportunity",
            listed(
                "contract",
                "opportunity",
                "buyer",
                title="Cleaning at County Hall",
                postcode="OX1 1ND",
                trades=(CLEANING,),
                measures=JOBS,
                weights={"OIEP-J1": Decimal(1)},
            ),
        ),
        (
            "an offer's words",
            edit("offer", "reading", **offer("Reading mentors", "OX4 2JY", READING)),
        ),
        (
            "an offer's measures",
            edit("offer", "reading", **offer("Reading mentors", "OX4 2JY", VOLUNTEERING)),
        ),
        ("an offer's place", edit("offer", "cleaning", **offer("Cleaning jobs", "OX1 1ND", JOBS))),
        (
            "a need's words",
            edit("need", "need", **reading_need(title="Reading mentors for schools")),
        ),
        (
            "an opportunity's words",
            edit("opportunity", "contract", title="Office cleaning at County Hall"),
        ),
        ("a draft", listed("draft", "offer", "caterers", publish=False, **jobs_offer)),
        ("the draft published", act("draft", "publish")),
        ("an offer archived", act("cleaning", "archive")),
        ("it published again", act("cleaning", "publish")),
        ("a supplier moved", lambda: _move(county, "cleaners", "OX16 0AH")),
        (
            "its service radius",
            lambda: _serve_within(county, "cleaners", 5),
        ),
        ("the TOMs", lambda: _toms_changed(county)),
    ]


def test_after_each_save_the_kept_world_is_what_a_fresh_read_gives_and_stores_the_same(
    county, in_app, monkeypatch
):
    calls = _spied(monkeypatch)
    in_app(_parts)  # kept from here on
    for what, save in _saves(county):
        calls.clear()
        save()
        after_save = in_app(_rows)
        assert in_app(lambda: _recomputed_afresh(calls, monkeypatch)) == after_save, what
        kept_now = in_app(_parts)
        assert kept_now == in_app(_fresh_parts), what


def _counted_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which sides are read in full from here on."""
    reads: list[str] = []
    for name in ("load_offer_side", "load_supplier_side"):
        original = getattr(kept, name)
        monkeypatch.setattr(kept, name, lambda o=original, n=name: reads.append(n) or o())
    return reads


def test_a_save_is_patched_into_the_kept_world_not_read_again_in_full(county, in_app, monkeypatch):
    reading = county.list("offer", "readers", **offer("Reading", "OX4 2JY", READING))
    in_app(_parts)
    reads = _counted_reads(monkeypatch)

    county.edit("offer", reading, **offer("Reading mentors", "OX4 2JY", READING))

    texts = in_app(lambda: [candidate.text for candidate in kept.offer_side().candidates])
    assert texts == ["Reading mentors\nStaff volunteering as reading helpers in primary schools."]
    assert reads == []


def _needs_queries() -> QueryPool:
    return Scene(kept.offer_side()).queries(SIDE_OF[Need])


def test_a_saved_need_patches_the_kept_needs_query_pool_not_builds_it_afresh(
    county, in_app, monkeypatch
):
    reading = county.list("need", "arch", **reading_need())
    county.list("need", "arch", **reading_need(title="Cleaning volunteers for schools"))
    in_app(_needs_queries)
    read: list[int] = []  # how many needs each QueryPool built from here on reads
    build = QueryPool.__init__
    monkeypatch.setattr(
        QueryPool,
        "__init__",
        lambda pool, queries, *a: read.append(len(queries)) or build(pool, queries, *a),
    )

    for title in ("Reading mentors for schools", "Reading helpers for schools"):
        county.edit("need", reading, **reading_need(title=title))
        in_app(_needs_queries)

    assert read == [1, 1]


def _scored_against_every_need() -> None:
    offers_and_needs = Scene(kept.offer_side())
    for offer_index in range(len(offers_and_needs.offers)):
        offers_and_needs.storable_offer_scores(SIDE_OF[Need], offer_index)


def test_a_recompute_checks_the_kept_needs_query_pool_once_however_many_offers_it_scores(
    county, in_app, monkeypatch
):
    county.list("offer", "readers", **offer("Reading", "OX4 2JY", READING))
    county.list("offer", "cleaners", **offer("Cleaning jobs", "OX4 4HH", JOBS))
    county.list("need", "arch", **reading_need())
    in_app(_needs_queries)
    compared: list[int] = []  # how many needs each check of the kept pool compares
    same = scene._same_objects
    monkeypatch.setattr(
        scene, "_same_objects", lambda kept, now: compared.append(len(now)) or same(kept, now)
    )

    in_app(_scored_against_every_need)

    assert compared == [1]


def _opportunity_arrays() -> Any:
    side = kept.supplier_side()
    assert side is not None
    world, queries = side
    return queries.arrays(world.pool.catalogue)


def test_a_saved_opportunity_s_arrays_work_out_only_its_own_trade_words_again(
    county, in_app, monkeypatch
):
    """The opportunities' arrays for rescoring suppliers are built again after a save, from
    the earlier ones: only the saved opportunity's words are read, not every one's."""
    contract = county.list("opportunity", "buyer", title="Cleaning at County Hall")
    county.list("opportunity", "buyer", title="Catering at County Hall")
    county.list("opportunity", "buyer", title="Printing for the council")
    in_app(_opportunity_arrays)
    words_of: list[str] = []
    fallback = supplier_batch.fallback_words
    monkeypatch.setattr(
        supplier_batch,
        "fallback_words",
        lambda query, *a: words_of.append(query.text.split("\n")[0]) or fallback(query, *a),
    )

    county.edit("opportunity", contract, title="Cleaning at the Town Hall")
    arrays = in_app(_opportunity_arrays)

    assert words_of == ["Cleaning at the Town Hall"]
    assert "town" in arrays.by_word and "county" in arrays.by_word


def test_a_bulk_write_or_a_lost_place_in_the_log_reads_everything_again(
    county, in_app, monkeypatch
):
    county.list("offer", "readers", **offer("Reading", "OX4 2JY", READING))
    in_app(_parts)
    reads = _counted_reads(monkeypatch)

    def bulk() -> None:
        announce("listings")
        db.session.commit()

    in_app(bulk)
    in_app(kept.offer_side)
    assert reads == ["load_offer_side"]

    def prune_all() -> None:
        db.session.execute(delete(ChangedRow))
        db.session.commit()

    in_app(prune_all)
    in_app(kept.offer_side)
    assert reads == ["load_offer_side", "load_offer_side"]


def test_a_transaction_that_wrote_listings_reads_the_world_afresh(county, in_app):
    reading = county.list("offer", "readers", **offer("Reading", "OX4 2JY", READING))

    def written_then_read() -> Any:
        db.session.get(Offer, reading).title = "Reading mentors"
        db.session.flush()
        return kept.offer_side(), kept.supplier_side()

    assert in_app(written_then_read) == (None, None)
    assert in_app(kept.offer_side) is not None


def test_a_postcode_code_point_moves_reaches_the_kept_world_through_the_refresh_command(
    county, in_app, monkeypatch
):
    reading = county.list("offer", "readers", **offer("Reading", "OX4 2JY", READING))
    need = county.list("need", "arch", **reading_need(postcode="OX4 4HH"))

    def kept_and_stored() -> tuple[float, float]:
        """The offer's easting in the kept world, and its stored distance from the need."""
        loaded = kept.offer_side()
        assert loaded is not None
        candidate = loaded.candidates[loaded.offers.index[reading]]
        match = db.session.scalar(
            select(Match).where(Match.offer_id == reading, Match.need_id == need)
        )
        return candidate.easting, match.distance_m

    def points() -> tuple[GridPoint, GridPoint]:
        at = [db.session.get(model, key) for model, key in ((Offer, reading), (Need, need))]
        return tuple(GridPoint(listing.easting, listing.northing) for listing in at)

    easting, _ = in_app(kept_and_stored)  # the world is kept from here on
    was, there = in_app(points)
    # Code-Point Open now places OX4 2JY 3 km further east.
    moved = GridPoint(was.easting + 3000, was.northing)
    located = places.locate_postcode
    monkeypatch.setattr(
        places, "locate_postcode", lambda code: moved if code == "OX4 2JY" else located(code)
    )

    result = county.app.test_cli_runner().invoke(args=["listings", "refresh-locations"])

    assert "1 listing changed place." in result.output
    assert in_app(kept_and_stored) == (
        easting + 3000,
        pytest.approx(moved.distance_to(there)),
    )


def _offer_recomputed(offer_id: int) -> list[list[str] | None]:
    store.recompute([db.session.get(Offer, offer_id)])
    db.session.commit()
    return [
        row.reasons for row in db.session.scalars(select(Match).where(Match.offer_id == offer_id))
    ]


def test_a_kept_offer_save_explains_its_pairs_without_building_the_whole_offer_pool(
    county, in_app, monkeypatch
):
    readers = county.list("offer", "readers", **offer("Reading", "OX4 2JY", READING))
    county.list("offer", "cleaners", **offer("Cleaning jobs", "OX4 4HH", JOBS))
    county.list("need", "arch", **reading_need())
    in_app(lambda: _offer_recomputed(readers))  # the kept world loaded, its pool built once
    built: list[int] = []  # the candidates of each CandidatePool built from here on
    build = CandidatePool.__init__
    monkeypatch.setattr(
        CandidatePool,
        "__init__",
        lambda pool, candidates, *a: built.append(len(candidates)) or build(pool, candidates, *a),
    )
    county.edit("offer", readers, **offer("Reading helpers", "OX4 2JY", READING))

    reasons = in_app(lambda: _offer_recomputed(readers))

    assert any(reasons)  # the reading need's pair is explained...
    assert [n for n in built if n > 1] == []  # ...without the two offers' whole pool


def test_the_kept_world_is_left_out_of_the_collectors_full_passes(county, in_app):
    county.list("offer", "readers", **offer("Reading", "OX4 2JY", READING))
    gc.unfreeze()
    try:
        in_app(kept.forget)
        assert gc.get_freeze_count() == 0
        in_app(kept.offer_side)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
