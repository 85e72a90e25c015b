"""The published world kept loaded between recomputes, in each process (an RQ worker, or
the web process without Redis), and patched with only the rows changed since it was read.

A save's recompute scores one listing against the whole published world; reading that
world (every published offer with its measures, every seeker and what it asks for, every
supplier with its trades and profile) and building the pools took seconds at county scale.
Here each side (offers with their seekers; suppliers with the opportunities) is read once,
then brought up to date before each recompute from the database's log of changed rows
(`changes.ChangedRow`, written in the transaction of each change), so a change committed by
any process is seen by the next recompute in every other. Only the listings and suppliers
the rows logged since the last read name are read again. Everything is read again after a
bulk write or a TOMs change (logged without rows), a charter sign-up (suppliers only), a
new day (listings close at midnight without a write), more than MOST_ROWS changes, or when
the log no longer holds the row read last (pruned, rolled back, a restored backup).

A transaction that has itself written what the world is built from (not logged until its
commit) reads the world afresh, as before.
"""

from __future__ import annotations

import gc
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any, Generic, TypeVar

from flask import current_app
from sqlalchemy import Row, select

from ..accounts.models import Organisation
from ..changes import LOGGED_TOPICS, newest_changed_row, rows_changed_since, written_topics
from ..extensions import db
from ..listings import service
from ..listings.models import Listing, Need, Offer, Opportunity
from ..matching import Candidate, CandidatePool, Catalogue, MatchingPolicy, Wanted
from ..matching.reference import MostSimilar, most_similar_compared
from ..matching.supplier_model import OpportunityQuery, SupplierCandidate
from ..matching.suppliers import SupplierPool
from ..matching.text import fit_words
from ..toms.service import matching_catalogue
from .candidates import PAIRINGS, ListingRow, published_rows
from .scene import SIDES, Listings, Loaded
from .supplier_inputs import (
    OpportunityQueries,
    SupplierWorld,
    published_opportunity_queries,
    supplier_world,
)

# More changed rows than this since the last read: reading everything is as quick.
MOST_ROWS = 500
_KEY = "matches.kept"
_LISTING_TABLES: dict[str, type[Listing]] = {
    model.__tablename__: model for model in (Offer, Need, Opportunity)
}
_LISTING_LINKS: dict[str, type[Listing]] = {
    "offer_id": Offer,
    "need_id": Need,
    "opportunity_id": Opportunity,
}
_SIGNEES_TABLE = "charter_signees"


@dataclass
class Named:
    """What the rows logged since the last read name."""

    everything: bool = False
    listings: dict[type[Listing], set[int]] = field(
        default_factory=lambda: {model: set() for model in _LISTING_TABLES.values()}
    )
    organisations: set[int] = field(default_factory=set)
    signees: bool = False


def named_by(rows: Iterable[Row[Any]]) -> Named:
    """Listings (a listing's row, or a row naming it: measures, trades), organisations (the
    organisation, its profile, its trades) and charter sign-ups; everything, for a topic
    written in bulk or the TOMs (the catalogue every input is read against)."""
    named = Named()
    for row in rows:
        link = next((name for name in _LISTING_LINKS if name in row.links), None)
        if row.table_name is None or row.topic == "toms":  # bulk, or the catalogue
            named.everything = True
        elif row.table_name in _LISTING_TABLES:
            named.listings[_LISTING_TABLES[row.table_name]].add(row.row_id)
        elif link is not None:
            named.listings[_LISTING_LINKS[link]].add(int(row.links[link]))
        elif row.table_name == Organisation.__tablename__:
            named.organisations.add(row.row_id)
        elif row.table_name == _SIGNEES_TABLE:
            named.signees = True
        elif row.topic == "organisations" and "organisation_id" in row.links:
            named.organisations.add(int(row.links["organisation_id"]))
    return named


T = TypeVar("T")


@dataclass(frozen=True)
class _Read(Generic[T]):
    """A side as read: on which day, against which catalogue, up to which logged row."""

    value: T
    today: date
    catalogue: Catalogue
    last: tuple[int, int]


