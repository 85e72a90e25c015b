"""Suppliers, buyers and beneficiaries as spreadsheet rows: read, written and saved.

A row whose name is an organisation already registered on the site (of the same kind,
with no ref yet) gives that organisation its ref instead of making a second one; a row
whose ref is the site's own (ORG-12, as exports write it for organisations made on the
site) updates that organisation and gives it no partner ref. Company and charity numbers
are checked as on the site, and a number another organisation has (in the database or on
an earlier row) is refused, naming it. An
imported organisation has no members yet (staff invite its people); its sector,
size, flags and website go on its profile, its name, postcode and description on the
organisation itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, delete, func, insert, select

from ..accounts import identifiers
from ..accounts.models import ORGANISATION_REF_PREFIX, Organisation, OrganisationKind
from ..accounts.organisation_types import OrganisationType
from ..extensions import db, table_of
from ..listings.choices import Size
from ..listings.models import OrganisationTrade, Profile
from ..types import utcnow
from . import classify, formats
from . import refs as refs_sql
from .formats import IDENTIFIER_COLUMNS, CellError, Kind
from .lookups import KnownOrganisation, Lookups

_HOST = re.compile(r"^(?=.{4,253}$)([a-z0-9](-*[a-z0-9])*\.)+[a-z]{2,63}$")


@dataclass(frozen=True)
class OrganisationRow:
    ref: str
    name: str
    postcode: str
    sector: str | None
    size: str | None
    is_vcse: bool
    pays_real_living_wage: bool
    description: str
    website: str
    trades: tuple[str, ...] = ()  # CPV codes
    trades_written: tuple[str, ...] = ()  # words no code was read from, for staff
    organisation_type: str | None = None
    type_written: str = ""
    company_number: str | None = None
    charity_number: str | None = None
    # The file has a trades (or type) column: the row says all of them. Without one, the
    # trades it names are added to those the organisation has, and a type is kept.
    says_all_trades: bool = field(default=True, compare=False)
    says_type: bool = field(default=True, compare=False)
    # The identifier columns the file has; a number a file without its column does not
    # give is kept.
    says_numbers: frozenset[str] = field(default=frozenset(IDENTIFIER_COLUMNS), compare=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def cells(self) -> dict[str, str]:
        """The row as an export writes it: equal cells mean nothing to change."""
        type_label = (
            OrganisationType(self.organisation_type).label
            if self.organisation_type
            else self.type_written
        )
        return {
            "ref": self.ref,
            "name": self.name,
            "postcode": self.postcode,
            "sector": self.sector or "",
            "size": self.size or "",
            "vcse": formats.write_yes_no(self.is_vcse),
            "living_wage": formats.write_yes_no(self.pays_real_living_wage),
            "description": self.description,
            "website": self.website,
            "trades": "; ".join((*self.trades, *self.trades_written)),
            "type": type_label,
            "company_number": self.company_number or "",
            "charity_number": self.charity_number or "",
        }

    def completed_by(self, current: OrganisationRow | None) -> OrganisationRow:
        """This row with what its file did not say taken from the organisation as it is."""
        if current is None:
            return self
        row = self
        if not self.says_all_trades:
            row = replace(
                row,
                trades=tuple(dict.fromkeys((*current.trades, *self.trades))),
                trades_written=tuple(
                    dict.fromkeys((*current.trades_written, *self.trades_written))
                ),
            )
        if not self.says_type and not (self.organisation_type or self.type_written):
            row = replace(
                row,
                organisation_type=current.organisation_type,
                type_written=current.type_written,
            )
        kept = {
            column: getattr(current, column)
            for column in IDENTIFIER_COLUMNS
            if column not in self.says_numbers and not getattr(self, column)
        }
        return replace(row, **kept) if kept else row


def parse(kind: Kind, cells: dict[str, str], lookups: Lookups) -> OrganisationRow:
    """One row checked; CellError says what is wrong with it."""
    ref = formats.name(cells["ref"], "ref", formats.MAX_REF)
    ref = lookups.organisation_key(ref, kind.organisation_kind)
    known = lookups.organisation(ref)
    if known is not None and known.kind != kind.organisation_kind:
        raise CellError(f"ref {ref} is already a {known.kind}, not a {kind.organisation_kind}.")
    name = formats.name(cells["name"], "name")
    owner = lookups.name_owners.get(name.lower())
    adopts = (
        owner is not None
        and known is None
        and owner.partner_ref is None
        and owner.kind == kind.organisation_kind
    )
    taken = owner is not None and owner != known and not adopts
    if taken or name.lower() in lookups.names_in_file:
        raise CellError(f"name: an organisation called {name} is already registered.")
    known = owner if adopts else known
    numbers = _numbers(cells, known, lookups)
    supplier = kind.organisation_kind == OrganisationKind.SUPPLIER
    reading = classify.read_organisation(
        kind.organisation_kind, cells["sector"], cells.get("trades", ""), cells.get("type", "")
    )
    row = OrganisationRow(
        ref=ref,
        name=name,
        postcode=lookups.place(cells["postcode"]).postcode,
        sector=reading.sector,
        trades=tuple(reading.trade_codes),
        trades_written=tuple(reading.trades_written),
        organisation_type=reading.organisation_type,
        type_written=reading.type_written,
        says_all_trades="trades" in cells,
        says_type="type" in cells,
        warnings=tuple(reading.warnings),
        size=formats.choice(cells["size"], "size", Size, required=supplier),
        is_vcse=formats.yes_no(cells["vcse"], "vcse"),
        pays_real_living_wage=formats.yes_no(cells["living_wage"], "living_wage"),
        description=formats.text(cells["description"], "description"),
        website=_website(cells["website"]),
        says_numbers=frozenset(column for column in IDENTIFIER_COLUMNS if column in cells),
        **numbers,
    )
    lookups.names_in_file.add(name.lower())
    for column, number in numbers.items():
        if number:
            lookups.numbers_in_file[column, number] = (ref, name)
    return row


def _numbers(
    cells: dict[str, str], known: KnownOrganisation | None, lookups: Lookups
) -> dict[str, str | None]:
    """The row's company and charity numbers, as the register writes them; CellError for
    one in the wrong form, or that another organisation or an earlier row has."""
    numbers: dict[str, str | None] = {}
    for column in IDENTIFIER_COLUMNS:
        written = cells.get(column, "").strip()
        if not written:
            continue
        try:
            number = identifiers.READERS[column](written)
        except identifiers.InvalidIdentifier as error:
            raise CellError(f"{column}: {error}") from error
        owner = lookups.number_owner(column, number)
        if owner is not None and owner != known:
            raise CellError(f"{column}: {identifiers.taken(column, number, owner.name)}")
        if (column, number) in lookups.numbers_in_file:
            ref, name = lookups.numbers_in_file[column, number]
            where = f", on an earlier row (ref {ref})"
            raise CellError(f"{column}: {identifiers.taken(column, number, name, where)}")
        numbers[column] = number
    return numbers


def _website(value: str) -> str:
    """An http(s) address with a real-looking host; `example.org` gains https://."""
    value = value.strip()
    if not value:
        return ""
    if "://" not in value:
        value = f"https://{value}"
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or parts.username
        or not _HOST.match(host)
        or re.search(r"[\s<>\"']", value)
        or len(value) > 255
    ):
        raise CellError(f"website “{value[:40]}” is not a web address like https://example.org.")
    return value


