"""KPI pages: every KPI with its target and total, and one KPI's values, trend and forms."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import db
from ..validators import required
from . import kpi_sources, kpis, service
from .blueprint import blueprint, current_plan_or_404
from .charts import build_trend
from .forms import KpiTargetForm, KpiValueForm
from .kpi_forms import KpiMeasuresForm
from .models import Kpi
from .permissions import can_manage_plan, can_view_plan, require


@blueprint.route("/kpis")
def kpi_list() -> str:
    require(can_view_plan(current_user))
    plan = current_plan_or_404()
    return render_template("plan/kpis.html", plan=plan, kpis=kpis.plan_kpis(plan))


def _kpi_page(
    kpi: Kpi,
    value_form: KpiValueForm,
    target_form: KpiTargetForm,
    measures_form: KpiMeasuresForm | None = None,
) -> str:
    return render_template(
        "plan/kpi.html",
        kpi=kpi,
        trend=build_trend(kpi.values, kpi.target),
        value_form=value_form,
        target_form=target_form,
        measures_form=measures_form or _measures_form(kpi),
    )


def _measures_form(kpi: Kpi) -> KpiMeasuresForm:
    codes = ", ".join(link.measure_code for link in kpi.measures)
    return KpiMeasuresForm(formdata=None, codes=codes)


def _blank_value_form() -> KpiValueForm:
    return KpiValueForm(formdata=None, recorded_on=service.today())


@blueprint.route("/kpis/<int:kpi_id>")
def show_kpi(kpi_id: int) -> str:
    require(can_view_plan(current_user))
    kpi = db.get_or_404(Kpi, kpi_id)
    return _kpi_page(kpi, _blank_value_form(), KpiTargetForm(target=kpi.target))


@blueprint.post("/kpis/<int:kpi_id>/values")
def record_kpi_value(kpi_id: int) -> Response | tuple[str, int]:
    require(can_manage_plan(current_user))
    kpi = db.get_or_404(Kpi, kpi_id)
    form = KpiValueForm()
    if not form.validate_on_submit():
        return _kpi_page(kpi, form, KpiTargetForm(formdata=None, target=kpi.target)), 400
    kpis.record_kpi_value(
        kpi,
        required(form.recorded_on.data),
        required(form.value.data),
        form.note.data or "",
        current_user,
    )
    db.session.commit()
    flash(f"Value recorded. {kpi.name} now stands at {kpi.total:,}.", "success")
    return redirect(url_for("plan.show_kpi", kpi_id=kpi.id))


@blueprint.post("/kpis/<int:kpi_id>/target")
def set_kpi_target(kpi_id: int) -> Response | tuple[str, int]:
    require(can_manage_plan(current_user))
    kpi = db.get_or_404(Kpi, kpi_id)
    form = KpiTargetForm()
    if not form.validate_on_submit():
        return _kpi_page(kpi, _blank_value_form(), form), 400
    kpis.set_kpi_target(kpi, form.target.data)
    db.session.commit()
    flash("Target saved." if kpi.target is not None else "Target removed.", "success")
    return redirect(url_for("plan.show_kpi", kpi_id=kpi.id))


@blueprint.post("/kpis/<int:kpi_id>/measures")
def set_kpi_measures(kpi_id: int) -> Response | tuple[str, int]:
    require(can_manage_plan(current_user))
    kpi = db.get_or_404(Kpi, kpi_id)
    form = KpiMeasuresForm()
    if not form.validate_on_submit():
        target_form = KpiTargetForm(formdata=None, target=kpi.target)
        return _kpi_page(kpi, _blank_value_form(), target_form, form), 400
    kpi_sources.link_measures(kpi, form.code_list)
    db.session.commit()
    flash(
        f"Fed by the verified outcomes of {', '.join(form.code_list)}."
        if form.code_list
        else "No measure feeds this KPI now.",
        "success",
    )
    return redirect(url_for("plan.show_kpi", kpi_id=kpi.id))
