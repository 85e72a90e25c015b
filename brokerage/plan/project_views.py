"""Project pages: cost lines and totals, funding secured against what is needed, the
fundraising actions serving each project, and staff adding funding sources."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import db
from ..validators import text_of
from . import projects, service
from .blueprint import blueprint, current_plan_or_404
from .forms import FundingSourceForm
from .models import FundingSource, Project
from .permissions import can_manage_plan, can_view_plan, require


@blueprint.route("/projects")
def project_list() -> str:
    require(can_view_plan(current_user))
    plan = current_plan_or_404()
    return render_template("plan/projects.html", plan=plan, projects=projects.plan_projects(plan))


def _project_page(project: Project, form: FundingSourceForm) -> str:
    return render_template("plan/project.html", project=project, form=form, today=service.today())


@blueprint.route("/projects/<int:project_id>")
def show_project(project_id: int) -> str:
    require(can_view_plan(current_user))
    return _project_page(db.get_or_404(Project, project_id), FundingSourceForm(formdata=None))


@blueprint.post("/projects/<int:project_id>/funding")
def add_funding(project_id: int) -> Response | tuple[str, int]:
    require(can_manage_plan(current_user))
    project = db.get_or_404(Project, project_id)
    form = FundingSourceForm()
    if not form.validate_on_submit():
        return _project_page(project, form), 400
    source = text_of(form.source)
    projects.add_funding_source(project, source, form.amount_pence, form.secured.data)
    db.session.commit()
    flash(f"Funding from {source.strip()} is recorded.", "success")
    return redirect(url_for("plan.show_project", project_id=project.id))


@blueprint.post("/projects/<int:project_id>/funding/<int:source_id>/delete")
def remove_funding(project_id: int, source_id: int) -> Response:
    require(can_manage_plan(current_user))
    source = db.get_or_404(FundingSource, source_id)
    if source.project_id != project_id:
        abort(404)
    projects.remove_funding_source(source)
    db.session.commit()
    flash(f"Funding from {source.source} is removed.", "success")
    return redirect(url_for("plan.show_project", project_id=project_id))
