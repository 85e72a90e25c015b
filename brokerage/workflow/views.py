"""The match page: both sides, the score, the history and messages, and only the forms the
viewer may use. Each POST checks who is asking, validates its form, calls the workflow
once and commits; a refused or stale submit re-renders the page with the current state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..charts import format_quantity
from ..errors import BrokerageError
from ..extensions import db
from ..listings.service import today
from ..matches.models import Match
from ..matches.scene import explain_stored
from ..validators import text_of
from .delivery import confirm_delivery, dispute_delivery, record_delivery
from .evidence import MAX_FILES_AT_ONCE, path_of
from .forms import ConfirmForm, DeliveryForm, DisputeForm, MessageForm, MoveForm
from .models import MAX_EVIDENCE_BYTES, Delivery, EvidenceFile, MatchEvent, MatchMessage
from .moves import (
    advance,
    delivery_of,
    may_confirm,
    may_record,
    may_review,
    roles_of,
    send_message,
    sides,
)
from .permissions import can_read_messages, can_view_match
from .states import (
    DECLINE_REASONS,
    FINAL_STATES,
    REVIEWS,
    Role,
    State,
    moves_from,
    stage_of,
)

blueprint = Blueprint("matches", __name__, url_prefix="/matches")


@blueprint.url_value_preprocessor
def _allow_evidence_files(endpoint: str | None, values: dict[str, object] | None) -> None:
    """A delivery may carry evidence files beyond the site's usual request limit. Set here
    because this runs before the body is first read (by the CSRF check); room for every
    file at a little over the limit, so a file too large gets a field error, not a 413."""
    if endpoint == "matches.delivery" and current_user.is_authenticated:
        request.max_content_length = MAX_FILES_AT_ONCE * 2 * MAX_EVIDENCE_BYTES


Page = tuple[str, int]


def _load(match_id: int) -> Match:
    """The match, if this person may see it; otherwise 404, so its existence stays private."""
    match = db.get_or_404(Match, match_id)
    if not can_view_match(current_user, match):
        abort(404)
    return match


def _require(match: Match, role: Role) -> set[Role]:
    roles = roles_of(current_user, match)
    if role not in roles:
        abort(403)
    return roles


def _delivery_form(match: Match, **kwargs: Any) -> DeliveryForm:
    return DeliveryForm(matched_on=match.computed_at.date(), today=today(), **kwargs)


def _prefilled_delivery(match: Match) -> DeliveryForm:
    """Ticked with the measures the offer and the need or opportunity name; after a task
    force query, filled with the delivery as recorded, to correct."""
    codes: dict[str, Any] = dict.fromkeys([*match.offer.quantities, *match.seeker.quantities])
    data: dict[str, Any] = {"measures": codes}
    if (recorded := delivery_of(match)) is not None:
        codes.update({line.measure_code: line.quantity for line in recorded.lines})
        data |= {
            "delivered_from": recorded.delivered_from,
            "delivered_to": recorded.delivered_to,
            "evidence": recorded.evidence,
        }
    return _delivery_form(match, formdata=None, data=data)


def _offered_moves(
    match: Match, state: State, roles: set[Role], delivery: Delivery | None
) -> list[State]:
    """The move forms to show: delivered comes from the delivery form, and a review only
    for a reviewer independent of both sides."""
    reviews = may_review(current_user, match, delivery)
    return [
        to
        for to in moves_from(state, roles)
        if to != State.DELIVERED and (reviews or (state, to) not in REVIEWS)
    ]


def _page(match: Match, status: int = 200, problem: str = "", **posted: Any) -> Page:
    """The page as this person may use it; `posted` forms keep what they typed and errors."""
    explain_stored([match])
    roles = roles_of(current_user, match)
    state = State(match.state)
    provider, seeker = sides(match)
    delivery = delivery_of(match)
    forms = {
        "move_form": posted.get("move_form"),
        "message_form": posted.get("message_form") or MessageForm(formdata=None),
        "delivery_form": posted.get("delivery_form") or _prefilled_delivery(match),
        "confirm_form": posted.get("confirm_form") or ConfirmForm(formdata=None),
        "dispute_form": posted.get("dispute_form") or DisputeForm(formdata=None),
    }
    for form in forms.values():
        if form is not None:
            form.version.data = str(match.version)
    reads_messages = can_read_messages(current_user, match)
    history = db.session.scalars(
        select(MatchEvent).where(MatchEvent.match_id == match.id).order_by(MatchEvent.id)
    ).all()
    html = render_template(
        "workflow/match.html",
        match=match,
        state=state,
        stage=stage_of(
            state,
            delivery is not None and delivery.is_confirmed,
            history[-1].reason if history else None,
        ),
        provider=provider,
        seeker=seeker,
        delivery=delivery,
        quantity=format_quantity,
        moves=_offered_moves(match, state, roles, delivery),
        may_message=Role.PARTY in roles and state not in FINAL_STATES,
        may_deliver=may_record(current_user, match),
        may_confirm=may_confirm(current_user, match, delivery),
        history=history,
        sent_back=_sent_back(state, history),
        reads_messages=reads_messages,
        messages=db.session.scalars(
            select(MatchMessage).where(MatchMessage.match_id == match.id).order_by(MatchMessage.id)
        ).all()
        if reads_messages
        else [],
        problem=problem,
        decline_reasons=DECLINE_REASONS,
        **forms,
    )
    return html, status


def _sent_back(state: State, history: Sequence[MatchEvent]) -> MatchEvent | None:
    """The dispute or query that sent the delivery back, while the supplier is to answer it."""
    last = history[-1] if history else None
    if state == State.AGREED and last is not None and last.from_state == State.DELIVERED:
        return last
    return None


def _refused(match: Match, error: BrokerageError, **posted: Any) -> Page:
    """Nothing the submit wrote is kept; the page shows why, with the match as it now is."""
    db.session.rollback()
    db.session.refresh(match)
    return _page(match, 409, str(error), **posted)


def _done(match: Match, message: str) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("matches.show", match_id=match.id))


@blueprint.get("/<int:match_id>")
def show(match_id: int) -> Page:
    return _page(_load(match_id))


@blueprint.post("/<int:match_id>/move")
def move(match_id: int) -> Page | Response:
    match = _load(match_id)
    roles = roles_of(current_user, match)
    if not roles & {Role.PARTY, Role.TASK_FORCE}:
        abort(403)
    form = MoveForm()
    if not (form.validate() and form.fits(State(match.state))):
        return _page(match, 400, move_form=form)
    try:
        advance(
            match,
            form.state,
            current_user,
            reason=form.reason.data or None,
            note=text_of(form.note),
            seen_version=form.seen_version,
        )
    except BrokerageError as error:
        return _refused(match, error)
    return _done(match, f"This match is now “{form.state.label}”.")


@blueprint.post("/<int:match_id>/messages")
def message(match_id: int) -> Page | Response:
    match = _load(match_id)
    _require(match, Role.PARTY)
    form = MessageForm()
    if not form.validate():
        return _page(match, 400, message_form=form)
    try:
        send_message(match, current_user, text_of(form.body), form.seen_version)
    except BrokerageError as error:
        return _refused(match, error, message_form=form)
    return _done(match, "Your message was sent.")


@blueprint.post("/<int:match_id>/delivery")
def delivery(match_id: int) -> Page | Response:
    match = _load(match_id)
    _require(match, Role.PROVIDER)
    form = _delivery_form(match)
    if not form.validate():
        return _page(match, 400, delivery_form=form)
    try:
        record_delivery(match, current_user, form.report(), today(), form.seen_version)
    except BrokerageError as error:
        return _refused(match, error, delivery_form=form)
    return _done(match, "The delivery is recorded; the other side is asked to confirm it.")


@blueprint.post("/<int:match_id>/confirm")
def confirm(match_id: int) -> Page | Response:
    match = _load(match_id)
    if current_user.membership_in(sides(match)[1]) is None:
        abort(403)
    form = ConfirmForm()
    if not form.validate():
        return _page(match, 400, confirm_form=form)
    try:
        confirm_delivery(
            match, current_user, form.rating_value, text_of(form.note), form.seen_version
        )
    except BrokerageError as error:
        return _refused(match, error)
    return _done(match, "Thank you: the delivery is confirmed, ready for the task force.")


@blueprint.post("/<int:match_id>/dispute")
def dispute(match_id: int) -> Page | Response:
    match = _load(match_id)
    _require(match, Role.SEEKER)
    form = DisputeForm()
    if not form.validate():
        return _page(match, 400, dispute_form=form)
    try:
        dispute_delivery(match, current_user, text_of(form.reason), form.seen_version)
    except BrokerageError as error:
        return _refused(match, error, dispute_form=form)
    return _done(match, "The delivery is disputed: the supplier is told why and records it again.")


@blueprint.get("/<int:match_id>/evidence/<int:file_id>")
def evidence_file(match_id: int, file_id: int) -> Response:
    """An evidence file, for those who may see the match: always as a download of the type
    its bytes were found to be, never shown inline nor sniffed by the browser."""
    match = _load(match_id)
    evidence = db.get_or_404(EvidenceFile, file_id)
    path = path_of(evidence)
    if evidence.delivery.match_id != match.id or not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=evidence.content_type,
        as_attachment=True,
        download_name=evidence.filename,
        conditional=False,
        etag=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
