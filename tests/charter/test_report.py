"""The annual impact report: per pledge, who chose it, who implemented it, the figures by
unit and the narratives; as a page and as CSV that a spreadsheet cannot run as formulas."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from brokerage.charter import service
from brokerage.charter.choices import CheckInKind, PledgeProgress, Sector, Unit
from brokerage.charter.models import Signee
from brokerage.charter.report import (
    PledgeRow,
    RecordRow,
    build_report,
    csv_cell,
    format_figure,
)
from brokerage.extensions import db
from brokerage.listings.choices import Size
from tests.accounts.helpers import page_text
from tests.charter.conftest import check_in_id, post

VOLUNTEERING = PledgeRow(5, "OCC-5", "Support employee volunteering")


def _row(signee: int, kind: CheckInKind, status: str, quantity=None, unit=None, narrative=""):
    held = {
        CheckInKind.BASELINE: date(2024, 5, 1),
        CheckInKind.MONTH_3: date(2024, 7, 1),
        CheckInKind.MONTH_6: date(2024, 10, 1),
    }[kind]
    return RecordRow(
        signee, f"Org {signee}", 5, kind, held, PledgeProgress(status), quantity, unit, narrative
    )


def test_the_last_check_in_decides_implemented_and_figures_add_up_by_unit():
    report = build_report(
        2024,
        [VOLUNTEERING],
        signees=[
            (1, Sector.PRIVATE, Size.SMALL),
            (2, Sector.VCSE, Size.MICRO),
            (3, Sector.PUBLIC, Size.LARGE),
        ],
        chosen=[(1, 5), (2, 5), (3, 5)],
        records=[
            _row(1, CheckInKind.MONTH_3, "implemented", 60, Unit.HOURS, "Reading with ARCh."),
            _row(1, CheckInKind.BASELINE, "planned", 0, Unit.HOURS),
            _row(2, CheckInKind.BASELINE, "in_progress", 10, Unit.HOURS),
            _row(2, CheckInKind.MONTH_6, "dropped"),
            _row(3, CheckInKind.BASELINE, "implemented", 40, Unit.PERCENT),
            _row(3, CheckInKind.MONTH_3, "in_progress", 60, Unit.PERCENT),
        ],
    )

    [line] = report.pledges
    assert (line.chosen, line.implemented) == (3, 1)
    assert line.share_implemented == pytest.approx(1 / 3)
    hours, percent = line.figures
    # Signee 2 recorded no figure at its last check-in: its latest figure is its baseline's.
    assert (hours.unit, hours.baseline, hours.latest, hours.latest_signees) == (
        Unit.HOURS,
        10.0,
        70.0,
        2,
    )
    assert (percent.baseline, percent.latest) == (40.0, 60.0)
    assert [r.narrative for r in line.narratives] == ["Reading with ARCh."]
    assert report.by_sector == {Sector.PUBLIC: 1, Sector.PRIVATE: 1, Sector.VCSE: 1}
    assert report.by_size[Size.MEDIUM] == 0
    assert report.label == "2024/25"


def test_percentages_are_averaged_and_money_is_shown_in_pounds():
    report = build_report(
        2024,
        [VOLUNTEERING],
        signees=[(1, Sector.PRIVATE, Size.SMALL), (2, Sector.PRIVATE, Size.SMALL)],
        chosen=[(1, 5), (2, 5)],
        records=[
            _row(1, CheckInKind.MONTH_3, "in_progress", 30, Unit.PERCENT),
            _row(2, CheckInKind.MONTH_3, "in_progress", 45, Unit.PERCENT),
        ],
    )

    assert format_figure(report.pledges[0].figures[0].latest, Unit.PERCENT) == "37.5%"
    assert format_figure(1_250_000, Unit.POUNDS) == "£12,500"
    assert format_figure(None, Unit.HOURS) == "—"


def test_a_pledge_nobody_chose_reports_zero_without_dividing_by_zero():
    [line] = build_report(2024, [VOLUNTEERING], [], [], []).pledges

    assert (line.chosen, line.implemented, line.share_implemented, line.figures) == (0, 0, 0.0, [])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+44 1865", "'+44 1865"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("Plain text", "Plain text"),
        (12, 12),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_escaped(value, expected):
    assert csv_cell(value) == expected


@pytest.fixture
def year_of_records(make_signee, staff, in_app) -> None:
    """Two signees in 2024/25: the bakery implements OCC-5 by its 3-month check-in."""
    bakery = make_signee(("OCC-5", "OCC-7"), signed_on=date(2024, 4, 10))
    make_signee(
        ("OCC-5",),
        signed_on=date(2024, 5, 1),
        organisation_name="Headington Council",
        sector="public",
        size="large",
        employees=400,
    )

    def record(kind: str, held_on: str, occ5: dict, occ7: dict) -> None:
        check_in = in_app(lambda: check_in_id(bakery, kind))
        signed = in_app(
            lambda: {
                p.version.pledge.code: p.id for p in db.session.get(Signee, bakery).signed_pledges
            }
        )
        data = {"held_on": held_on}
        for code, values in (("OCC-5", occ5), ("OCC-7", occ7)):
            for name in ("status", "figure", "unit", "narrative", "support_needed"):
                data[f"pledge-{signed[code]}-{name}"] = values.get(name, "")
        assert post(staff, f"/charter/check-ins/{check_in}", data).status_code == 302

    record(
        "baseline",
        "2024-05-01",
        {"status": "planned", "figure": "0", "unit": "hours"},
        {"status": "planned"},
    )
    record(
        "month_3",
        "2024-07-10",
        {
            "status": "implemented",
            "figure": "120",
            "unit": "hours",
            "narrative": "=cmd|' /C calc'!A0 Staff read with ARCh every week.",
        },
        {"status": "in_progress", "figure": "2", "unit": "people"},
    )


def test_the_report_page_shows_pledges_made_and_implemented_figures_and_narratives(
    staff, year_of_records
):
    text = page_text(staff.get("/charter/report?year=2024"))

    assert "Charter impact report 2024/25" in text
    assert "2 signees" in text
    assert "Public sector 1" in text and "Private sector 1" in text
    assert "OCC-5 Support employee volunteering 2 1 50%" in text
    assert "0 hours → 120 hours (1 signee)" in text
    assert "OCC-7 Inclusive recruitment 1 0 0% — → 2 people (1 signee)" in text
    assert (
        "=cmd|' /C calc'!A0 Staff read with ARCh every week. "
        "Cowley Bakery, 3-month check-in, 10 Jul 2024"
    ) in text


def test_another_year_has_none_of_these_records(staff, year_of_records):
    text = page_text(staff.get("/charter/report?year=2022"))

    assert "0 signees" in text
    assert "No narratives were recorded in the year." in text


def test_the_report_defaults_to_the_current_financial_year(staff, monkeypatch):
    monkeypatch.setattr(service, "today", lambda: date(2025, 2, 1))

    response = staff.get("/charter/report")

    assert "Charter impact report 2024/25" in page_text(response)
    assert 'name="year" type="number" value="2024"' in response.get_data(as_text=True)


@pytest.mark.parametrize("year", ["1999", "soon"])
def test_a_bad_year_is_a_field_error(staff, year):
    response = staff.get(f"/charter/report?year={year}")

    assert response.status_code == 400
    assert "There is a problem" in page_text(response)
    assert staff.get(f"/charter/report.csv?year={year}").status_code == 400


def test_the_csv_download_has_the_same_figures_and_escapes_formulas(staff, year_of_records):
    response = staff.get("/charter/report.csv?year=2024")

    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="charter-impact-2024-25.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert rows[0][:6] == [
        "Row",
        "Pledge code",
        "Pledge",
        "Signees who chose it",
        "Implemented",
        "Share implemented",
    ]
    assert ["pledge", "OCC-5", "Support employee volunteering", "2", "1", "50%"] in rows
    assert [
        "figure",
        "OCC-5",
        "Support employee volunteering",
        "",
        "",
        "",
        "hours",
        "0",
        "120",
    ] in rows
    [narrative] = [row for row in rows if row[0] == "narrative"]
    assert narrative[9:] == [
        "Cowley Bakery",
        "3-month check-in",
        "2024-07-10",
        "'=cmd|' /C calc'!A0 Staff read with ARCh every week.",
    ]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
