"""The annual impact report: per pledge, who chose it, who implemented it, the figures by
unit with the change from baseline, breakdowns by sector, size and district, and the
narratives staff chose; as a page and as CSV that a spreadsheet cannot run as formulas."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from brokerage.charter import service
from brokerage.charter.choices import CheckInKind, PledgeProgress, Sector, Unit
from brokerage.charter.models import CheckInRecord, Signee
from brokerage.charter.report import (
    PledgeRow,
    RecordRow,
    SigneeRow,
    build_report,
    format_change,
    format_figure,
)
from brokerage.extensions import db
from brokerage.listings.choices import Size
from brokerage.spreadsheets import csv_value
from tests.helpers.charter import check_in_id, post
from tests.helpers.pages import page_text

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
            SigneeRow(1, Sector.PRIVATE, Size.SMALL, "Oxford"),
            SigneeRow(2, Sector.VCSE, Size.MICRO, "Oxford"),
            SigneeRow(3, Sector.PUBLIC, Size.LARGE, "Cherwell"),
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
    # Signee 1 went from 0 to 60 hours; signee 2's only figure is its baseline: no change.
    assert (hours.change, hours.change_signees) == (60.0, 1)
    assert (percent.change, percent.change_signees) == (20.0, 1)
    assert line.implemented_at_baseline == 1
    assert [r.narrative for r in line.narratives] == ["Reading with ARCh."]
    assert report.by_sector == {Sector.PUBLIC: 1, Sector.PRIVATE: 1, Sector.VCSE: 1}
    assert report.by_size[Size.MEDIUM] == 0
    assert report.label == "2024/25"


def test_breakdowns_count_signees_pledges_made_and_implemented_in_every_group():
    report = build_report(
        2024,
        [VOLUNTEERING, PledgeRow(7, "OCC-7", "Inclusive recruitment")],
        signees=[
            SigneeRow(1, Sector.PRIVATE, Size.SMALL, "Oxford"),
            SigneeRow(2, Sector.PRIVATE, Size.SMALL, "Cherwell"),
        ],
        chosen=[(1, 5), (1, 7), (2, 5)],
        records=[
            _row(1, CheckInKind.MONTH_3, "implemented"),
            _row(2, CheckInKind.MONTH_3, "in_progress"),
        ],
    )

    districts = {g.label: (g.signees, g.made, g.implemented) for g in report.groups["District"]}
    assert districts["Oxford"] == (1, 2, 1)
    assert districts["Cherwell"] == (1, 1, 0)
    assert districts["West Oxfordshire"] == (0, 0, 0)
    assert list(districts)[-2:] == ["outside Oxfordshire", "unknown"]
    sizes = {g.label: g.made for g in report.groups["Size"]}
    assert sizes["Small (10 to 49 employees)"] == 3
    assert (report.made, report.implemented, report.implemented_at_baseline) == (3, 1, 0)


def test_only_narratives_staff_chose_are_quoted():
    chosen = RecordRow(
        1,
        "Org 1",
        5,
        CheckInKind.MONTH_3,
        date(2024, 7, 1),
        PledgeProgress.IMPLEMENTED,
        None,
        None,
        "Chosen words.",
        11,
        True,
    )
    other = RecordRow(
        2,
        "Org 2",
        5,
        CheckInKind.MONTH_3,
        date(2024, 7, 1),
        PledgeProgress.PLANNED,
        None,
        None,
        "Not chosen.",
        12,
        False,
    )
    report = build_report(
        2024,
        [VOLUNTEERING],
        [
            SigneeRow(1, Sector.PRIVATE, Size.SMALL, "Oxford"),
            SigneeRow(2, Sector.PRIVATE, Size.SMALL, "Oxford"),
        ],
        [(1, 5), (2, 5)],
        [chosen, other],
    )

    assert [r.narrative for r in report.pledges[0].narratives] == ["Chosen words.", "Not chosen."]
    assert [r.narrative for r in report.pledges[0].selected_narratives] == ["Chosen words."]
    assert report.selected_narratives == 1


def test_changes_read_with_their_sign_and_unit():
    assert format_change(12000.0, Unit.HOURS) == "+12,000 hours"
    assert format_change(-50_000.0, Unit.POUNDS) == "−£500"
    assert format_change(5.0, Unit.PERCENT) == "+5 percentage points"
    assert format_change(None, Unit.PEOPLE) == "—"


def test_percentages_are_averaged_and_money_is_shown_in_pounds():
    report = build_report(
        2024,
        [VOLUNTEERING],
        signees=[
            SigneeRow(1, Sector.PRIVATE, Size.SMALL, "Oxford"),
            SigneeRow(2, Sector.PRIVATE, Size.SMALL, "Oxford"),
        ],
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
    assert csv_value(value) == expected


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


def _narrative_record_id() -> int:
    return db.session.scalars(select(CheckInRecord.id).where(CheckInRecord.narrative != "")).one()


def test_the_report_page_shows_pledges_made_and_implemented_figures_and_breakdowns(
    staff, year_of_records
):
    response = staff.get("/charter/report?year=2024")
    text = page_text(response)
    html = response.get_data(as_text=True)

    assert "Oxfordshire Inclusive Economy Charter: impact report 2024/25" in text
    assert "Signees 2 Pledges made 3 Pledges implemented 1 (33%)" in text
    assert "Implemented at the baseline meeting 0" in text
    assert "OCC-5 Support employee volunteering 2 0 1 50%" in text
    assert "Public sector 1 1 0 Private sector 1 2 1" in text
    assert "Small (10 to 49 employees) 1 2 1" in text
    assert "Cherwell 0 0 0 Oxford 2 3 1" in text
    assert (
        "OCC-5 Support employee volunteering 0 hours (1 signee) 120 hours (1 signee) "
        "+120 hours (1 signee)"
    ) in text
    assert "OCC-7 Inclusive recruitment — (0 signees) 2 people (1 signee) —" in text
    # The charts: SVG drawn on the server, numbers beside the bars, a text alternative.
    assert html.count('<svg class="chart-svg') == 4
    assert html.count("chart-svg-narrow") == 3
    assert 'aria-labelledby="chart-pledges-title chart-pledges-desc"' in html
    assert html.count('role="img"') == 4
    assert "OCC-5 Support employee volunteering: 2 made, 1 implemented (50%);" in html
    assert "charter-report.css" in html


def test_narratives_are_quoted_only_once_staff_choose_them(staff, year_of_records, in_app):
    record_id = in_app(_narrative_record_id)
    before = page_text(staff.get("/charter/report?year=2024"))

    response = post(staff, f"/charter/report/narratives/{record_id}", {"selected": "y"})
    after = page_text(staff.get("/charter/report?year=2024"))

    assert "No narratives have been chosen for the report yet." in before
    assert response.status_code == 302
    assert response.headers["Location"] == "/charter/report?year=2024#choose-narratives"
    assert in_app(lambda: db.session.get(CheckInRecord, record_id).in_report) is True
    quoted = after.split("In their words")[1].split("Choose the narratives")[0]
    assert (
        "=cmd|' /C calc'!A0 Staff read with ARCh every week. "
        "Cowley Bakery, 3-month check-in, 10 July 2024"
    ) in quoted

    post(staff, f"/charter/report/narratives/{record_id}")

    assert in_app(lambda: db.session.get(CheckInRecord, record_id).in_report) is False


def test_a_record_without_a_narrative_cannot_be_quoted(staff, year_of_records, in_app):
    record_id = in_app(
        lambda: db.session.scalars(
            select(CheckInRecord.id).where(CheckInRecord.narrative == "")
        ).first()
    )

    response = post(staff, f"/charter/report/narratives/{record_id}", {"selected": "y"})

    assert response.status_code == 302
    assert in_app(lambda: db.session.get(CheckInRecord, record_id).in_report) is False
    assert "This record has no narrative to quote." in page_text(
        staff.get(response.headers["Location"])
    )


@pytest.mark.parametrize("role", ["beneficiary", "buyer", "supplier", "task_force"])
def test_only_staff_choose_narratives(request, year_of_records, in_app, role):
    record_id = in_app(_narrative_record_id)

    response = post(
        request.getfixturevalue(role), f"/charter/report/narratives/{record_id}", {"selected": "y"}
    )

    assert response.status_code == 403
    assert in_app(lambda: db.session.get(CheckInRecord, record_id).in_report) is False


def test_another_year_has_none_of_these_records(staff, year_of_records):
    text = page_text(staff.get("/charter/report?year=2022"))

    assert "Signees 0 Pledges made 0 Pledges implemented 0" in text
    assert "No narratives were recorded in the year." in text
    assert "No figures were recorded in the year." in text


def test_the_report_defaults_to_the_current_financial_year(staff, monkeypatch):
    monkeypatch.setattr(service, "today", lambda: date(2025, 2, 1))

    response = staff.get("/charter/report")

    assert "impact report 2024/25" in page_text(response)
    assert 'name="year" type="number" value="2024"' in response.get_data(as_text=True)


@pytest.mark.parametrize("year", ["1999", "soon"])
def test_a_bad_year_is_a_field_error(staff, year):
    response = staff.get(f"/charter/report?year={year}")

    assert response.status_code == 400
    assert "There is a problem" in page_text(response)
    assert staff.get(f"/charter/report.csv?year={year}").status_code == 400
    assert staff.get(f"/charter/report.xlsx?year={year}").status_code == 400


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))


def test_the_csv_download_has_every_part_and_escapes_formulas(staff, year_of_records):
    response = staff.get("/charter/report.csv?year=2024")

    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="charter-impact-2024-25.csv"'
    )
    rows = _csv_rows(response)
    assert rows[0] == [
        "Summary",
        "Row",
        "Group",
        "Signees",
        "Pledges made",
        "Implemented",
        "At baseline",
    ]
    assert ["summary", "total", "All signees", "2", "3", "1", "0"] in rows
    assert ["summary", "district", "Oxford", "2", "3", "1"] in rows
    assert ["summary", "sector", "Public sector", "1", "1", "0"] in rows
    assert ["pledges", "OCC-5", "Support employee volunteering", "2", "1", "0"] in rows
    assert ["figures", "OCC-5", "Support employee volunteering", "hours", "0", "120", "120"] in rows
    [narrative] = [row for row in rows if row[0] == "narratives"]
    assert narrative[3:] == [
        "Cowley Bakery",
        "3-month check-in",
        "2024-07-10",
        "'=cmd|' /C calc'!A0 Staff read with ARCh every week.",
        "no",
    ]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_xlsx_download_has_a_sheet_per_part_and_no_formulas(staff, year_of_records):
    response = staff.get("/charter/report.xlsx?year=2024")

    assert response.headers["Content-Disposition"] == (
        'attachment; filename="charter-impact-2024-25.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["Summary", "Pledges", "Figures", "Narratives"]
    summary = [list(row) for row in workbook["Summary"].iter_rows(min_row=3, values_only=True)]
    assert ["total", "All signees", 2, 3, 1, 0] in summary
    figures = [list(r) for r in workbook["Figures"].iter_rows(min_row=3, values_only=True)]
    assert ["OCC-5", "Support employee volunteering", "hours", 0, 120, 120] in figures
    narrative = workbook["Narratives"]["F3"]
    assert narrative.value == "=cmd|' /C calc'!A0 Staff read with ARCh every week."
    assert narrative.data_type == "s"
    assert workbook["Narratives"]["E3"].value.date() == date(2024, 7, 10)
