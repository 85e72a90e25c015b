"""The dashboard's matches and delivered outcomes as CSV or XLSX, with its filters applied.

Listing titles, names and evidence are typed by people and may start with = + - or @, which
a spreadsheet would run as a formula: such cells are written as text (a leading apostrophe
in CSV, a quoted text cell in XLSX).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from openpyxl import Workbook

from ..bulk.formats import neutralise
from ..formatting import format_quantity
from ..notices.spend import spend_shares
from ..spreadsheets import csv_writer
from ..workflow.states import State
from .facts import MatchFacts
from .figures import Filters, suggested_in_period, verified_in_period

Cell = str | int | float
Table = tuple[Sequence[str], list[list[Cell]]]

# Last, so the columns files were read by before keep their places.
REF_HEADINGS = (
    "Offer ref", "Offer partner ref", "Opportunity or need ref", "Opportunity or need partner ref",
)  # fmt: skip
MATCH_HEADINGS = (
    "Match", "Offer", "Supplier", "Opportunity or need", "Buyer or beneficiary", "District",
    "Priority place", "Score", "State", "Suggested", "Agreed", "Delivered from", "Delivered to",
    *REF_HEADINGS,
)  # fmt: skip
OUTCOME_HEADINGS = (
    "Match", "State", "Supplier", "Buyer or beneficiary", "District", "Delivered from",
    "Delivered to", "Measure", "TOMs theme", "Quantity", "Unit", "Value (GBP)", *REF_HEADINGS,
)  # fmt: skip


def _day(value: object) -> str:
    return value.date().isoformat() if value is not None else ""  # type: ignore[attr-defined]


def _refs(match: MatchFacts) -> list[Cell]:
    """The app's and the partner's refs of both listings (REF_HEADINGS)."""
    return [*match.offer_refs, *match.seeker_refs]


def match_table(matches: list[MatchFacts], filters: Filters) -> Table:
    """The matches suggested in the period that the filters keep."""
    rows: list[list[Cell]] = [
        [
            m.id,
            m.offer_title,
            m.provider[1],
            m.seeker_title,
            m.seeker[1],
            m.district,
            m.priority_place or "",
            round(m.score, 3),
            State(m.state).label,
            _day(m.suggested_at),
            _day(m.first(State.AGREED)),
            m.delivered[0].isoformat() if m.delivered else "",
            m.delivered[1].isoformat() if m.delivered else "",
            *_refs(m),
        ]  # fmt: skip
        for m in suggested_in_period(matches, filters)
    ]
    return MATCH_HEADINGS, rows


def outcome_table(matches: list[MatchFacts], filters: Filters) -> Table:
    """One row per measure delivered: verified outcomes whose delivery ended in the period,
    and outcomes still waiting for verification (so the task force sees both)."""
    waiting = [
        m for m in matches if m.state == State.DELIVERED and filters.keeps(m)
        and filters.in_period(m.delivered[1] if m.delivered else None)
    ]  # fmt: skip
    rows: list[list[Cell]] = [
        [
            m.id,
            State(m.state).label,
            m.provider[1],
            m.seeker[1],
            m.district,
            m.delivered[0].isoformat(),
            m.delivered[1].isoformat(),
            line.measure_code,
            line.theme,
            format_quantity(line.quantity),
            line.unit,
            f"{line.value_pence / 100:.2f}" if line.value_pence is not None else "",
            *_refs(m),
        ]  # fmt: skip
        for m in [*verified_in_period(matches, filters), *waiting]
        if m.delivered
        for line in m.lines
        if not filters.theme or line.theme == filters.theme
    ]
    return OUTCOME_HEADINGS, rows


SPEND_HEADINGS = (
    "Buyer", "Year", "Awards counted", "Awarded (GBP)", "Local (GBP)", "Local share",
    "SME (GBP)", "SME share", "VCSE (GBP)", "VCSE share", "Awards without a value",
)  # fmt: skip


def _share(share: float | None) -> Cell:
    return round(share, 4) if share is not None else ""


def spend_table(_matches: list[MatchFacts], filters: Filters) -> Table:
    """Award notices' spend per buyer and year (of the award), with the buyer filter and
    the period applied to the award dates; shares as fractions (0.3 is 30%)."""
    rows: list[list[Cell]] = [
        [
            s.buyer,
            s.year,
            s.awards,
            f"{s.awarded_pence / 100:.2f}",
            f"{s.local_pence / 100:.2f}",
            _share(s.local_share),
            f"{s.sme_pence / 100:.2f}",
            _share(s.sme_share),
            f"{s.vcse_pence / 100:.2f}",
            _share(s.vcse_share),
            s.without_value,
        ]  # fmt: skip
        for s in spend_shares(filters.buyer_id, filters.date_from, filters.date_to)
    ]
    return SPEND_HEADINGS, rows


TABLES: dict[str, Callable[[list[MatchFacts], Filters], Table]] = {
    "matches": match_table,
    "outcomes": outcome_table,
    "spend": spend_table,
}


def _safe(value: Cell) -> Cell:
    return neutralise(value) if isinstance(value, str) else value


def to_csv(headings: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """UTF-8 with a byte order mark, so Excel reads accents and dashes correctly."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(headings)
    writer.writerows([_safe(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(headings: Sequence[str], rows: Sequence[Sequence[Cell]], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]  # a new workbook's one sheet
    sheet.title = title[:31]
    sheet.append(list(headings))
    for row in rows:
        sheet.append(list(row))
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and neutralise(cell.value) != cell.value:
                # openpyxl took it for a formula: make it text, shown as written.
                cell.data_type = "s"
                cell.quotePrefix = True
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
