"""The inbox page (blueprint `inbox`, /inbox): a person's own notifications only."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from ..extensions import db
from ..pagination import page_number
from . import service
from .models import Notification

blueprint = Blueprint("inbox", __name__, url_prefix="/inbox")


@blueprint.app_template_global()
def unread_notifications() -> int:
    """The header's unread count, asked for only by pages that show it."""
    return service.unread_count(current_user)


@blueprint.get("")
def index() -> str:
    page = db.paginate(service.inbox_query(current_user), page=page_number(), per_page=30)
    return render_template("notifications/inbox.html", page=page, form=FlaskForm())


def _own(notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)  # someone else's notification is not theirs to know about
    return notification


@blueprint.post("/<int:notification_id>/open")
def open_notification(notification_id: int) -> Response:
    """Mark it read and go where it points."""
    notification = _own(notification_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    service.mark_read(notification)
    db.session.commit()
    return redirect(notification.link or url_for("inbox.index"))


@blueprint.post("/read")
def mark_all_read() -> Response:
    if not FlaskForm().validate_on_submit():
        abort(400)
    service.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for("inbox.index"))
