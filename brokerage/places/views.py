"""Staff pages for priority places: the list with a postcode check, add, change, and
loading the partnership's reference list."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from ..extensions import db
from ..validators import add_error, text_of
from . import service
from .forms import PostcodeCheckForm, PriorityPlaceForm
from .models import PriorityPlace
from .permissions import can_manage_priority_places
from .wards import VINTAGE

blueprint = Blueprint("places", __name__, url_prefix="/places")


@blueprint.before_request
def _staff_only() -> None:
    """Every page here is for staff (signing in is asked for first, by accounts)."""
    if current_user.is_authenticated and not can_manage_priority_places(current_user):
        abort(403)


@blueprint.get("/priority-places")
def priority_places() -> str | tuple[str, int]:
    check = PostcodeCheckForm(formdata=request.args if request.args else None)
    place, status = None, 200
    if request.args:
        if check.validate():
            place = service.resolve(text_of(check.postcode))
        else:
            status = 400
    return render_template(
        "places/priority_places.html",
        places=service.priority_places(),
        check=check,
        place=place,
        vintage=VINTAGE,
    ), status


def _save(place: PriorityPlace | None, form: PriorityPlaceForm) -> bool:
    try:
        saved = service.save_priority_place(
            place,
            name=text_of(form.name),
            local_authority=form.local_authority.data,
            prefixes=form.prefix_list,
            wards=form.ward_list,
            reason=form.reason.data or "",
            source=form.source.data or "",
            actor=current_user,
        )
    except service.PlaceNameTaken as error:
        add_error(form.name, str(error))
        return False
    db.session.commit()
    flash(f"{saved.name} is saved.", "success")
    return True


@blueprint.route("/priority-places/new", methods=["GET", "POST"])
def new_priority_place() -> str | Response | tuple[str, int]:
    form = PriorityPlaceForm()
    if form.validate_on_submit() and _save(None, form):
        return redirect(url_for("places.priority_places"))
    status = 400 if form.errors else 200
    return render_template("places/edit.html", form=form, place=None), status


@blueprint.route("/priority-places/<int:place_id>/edit", methods=["GET", "POST"])
def edit_priority_place(place_id: int) -> str | Response | tuple[str, int]:
    place = db.get_or_404(PriorityPlace, place_id)
    form = PriorityPlaceForm(obj=place)
    if not isinstance(form.prefixes.data, str):
        # WTForms prefers the object's attribute (the prefix rows) to a keyword: show them
        # as text, and keep them when a post leaves the field out.
        form.prefixes.data = place.prefixes_text
    if not isinstance(form.wards.data, str):
        form.wards.data = place.wards_text
    if form.validate_on_submit() and _save(place, form):
        return redirect(url_for("places.priority_places"))
    status = 400 if form.errors else 200
    return render_template("places/edit.html", form=form, place=place), status


@blueprint.post("/priority-places/reference")
def load_reference_list() -> Response:
    if FlaskForm().validate_on_submit():
        added = service.load_reference_priority_places()
        db.session.commit()
        flash(
            f"Added {len(added)} places from the reference list: {', '.join(added)}."
            if added
            else "Every place in the reference list is already here.",
            "success" if added else "info",
        )
    return redirect(url_for("places.priority_places"))
