"""The directory's per-process search index: what each searchable record says, where it
is, and an inverted word index, as NumPy arrays.

Building it reads every searchable row (seconds for 50,000 suppliers: see README), so it
is kept per process and rebuilt only when something may have changed: a generation
number that any flush of an organisation, profile or listing in this process bumps
(seen at once, renames included), and a stamp of counts and latest times read from the
database at most every DIRECTORY_CHECK_SECONDS (changes made by other processes).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from flask import current_app
from sqlalchemy import Select, case, event, func, select
from sqlalchemy.orm import Session

from ..accounts.models import ORGANISATION_REF_PREFIX, Organisation, OrganisationKind
from ..extensions import db
from ..listings.choices import ListingStatus
from ..listings.closing import open_and_published
from ..listings.models import (
    Listing,
    Need,
    NeedMeasure,
    Offer,
    OfferMeasure,
    Opportunity,
    OpportunityMeasure,
    OrganisationTrade,
    Profile,
)
from ..listings.signals import listings_changed_in_bulk
from ..listings.trades import trade_words
from ..matching.text import words
from ..places.districts import district_of
from ..places.lookup import locate_postcode
from ..places.postcodes import InvalidPostcode

SUMMARY_LENGTH = 240


class Entry(NamedTuple):
    """What a result shows about one supplier, need or opportunity (a tuple: cheap to
    make 50,000 of)."""

    id: int
    ref: str
    name: str
    organisation_id: int
    organisation_name: str
    summary: str
    postcode: str
    district: str
    sector: str | None
    size: str | None
    verified: bool
    vcse: bool
    living_wage: bool
    codes: tuple[str, ...]
    partner_ref: str | None = None  # the ref from a partner's file, if it came from one
    trades: tuple[str, ...] = ()  # a supplier's trades, as CPV codes


@dataclass(slots=True)
class Document:
    """One record as the index reads it: its entry, grid point and words."""

    entry: Entry
    point: tuple[float, float]
    title_words: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Index:
    entries: list[Entry]
    easting: np.ndarray  # metres, NaN where the postcode has no grid point
    northing: np.ndarray
    vocabulary: list[str]  # words of letters only: those a typo may stand for
    postings: dict[str, np.ndarray]  # word -> indices of entries with it anywhere
    title_postings: dict[str, np.ndarray]  # word -> indices with it in the name or title
    code_postings: dict[str, np.ndarray]  # measure code -> indices of entries naming it
    trade_postings: dict[str, np.ndarray]  # trade_keys() -> indices of suppliers with it
    sector: np.ndarray
    size: np.ndarray
    verified: np.ndarray
    vcse: np.ndarray
    living_wage: np.ndarray
    name_rank: np.ndarray  # each entry's place in name order, to break ties

    @property
    def size_of(self) -> int:
        return len(self.entries)


def _postings(keys_per_document: list[Collection[str]]) -> dict[str, np.ndarray]:
    """key -> the sorted indices of the documents holding it, grouped by one NumPy sort
    (50,000 suppliers hold some 2.5 million words: too many for lists of lists)."""
    ids: dict[str, int] = {}
    flat = np.fromiter(
        (ids.setdefault(key, len(ids)) for keys in keys_per_document for key in keys),
        dtype=np.int64,
    )
    owners = np.repeat(
        np.arange(len(keys_per_document), dtype=np.int32),
        [len(keys) for keys in keys_per_document],
    )
    order = np.argsort(flat, kind="stable")
    groups = np.split(owners[order], np.flatnonzero(np.diff(flat[order])) + 1)
    return dict(zip(ids, groups, strict=True)) if ids else {}


def build_index(documents: list[Document]) -> Index:
    """The arrays searched; a document's title words count among its words too."""
    for document in documents:
        document.words |= document.title_words
    postings = _postings([document.words for document in documents])
    entries = [document.entry for document in documents]
    names = np.array([entry.name.lower() for entry in entries], dtype=object)
    name_rank = np.empty(len(entries), dtype=np.int64)
    name_rank[np.argsort(names, kind="stable")] = np.arange(len(entries))
    points = np.array([d.point for d in documents], dtype=np.float64).reshape(-1, 2)
    return Index(
        entries=entries,
        easting=points[:, 0],
        northing=points[:, 1],
        vocabulary=sorted(word for word in postings if word.isalpha()),
        postings=postings,
        title_postings=_postings([document.title_words for document in documents]),
        code_postings=_postings([document.entry.codes for document in documents]),
        trade_postings=_postings([trade_keys(document.entry.trades) for document in documents]),
        sector=np.array([e.sector or "" for e in entries], dtype=object),
        size=np.array([e.size or "" for e in entries], dtype=object),
        verified=np.array([e.verified for e in entries], dtype=bool),
        vcse=np.array([e.vcse for e in entries], dtype=bool),
        living_wage=np.array([e.living_wage for e in entries], dtype=bool),
        name_rank=name_rank,
    )


def significant_digits(code: str) -> str:
    """The digits that say what a CPV code covers: 77310000 -> 7731 (at least a division)."""
    return code.rstrip("0").ljust(2, "0")