class _Kept(Generic[T]):
    """One side, kept between recomputes: `load` reads it all, `patch` makes a new one from
    it with what the logged rows name read again (None: it cannot, read everything)."""

    def __init__(
        self, load: Callable[[], T], patch: Callable[[T, Sequence[Row[Any]]], T | None]
    ) -> None:
        self._load, self._patch = load, patch
        self._read: _Read[T] | None = None
        self._lock = threading.Lock()

    def current(self) -> T:
        """The side as the database holds it now. Patches make new objects: a recompute
        still using an older one in another thread is not disturbed."""
        with self._lock:
            today, catalogue = service.today(), matching_catalogue()
            read = self._read
            if read is None or read.today != today or read.catalogue is not catalogue:
                return self._reload(today, catalogue)
            rows = rows_changed_since(*read.last, MOST_ROWS)
            if rows is None:
                return self._reload(today, catalogue)
            if not rows:
                return read.value
            patched = self._patch(read.value, rows)
            if patched is None:
                return self._reload(today, catalogue)
            self._read = _Read(patched, today, catalogue, (rows[-1].id, rows[-1].version))
            return patched

    def _reload(self, today: date, catalogue: Catalogue) -> T:
        # The log's position first: a change committed while reading is read again later.
        last = newest_changed_row()
        gc.unfreeze()  # what was kept before can be collected again once let go
        value = self._load()
        # Kept for good: left out of the collector's full passes, each of which walked its
        # millions of objects (0.27 s of CPU at 10,000 suppliers, one save in three or so).
        gc.freeze()
        self._read = _Read(value, today, catalogue, last)
        return value


# Pools built when first queried ------------------------------------------------------------


class _BuiltWhenQueried:
    """A pool whose arrays are built (by `_build`) the first time one is read: most saves
    only probe a few candidates against it, which reads its word weights alone."""

    _building = threading.Lock()  # two recomputes reading at once build it once

    def __getattr__(self, name: str) -> Any:  # only for attributes not yet set
        if name.startswith("__"):
            raise AttributeError(name)
        with self._building:
            build = vars(self).pop("_build", None)
            if build is not None:
                vars(self).update(vars(build()))
        if name not in vars(self):
            raise AttributeError(name)
        return vars(self)[name]

    def is_built(self) -> bool:
        """Whether the arrays have been built (by a read, or a recompute before this one)."""
        return "_build" not in vars(self)


class _KeptCandidatePool(_BuiltWhenQueried, CandidatePool):
    """Offers as a CandidatePool, with its words' document frequencies (what `word_weight`
    reads) carried over from the pool it replaces and corrected for the offers that `left`
    and `came`: the changed offers' words are read, not every offer's."""

    def __init__(
        self,
        candidates: list[Candidate],
        before: CandidatePool,
        left: Iterable[Candidate],
        came: Iterable[Candidate],
    ) -> None:
        self.candidates = tuple(candidates)
        self.catalogue = catalogue = before.catalogue  # not `before`: it would be kept too
        self._build = lambda: CandidatePool(candidates, catalogue)
        frequency = getattr(before, "_document_frequency", None)
        if frequency is None:  # kept otherwise by the engine now: built when first read
            return
        counts = Counter(frequency)
        counts.subtract(word for candidate in left for word in fit_words(candidate.text))
        counts.update(word for candidate in came for word in fit_words(candidate.text))
        self._document_frequency = {word: n for word, n in counts.items() if n > 0}
        self._n = len(self.candidates)

    def most_similar(self, policy: MatchingPolicy) -> MostSimilar:
        """The built pool's similar words; until it is built, the reference's comparison
        (the same words: tests/matching/test_properties.py): a save explains a few pairs, and
        building the whole pool for them cost 1.6 s a kept offer save at 10,000 suppliers."""
        if not self.is_built():
            return most_similar_compared
        return CandidatePool.most_similar(self, policy)


class _KeptSupplierPool(_BuiltWhenQueried, SupplierPool):
    """Suppliers as a SupplierPool: most supplier saves read only its candidates."""

    def __init__(self, candidates: list[SupplierCandidate], catalogue: Catalogue, names: dict):
        self.candidates = tuple(candidates)
        self.catalogue, self.trade_names = catalogue, names
        self.size = len(candidates)
        self._build = lambda: SupplierPool(candidates, catalogue, names)


# Offers and the seekers they are ranked for ------------------------------------------------