def cells_of(
    organisation: Organisation, profile: Profile | None, trades: list[tuple[str | None, str]]
) -> dict[str, str]:
    return _row_of(organisation, profile, trades).cells()


def _row_of(
    organisation: Organisation, profile: Profile | None, trades: list[tuple[str | None, str]]
) -> OrganisationRow:
    """The organisation as a row of its file; `trades` are its (code, written) pairs."""
    return OrganisationRow(
        ref=organisation.external_ref or organisation.ref,
        name=organisation.name,
        postcode=organisation.postcode,
        sector=profile.sector if profile else None,
        size=profile.size if profile else None,
        is_vcse=bool(profile and profile.is_vcse),
        pays_real_living_wage=bool(profile and profile.pays_real_living_wage),
        description=organisation.description,
        website=profile.website if profile else "",
        trades=tuple(code for code, _ in trades if code),
        trades_written=tuple(written for code, written in trades if not code),
        organisation_type=organisation.organisation_type,
        type_written=organisation.organisation_type_written,
        company_number=organisation.company_number,
        charity_number=organisation.charity_number,
    )


def save(kind: Kind, rows: list[OrganisationRow]) -> tuple[int, int]:
    """Create or update these organisations by ref; returns (created, updated). Rows are
    compared as plain values and only changed ones loaded as objects; new ones are
    inserted in one statement per table: a large file would be slow row by row."""
    current = _current([row.ref for row in rows])
    adopted = _to_adopt(kind, [row for row in rows if row.ref not in current])
    before = current | (_current(list(adopted)) if adopted else {})
    rows = [row.completed_by(before.get(row.ref)) for row in rows]
    changed = {
        row.ref: row
        for row in rows
        if row.ref in adopted or (row.ref in current and current[row.ref].cells() != row.cells())
    }
    organisations = {
        o.external_ref or o.ref: o
        for o in db.session.scalars(select(Organisation).where(_named_by(list(changed))))
    } | adopted
    profiles = _profiles([o.id for o in organisations.values()])
    for ref, row in changed.items():
        organisation = organisations[ref]
        _update(organisation, profiles.get(organisation.id), row)
    _replace_trades(
        [
            (organisations[ref].id, row)
            for ref, row in changed.items()
            if _trades_differ(row, before.get(ref))
        ]
    )
    new = [row for row in rows if row.ref not in current and row.ref not in adopted]
    if new:
        _insert(kind, new)
    db.session.flush()
    return len(new), len(changed)


