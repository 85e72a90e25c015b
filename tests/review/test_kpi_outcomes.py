"""Verified outcomes feed the delivery plan: staff link a TOMs measure to a KPI, and
`flask plan sync-kpis` writes one value per month from the verified outcomes, once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.plan import service
from brokerage.plan.models import Kpi, KpiValue
from brokerage.workflow.moves import advance
from brokerage.workflow.states import State
from tests.helpers.pages import page_text
from tests.helpers.web import post_form

ARCH_VOLUNTEERS = "Number of ARCh company volunteers through charter"


def _load_plan(app) -> int:
    with app.app_context():
        service.load_plan(service.read_plan_file(service.current_plan_file()))
        db.session.commit()
        return db.session.scalar(select(Kpi.id).where(Kpi.name == ARCH_VOLUNTEERS))


def _values(app, kpi_id: int) -> list[tuple[date, int, str | None]]:
    with app.app_context():
        return [
            (value.recorded_on, value.value, value.source)
            for value in db.session.scalars(
                select(KpiValue).where(KpiValue.kpi_id == kpi_id).order_by(KpiValue.id)
            )
        ]


def test_a_verified_arch_outcome_moves_the_kpi_once(app, review_world, review_client):
    kpi_id = _load_plan(app)
    staff = review_client("staff")

    response = post_form(staff, f"/plan/kpis/{kpi_id}/measures", {"codes": "oiep-s6"})
    assert response.status_code == 302
    runner = app.test_cli_runner()
    first = runner.invoke(args=["plan", "sync-kpis"])
    again = runner.invoke(args=["plan", "sync-kpis"])

    month = date.today().replace(day=1)
    # m1's 10 verified hours count; m2's 5 hours are confirmed but not verified yet.
    assert first.exit_code == 0, first.output
    assert f"{ARCH_VOLUNTEERS}: 10 over 1 month(s) from verified outcomes of OIEP-S6" in (
        first.output
    )
    assert "0 value(s) written or removed" in again.output.split(ARCH_VOLUNTEERS)[-1]
    assert _values(app, kpi_id) == [(month, 10, "brokerage.verified_outcomes")]
    assert "10" in page_text(staff.get(f"/plan/kpis/{kpi_id}"))

    with app.app_context():
        advance(review_world.match("m2"), State.VERIFIED, review_world.user("task_force"))
        db.session.commit()
    runner.invoke(args=["plan", "sync-kpis"])
    runner.invoke(args=["plan", "sync-kpis"])

    assert _values(app, kpi_id) == [(month, 15, "brokerage.verified_outcomes")]


def test_a_kpi_linked_to_no_measure_is_not_written(app, review_world):
    kpi_id = _load_plan(app)
    app.test_cli_runner().invoke(args=["plan", "sync-kpis"])

    assert _values(app, kpi_id) == []
    with app.app_context():
        assert db.session.scalar(select(func.count(KpiValue.id))) == 0


def test_an_unknown_measure_code_is_a_field_error(app, review_world, review_client):
    kpi_id = _load_plan(app)

    response = post_form(
        review_client("staff"), f"/plan/kpis/{kpi_id}/measures", {"codes": "OIEP-S6, NT999"}
    )

    assert response.status_code == 400
    assert "No measure in force has the code NT999" in page_text(response)
    with app.app_context():
        assert db.session.get(Kpi, kpi_id).measures == []