def trade_keys(codes: Iterable[str]) -> set[str]:
    """Keys a trade filter looks up: "in:P" for every prefix P of a code (the supplier's
    trade lies within P), "is:S" for each code's significant digits (a filter narrower
    than the supplier's own trade is covered by it)."""
    keys: set[str] = set()
    for code in codes:
        digits = significant_digits(code)
        keys.update(f"in:{digits[:n]}" for n in range(2, len(digits) + 1))
        keys.add(f"is:{digits}")
    return keys


def _place(postcode: str) -> tuple[tuple[float, float], str]:
    """An organisation's grid point and district (organisations store only the postcode)."""
    try:
        point = locate_postcode(postcode)
        district = district_of(postcode)
    except InvalidPostcode:
        return (np.nan, np.nan), ""
    return ((point.easting, point.northing) if point else (np.nan, np.nan)), district


def _codes_by_owner(rows: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    codes: dict[int, list[str]] = {}
    for owner, code in rows:
        codes.setdefault(owner, []).append(code)
    return codes


def supplier_documents() -> list[Document]:
    """Supplier organisations with a profile, with the words and measures of their
    published offers (never their drafts, archived or closed offers). Rows are read as
    plain tuples: loading 50,000 ORM objects would cost seconds."""
    published = open_and_published(Offer)
    codes = _codes_by_owner(
        db.session.execute(
            select(Offer.organisation_id, OfferMeasure.measure_code)
            .join(OfferMeasure.offer)
            .where(published)
            .order_by(OfferMeasure.id)
        )
    )
    trades = _codes_by_owner(
        db.session.execute(
            select(OrganisationTrade.organisation_id, OrganisationTrade.cpv_code)
            .where(OrganisationTrade.cpv_code.is_not(None))
            .order_by(OrganisationTrade.id)
        )
    )
    texts: dict[int, list[tuple[str, str]]] = {}
    for owner, title, description in db.session.execute(
        select(Offer.organisation_id, Offer.title, Offer.description).where(published)
    ):
        texts.setdefault(owner, []).append((title, description))
    rows = db.session.execute(
        select(
            Organisation.id,
            Organisation.name,
            Organisation.postcode,
            Organisation.description,
            Profile.sector,
            Profile.size,
            Profile.verified,
            Profile.is_vcse | Profile.is_social_enterprise,
            Profile.pays_real_living_wage,
            Organisation.external_ref,
        )
        .join(Profile, Profile.organisation_id == Organisation.id)
        .where(Organisation.kind == OrganisationKind.SUPPLIER.value)
    )
    places: dict[str, tuple[tuple[float, float], str]] = {}
    documents = []
    for id_, name, postcode, description, sector, size, verified, vcse, wage, partner_ref in rows:
        if postcode not in places:
            places[postcode] = _place(postcode)
        point, district = places[postcode]
        entry = Entry(
            id_,
            f"{ORGANISATION_REF_PREFIX}-{id_}",
            name,
            id_,
            name,
            description[:SUMMARY_LENGTH],
            postcode,
            district,
            sector,
            size,
            bool(verified),
            bool(vcse),
            bool(wage),
            tuple(dict.fromkeys(codes.get(id_, ()))),
            partner_ref,
            tuple(trades.get(id_, ())),
        )
        document = Document(entry, point, set(words(name)), set(words(description)))
        for code in entry.trades:  # "landscaping" finds a grounds maintenance firm
            document.words.update(words(trade_words(code)))
        for title, text in texts.get(id_, ()):
            document.title_words.update(words(title))
            document.words.update(words(text))
        documents.append(document)
    return documents


def listing_documents(model: type[Listing], owner: Any, code: Any) -> list[Document]:
    """Open published needs or opportunities (`owner`, `code`: their measure rows' listing
    id and code columns), with their organisation's profile flags."""
    codes = _codes_by_owner(db.session.execute(select(owner, code).order_by(owner, code)))
    rows = db.session.execute(
        select(model, Organisation.name, Profile)
        .join(Organisation, Organisation.id == model.organisation_id)
        .outerjoin(Profile, Profile.organisation_id == Organisation.id)
        .where(open_and_published(model))
    ).all()
    documents = []
    for listing, organisation_name, profile in rows:
        entry = Entry(
            id=listing.id,
            ref=listing.ref,
            name=listing.title,
            organisation_id=listing.organisation_id,
            organisation_name=organisation_name,
            summary=listing.description[:SUMMARY_LENGTH],
            postcode=listing.postcode,
            district=listing.district,
            sector=listing.category,
            size=profile.size if profile else None,
            verified=bool(profile and profile.verified),
            vcse=bool(profile and (profile.is_vcse or profile.is_social_enterprise)),
            living_wage=bool(profile and profile.pays_real_living_wage),
            codes=tuple(dict.fromkeys(codes.get(listing.id, ()))),
            partner_ref=listing.external_ref,
        )
        document = Document(entry, (listing.easting, listing.northing), set(words(listing.title)))
        document.words.update(words(listing.description))
        document.words.update(words(organisation_name))
        documents.append(document)
    return documents


# Knowing when to rebuild ----------------------------------------------------------


def _listing_stamp(model: type[Listing]) -> Select[Any]:
    """Counts and latest times; the count of open ones changes when a listing closes
    (its date passes with nothing written)."""
    published = case((model.status == ListingStatus.PUBLISHED.value, 1), else_=0)
    still_open = case((open_and_published(model), 1), else_=0)
    return select(
        func.count(model.id),
        func.max(model.id),
        func.max(model.updated_at),
        func.max(model.published_at),
        func.sum(published),
        func.sum(still_open),
    )


def _organisation_stamp(kind: OrganisationKind | None) -> Select[Any]:
    """Counts and text lengths: an organisation has no time it was last changed (a
    partner's ref counts too: an import can give one and change nothing else)."""
    length = (
        func.length(Organisation.name)
        + func.length(Organisation.description)
        + func.coalesce(func.length(Organisation.external_ref), 0)
    )
    query = select(func.count(Organisation.id), func.max(Organisation.id), func.sum(length))
    return query.where(Organisation.kind == kind.value) if kind else query


def _profile_stamp() -> Select[Any]:
    verified = case((Profile.verified, 1), else_=0)
    return select(
        func.count(Profile.id),
        func.max(Profile.updated_at),
        func.max(Profile.verified_at),
        func.sum(verified),
    )


@dataclass(frozen=True)
class Source:
    """Where one kind of result comes from: how to read it, how to stamp it, and which
    records, when written, change it."""

    documents: Callable[[], list[Document]]
    stamp: Callable[[], tuple[Select[Any], ...]]
    watched: tuple[type, ...]


_OWNERS = (Organisation, Profile)


def _trade_stamp() -> Select[Any]:
    """Trades are replaced, never edited: their count and newest id show any change."""
    return select(func.count(OrganisationTrade.id), func.max(OrganisationTrade.id))


SOURCES = {
    "suppliers": Source(
        supplier_documents,
        lambda: (
            _organisation_stamp(OrganisationKind.SUPPLIER),
            _listing_stamp(Offer),
            _trade_stamp(),
        ),
        (*_OWNERS, Offer, OfferMeasure, OrganisationTrade),
    ),
    "needs": Source(
        lambda: listing_documents(Need, NeedMeasure.need_id, NeedMeasure.measure_code),
        lambda: (_organisation_stamp(None), _listing_stamp(Need)),
        (*_OWNERS, Need, NeedMeasure),
    ),
    "opportunities": Source(
        lambda: listing_documents(
            Opportunity, OpportunityMeasure.opportunity_id, OpportunityMeasure.measure_code
        ),
        lambda: (_organisation_stamp(None), _listing_stamp(Opportunity)),
        (*_OWNERS, Opportunity, OpportunityMeasure),
    ),
}
# How often, at most, the database stamp is read (it scans three tables: some tens of ms
# at 50,000 suppliers). Changes made in this process count at once; other processes' within this.
DEFAULT_CHECK_SECONDS = 2.0


@dataclass
class _Held:
    generation: int
    stamp: tuple[Any, ...]
    checked_at: float
    index: Index


_numbers = itertools.count(1)
_generations = dict.fromkeys(SOURCES, 0)
_cache: dict[tuple[str, str], _Held] = {}
_lock = threading.Lock()


def _invalidate(kinds: Iterable[str] = tuple(SOURCES)) -> None:
    for kind in kinds:
        _generations[kind] = next(_numbers)


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, context: Any) -> None:
    """An organisation, profile or listing written in this process invalidates the
    indexes it is in, even before the transaction commits (the writer may search next)."""
    changed = [type(r) for r in itertools.chain(session.new, session.dirty, session.deleted)]
    kinds = [kind for kind, s in SOURCES.items() if any(m in s.watched for m in changed)]
    _invalidate(kinds)
    session.info.setdefault("directory_kinds", set()).update(kinds)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction: Any) -> None:
    """An index built from changes since rolled back must not outlive them."""
    _invalidate(session.info.pop("directory_kinds", ()))


@event.listens_for(Session, "after_commit")
def _kept(session: Session) -> None:
    session.info.pop("directory_kinds", None)


# Changes made without the ORM's unit of work (bulk imports) are announced instead.
listings_changed_in_bulk.connect(lambda sender, **kwargs: _invalidate(), weak=False)


def index_for(kind: str) -> Index:
    """The index of `kind` (suppliers, needs, opportunities), rebuilt if anything changed."""
    key = (kind, str(db.engine.url))
    generation = _generations[kind]
    held = _cache.get(key)
    now = time.monotonic()
    interval = current_app.config.get("DIRECTORY_CHECK_SECONDS", DEFAULT_CHECK_SECONDS)
    if held and held.generation == generation and now - held.checked_at < interval:
        return held.index
    queries = (_profile_stamp(), *SOURCES[kind].stamp())
    stamp = tuple(tuple(db.session.execute(query).one()) for query in queries)
    with _lock:
        held = _cache.get(key)
        if held and held.generation == generation and held.stamp == stamp:
            held.checked_at = now
        else:
            held = _Held(generation, stamp, now, build_index(SOURCES[kind].documents()))
            _cache[key] = held
    return held.index