def _trades_differ(row: OrganisationRow, before: OrganisationRow | None) -> bool:
    return before is None or (row.trades, row.trades_written) != (
        before.trades,
        before.trades_written,
    )


def _named_by(refs: list[str]) -> ColumnElement[bool]:
    return refs_sql.named_by(Organisation, ORGANISATION_REF_PREFIX, refs)


def _current(refs: list[str]) -> dict[str, OrganisationRow]:
    """The organisations these refs name (partner or app refs), as their rows would
    export now, by ref."""
    if not refs:
        return {}
    query = (
        select(Organisation, Profile)
        .outerjoin(Profile, Profile.organisation_id == Organisation.id)
        .where(_named_by(refs))
    )
    found = db.session.execute(query).all()
    trades = _trades_of([organisation.id for organisation, _ in found])
    rows = (
        _row_of(organisation, profile, trades.get(organisation.id, []))
        for organisation, profile in found
    )
    return {row.ref: row for row in rows}


def _trades_of(organisation_ids: list[int] | None) -> dict[int, list[tuple[str | None, str]]]:
    """Each organisation's (code, written) trades, in order; None: every organisation's."""
    query = select(
        OrganisationTrade.organisation_id, OrganisationTrade.cpv_code, OrganisationTrade.written
    ).order_by(OrganisationTrade.id)
    if organisation_ids is not None:
        query = query.where(OrganisationTrade.organisation_id.in_(organisation_ids))
    found: dict[int, list[tuple[str | None, str]]] = {}
    for organisation_id, code, written in db.session.execute(query):
        found.setdefault(organisation_id, []).append((code, written))
    return found


