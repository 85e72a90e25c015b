"""Keeping stored matches current as listings and organisations change, without listings
knowing: the `matches` subscriber of `changes` reads what each commit wrote and queues
one recompute job for it (a worker takes it with Redis; without, it runs just after the
commit, in its own transaction, so the save never waits inside its commit).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ..accounts.models import Organisation
from ..changes import Change, Committed, Subscriber, announce
from ..extensions import db
from ..jobs import enqueue
from ..listings.kinds import KINDS
from ..listings.models import LISTING_MODELS, Listing, Offer, Opportunity
from .store import rebuild, recompute
from .supplier_store import rebuild_supplier_matches, recompute_supplier_matches

PENDING = "matches_to_recompute"
EVERYTHING = ("all", 0)
MODEL_OF_KIND = {kind.name: kind.model for kind in KINDS}
KIND_OF_MODEL = {kind.model: kind.name for kind in KINDS}
# A listing's rows (measures, trades) name it by these columns.
LISTING_LINKS = {"offer_id": "offer", "opportunity_id": "opportunity", "need_id": "need"}
Key = tuple[str, int]


def mark_changed(key: Key) -> None:
    """Recompute what `key` ("offer", 12) affects once this transaction commits."""
    db.session.info.setdefault(PENDING, set()).add(key)
    announce()  # so the commit is heard of even if nothing else was written


def mark_everything_changed() -> None:
    """Rebuild every stored match once this transaction commits (a new policy, a bulk load)."""
    mark_changed(EVERYTHING)


def recompute_changed(keys: Iterable[Key]) -> None:
    """The job: recompute what the listings (or organisations' listings) in `keys` affect,
    offer-level and supplier-level."""
    keys = {(kind, int(key_id)) for kind, key_id in keys}  # lists, once through a queue
    if EVERYTHING in keys:
        rebuild()
        rebuild_supplier_matches()
        return
    listings: list[Listing] = []
    suppliers = {identifier for kind, identifier in keys if kind == "organisation"}
    for kind, identifier in sorted(keys):
        if kind == "organisation":
            listings += _listings_of(identifier)
        elif (listing := db.session.get(MODEL_OF_KIND[kind], identifier)) is not None:
            listings.append(listing)
    if listings:  # an organisation without listings, or listings since deleted
        recompute(listings)
    # Supplier matches: an opportunity's own ranking; a supplier's rows when one of its
    # offers, its profile or its trades changed.
    suppliers |= {listing.organisation_id for listing in listings if isinstance(listing, Offer)}
    opportunities = [listing.id for listing in listings if isinstance(listing, Opportunity)]
    if opportunities or suppliers:
        recompute_supplier_matches(opportunities, suppliers)


def _listings_of(organisation_id: int) -> list[Listing]:
    return [
        listing
        for model in LISTING_MODELS
        for listing in db.session.scalars(
            select(model).where(model.organisation_id == organisation_id).order_by(model.id)
        )
    ]


def _keys_of(change: Change) -> set[Key]:
    """What a written row changes in the rankings: its listing, or its organisation's (the
    stored matches' own rows name listings too, but are what a recompute writes)."""
    if change.topic not in {"listings", "organisations"}:
        return set()
    if change.model in KIND_OF_MODEL:
        return {(KIND_OF_MODEL[change.model], change.identity)}
    for link, kind in LISTING_LINKS.items():
        if change.links.get(link) is not None:
            return {(kind, change.links[link])}
    if change.model is Organisation:  # a new one has no listings yet
        return set() if change.action == "created" else {("organisation", change.identity)}
    if change.topic == "organisations" and change.links.get("organisation_id") is not None:
        return {("organisation", change.links["organisation_id"])}
    return set()


def recompute_after_commit(committed: Committed) -> None:
    """The matches subscriber: recompute what the commit's listings and organisations
    affect (everything, after a bulk write), in a job: never inside the commit."""
    keys: set[Key] = db.session().info.pop(PENDING, set())
    if committed.bulk_topics & {"listings", "organisations"}:
        keys.add(EVERYTHING)
    for change in committed.changes:
        keys |= _keys_of(change)
    if keys:
        enqueue(recompute_changed, sorted(keys))


def forget_pending(_rolled_back: Committed) -> None:
    db.session().info.pop(PENDING, None)


SUBSCRIBER = Subscriber("matches", recompute_after_commit, forget_pending)
