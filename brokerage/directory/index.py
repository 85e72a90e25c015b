"""The directory's per-process search index: what each searchable record says, where it
is, and an inverted word index, as NumPy arrays.

Building it reads every searchable row (seconds for 50,000 suppliers: see README), so it
is kept per process, keyed by the versions of the organisations and listings topics: a
commit by any process (a web worker, a `flask` command, a job) that writes one gives it a
new version, and the next transaction here rebuilds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import select

from ..accounts.models import ORGANISATION_REF_PREFIX, Organisation, OrganisationKind
from ..caching import versions_of
from ..extensions import database_name, db
from ..listings import service as listings_service
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
from ..listings.trades import trade_words
from ..matching.near_words import NearWords
from ..matching.text import words
from ..memos import Memo
from ..places.districts import district_of
from ..places.lookup import locate_postcode
from ..places.postcodes import InvalidPostcode

SUMMARY_LENGTH = 240
# Words typed whose matches an index keeps: 193 words held 4.7 MB at 10,005 suppliers (the
# entries holding each), so this many hold some 30 MB at 50,000.
WORD_MATCHES_KEPT = 256


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
class Coded:
    """A column of labels as small integers: comparing 10,005 strings to one costs some
    200 us, comparing their codes some 3 us."""

    codes: np.ndarray
    ids: dict[str, int]

    @classmethod
    def of(cls, labels: list[str]) -> Coded:
        ids: dict[str, int] = {}
        codes = np.fromiter(
            (ids.setdefault(label, len(ids)) for label in labels), dtype=np.int32, count=len(labels)
        )
        return cls(codes, ids)

    def equal_to(self, label: str) -> np.ndarray:
        """Per entry, whether its label is `label`."""
        found = self.ids.get(label)
        if found is None:
            return np.zeros(self.codes.size, dtype=bool)
        return self.codes == found


class WordMatch(NamedTuple):
    """What one word typed matches in an index (service._word_term): the vocabulary words
    near it, best first, and the entries holding any of them (sorted), with the best
    similarity each holds and the position in `near` of the word that gave it."""

    near: tuple[str, ...]
    ids: np.ndarray
    best: np.ndarray
    which: np.ndarray


@dataclass(frozen=True)
class Index:
    entries: list[Entry]
    easting: np.ndarray  # metres, NaN where the postcode has no grid point
    northing: np.ndarray
    vocabulary: NearWords  # words of letters only: those a typo may stand for
    postings: dict[str, np.ndarray]  # word -> indices of entries with it anywhere
    title_postings: dict[str, np.ndarray]  # word -> indices with it in the name or title
    code_postings: dict[str, np.ndarray]  # measure code -> indices of entries naming it
    code_spellings: dict[str, str]  # a measure code in capitals -> the code
    trade_postings: dict[str, np.ndarray]  # trade_keys() -> indices of suppliers with it
    sector: Coded  # "" where an entry has none
    size: Coded
    verified: np.ndarray
    vcse: np.ndarray
    living_wage: np.ndarray
    name_rank: np.ndarray  # each entry's place in name order, to break ties
    # The words typed most recently and what each matches, kept while this index is
    # (service._word_term): the words most searches share stay, however many typos come.
    word_matches: Memo[str, WordMatch] = field(
        default_factory=lambda: Memo(WORD_MATCHES_KEPT), compare=False, repr=False
    )

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
    code_postings = _postings([document.entry.codes for document in documents])
    entries = [document.entry for document in documents]
    names = np.array([entry.name.lower() for entry in entries], dtype=object)
    name_rank = np.empty(len(entries), dtype=np.int64)
    name_rank[np.argsort(names, kind="stable")] = np.arange(len(entries))
    points = np.array([d.point for d in documents], dtype=np.float64).reshape(-1, 2)
    return Index(
        entries=entries,
        easting=points[:, 0],
        northing=points[:, 1],
        vocabulary=NearWords(sorted(word for word in postings if word.isalpha())),
        postings=postings,
        title_postings=_postings([document.title_words for document in documents]),
        code_postings=code_postings,
        code_spellings={code.upper(): code for code in code_postings},
        trade_postings=_postings([trade_keys(document.entry.trades) for document in documents]),
        sector=Coded.of([e.sector or "" for e in entries]),
        size=Coded.of([e.size or "" for e in entries]),
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

# What every index reads: organisations with their profiles and trades, and listings.
TOPICS = ("organisations", "listings")
SOURCES: dict[str, Callable[[], list[Document]]] = {
    "suppliers": supplier_documents,
    "needs": lambda: listing_documents(Need, NeedMeasure.need_id, NeedMeasure.measure_code),
    "opportunities": lambda: listing_documents(
        Opportunity, OpportunityMeasure.opportunity_id, OpportunityMeasure.measure_code
    ),
}


@dataclass(frozen=True)
class _Held:
    versions: tuple[int, ...]
    # Listings close when their date passes with nothing written: a new day is a new index.
    day: date
    index: Index


_cache: dict[tuple[str, str], _Held] = {}
_lock = threading.Lock()


def index_for(kind: str) -> Index:
    """The index of `kind` (suppliers, needs, opportunities), rebuilt when a commit (by any
    process) has changed what it reads; built afresh, and not kept, for a transaction that
    has written it itself."""
    versions = versions_of(TOPICS)
    if versions is None:
        return build_index(SOURCES[kind]())
    key, day = (kind, database_name()), listings_service.today()
    held = _cache.get(key)
    if held is None or (held.versions, held.day) != (versions, day):
        with _lock:  # one build per process at a time: each costs seconds at county scale
            held = _cache.get(key)
            if held is None or (held.versions, held.day) != (versions, day):
                held = _Held(versions, day, build_index(SOURCES[kind]()))
                _cache[key] = held
    return held.index