def _replace_trades(rows: list[tuple[int, OrganisationRow]]) -> None:
    """Each organisation's trades made the row's: one statement to delete, one to insert."""
    if not rows:
        return
    table = table_of(OrganisationTrade)
    db.session.execute(delete(table).where(table.c.organisation_id.in_([i for i, _ in rows])))
    values = [
        {"organisation_id": organisation_id, "cpv_code": code, "written": written}
        for organisation_id, row in rows
        for code, written in (
            *((code, "") for code in row.trades),
            *((None, words) for words in row.trades_written),
        )
    ]
    if values:
        db.session.execute(insert(table), values)


def _update(organisation: Organisation, profile: Profile | None, row: OrganisationRow) -> None:
    if profile is None:
        profile = Profile(organisation=organisation)
        db.session.add(profile)
    organisation.name, organisation.postcode = row.name, row.postcode
    organisation.description = row.description
    organisation.organisation_type = row.organisation_type
    organisation.organisation_type_written = row.type_written
    organisation.company_number = row.company_number
    organisation.charity_number = row.charity_number
    for name, value in _profile_values(row).items():
        setattr(profile, name, value)


def _insert(kind: Kind, rows: list[OrganisationRow]) -> None:
    # Plain executemany, then the ids by ref: RETURNING would send SQLite a row at a time.
    db.session.execute(
        insert(table_of(Organisation)),
        [
            {
                "external_ref": row.ref,
                "kind": kind.organisation_kind.value,
                "name": row.name,
                "postcode": row.postcode,
                "description": row.description,
                "organisation_type": row.organisation_type,
                "organisation_type_written": row.type_written,
                "company_number": row.company_number,
                "charity_number": row.charity_number,
            }
            for row in rows
        ],
    )
    ids = dict(
        db.session.execute(
            select(Organisation.external_ref, Organisation.id).where(
                Organisation.external_ref.in_([row.ref for row in rows])
            )
        ).all()
    )
    db.session.execute(
        insert(table_of(Profile)),
        [{"organisation_id": ids[row.ref], **_profile_values(row)} for row in rows],
    )
    _replace_trades([(ids[row.ref], row) for row in rows if row.trades or row.trades_written])


def _profile_values(row: OrganisationRow) -> dict[str, object]:
    return {
        "sector": row.sector,
        "size": row.size,
        "website": row.website,
        "is_vcse": row.is_vcse,
        "pays_real_living_wage": row.pays_real_living_wage,
        "updated_at": utcnow(),
    }


def _to_adopt(kind: Kind, rows: list[OrganisationRow]) -> dict[str, Organisation]:
    """Organisations registered on the site (no ref yet) that new rows name: the row
    gives them its ref rather than making a second organisation of the same name."""
    refs = {row.name.lower(): row.ref for row in rows}
    if not refs:
        return {}
    found = db.session.scalars(
        select(Organisation).where(
            func.lower(Organisation.name).in_(refs),
            Organisation.external_ref.is_(None),
            Organisation.kind == kind.organisation_kind.value,
        )
    )
    adopted = {}
    for organisation in found:
        organisation.external_ref = refs[organisation.name.lower()]
        adopted[organisation.external_ref] = organisation
    return adopted


def _profiles(organisation_ids: list[int]) -> dict[int, Profile]:
    if not organisation_ids:
        return {}
    found = db.session.scalars(select(Profile).where(Profile.organisation_id.in_(organisation_ids)))
    return {profile.organisation_id: profile for profile in found}


def export_rows(kind: Kind, batch: int = 1000) -> Iterator[dict[str, str]]:
    """Every organisation of this kind, by name, in the import's columns."""
    query = (
        select(Organisation, Profile)
        .outerjoin(Profile, Profile.organisation_id == Organisation.id)
        .where(Organisation.kind == kind.organisation_kind.value)
        .order_by(Organisation.name)
        .execution_options(yield_per=batch)
    )
    trades = _trades_of(None)
    for organisation, profile in db.session.execute(query):
        yield cells_of(organisation, profile, trades.get(organisation.id, []))
