"""Organisations: create, show, edit, and invite members by a signed email link."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..errors import BrokerageError
from ..extensions import db
from ..links import absolute_url_for
from ..validators import add_error, text_of
from . import service
from .forms import ConfirmForm, EditOrganisationForm, InviteForm, OrganisationForm
from .models import Organisation
from .permissions import can_act_for, can_manage_organisation

blueprint = Blueprint("organisations", __name__, url_prefix="/organisations")


def _organisation_for(organisation_id: int, *, manage: bool = False) -> Organisation:
    """The organisation if this user may see it (404 otherwise) and, if asked, manage it (403)."""
    organisation = db.get_or_404(Organisation, organisation_id)
    if not can_act_for(current_user, organisation):
        abort(404)
    if manage and not can_manage_organisation(current_user, organisation):
        abort(403)
    return organisation


def _identifiers_of(form: OrganisationForm) -> dict[str, str | None]:
    return {"company_number": form.company_number.data, "charity_number": form.charity_number.data}


@blueprint.route("/")
def index() -> str:
    return render_template("organisations/index.html", organisations=current_user.organisations)


@blueprint.route("/new", methods=["GET", "POST"])
def new() -> str | Response:
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = service.create_organisation(
                current_user,
                text_of(form.name),
                form.kind.data,
                text_of(form.postcode),
                text_of(form.description),
                **_identifiers_of(form),
            )
        except service.NameTaken as error:
            add_error(form.name, str(error))
        except service.IdentifierTaken as error:
            add_error(form[error.column], str(error))
        else:
            db.session.commit()
            flash(f"{organisation.name} is set up. You are its owner.", "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template("organisations/edit.html", form=form, organisation=None)


@blueprint.route("/<int:organisation_id>")
def show(organisation_id: int) -> str:
    organisation = _organisation_for(organisation_id)
    return render_template(
        "organisations/show.html",
        organisation=organisation,
        may_manage=can_manage_organisation(current_user, organisation),
        invite_form=InviteForm(),
    )


@blueprint.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
def edit(organisation_id: int) -> str | Response:
    organisation = _organisation_for(organisation_id, manage=True)
    form = EditOrganisationForm(obj=organisation)
    if form.validate_on_submit():
        try:
            service.update_organisation(
                organisation,
                text_of(form.name),
                text_of(form.postcode),
                text_of(form.description),
                **_identifiers_of(form),
            )
        except service.NameTaken as error:
            add_error(form.name, str(error))
        except service.IdentifierTaken as error:
            add_error(form[error.column], str(error))
        else:
            db.session.commit()
            flash("Saved.", "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template("organisations/edit.html", form=form, organisation=organisation)


@blueprint.post("/<int:organisation_id>/invitations")
def invite(organisation_id: int) -> str | Response | tuple[str, int]:
    organisation = _organisation_for(organisation_id, manage=True)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            service.invite_member(
                organisation,
                current_user,
                text_of(form.email),
                form.role.data,
                lambda token: absolute_url_for("organisations.show_invitation", token=token),
            )
        except BrokerageError as error:
            add_error(form.email, str(error))
        else:
            db.session.commit()
            flash(f"We have emailed an invitation to {form.email.data}.", "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template(
        "organisations/show.html", organisation=organisation, may_manage=True, invite_form=form
    ), 400


@blueprint.get("/invitations/<token>")
def show_invitation(token: str) -> str:
    invitation = service.invitation_for_token(token, current_app.config["INVITATION_MAX_AGE"])
    return render_template("organisations/invitation.html", invitation=invitation, token=token)


@blueprint.post("/invitations/<token>")
def accept_invitation(token: str) -> Response:
    invitation = service.invitation_for_token(token, current_app.config["INVITATION_MAX_AGE"])
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        membership = service.accept_invitation(invitation, current_user)
    except BrokerageError as error:
        flash(str(error), "danger")
        return redirect(url_for("organisations.show_invitation", token=token))
    db.session.commit()
    flash(f"You are now a member of {membership.organisation.name}.", "success")
    return redirect(url_for("organisations.show", organisation_id=membership.organisation_id))
