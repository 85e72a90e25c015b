"""The TOMs catalogue for signed-in people: browse and search it, see a measure and its
proxy values (staff add them), and try the measure picker."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import db
from ..validators import text_of
from . import service
from .fields import measure_quantities_text
from .forms import CURRENT, CatalogueSearchForm, PickMeasuresForm, ProxyValueForm
from .models import Measure
from .permissions import can_add_proxy_value

blueprint = Blueprint("toms", __name__, url_prefix="/toms")
# `{{ line.measure_code | measure_name }}` in every template: "Its name (OIEP-S1)".
blueprint.add_app_template_filter(service.measure_in_words, "measure_name")


@blueprint.get("/")
def catalogue() -> str | tuple[str, int]:
    form = CatalogueSearchForm(formdata=request.args)
    versions = service.all_versions()
    form.set_versions(versions)
    page = {"form": form, "loaded": bool(versions), "may_add": can_add_proxy_value(current_user)}
    if not form.validate():
        return render_template("toms/catalogue.html", tree=None, **page), 400
    if form.version.data == CURRENT:
        chosen = service.current_versions()
    else:
        chosen = [v for v in versions if str(v.id) == form.version.data]
    measures = service.find_measures(chosen, form.q.data or "")
    return render_template(
        "toms/catalogue.html",
        tree=service.group_catalogue(measures),
        found=len(measures),
        **page,
    )


def _measure_page(measure: Measure, form: ProxyValueForm) -> str:
    return render_template(
        "toms/measure.html",
        measure=measure,
        form=form,
        may_add=can_add_proxy_value(current_user),
    )


@blueprint.get("/measures/<int:measure_id>")
def show_measure(measure_id: int) -> str:
    return _measure_page(db.get_or_404(Measure, measure_id), ProxyValueForm())


@blueprint.post("/measures/<int:measure_id>/proxy-values")
def add_proxy_value(measure_id: int) -> Response | tuple[str, int]:
    measure = db.get_or_404(Measure, measure_id)
    if not can_add_proxy_value(current_user):
        abort(403)
    form = ProxyValueForm()
    if not form.validate_on_submit():
        return _measure_page(measure, form), 400
    proxy = service.add_proxy_value(measure, form.value_pence, text_of(form.source), current_user)
    db.session.commit()
    flash(f"{measure.code} now has a proxy value of {proxy.pounds}.", "success")
    return redirect(url_for("toms.show_measure", measure_id=measure.id))


@blueprint.route("/pick", methods=["GET", "POST"])
def pick_measures() -> str | tuple[str, int]:
    """The picker on its own: it writes the chosen measures as the import files want them."""
    form = PickMeasuresForm()
    if request.method == "POST" and not form.validate_on_submit():
        return render_template("toms/pick.html", form=form, chosen=None), 400
    chosen = measure_quantities_text(form.measures.data) if request.method == "POST" else None
    return render_template("toms/pick.html", form=form, chosen=chosen)