@dataclass(frozen=True)
class OfferSide:
    """Published offers with their candidates, and each kind of seeker with what it wants,
    by id; `loaded` is the same in a Scene's terms (in id order: ties in a ranking go to
    the older listing)."""

    offers: dict[int, tuple[ListingRow, Candidate]]
    seekers: dict[type[Listing], dict[int, tuple[ListingRow, Wanted]]]
    loaded: Loaded


def _offers(rows: list[ListingRow]) -> dict[int, tuple[ListingRow, Candidate]]:
    candidates = PAIRINGS[Opportunity].candidates(rows)
    return {row.id: (row, candidate) for row, candidate in zip(rows, candidates, strict=True)}


def _seekers(model: type[Listing], rows: list[ListingRow]) -> dict[int, tuple[ListingRow, Wanted]]:
    return {row.id: (row, PAIRINGS[model].wanted(row)) for row in rows}


def _listed(by_id: dict[int, tuple[ListingRow, T]]) -> tuple[Listings, list[T]]:
    ordered = [by_id[listing_id] for listing_id in sorted(by_id)]
    return Listings.of([row for row, _ in ordered]), [part for _, part in ordered]


def load_offer_side() -> OfferSide:
    offers = _offers(published_rows(Offer))
    listings, candidates = _listed(offers)
    pool = CandidatePool(candidates, matching_catalogue())
    seekers = {side.model: _seekers(side.model, published_rows(side.model)) for side in SIDES}
    by_side = {model: _listed(by_id) for model, by_id in seekers.items()}
    return OfferSide(offers, seekers, Loaded(listings, candidates, pool, by_side))


def _replaced(kept: dict[int, T], gone: Collection[int], fresh: dict[int, T]) -> dict[int, T]:
    replaced = dict(kept)  # copied whole, then the few gone taken out: not key by key
    for key in gone:
        replaced.pop(key, None)
    replaced.update(fresh)
    return replaced


def _named_again(
    model: type[Listing],
    by_id: dict[int, tuple[ListingRow, T]],
    named: Named,
    parts: Callable[[list[ListingRow]], dict[int, tuple[ListingRow, T]]],
) -> tuple[dict[int, tuple[ListingRow, T]], list[T], list[T]]:
    """`by_id` with the listings named read again (by id, and every one of an organisation
    named: its radius bounds them, or they went with it); and the parts that left and came."""
    ids, organisations = named.listings[model], named.organisations
    fresh = published_rows(model, ids=ids) if ids else []
    if organisations:
        fresh += published_rows(model, organisation_ids=organisations)
    gone = ids | {i for i, (row, _) in by_id.items() if row.organisation_id in organisations}
    came = parts(fresh)
    left = [by_id[i][1] for i in gone if i in by_id]
    return _replaced(by_id, gone, came), left, [part for _, part in came.values()]


def patch_offer_side(side: OfferSide, rows: Sequence[Row[Any]]) -> OfferSide | None:
    """The offers and seekers named read again; what none names is reused as is."""
    named = named_by(rows)
    if named.everything:
        return None
    kept = side.loaded
    offers, parts = side.offers, (kept.offers, kept.candidates, kept.pool)
    if named.listings[Offer] or named.organisations:
        offers, left, came = _named_again(Offer, offers, named, _offers)
        listings, candidates = _listed(offers)
        parts = (listings, candidates, _KeptCandidatePool(candidates, kept.pool, left, came))
    seekers, by_side = dict(side.seekers), dict(kept.seekers)
    for model, by_id in side.seekers.items():
        if named.listings[model] or named.organisations:
            seekers[model], _, _ = _named_again(model, by_id, named, partial(_seekers, model))
            by_side[model] = _listed(seekers[model])
    return OfferSide(offers, seekers, Loaded(*parts, by_side))


# Suppliers and the opportunities they are ranked for ---------------------------------------


@dataclass(frozen=True)
class SupplierSide:
    """Every supplier as a candidate (by organisation id) in a world, and every published
    opportunity as a query (its organisation and query, by id), in id order as
    `supplier_world` and `published_opportunity_queries` read them."""

    suppliers: dict[int, SupplierCandidate]
    world: SupplierWorld
    opportunities: dict[int, tuple[int, OpportunityQuery]]
    queries: OpportunityQueries


