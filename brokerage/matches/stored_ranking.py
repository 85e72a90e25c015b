"""An opportunity's stored supplier ranking as its matches page reads it: the opportunity
itself (what deciding who may see it reads) with its ranked suppliers, their names, the
version of the policy in force, the advice and what the suppliers' cards link to, in one
query on the session's connection (`read_opportunity`); and a stored supplier match's row
as the matcher gave it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Label,
    Row,
    Select,
    String,
    Text,
    bindparam,
    cast,
    literal,
    literal_column,
    null,
    select,
    union_all,
)

from ..accounts.models import Organisation
from ..extensions import CompiledOnce, read_rows
from ..listings import service as listings_service
from ..listings.choices import ListingStatus
from ..listings.closing import open_and_published, still_open
from ..listings.models import Offer, Opportunity
from ..matching.supplier_model import SupplierResult
from .models import Match, State
from .policy import version_in_force
from .supplier_inputs import advice_for, asks_given
from .supplier_models import SupplierMatch, SupplierRanking

# Each supplier's name and the ref its partner's import file gave it, by organisation id.
Names = dict[int, tuple[str, str | None]]


# What showing a stored supplier match reads of its row: columns, not mapped objects; its
# lists as their stored JSON text, decoded together (`_ranking_of`): a ranking's twenty
# lists decoded one by one, as the driver does, took four times as long.
_RESULT_COLUMNS = (
    SupplierMatch.organisation_id,
    SupplierMatch.score,
    SupplierMatch.trade_score,
    SupplierMatch.social_value_score,
    SupplierMatch.place_score,
    SupplierMatch.supplier_score,
    SupplierMatch.size_factor,
    SupplierMatch.distance_m,
    cast(SupplierMatch.reasons, Text).label("reasons"),
    cast(SupplierMatch.offer_ids, Text).label("offer_ids"),
    SupplierMatch.policy_version,
)


@dataclass(frozen=True)
class Ranking:
    """Suppliers ranked for an opportunity (stored, or ranked live), best first, each with the
    version of the policy that ranked it; their names; and the version of the policy in force."""

    ranked: list[tuple[SupplierResult, int]]
    names: Names
    policy_version: int
    # What the buyer could add to the opportunity to be matched better.
    advice: tuple[str, ...]
    # What the suppliers' cards link to (`links_statement`'s rows), if read with the ranking.
    links: Sequence[Row[Any]] | None = None


def links_statement(ranked: Any) -> CompoundSelect:
    """What a ranking's cards link to: each offer of the `ranked` suppliers (a list bound
    as a parameter, or a subquery of their ids), with whether it is open and published and
    its stored match with the opportunity if it has one; and the opportunity's matches other
    suppliers' offers have acted on."""
    opportunity_id: BindParameter[int] = bindparam("opportunity_id")
    columns = (
        Offer.id,
        Offer.external_ref,
        Offer.title,
        Offer.organisation_id,
        Organisation.name,
        Match.id.label("match_id"),
        Match.state,
    )
    ranked_offers = (
        select(*columns, open_and_published(Offer, bindparam("today")).label("is_open"))
        .join(Organisation, Organisation.id == Offer.organisation_id)
        .outerjoin(Match, (Match.offer_id == Offer.id) & (Match.opportunity_id == opportunity_id))
        .where(Offer.organisation_id.in_(ranked))
    )
    acted_on_by_others = (
        select(*columns, literal(False).label("is_open"))
        .select_from(Match)
        .join(Offer, Offer.id == Match.offer_id)
        .join(Organisation, Organisation.id == Offer.organisation_id)
        .where(
            Match.opportunity_id == opportunity_id,
            Match.state != _written(State.SUGGESTED.value),
            Offer.organisation_id.not_in(ranked),
        )
    )
    return union_all(ranked_offers, acted_on_by_others)


# An opportunity as its matches page reads it (who owns it, whether it is published and
# still open, its title) with its stored ranking, best first, each supplier with its name;
# the version of the policy in force and what the advice reads of its asks: built once,
# read with the opportunity's id and today. An opportunity whose ranking is not stored is
# one row of the opportunity alone; one stored with no supplier in it, one row with its
# ranking; no such opportunity, no row.
# The asks of the opportunity named by the parameter, not by each row's: PostgreSQL's plan
# for the prepared statement (generic after five reads) then reads them once by index,
# rather than hashing the whole of opportunity_measures (0.24 ms at a thousand opportunities).
_HAS_TRADE_CODES, _HAS_MEASURES = asks_given(bindparam("opportunity_id"))
_OPPORTUNITY_WITH_RANKING = (
    select(
        Opportunity.id,
        Opportunity.organisation_id.label("owner_id"),
        Opportunity.title,
        Opportunity.status,
        still_open(Opportunity, bindparam("today")).label("is_open"),
        SupplierRanking.opportunity_id.label("ranked_id"),
        version_in_force().label("version_in_force"),
        _HAS_TRADE_CODES.label("has_trade_codes"),
        _HAS_MEASURES.label("has_measures"),
        *_RESULT_COLUMNS,
        Organisation.name,
        Organisation.external_ref,
        SupplierMatch.opportunity_rank.label("ranked_at"),
    )
    .select_from(Opportunity)
    .outerjoin(SupplierRanking, SupplierRanking.opportunity_id == Opportunity.id)
    .outerjoin(
        SupplierMatch,
        (SupplierMatch.opportunity_id == SupplierRanking.opportunity_id)
        & SupplierMatch.opportunity_rank.is_not(None),
    )
    .outerjoin(Organisation, Organisation.id == SupplierMatch.organisation_id)
    .where(Opportunity.id == bindparam("opportunity_id"))
)
# The ranked suppliers of the stored ranking, for the links read with it.
_STORED_RANKED = select(SupplierMatch.organisation_id).where(
    SupplierMatch.opportunity_id == bindparam("opportunity_id"),
    SupplierMatch.opportunity_rank.is_not(None),
)
# A row's `part`: the opportunity with one supplier of its ranking, or a link of the cards.
_RANKING, _LINK = "ranking", "link"


