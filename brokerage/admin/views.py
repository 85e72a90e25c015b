"""Staff pages: everyone registered, every organisation, and who holds platform roles."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from ..accounts.models import Organisation, User
from ..accounts.organisation_types import OrganisationType
from ..accounts.permissions import staff_required
from ..accounts.service import set_platform_roles
from ..audit.service import ACTIONS, entries_query
from ..extensions import db
from ..jobs import failed_jobs, redis_connection
from ..listings import trade_service, trades
from ..pagination import page_number
from ..validators import text_of
from .forms import (
    AuditFilterForm,
    ClassifyTradeForm,
    ClassifyTypeForm,
    PeopleSearchForm,
    PlatformRolesForm,
)

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.before_request
@staff_required
def _staff_only() -> None:
    """Every page here is for staff."""


@blueprint.get("/people")
def people() -> str:
    form = PeopleSearchForm(request.args)
    query = select(User).order_by(User.name)
    if form.validate() and form.q.data:
        # What staff type is text: `%` and `_` are escaped, never wildcards.
        words = form.q.data.strip()
        query = query.where(
            or_(
                User.name.icontains(words, autoescape=True),
                User.email.icontains(words, autoescape=True),
            )
        )
    page = db.paginate(query, page=page_number(), per_page=50)
    return render_template("admin/people.html", form=form, page=page, roles_form=PlatformRolesForm)


@blueprint.post("/people/<int:user_id>/roles")
def change_roles(user_id: int) -> Response:
    user = db.get_or_404(User, user_id)
    form = PlatformRolesForm(prefix=f"u{user.id}")
    if not form.validate_on_submit():
        flash("The roles were not changed: reload the page and try again.", "danger")
    elif user.id == current_user.id and not form.is_staff.data:
        flash("You cannot remove your own staff role; ask another member of staff.", "danger")
    else:
        set_platform_roles(
            user,
            staff=form.is_staff.data,
            task_force=form.is_task_force.data,
            actor=current_user,
        )
        db.session.commit()
        flash(f"Roles saved for {user.name}.", "success")
    return redirect(url_for("admin.people"))


@blueprint.get("/organisations")
def organisations() -> str:
    page = db.paginate(
        select(Organisation).order_by(Organisation.kind, Organisation.name),
        page=page_number(),
        per_page=50,
    )
    return render_template("admin/organisations.html", page=page)


@blueprint.get("/unclassified")
def unclassified() -> str:
    """Trades and organisation types partners' files named in words we did not know."""
    return render_template(
        "admin/unclassified.html",
        trade_words=trade_service.unclassified_trades(),
        type_words=trade_service.unclassified_types(),
        trade_form=ClassifyTradeForm(),
        type_form=ClassifyTypeForm(),
        suggest=trades.suggest,
    )


@blueprint.post("/unclassified/trades")
def classify_trade() -> Response:
    form = ClassifyTradeForm()
    if not form.validate_on_submit():
        flash(_first_error(form), "danger")
        return redirect(url_for("admin.unclassified"))
    changed = trade_service.classify_trade_words(text_of(form.words), form.code, current_user)
    db.session.commit()
    flash(
        f"“{form.words.data}” is now {trades.label_of(form.code)} on {changed} records.", "success"
    )
    return redirect(url_for("admin.unclassified"))


@blueprint.post("/unclassified/types")
def classify_type() -> Response:
    form = ClassifyTypeForm()
    if not form.validate_on_submit():
        flash(_first_error(form), "danger")
        return redirect(url_for("admin.unclassified"))
    kind = OrganisationType(form.organisation_type.data)
    changed = trade_service.classify_type_words(text_of(form.words), kind, current_user)
    db.session.commit()
    flash(f"“{form.words.data}” is now {kind.label} for {changed} organisations.", "success")
    return redirect(url_for("admin.unclassified"))


def _first_error(form: FlaskForm) -> str:
    return next(iter(error for errors in form.errors.values() for error in errors))


@blueprint.get("/audit")
def audit_log() -> tuple[str, int]:
    form = AuditFilterForm(request.args)
    valid = form.validate()
    page = db.paginate(
        entries_query(form.action.data if valid else None), page=page_number(), per_page=50
    )
    actor_ids = {entry.actor_id for entry in page.items if entry.actor_id}
    actors = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))}
    page_html = render_template(
        "admin/audit.html", form=form, page=page, actors=actors, actions=ACTIONS
    )
    return page_html, 200 if valid else 400


@blueprint.get("/jobs")
def jobs() -> str:
    return render_template(
        "admin/jobs.html", failed=failed_jobs(), queued=redis_connection() is not None
    )
