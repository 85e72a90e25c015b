"""Hostile files get a clear report, each bad row with its line and reason, and change
nothing; --skip-invalid saves the good rows and still lists the bad ones."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.listings.models import Offer, Opportunity
from tests.helpers.bulk import ORGANISATION_HEADER, example
from tests.helpers.pages import count

GOOD = "S-1,Kidlington Kitchens,OX5 1AB,catering,micro,no,yes,Lunches.,"
OPPORTUNITY_HEADER = "ref,buyer_ref,title,description,postcode,category,value_gbp,deadline,measures"
GOOD_OPPORTUNITY = "P-1,OXB-0001,Catering,,OX1 1ND,catering,250000,2029-01-31,OIEP-J1:3"


def _suppliers(*rows: str) -> str:
    return "\n".join((ORGANISATION_HEADER, *rows)) + "\n"


def _organisations(in_app) -> int:
    return in_app(lambda: count(Organisation))


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "The file is empty"),
        (b"\n\n", "The file is empty"),
        (b"ref,name,town\nS-1,A,Oxford\n", "missing postcode, sector"),
        (
            ORGANISATION_HEADER.replace("website", "web site").encode() + b"\n",
            "not expected: web site",
        ),
        ((ORGANISATION_HEADER + ",ref").encode() + b"\n", "named twice: ref"),
        (b"caf\xe9,name\n", "The header row cannot be read: line 1 is not UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_imports_nothing_and_says_why(
    import_bytes, in_app, data, problem
):
    before = _organisations(in_app)
    report = import_bytes("suppliers", data)
    assert not report.applied and problem in report.file_problem
    assert report.summary.startswith("Nothing imported: ")
    assert _organisations(in_app) == before


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        (
            "S-2,Banbury Bakes,OX99 9ZZ,catering,micro,no,no,,",
            "postcode: We could not find OX99 9ZZ.",
        ),
        ("S-2,Banbury Bakes,nowhere,catering,micro,no,no,,", "is not a UK postcode"),
        ("S-2,Banbury Bakes,OX16 9AW,catering,huge,no,no,,", "size “huge” is not one of"),
        ("S-2,Banbury Bakes,OX16 9AW,catering,micro,maybe,no,,", "vcse must be yes or no"),
        ("S-2,<b>Bakes</b>,OX16 9AW,catering,micro,no,no,,", "name: Names cannot contain < or >."),
        (f"S-2,{'B' * 161},OX16 9AW,catering,micro,no,no,,", "name is 161 characters long"),
        ("S-2,Banbury Bakes,OX16 9AW,catering,micro,no,no,,javascript:alert(1)", "website"),
        ("S-1,Banbury Bakes,OX16 9AW,catering,micro,no,no,,", "ref S-1 is on an earlier row"),
        ("S-2,Kidlington Kitchens,OX16 9AW,catering,micro,no,no,,", "already registered"),
        ("S-2,Banbury Bakes,OX16 9AW", "It has 3 cells; the header has 9."),
        (",Banbury Bakes,OX16 9AW,catering,micro,no,no,,", "ref is empty."),
    ],
)
def test_one_bad_row_imports_nothing_and_is_reported_with_its_line(
    import_bytes, in_app, bad_row, reason
):
    before = _organisations(in_app)
    report = import_bytes("suppliers", _suppliers(GOOD, bad_row))
    assert not report.applied
    assert [bad.line for bad in report.bad_rows] == [3]
    assert reason in report.bad_rows[0].reason
    assert _organisations(in_app) == before


def test_every_bad_row_is_listed_not_just_the_first(import_bytes):
    report = import_bytes(
        "suppliers",
        _suppliers(
            "S-2,Banbury Bakes,OX99 9ZZ,catering,micro,no,no,,",
            GOOD,
            "S-3,Bicester Bikes,OX26 6HB,catering,huge,no,no,,",
        ),
    )
    assert [(bad.line, bad.ref) for bad in report.bad_rows] == [(2, "S-2"), (4, "S-3")]
    assert report.summary == (
        "Nothing imported: 2 of 3 rows are bad. Correct them and import the file again, "
        "or skip the bad rows."
    )


def test_bytes_that_are_not_utf8_are_reported_with_their_line(import_bytes, in_app):
    data = _suppliers(GOOD).encode() + "S-2,Café Crêpes,OX16 9AW,catering,micro,no,no,,\n".encode(
        "latin-1"
    )
    report = import_bytes("suppliers", data)
    assert not report.applied
    assert report.bad_rows[0].line == 3
    assert report.bad_rows[0].reason.startswith("line 3 is not UTF-8 text (byte 0xE9")
    assert _organisations(in_app) == 0


def test_a_byte_order_mark_and_windows_line_ends_are_fine(import_bytes, in_app):
    data = "\ufeff" + _suppliers(GOOD).replace("\n", "\r\n")
    report = import_bytes("suppliers", data.encode())
    assert report.applied and report.created == 1


def test_a_quoted_cell_over_several_lines_keeps_the_line_numbers_right(import_bytes):
    multi = 'S-2,Banbury Bakes,OX16 9AW,catering,micro,no,no,"Bread,\nand cakes.",'
    report = import_bytes(
        "suppliers", _suppliers(multi, "S-3,Bicester Bikes,OX99 9ZZ,catering,micro,no,no,,")
    )
    assert [bad.line for bad in report.bad_rows] == [4]


def test_skip_invalid_imports_the_good_rows_and_still_lists_the_bad(import_bytes, in_app):
    report = import_bytes(
        "suppliers",
        _suppliers(GOOD, "S-2,Banbury Bakes,OX99 9ZZ,catering,micro,no,no,,"),
        skip_invalid=True,
    )
    assert report.applied and report.created == 1
    assert [(bad.line, bad.ref) for bad in report.bad_rows] == [(3, "S-2")]
    assert "1 bad rows skipped" in report.summary
    refs = in_app(lambda: list(db.session.scalars(select(Organisation.external_ref))))
    assert refs == ["S-1"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("OIEP-J1:3", "NOPE-1:3"), "Not measures in the catalogue: NOPE-1."),
        (("2029-01-31", "31/01/2029"), "deadline “31/01/2029” is not a date written YYYY-MM-DD"),
        (("2029-01-31", "2029-02-30"), "is not a date written YYYY-MM-DD"),
        (("2029-01-31", ""), "deadline is empty"),
        (("OIEP-J1:3", "OIEP-J1:3:500"), "the weight of OIEP-J1 is more than 100"),
        (("250000", "-5"), "value_gbp cannot be negative"),
    ],
)
def test_bad_listing_rows_are_refused_with_the_reason(import_bytes, in_app, change, reason):
    import_bytes("buyers", example("buyers"))
    bad = GOOD_OPPORTUNITY.replace("P-1", "P-2").replace(*change)
    report = import_bytes("opportunities", f"{OPPORTUNITY_HEADER}\n{GOOD_OPPORTUNITY}\n{bad}\n")
    assert not report.applied
    assert [row.line for row in report.bad_rows] == [3]
    assert reason in report.bad_rows[0].reason
    assert in_app(lambda: count(Opportunity)) == 0


@pytest.mark.parametrize(
    ("kind", "before", "after"),
    [
        ("offers", "2027-01-04,2029-07-20", ",2021-07-20"),
        ("opportunities", "2029-03-31", "2020-01-31"),
    ],
)
def test_a_listing_that_has_ended_imports_archived_never_published(
    import_bytes, in_app, kind, before, after
):
    """A partner moving its history in keeps it, as ended (issue 18)."""
    for parent in ("suppliers", "buyers"):
        import_bytes(parent, example(parent))
    text = example(kind).decode().replace(before, after, 1)

    report = import_bytes(kind, text)

    assert report.applied and not report.bad_rows and report.ended == 1
    assert "1 had ended and is kept archived." in report.summary
    model = Offer if kind == "offers" else Opportunity
    statuses = in_app(lambda: db.session.scalars(select(model.status).order_by(model.id)).all())
    assert statuses[0] == "archived" and set(statuses[1:]) == {"published"}
    assert import_bytes(kind, text).unchanged == report.rows


class _CountedName(str):
    """A column name that counts how often it is compared with another."""

    comparisons = 0

    def __eq__(self, other: object) -> bool:
        type(self).comparisons += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def test_a_header_of_many_columns_is_checked_in_time_that_grows_with_its_length(monkeypatch):
    """100,000 columns took 171 s when each name was looked up in the whole list."""
    from brokerage.bulk import reader

    monkeypatch.setattr(_CountedName, "comparisons", 0)
    columns = tuple(ORGANISATION_HEADER.split(","))
    found = [_CountedName(c) for c in columns] + [_CountedName(f"x{n}") for n in range(5_000)]

    with pytest.raises(reader.FileProblem) as problem:
        reader._check_header(found, columns)

    assert _CountedName.comparisons < 10 * len(found)
    assert "not expected: x0, x1, x2, x3, x4, x5, x6, x7, x8, x9 and 4,990 more" in str(
        problem.value
    )
    assert len(str(problem.value)) < 1_000
