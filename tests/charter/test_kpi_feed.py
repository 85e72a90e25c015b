"""The charter feeds three of the delivery plan's KPIs: "Number of charter signees",
"Number of organisations making charter pledges on procurement" and "Number of pledges
implemented". The counts are registered at app creation and written month by month by
`flask plan sync-kpis`, idempotently."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from brokerage.charter.models import Signee
from brokerage.extensions import db
from brokerage.plan import service as plan_service
from brokerage.plan.kpi_sources import registered_sources, sync_kpi_sources
from brokerage.plan.models import Kpi, KpiValue
from tests.helpers.charter import hold_meeting
from tests.helpers.pages import page_text

SIGNEES = "Number of charter signees"
PROCUREMENT = "Number of organisations making charter pledges on procurement"
IMPLEMENTED = "Number of pledges implemented"


@pytest.fixture
def plan(app) -> None:
    with app.app_context():
        plan_service.load_plan(plan_service.read_plan_file(plan_service.current_plan_file()))
        db.session.commit()


def _approved_in(signee_id: int, month: int) -> None:
    """Date the signee's approval (and its pledges') in `month` of 2024."""
    when = datetime(2024, month, 12, 10, tzinfo=UTC)
    signee = db.session.get(Signee, signee_id)
    signee.approved_at = when
    for pledge in signee.signed_pledges:
        pledge.approved_at = when
    db.session.commit()


@pytest.fixture
def signees(make_signee, in_app) -> dict[str, int]:
    made = {
        # March: a buyer pledging on procurement and a volunteering pledge.
        "buyer": make_signee(("OCC-1", "OCC-5"), organisation_name="County Buyer"),
        # March: volunteering only (a signee, but no procurement pledge).
        "volunteers": make_signee(("OCC-5",), organisation_name="Reading Friends"),
        # May: two procurement pledges, counted once.
        "supplier": make_signee(("OCC-3", "OCC-4"), organisation_name="Local Supplies"),
        # Waiting for approval: counts for nothing.
        "pending": make_signee(("OCC-2",), organisation_name="Not Yet Ltd", approve=False),
    }
    for name, month in (("buyer", 3), ("volunteers", 3), ("supplier", 5)):
        in_app(lambda n=name, m=month: _approved_in(made[n], m))
    return made


def _values(name: str) -> list[tuple[date, int, str | None]]:
    kpi = db.session.scalars(select(Kpi).where(Kpi.name == name)).one()
    return [(v.recorded_on, v.value, v.source) for v in kpi.values]


def _sync(app) -> str:
    with app.app_context():
        report = sync_kpi_sources(registered_sources(app))
        db.session.commit()
        return report.summary()


def test_the_app_registers_the_charters_three_kpi_sources(app):
    names = {source.kpi_name for source in registered_sources(app)}

    # (award notices feed a fourth: tests/notices/test_kpi.py)
    assert {SIGNEES, PROCUREMENT, IMPLEMENTED} <= names


def test_sync_writes_approved_signees_and_procurement_pledgers_month_by_month(
    app, plan, signees, in_app
):
    _sync(app)

    assert in_app(lambda: _values(SIGNEES)) == [
        (date(2024, 3, 1), 2, "charter.signees"),
        (date(2024, 5, 1), 1, "charter.signees"),
    ]
    assert in_app(lambda: _values(PROCUREMENT)) == [
        (date(2024, 3, 1), 1, "charter.procurement_pledges"),
        (date(2024, 5, 1), 1, "charter.procurement_pledges"),
    ]
    totals = in_app(lambda: {k.name: k.total for k in db.session.scalars(select(Kpi)) if k.total})
    assert totals == {SIGNEES: 3, PROCUREMENT: 2}


def test_syncing_again_updates_the_months_values_and_never_doubles_them(
    app, plan, signees, make_signee, in_app
):
    _sync(app)
    _sync(app)
    assert in_app(lambda: _values(SIGNEES))[0][1] == 2

    later = make_signee(("OCC-2",), organisation_name="March Latecomer")
    in_app(lambda: _approved_in(later, 3))
    _sync(app)

    assert in_app(lambda: _values(SIGNEES)) == [
        (date(2024, 3, 1), 3, "charter.signees"),
        (date(2024, 5, 1), 1, "charter.signees"),
    ]
    assert in_app(lambda: _values(PROCUREMENT))[0][1] == 2
    note = in_app(
        lambda: db.session.scalars(
            select(KpiValue.note).where(
                KpiValue.source == "charter.signees", KpiValue.recorded_on == date(2024, 3, 1)
            )
        ).one()
    )
    assert note == "3 new charter signees in March 2024 (counted automatically)"


def test_a_month_that_no_longer_counts_loses_its_value_and_hand_recorded_values_stay(
    app, plan, signees, in_app
):
    def record_by_hand():
        kpi = db.session.scalars(select(Kpi).where(Kpi.name == SIGNEES)).one()
        kpi.values.append(KpiValue(recorded_on=date(2023, 6, 1), value=14, note="Before the app"))
        db.session.commit()

    in_app(record_by_hand)
    _sync(app)
    in_app(lambda: _approved_in(signees["supplier"], 3))
    _sync(app)

    assert in_app(lambda: _values(SIGNEES)) == [
        (date(2023, 6, 1), 14, None),
        (date(2024, 3, 1), 3, "charter.signees"),
    ]


def test_the_cli_syncs_and_says_what_it_wrote(app, plan, signees, in_app):
    result = app.test_cli_runner().invoke(args=["plan", "sync-kpis"])

    assert result.exit_code == 0, result.output
    assert "Number of charter signees: 3 over 2 month(s) from charter.signees" in result.output
    assert in_app(lambda: _values(PROCUREMENT))[-1][1] == 1


def test_without_the_plan_loaded_nothing_is_written(app, signees, in_app):
    summary = _sync(app)

    assert "Number of charter signees: no such KPI in any plan; nothing written." in summary
    assert in_app(lambda: db.session.scalars(select(KpiValue)).all()) == []


def test_staff_see_the_fed_total_on_the_kpi_page(app, plan, signees, staff, in_app):
    _sync(app)
    kpi_id = in_app(lambda: db.session.scalars(select(Kpi.id).where(Kpi.name == SIGNEES)).one())

    text = page_text(staff.get(f"/plan/kpis/{kpi_id}"))

    assert "2 new charter signees in March 2024 (counted automatically)" in text


def test_each_pledge_standing_implemented_counts_once_in_the_month_it_was_first_recorded(
    app, plan, signees, in_app
):
    """The buyer implemented OCC-1 in April and confirmed it in July; OCC-5 was implemented
    and then dropped; the supplier implemented both pledges in May; the pending signee's
    meetings are never held, and plain progress counts for nothing."""
    buyer, supplier = signees["buyer"], signees["supplier"]
    in_app(lambda: hold_meeting(buyer, "baseline", {"OCC-5": "in_progress"}, date(2024, 2, 1)))
    implemented = {"OCC-1": "implemented", "OCC-5": "implemented"}
    in_app(lambda: hold_meeting(buyer, "month_3", implemented, date(2024, 4, 20)))
    kept = {"OCC-1": "implemented", "OCC-5": "dropped"}
    in_app(lambda: hold_meeting(buyer, "month_6", kept, date(2024, 7, 20)))
    both = {"OCC-3": "implemented", "OCC-4": "implemented"}
    in_app(lambda: hold_meeting(supplier, "baseline", both, date(2024, 5, 2)))
    volunteers = signees["volunteers"]
    in_app(lambda: hold_meeting(volunteers, "baseline", {"OCC-5": "in_progress"}, date(2024, 5, 9)))

    _sync(app)

    assert in_app(lambda: _values(IMPLEMENTED)) == [
        (date(2024, 4, 1), 1, "charter.pledges_implemented"),
        (date(2024, 5, 1), 2, "charter.pledges_implemented"),
    ]
    note = in_app(lambda: db.session.get(KpiValue, _value_id(IMPLEMENTED, date(2024, 5, 1))).note)
    assert note == "2 charter pledges implemented in May 2024 (counted automatically)"


def test_a_pledge_that_slips_back_stops_counting_at_the_next_sync(app, plan, signees, in_app):
    supplier = signees["supplier"]
    in_app(lambda: hold_meeting(supplier, "baseline", {"OCC-3": "implemented"}, date(2024, 5, 2)))
    _sync(app)
    assert [count for _, count, _ in in_app(lambda: _values(IMPLEMENTED))] == [1]

    slipped = {"OCC-3": "in_progress"}
    in_app(lambda: hold_meeting(supplier, "month_3", slipped, date(2024, 8, 2)))
    _sync(app)

    assert in_app(lambda: _values(IMPLEMENTED)) == []


def _value_id(name: str, month: date) -> int:
    return db.session.scalars(
        select(KpiValue.id).join(Kpi).where(Kpi.name == name, KpiValue.recorded_on == month)
    ).one()
