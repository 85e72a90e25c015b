"""What is due and overdue, and recording a check-in per pledge."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from brokerage.charter.models import CheckIn, CheckInRecord, Signee
from brokerage.extensions import db
from tests.helpers.charter import check_in_id, post
from tests.helpers.pages import count, field_error, flashed, page_text


def _pledge_ids(signee_id: int) -> dict[str, int]:
    """Signed pledge ids by pledge code."""
    signee = db.session.get(Signee, signee_id)
    return {p.version.pledge.code: p.id for p in signee.signed_pledges}


def _record_form(signed: dict[str, int], held_on: str = "2024-02-10", **per_pledge) -> dict:
    data = {"held_on": held_on}
    for code, signed_id in signed.items():
        values = {
            "status": "planned",
            "figure": "",
            "unit": "",
            "narrative": "",
            "support_needed": "",
        }
        values.update(per_pledge.get(code.replace("-", "_"), {}))
        data.update({f"pledge-{signed_id}-{name}": value for name, value in values.items()})
    return data


@pytest.fixture
def bakery(make_signee, in_app) -> tuple[int, dict[str, int]]:
    signee_id = make_signee(("OCC-5", "OCC-4"), signed_on=date(2024, 1, 15))
    return signee_id, in_app(lambda: _pledge_ids(signee_id))


def test_staff_record_a_baseline_with_a_status_figure_narrative_and_support_per_pledge(
    staff, bakery, in_app
):
    signee_id, signed = bakery
    baseline = in_app(lambda: check_in_id(signee_id, "baseline"))

    response = post(
        staff,
        f"/charter/check-ins/{baseline}",
        _record_form(
            signed,
            OCC_5={
                "status": "in_progress",
                "figure": "40",
                "unit": "hours",
                "narrative": "Two staff read with ARCh.",
                "support_needed": "A school contact.",
            },
            OCC_4={"status": "planned", "figure": "12500", "unit": "pounds"},
        ),
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/charter/signees/{signee_id}"

    def saved():
        check_in = db.session.get(CheckIn, baseline)
        return check_in.held_on, sorted(
            (
                r.signed_pledge.version.pledge.code,
                r.status,
                r.quantity,
                r.unit,
                r.narrative,
                r.support_needed,
            )
            for r in check_in.records
        )

    assert in_app(saved) == (
        date(2024, 2, 10),
        [
            ("OCC-4", "planned", 1_250_000, "pounds", "", ""),
            ("OCC-5", "in_progress", 40, "hours", "Two staff read with ARCh.", "A school contact."),
        ],
    )
    text = page_text(staff.get(f"/charter/signees/{signee_id}"))
    assert "OCC-4 Planned · £12,500" in text
    assert (
        "OCC-5 In progress · 40 hours Two staff read with ARCh. Support needed: A school contact."
        in text
    )


def test_the_next_check_in_starts_from_each_pledges_last_status(staff, bakery, in_app):
    signee_id, signed = bakery
    baseline = in_app(lambda: check_in_id(signee_id, "baseline"))
    month_3 = in_app(lambda: check_in_id(signee_id, "month_3"))
    post(
        staff,
        f"/charter/check-ins/{baseline}",
        _record_form(signed, OCC_5={"status": "in_progress"}),
    )

    html = staff.get(f"/charter/check-ins/{month_3}").get_data(as_text=True)

    occ5 = html.split(f'name="pledge-{signed["OCC-5"]}-status"')[1].split("</select>")[0]
    occ4 = html.split(f'name="pledge-{signed["OCC-4"]}-status"')[1].split("</select>")[0]
    assert re.search(r'<option selected value="in_progress">', occ5)
    assert re.search(r'<option selected value="planned">', occ4)


def test_recording_a_check_in_again_updates_its_records(staff, bakery, in_app):
    signee_id, signed = bakery
    baseline = in_app(lambda: check_in_id(signee_id, "baseline"))
    post(staff, f"/charter/check-ins/{baseline}", _record_form(signed))

    form = staff.get(f"/charter/check-ins/{baseline}").get_data(as_text=True)
    post(
        staff,
        f"/charter/check-ins/{baseline}",
        _record_form(signed, OCC_5={"status": "implemented", "figure": "55", "unit": "percent"}),
    )

    assert 'value="2024-02-10"' in form
    assert in_app(lambda: count(CheckInRecord)) == 2
    record = in_app(
        lambda: db.session.scalar(
            select(CheckInRecord).where(CheckInRecord.status == "implemented")
        )
    )
    assert (record.quantity, record.unit) == (55, "percent")


@pytest.mark.parametrize(
    ("values", "field", "error"),
    [
        ({"figure": "12"}, "unit", "Say what the figure counts."),
        ({"unit": "people"}, "unit", "Enter the figure, or choose “No figure”."),
        ({"figure": "-1", "unit": "people"}, "figure", "Number must be between 0 and"),
        ({"figure": "lots", "unit": "people"}, "figure", "Not a valid integer value."),
        ({"figure": "101", "unit": "percent"}, "unit", "A percentage is at most 100."),
        ({"unit": "furlongs", "figure": "3"}, "unit", "Not a valid choice"),
        ({"status": "finished"}, "status", "Not a valid choice"),
        ({"narrative": "x" * 4001}, "narrative", "cannot be longer than 4000 characters"),
        ({"support_needed": "a\x00b"}, "support_needed", "invisible control characters"),
    ],
)
def test_bad_figures_and_text_show_a_field_error_and_save_nothing(
    staff, bakery, in_app, values, field, error
):
    signee_id, signed = bakery
    baseline = in_app(lambda: check_in_id(signee_id, "baseline"))

    response = post(staff, f"/charter/check-ins/{baseline}", _record_form(signed, OCC_5=values))

    assert response.status_code == 400
    assert error in field_error(response, f"pledge-{signed['OCC-5']}-{field}")
    assert in_app(lambda: count(CheckInRecord)) == 0
    assert in_app(lambda: db.session.get(CheckIn, baseline).held_on) is None


@pytest.mark.parametrize(
    ("held_on", "error"),
    [
        ("", "Enter the date it was held."),
        ((date.today() + timedelta(days=2)).isoformat(), "cannot have been held in the future"),
        ("2023-12-31", "This term started on 15 January 2024"),
    ],
)
def test_a_check_in_needs_a_date_within_the_term_and_not_in_the_future(
    staff, bakery, in_app, held_on, error
):
    signee_id, signed = bakery
    baseline = in_app(lambda: check_in_id(signee_id, "baseline"))

    response = post(staff, f"/charter/check-ins/{baseline}", _record_form(signed, held_on=held_on))

    assert response.status_code == 400
    assert error in field_error(response, "held_on")
    assert in_app(lambda: count(CheckInRecord)) == 0


def test_the_check_ins_page_shows_overdue_and_due_this_month_separately(make_signee, staff, in_app):
    today = date.today()
    make_signee(("OCC-5",), organisation_name="Late Bakery", signed_on=today - timedelta(days=40))
    prompt = make_signee(("OCC-5",), organisation_name="Prompt Bakery", signed_on=today)
    make_signee(
        ("OCC-5",),
        organisation_name="Unapproved Bakery",
        signed_on=today - timedelta(days=40),
        approve=False,
    )

    def baseline_due_today() -> None:
        db.session.get(CheckIn, check_in_id(prompt, "baseline")).due_on = today
        db.session.commit()

    in_app(baseline_due_today)
    text = page_text(staff.get("/charter/check-ins"))
    overdue, _, this_month = text.partition("Due this month")

    assert "Late Bakery Baseline meeting (term 1)" in overdue
    assert "Prompt Bakery" not in overdue
    assert "Prompt Bakery Baseline meeting (term 1)" in this_month
    assert "Unapproved Bakery" not in text


def test_a_held_check_in_is_no_longer_due(staff, bakery, in_app):
    signee_id, signed = bakery
    baseline = in_app(lambda: check_in_id(signee_id, "baseline"))
    post(staff, f"/charter/check-ins/{baseline}", _record_form(signed))

    overdue = page_text(staff.get("/charter/check-ins")).partition("Due this month")[0]

    assert "Cowley Bakery Baseline meeting" not in overdue
    assert "Cowley Bakery 3-month check-in (term 1)" in overdue
    assert flashed(staff.get("/")) == []


def _shown_version(html: str) -> str:
    """The check-in version a page's form carries."""
    found = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    assert found, "no version on the check-in form"
    return found.group(1)