def _with_parts(
    first: tuple[str, Select[*tuple[Any, ...]]],
    *more: tuple[str, Select[*tuple[Any, ...]] | CompoundSelect],
) -> CompoundSelect:
    """The parts' rows in one statement: each with its part's name and every part's columns
    (by name; NULL where a part has no such column), the ranking's best first. The first
    part names the columns and gives their types, so it is not wrapped in a subquery and the
    others' NULLs are bare: psycopg parses a statement of over 4096 bytes afresh on every
    execution (a sixth of the read), and keeps the parsing of shorter ones."""
    first_name, first_statement = first
    subqueries = [(name, statement.subquery(name)) for name, statement in more]
    own = first_statement.selected_columns
    columns = {c.name: c.type for c in own} | {
        c.name: c.type for _, subquery in subqueries for c in subquery.c
    }
    missing = (cast(null(), type_).label(c) for c, type_ in columns.items() if c not in own)
    rows = union_all(
        first_statement.add_columns(*missing, _part(first_name)),
        *(
            select(*(subquery.c.get(column, null()) for column in columns), _part(name))
            for name, subquery in subqueries
        ),
    )
    return rows.order_by(rows.selected_columns.ranked_at)


def _part(name: str) -> Label[str]:
    """A row's part, written into the statement (not a parameter: shorter)."""
    return _written(name).label("part")


def _written(value: str) -> ColumnElement[str]:
    """A string written into the statement, not a parameter. PostgreSQL plans a prepared
    statement once for every value of its parameters only if that plan is about as cheap as
    one for the values given; for a parameter that a column is compared with, it must guess
    how many rows match, and its guess can make the plan for every value worse (then it plans
    the statement afresh on every execution, which costs more than running it)."""
    return literal_column(f"'{value}'", String)


_READ = _with_parts((_RANKING, _OPPORTUNITY_WITH_RANKING), (_LINK, links_statement(_STORED_RANKED)))
_READ_COMPILED = CompiledOnce()


@dataclass(frozen=True)
class OpportunityRead:
    """What an opportunity's matches page reads of the opportunity itself, and its stored
    ranking if it has one: read together in one query (`read_opportunity`)."""

    id: int
    organisation_id: int
    title: str
    is_published: bool
    # Not closed: its deadline has not passed.
    is_open: bool
    ranking: Ranking | None

    @property
    def ref(self) -> str:
        return f"{Opportunity.REF_PREFIX}-{self.id}"


def read_opportunity(opportunity_id: int) -> OpportunityRead | None:
    """The opportunity as its matches page reads it, with its stored ranking (the names of
    its suppliers, the version of the policy in force and the advice), in one query; None
    if there is no such opportunity."""
    parameters = {"opportunity_id": opportunity_id, "today": listings_service.today()}
    read = read_rows(_READ, parameters, _READ_COMPILED)
    rows = [row for row in read if row.part == _RANKING]
    if not rows:
        return None
    first = rows[0]
    links = [row for row in read if row.part == _LINK]
    return OpportunityRead(
        first.id,
        first.owner_id,
        first.title,
        first.status == ListingStatus.PUBLISHED,
        bool(first.is_open),
        None if first.ranked_id is None else _ranking_of(rows, links),
    )


def _ranking_of(rows: Sequence[Row], links: Sequence[Row[Any]]) -> Ranking:
    """A stored ranking from its rows of `_OPPORTUNITY_WITH_RANKING`, with its links."""
    suppliers = [row for row in rows if row.organisation_id is not None]
    lists = json.loads(f"[{','.join(f'{row.reasons},{row.offer_ids}' for row in suppliers)}]")
    first = rows[0]
    return Ranking(
        [
            (stored_result(row, lists[at], lists[at + 1]), row.policy_version)
            for at, row in zip(range(0, len(lists), 2), suppliers, strict=True)
        ],
        {row.organisation_id: (row.name, row.external_ref) for row in suppliers},
        first.version_in_force,
        advice_for(bool(first.has_trade_codes), bool(first.has_measures)),
        links,
    )


def stored_result(
    row: SupplierMatch | Row,
    reasons: Sequence[str] | None = None,
    offers: Sequence[int] | None = None,
) -> SupplierResult:
    """A stored supplier match (its row, or its columns) as the matcher gave it; with its
    `reasons` and `offers` decoded already if they are given."""
    return SupplierResult(
        key=row.organisation_id,
        score=row.score,
        trade=row.trade_score,
        social_value=row.social_value_score,
        place=row.place_score,
        supplier=row.supplier_score,
        scale=row.size_factor,
        distance_m=row.distance_m,
        reasons=tuple(row.reasons if reasons is None else reasons),
        offers=tuple(row.offer_ids if offers is None else offers),
    )
