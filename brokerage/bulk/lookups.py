"""What checking an import file needs to look up, read once per file rather than per row:
where postcodes are, the catalogue's codes, the organisations and listings already there
(by partner ref and by app ref: see refs.py) and whose company and charity numbers are
whose."""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import select

from ..accounts.models import ORGANISATION_REF_PREFIX, Organisation
from ..errors import BrokerageError
from ..extensions import db
from ..places.book import PlaceBook
from ..places.postcodes import InvalidPostcode
from ..places.service import Place
from ..toms.service import current_measures
from .formats import IDENTIFIER_COLUMNS, CellError
from .refs import app_ref_id


@dataclass(frozen=True)
class KnownOrganisation:
    id: int
    kind: str
    postcode: str
    partner_ref: str | None = None
    name: str = ""
    numbers: tuple[str | None, ...] = ()  # in the order of IDENTIFIER_COLUMNS


@dataclass
class Lookups:
    places: dict[str, Place | CellError] = field(default_factory=dict)
    # Refs and names met so far in this file: a second row with either is a mistake.
    refs_in_file: set[str] = field(default_factory=set)
    names_in_file: set[str] = field(default_factory=set)
    # (column, number) met so far: the ref and name of the row that had it.
    numbers_in_file: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    _listings: dict[Any, tuple[dict[int, str | None], set[str]]] = field(default_factory=dict)

    def place(self, postcode: str, column: str = "postcode") -> Place:
        """What `places.service.resolve` says of a postcode, from memory (see PlaceBook);
        CellError, naming the column, for one that cannot be placed."""
        key = postcode.strip().upper()
        if key not in self.places:
            try:
                self.places[key] = self.book.resolve(postcode)
            except (BrokerageError, InvalidPostcode) as error:
                self.places[key] = CellError(f"{column}: {error}")
        found = self.places[key]
        if isinstance(found, CellError):
            raise found
        return found

    @cached_property
    def book(self) -> PlaceBook:
        return PlaceBook()

    @cached_property
    def known_codes(self) -> frozenset[str]:
        return frozenset(measure.code for measure in current_measures())

    @cached_property
    def every_organisation(self) -> dict[int, KnownOrganisation]:
        """Every organisation, by id (read as plain rows: a large directory is 50,000)."""
        numbers = [getattr(Organisation, column) for column in IDENTIFIER_COLUMNS]
        rows = db.session.execute(
            select(
                Organisation.id,
                Organisation.kind,
                Organisation.postcode,
                Organisation.external_ref,
                Organisation.name,
                *numbers,
            )
        )
        return {
            id_: KnownOrganisation(id_, kind, postcode, ref, name, tuple(numbers))
            for id_, kind, postcode, ref, name, *numbers in rows
        }

    @cached_property
    def organisations(self) -> dict[str, KnownOrganisation]:
        """Organisations with a partner's ref, by ref."""
        return {o.partner_ref: o for o in self.every_organisation.values() if o.partner_ref}

    def organisation(self, ref: str) -> KnownOrganisation | None:
        """The organisation a ref names: by partner ref, else by app ref (ORG-12)."""
        found = self.organisations.get(ref)
        id_ = app_ref_id(ref, ORGANISATION_REF_PREFIX)
        return found or (self.every_organisation.get(id_) if id_ is not None else None)

    def organisation_key(self, ref: str, what: str) -> str:
        """See `key`, for an organisation's ref (`what`: its kind)."""
        return key(ref, ORGANISATION_REF_PREFIX, self.organisations, self._partner_refs, what)

    def parent(self, ref: str) -> tuple[str, KnownOrganisation | None]:
        """A listing's organisation named by partner ref or app ref, and the ref an export
        would write for it (its partner ref if it has one)."""
        found = self.organisation(ref)
        return (found.partner_ref or ref if found else ref), found

    @cached_property
    def _partner_refs(self) -> dict[int, str | None]:
        return {o.id: o.partner_ref for o in self.every_organisation.values()}

    def listing_key(self, model: Any, ref: str) -> str:
        """See `key`, for a listing's ref (`model`: Offer, Opportunity or Need)."""
        if model not in self._listings:
            rows: dict[int, str | None] = dict(
                db.session.execute(select(model.id, model.external_ref)).all()
            )
            self._listings[model] = (rows, {ref for ref in rows.values() if ref})
        records, known = self._listings[model]
        return key(ref, model.REF_PREFIX, known, records, model.__name__.lower())

    def number_owner(self, column: str, number: str) -> KnownOrganisation | None:
        """The organisation that has this company or charity number already."""
        return self.number_owners.get((column, number))

    @cached_property
    def number_owners(self) -> dict[tuple[str, str], KnownOrganisation]:
        return {
            (column, number): known
            for known in self.every_organisation.values()
            for column, number in zip(IDENTIFIER_COLUMNS, known.numbers, strict=True)
            if number
        }

    @cached_property
    def name_owners(self) -> dict[str, KnownOrganisation]:
        """Every organisation by its name in lower case."""
        return {o.name.lower(): o for o in self.every_organisation.values()}


def key(
    ref: str,
    prefix: str,
    partner_refs: Container[str],
    records: Mapping[int, str | None],
    what: str,
) -> str:
    """The ref a row is keyed by: a partner's ref as it is, new or known; an app ref
    (`prefix`-id, see refs.py) as the record's partner ref if it has one, else as it is.
    `records`: each record's partner ref (or None) by id. CellError for an app ref that
    names nothing, or that is also another record's partner ref (it could mean either)."""
    id_ = app_ref_id(ref, prefix)
    if id_ is None:
        return ref
    if ref in partner_refs:
        if id_ in records and records[id_] is None:
            raise CellError(
                f"ref {ref} is the ref of one {what} in your files and the site's ref of "
                f"another: give the first a ref of your own."
            )
        return ref
    if id_ not in records:
        raise CellError(
            f"ref {ref} is written as the site's own refs are, but no {what} has it: give "
            "new records refs of your own."
        )
    return records[id_] or ref
