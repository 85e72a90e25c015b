"""Public pages, no login: each working group's problem, data, objectives and progress (no
lead names, no progress notes), and the resource toolkit, which staff edit."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import db
from ..validators import text_of
from . import events, projects, resources, service
from .blueprint import blueprint
from .forms import ResourceForm, ResourceSearchForm
from .models import WorkingGroup
from .permissions import can_manage_plan, require
from .progress import summarise
from .resource_models import Resource

RESOURCES_PER_PAGE = 20
MAX_PAGE = 10_000


@blueprint.route("/working-groups")
def public_groups() -> str:
    plan = service.current_plan()
    return render_template(
        "plan/public_groups.html", plan=plan, today=service.today(), summarise=summarise
    )


@blueprint.route("/working-groups/<slug>")
def public_group(slug: str) -> str:
    plan = service.current_plan()
    group = service.working_group_by_slug(plan, slug) if plan else None
    if plan is None or group is None:
        abort(404)
    toolkit = db.session.scalars(resources.search(resources.ResourceQuery(working_group=slug)))
    return render_template(
        "plan/public_group.html",
        plan=plan,
        group=group,
        events=events.group_events(plan, group),
        projects=[p for p in projects.plan_projects(plan) if p.working_group is group],
        resources=list(toolkit),
        today=service.today(),
        summarise=summarise,
    )


@blueprint.route("/toolkit")
def resource_list() -> str | tuple[str, int]:
    plan = service.current_plan()
    form = ResourceSearchForm(formdata=request.args)
    form.set_choices(plan, resources.themes_in_use())
    if not form.validate():
        return render_template("plan/resources.html", form=form, page=None), 400
    query = resources.ResourceQuery(
        words=form.q.data or "",
        kind=form.kind.data,
        working_group=form.working_group.data,
        audience=form.audience.data,
        toms_theme=form.toms_theme.data,
    )
    # Bounded: a page number past any list would overflow the row offset.
    number = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    page = db.paginate(
        resources.search(query), page=number, per_page=RESOURCES_PER_PAGE, error_out=False
    )
    return render_template("plan/resources.html", form=form, page=page)


@blueprint.route("/toolkit/<int:resource_id>")
def show_resource(resource_id: int) -> str:
    return render_template("plan/resource.html", resource=db.get_or_404(Resource, resource_id))


def _edit_resource(resource: Resource | None) -> str | Response | tuple[str, int]:
    form = ResourceForm(obj=None if request.method == "POST" else resource)
    if resource and request.method != "POST":
        form.working_group.data = str(resource.working_group_id or "")
    form.set_choices(service.current_plan())
    if form.validate_on_submit():
        group = form.working_group.data
        details = resources.ResourceDetails(
            title=text_of(form.title).strip(),
            kind=form.kind.data,
            url=(form.url.data or "").strip() or None,
            body=(form.body.data or "").strip(),
            working_group=db.session.get(WorkingGroup, int(group)) if group else None,
            toms_theme=(form.toms_theme.data or "").strip(),
            audience=form.audience.data,
        )
        saved = resources.save_resource(resource or Resource(), details, current_user)
        db.session.commit()
        flash(f"{saved.title} is saved in the toolkit.", "success")
        return redirect(url_for("plan.show_resource", resource_id=saved.id))
    page = render_template("plan/resource_form.html", form=form, resource=resource)
    return (page, 400) if form.errors else page


@blueprint.route("/toolkit/new", methods=["GET", "POST"])
def new_resource() -> str | Response | tuple[str, int]:
    require(can_manage_plan(current_user))
    return _edit_resource(None)


@blueprint.route("/toolkit/<int:resource_id>/edit", methods=["GET", "POST"])
def edit_resource(resource_id: int) -> str | Response | tuple[str, int]:
    require(can_manage_plan(current_user))
    return _edit_resource(db.get_or_404(Resource, resource_id))


@blueprint.post("/toolkit/<int:resource_id>/delete")
def delete_resource(resource_id: int) -> Response:
    require(can_manage_plan(current_user))
    resource = db.get_or_404(Resource, resource_id)
    resources.remove_resource(resource)
    db.session.commit()
    flash(f"{resource.title} is removed from the toolkit.", "success")
    return redirect(url_for("plan.resource_list"))
