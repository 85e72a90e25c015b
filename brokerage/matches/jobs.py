"""Keeping stored matches current as listings change, without listings knowing.

Listings' signals mark what changed in the session. A recompute must see the change
committed, so with Redis the job is queued just after the commit; without Redis (or when
it cannot be reached) there is no worker to wait for, so the recompute runs just before
the commit, in the same transaction, and lands with the change or not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import Flask, has_app_context
from sqlalchemy import event, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..accounts.models import Organisation
from ..extensions import db
from ..jobs import enqueue, redis_reachable
from ..listings.kinds import KINDS
from ..listings.models import LISTING_MODELS, Listing, Offer, Opportunity
from ..listings.signals import listing_changed, listings_changed_in_bulk, profile_changed
from .store import rebuild, recompute
from .supplier_store import rebuild_supplier_matches, recompute_supplier_matches

log = logging.getLogger(__name__)
PENDING = "matches_to_recompute"
EVERYTHING = ("all", 0)
MODEL_OF_KIND = {kind.name: kind.model for kind in KINDS}
KIND_OF_MODEL = {kind.model: kind.name for kind in KINDS}
Key = tuple[str, int]


def mark_changed(key: Key) -> None:
    """Recompute what `key` ("offer", 12) affects once this transaction commits."""
    db.session.info.setdefault(PENDING, set()).add(key)


def mark_everything_changed() -> None:
    """Rebuild every stored match once this transaction commits (a new policy, a bulk load)."""
    mark_changed(EVERYTHING)


def recompute_changed(keys: Iterable[Key]) -> None:
    """The job: recompute what the listings (or organisations' listings) in `keys` affect,
    offer-level and supplier-level."""
    keys = set(map(tuple, keys))
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
    recompute(listings)
    # Supplier matches: an opportunity's own ranking; a supplier's rows when one of its
    # offers, its profile or its trades changed.
    suppliers |= {listing.organisation_id for listing in listings if isinstance(listing, Offer)}
    opportunities = [listing.id for listing in listings if isinstance(listing, Opportunity)]
    recompute_supplier_matches(opportunities, suppliers)


def _listings_of(organisation_id: int) -> list[Listing]:
    return [
        listing
        for model in LISTING_MODELS
        for listing in db.session.scalars(
            select(model).where(model.organisation_id == organisation_id).order_by(model.id)
        )
    ]


def _on_listing_changed(listing: Listing) -> None:
    mark_changed((KIND_OF_MODEL[type(listing)], listing.id))


def _on_profile_changed(organisation: Organisation) -> None:
    mark_changed(("organisation", organisation.id))


def _on_listings_changed_in_bulk(_sender: Any) -> None:
    mark_everything_changed()


def _before_commit(session: Session) -> None:
    if PENDING in session.info and has_app_context() and not redis_reachable():
        recompute_changed(session.info.pop(PENDING))


def _after_commit(session: Session) -> None:
    keys = session.info.pop(PENDING, None)
    if not keys or not has_app_context():
        return
    try:
        enqueue(recompute_changed, sorted(keys))
    except SQLAlchemyError:
        # Redis went away between the ping and the enqueue: the in-request fallback cannot
        # write after a commit. The next change or `flask match rebuild` catches up.
        log.warning("Matches for %s were not recomputed: no worker and no transaction", keys)


def _after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(PENDING, None)


def init_app(app: Flask) -> None:
    """Listen to listings' signals and to every session's commits (once per process)."""
    listing_changed.connect(_on_listing_changed)
    profile_changed.connect(_on_profile_changed)
    listings_changed_in_bulk.connect(_on_listings_changed_in_bulk)
    for name, listener in (
        ("before_commit", _before_commit),
        ("after_commit", _after_commit),
        ("after_soft_rollback", _after_rollback),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