def _by_id(world: SupplierWorld) -> dict[int, SupplierCandidate]:
    return {int(c.key): c for c in world.pool.candidates}  # type: ignore[call-overload]


def _opportunities(queries: OpportunityQueries) -> dict[int, tuple[int, OpportunityQuery]]:
    pairs = zip(queries.organisations, queries.queries, strict=True)
    return dict(zip(queries.ids, pairs, strict=True))


def load_supplier_side() -> SupplierSide:
    world = supplier_world()
    queries = published_opportunity_queries()
    return SupplierSide(_by_id(world), world, _opportunities(queries), queries)


def _organisations_of_offers(side: SupplierSide, offer_ids: Collection[int]) -> set[int]:
    """Each offer's organisation as kept (it may have left) and as the database has it."""
    kept = {side.world.offers[i].organisation_id for i in offer_ids if i in side.world.offers}
    found = db.session.scalars(select(Offer.organisation_id).where(Offer.id.in_(offer_ids)))
    return kept | set(found)


def _suppliers_patched(side: SupplierSide, changed: set[int]) -> tuple[dict, SupplierWorld]:
    """The `changed` suppliers read again, and a world with a pool of them all."""
    alone = supplier_world(only=changed)
    kept = side.world
    suppliers = _replaced(side.suppliers, changed, _by_id(alone))
    ordered = [suppliers[key] for key in sorted(suppliers)]
    # Names of the codes any supplier has had: a name more than needed is never read.
    names = {**kept.pool.trade_names, **alone.pool.trade_names}
    gone = {i for i, row in kept.offers.items() if row.organisation_id in changed}
    world = SupplierWorld(
        _KeptSupplierPool(ordered, matching_catalogue(), names),
        _replaced(kept.organisations, changed, alone.organisations),
        _replaced(kept.offers, gone, alone.offers),
    )
    return suppliers, world


def patch_supplier_side(side: SupplierSide, rows: Sequence[Row[Any]]) -> SupplierSide | None:
    """The suppliers named (directly, or by one of their offers) and the opportunities
    named, read again; what none names is reused as is."""
    named = named_by(rows)
    if named.everything or named.signees:
        return None
    suppliers, world = side.suppliers, side.world
    changed = set(named.organisations)
    if named.listings[Offer]:
        changed |= _organisations_of_offers(side, named.listings[Offer])
    if changed:
        suppliers, world = _suppliers_patched(side, changed)
    opportunities, queries = side.opportunities, side.queries
    if ids := named.listings[Opportunity]:
        fresh = _opportunities(published_opportunity_queries(ids))
        opportunities = _replaced(opportunities, ids, fresh)
        queries = queries.patched(opportunities)
    return SupplierSide(suppliers, world, opportunities, queries)


# What recomputes read -------------------------------------------------------------------


@dataclass
class _Sides:
    # Looked up when called, not when kept: what the module holds then is what runs.
    offers: _Kept[OfferSide] = field(
        default_factory=lambda: _Kept(lambda: load_offer_side(), lambda *a: patch_offer_side(*a))
    )
    suppliers: _Kept[SupplierSide] = field(
        default_factory=lambda: _Kept(
            lambda: load_supplier_side(), lambda *a: patch_supplier_side(*a)
        )
    )


def _sides() -> _Sides:
    return current_app.extensions.setdefault(_KEY, _Sides())


def _usable() -> bool:
    """Whether this transaction has written nothing the world is built from (what it wrote
    is logged only at its commit)."""
    return not written_topics().intersection(LOGGED_TOPICS)


def offer_side() -> Loaded | None:
    """The published offers and seekers for a Scene; None: read them afresh."""
    return _sides().offers.current().loaded if _usable() else None


def supplier_side() -> tuple[SupplierWorld, OpportunityQueries] | None:
    """The suppliers and published opportunities for a SupplierScene; None: read afresh."""
    if not _usable():
        return None
    side = _sides().suppliers.current()
    return side.world, side.queries


def forget() -> None:
    """Drop this process's kept world: the next recompute reads everything (a benchmark's
    cold case)."""
    current_app.extensions.pop(_KEY, None)
