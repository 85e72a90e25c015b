"""The actions list's "due" filters, and the filtered actions exported to CSV and XLSX."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from brokerage.extensions import db
from brokerage.plan import service
from brokerage.plan.models import Action
from brokerage.spreadsheets import looks_like_formula
from tests.helpers.pages import page_text
from tests.helpers.plan import action_id

WEBINAR = "Risk assessment tool webinar"


@pytest.fixture
def in_september_2023(monkeypatch) -> date:
    today = date(2023, 9, 15)
    monkeypatch.setattr(service, "today", lambda: today)
    return today


def _titles(response) -> list[str]:
    rows = csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")))
    next(rows)
    return [row[4] for row in rows]


# Due this month, due next month -----------------------------------------------------


def test_due_this_month_lists_the_actions_whose_timescale_ends_this_month(
    staff, loaded_plan, in_september_2023
):
    response = staff.get("/plan/actions?due=this-month")
    text = page_text(response)
    assert "6 actions found." in text
    for expected in (WEBINAR, "Prison open day for employers at Bullingdon Prison"):
        assert expected in text
    assert "Co-design a communications and engagement plan" in text  # July-September 2023
    assert re.search(r'<option[^>]*selected[^>]*value="this-month"', response.get_data(True))


def test_due_next_month_lists_the_actions_ending_next_month(staff, loaded_plan, in_september_2023):
    text = page_text(staff.get("/plan/actions?due=next-month"))
    assert "4 actions found." in text
    assert "Implement communications and engagement plan" in text  # September-October 2023


def test_next_month_of_december_is_january(staff, loaded_plan, monkeypatch):
    monkeypatch.setattr(service, "today", lambda: date(2022, 12, 31))
    text = page_text(staff.get("/plan/actions?due=next-month"))
    assert "1 action found." in text
    assert "On-line form for organisations to sign up to charter" in text


def test_due_combines_with_the_other_filters(staff, loaded_plan, in_september_2023):
    url = (
        "/plan/actions?due=this-month&lead=Becky+Chessyre"
        "&working_group=social-value-and-procurement"
    )
    assert "1 action found." in page_text(staff.get(url))


def test_an_unknown_due_value_is_a_field_error(staff, loaded_plan):
    response = staff.get("/plan/actions?due=someday")
    assert response.status_code == 400
    assert "Due : Not a valid choice." in page_text(response)


# Export ---------------------------------------------------------------------------


def test_the_csv_export_holds_the_filtered_actions_with_their_details(
    staff, loaded_plan, in_september_2023
):
    response = staff.get("/plan/actions/export.csv?due=this-month&phase=do")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=oiep-plan-2023-24-actions.csv"
    )
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][:7] == [
        "Working group",
        "Objective",
        "What we will do",
        "Stream",
        "How will we do it",
        "Responsible lead",
        "Timescale",
    ]
    assert [row[4] for row in rows[1:]] == [
        WEBINAR,
        "Prison open day for employers at Bullingdon Prison",
    ]
    assert rows[1][:2] == ["Inclusive Employment", "3"]
    assert rows[1][5:12] == [
        "Task and finish group",
        "September 2023",
        "2023-09-01",
        "2023-09-30",
        "Do",
        "Not started",
        "no",
    ]


def test_the_export_without_filters_has_every_action(staff, loaded_plan):
    assert len(_titles(staff.get("/plan/actions/export.csv"))) == 56


def test_the_export_carries_the_latest_update(staff, loaded_plan, in_app):
    def update() -> None:
        action = db.session.get(Action, action_id(WEBINAR))
        service.record_update(action, "at_risk", "Speaker ill.", None)
        db.session.commit()

    in_app(update)
    rows = list(
        csv.reader(
            io.StringIO(
                staff.get("/plan/actions/export.csv?status=at_risk").get_data().decode("utf-8-sig")
            )
        )
    )
    assert rows[1][10] == "At risk"
    assert rows[1][13] == "Speaker ill."


def test_the_xlsx_export_holds_the_same_rows_with_real_dates(staff, loaded_plan):
    response = staff.get("/plan/actions/export.xlsx?working_group=educational-attainment")

    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "Actions 2023-24"
    assert len(rows) == 11
    assert rows[1][:2] == ("Educational Attainment", 1)
    assert rows[1][7].date() == date(2023, 4, 1)
    assert rows[1][8].date() == date(2024, 10, 31)


def test_a_bad_filter_exports_nothing_and_shows_the_error(staff, loaded_plan):
    response = staff.get("/plan/actions/export.xlsx?status=finished")
    assert response.status_code == 400
    assert "Status : Not a valid choice." in page_text(response)


def test_only_csv_and_xlsx_are_offered(staff, loaded_plan):
    assert staff.get("/plan/actions/export.pdf").status_code == 404


# Formula escaping ------------------------------------------------------------------

DANGEROUS = [
    '=HYPERLINK("http://evil.example","Click")',
    "+SUM(1,2)",
    "-2+3",
    "@cmd",
    "\t=1+1",
]


@pytest.fixture
def dangerous_actions(loaded_plan, in_app) -> None:
    """Actions whose text starts as a formula would, as a careless import might leave them."""

    def plant() -> None:
        actions = loaded_plan().working_groups[0].objectives[1].actions
        for action, text in zip(actions, DANGEROUS, strict=False):
            action.description = text
        actions[0].lead_text = "=1+1"
        db.session.commit()

    in_app(plant)


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_starts_like_a_formula_is_recognised(text):
    assert looks_like_formula(text)


@pytest.mark.parametrize("text", ["Fundraising – 2023", "Data - Collate", "", "A=B"])
def test_ordinary_text_is_left_alone(text):
    assert not looks_like_formula(text)


def test_csv_cells_that_start_like_formulas_get_an_apostrophe(staff, dangerous_actions):
    response = staff.get("/plan/actions/export.csv?working_group=educational-attainment")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    parent_power = [row for row in rows if row[2] == "Parent Power"]

    assert [row[4] for row in parent_power] == [f"'{text}" for text in DANGEROUS[:4]]
    assert parent_power[0][5] == "'=1+1"
    assert rows[1][4].startswith("Fundraising")


def test_xlsx_cells_that_start_like_formulas_are_text_not_formulas(staff, dangerous_actions):
    response = staff.get("/plan/actions/export.xlsx?working_group=educational-attainment")
    data = response.get_data()

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml

    sheet = load_workbook(io.BytesIO(data)).active
    cells = [row[4] for row in sheet.iter_rows(min_row=2) if row[2].value == "Parent Power"]
    assert [cell.value for cell in cells] == DANGEROUS[:4]
    assert {cell.data_type for cell in cells} == {"s"}
    assert all(cell.quotePrefix for cell in cells)
