"""`flask plan sync-kpis` writes the pounds awarded to suppliers based in the area, month by
month, into the delivery plan's KPI on contract spend where the plan has one."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from brokerage.extensions import db
from brokerage.notices.spend import LOCAL_SPEND_KPI, LOCAL_SPEND_SOURCE
from brokerage.plan import service
from brokerage.plan.models import Kpi, KpiValue, Objective


def _plan_with_spend_kpi(app) -> int:
    with app.app_context():
        service.load_plan(service.read_plan_file(service.current_plan_file()))
        objective = db.session.scalar(
            select(Objective).where(
                Objective.title == "Set up Oxfordshire Social Value & Procurement Task Force"
            )
        )
        kpi = Kpi(name=LOCAL_SPEND_KPI, unit="£", position=len(objective.kpis))
        objective.kpis.append(kpi)
        db.session.commit()
        return kpi.id


def _values(in_app, kpi_id: int) -> list[tuple]:
    return in_app(
        lambda: [
            (v.recorded_on, v.value, v.source)
            for v in db.session.scalars(select(KpiValue).where(KpiValue.kpi_id == kpi_id))
        ]
    )


def test_local_contract_spend_feeds_the_plans_kpi_once(app, notices_import, in_app):
    kpi_id = _plan_with_spend_kpi(app)
    notices_import("fts-awards.json")
    runner = app.test_cli_runner()

    first = runner.invoke(args=["plan", "sync-kpis"])
    again = runner.invoke(args=["plan", "sync-kpis"])

    assert first.exit_code == 0, first.output
    assert f"{LOCAL_SPEND_KPI}: 180,000 over 1 month(s) from {LOCAL_SPEND_SOURCE}" in first.output
    assert "0 value(s) written or removed" in again.output.split(LOCAL_SPEND_KPI)[1]
    assert _values(in_app, kpi_id) == [(date(2026, 6, 1), 180_000, LOCAL_SPEND_SOURCE)]


def test_without_such_a_kpi_the_sync_says_so_and_writes_nothing(app, notices_import):
    notices_import("fts-awards.json")

    result = app.test_cli_runner().invoke(args=["plan", "sync-kpis"])

    assert f"{LOCAL_SPEND_KPI}: no such KPI in any plan; nothing written." in result.output