def test_a_correction_made_from_a_page_opened_before_anothers_save_is_refused_and_changes_nothing(
    staff, bakery, in_app
):
    signee_id, signed = bakery
    baseline = in_app(lambda: check_in_id(signee_id, "baseline"))
    page = f"/charter/check-ins/{baseline}"
    seen = _shown_version(staff.get(page).get_data(as_text=True))
    first = {"status": "in_progress", "narrative": "Saved by the first"}
    post(staff, page, {**_record_form(signed, OCC_5=first), "version": seen})

    late = {"status": "implemented", "narrative": "Typed on the old page"}
    response = post(staff, page, {**_record_form(signed, OCC_5=late), "version": seen})

    assert response.status_code == 409
    assert "Someone else saved this check-in after you opened it" in page_text(response)
    narratives = in_app(
        lambda: db.session.scalars(
            select(CheckInRecord.narrative).where(CheckInRecord.check_in_id == baseline)
        ).all()
    )
    assert sorted(narratives) == ["", "Saved by the first"]


def test_each_save_moves_the_version_on_so_the_page_after_it_can_save_again(staff, bakery, in_app):
    signee_id, signed = bakery
    baseline = in_app(lambda: check_in_id(signee_id, "baseline"))
    page = f"/charter/check-ins/{baseline}"
    post(staff, page, {**_record_form(signed), "version": "1"})

    seen = _shown_version(staff.get(page).get_data(as_text=True))
    again = post(staff, page, {**_record_form(signed), "version": seen})

    assert seen == "2"
    assert again.status_code == 302
    assert in_app(lambda: db.session.get(CheckIn, baseline).version) == 3


def test_a_version_that_is_not_a_number_asks_to_reload_and_saves_nothing(staff, bakery, in_app):
    signee_id, signed = bakery
    baseline = in_app(lambda: check_in_id(signee_id, "baseline"))

    response = post(
        staff, f"/charter/check-ins/{baseline}", {**_record_form(signed), "version": "two"}
    )

    assert response.status_code == 400
    assert "Reload the page." in page_text(response)
    assert in_app(lambda: count(CheckInRecord)) == 0
