"""The match page's forms: a move, a message, a delivery (with evidence files), its
confirmation or dispute.

Each carries the match `version` the page showed, so a submit made on a stale view is
told what changed instead of overwriting it. The workflow checks its own rules again;
these forms catch bad input first, with a message beside the field.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Regexp,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from ..choices import SelectChoice
from ..formatting import format_date
from ..toms.fields import MeasureQuantitiesField
from ..validators import plain_text, text_of
from .delivery import MAX_QUANTITY, DeliveryReport
from .evidence import MAX_FILES_AT_ONCE, EvidenceRefused, Upload, read_uploads
from .models import MAX_MESSAGE, MAX_NOTE
from .states import DECLINE_REASONS, State

# The reason the task force gives when it rejects a delivery; the sides never give it.
REJECTED = "evidence_rejected"


def _text(value: str | None) -> str:
    """A text box left out of the post reads as empty, not None."""
    return value or ""


class _Versioned(FlaskForm):
    version = HiddenField(
        "Version",
        validators=[InputRequired(), Regexp(r"^[1-9][0-9]{0,8}$", message="Reload the page.")],
    )

    @property
    def seen_version(self) -> int:
        """The match version the page showed; call after validate."""
        return int(text_of(self.version))


class MoveForm(_Versioned):
    target = StringField(
        "Move to",
        widget=HiddenInput(),
        validators=[DataRequired(), Length(max=20)],
    )
    reason = SelectField(
        "Reason",
        default="",
        choices=[
            SelectChoice("", "Choose a reason"),
            *(SelectChoice(code, label) for code, label in DECLINE_REASONS.items()),
        ],
    )
    note = TextAreaField("Note", filters=[_text], validators=[Length(max=MAX_NOTE), plain_text])

    def validate_target(self, field: Any) -> None:
        if field.data not in {state.value for state in State}:
            raise ValidationError("Choose one of the moves on the page.")

    def validate_reason(self, field: Any) -> None:
        if self.target.data == State.DECLINED.value and not field.data:
            raise ValidationError("Choose a reason for declining.")

    def fits(self, current: State) -> bool:
        """Rules that depend on the match's state: a task-force query asks a question, and
        only the task force's rejection of a delivery gives the evidence reason."""
        if (
            current == State.DELIVERED
            and self.state == State.AGREED
            and not text_of(self.note).strip()
        ):
            self.note.errors = [*self.note.errors, "Write the question the supplier should answer."]
        rejecting = current == State.DELIVERED
        if self.state == State.DECLINED and (self.reason.data == REJECTED) != rejecting:
            self.reason.errors = [*self.reason.errors, "Choose a reason from the list."]
        return not (self.note.errors or self.reason.errors)

    @property
    def state(self) -> State:
        return State(text_of(self.target))


class MessageForm(_Versioned):
    body = TextAreaField(
        "Message", filters=[_text], validators=[DataRequired(), Length(max=MAX_MESSAGE), plain_text]
    )


class DeliveryForm(_Versioned):
    # Ticked for the measures the two listings name; only those given a quantity count.
    measures = MeasureQuantitiesField(
        "Delivered, per TOMs measure",
        quantity_required=False,
        max_quantity=MAX_QUANTITY,
        description="Give the quantity delivered of each measure (up to 1,000,000); tick "
        "another measure to add it.",
    )
    delivered_from = DateField("Delivered from", validators=[InputRequired()])
    delivered_to = DateField("Delivered to", validators=[InputRequired()])
    evidence = TextAreaField(
        "Evidence",
        description="A note or a link to the evidence (photos, a register, a report).",
        filters=[_text],
        validators=[Length(max=MAX_NOTE), plain_text],
    )
    files = MultipleFileField(
        "Evidence files (optional)",
        description=f"PDF, JPEG or PNG files of up to 10 MB each, {MAX_FILES_AT_ONCE} at most "
        "at a time: a register, photos, a report.",
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"},
    )

    def __init__(self, *args: Any, matched_on: date, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matched_on, self.today = matched_on, today
        self.uploads: list[Upload] = []

    def validate_files(self, field: Any) -> None:
        """Each file's type from its bytes, its size, and that it is not empty."""
        try:
            self.uploads = read_uploads(field.data or [])
        except EvidenceRefused as refused:
            raise ValidationError(str(refused)) from refused

    def validate_measures(self, field: Any) -> None:
        if not self.quantities:
            raise ValidationError("Give the quantity delivered of at least one measure.")

    def validate_delivered_from(self, field: Any) -> None:
        if field.data and field.data < self.matched_on:
            raise ValidationError(
                f"Delivery cannot start before the match ({format_date(self.matched_on)})."
            )

    def validate_delivered_to(self, field: Any) -> None:
        if not field.data:
            return
        if field.data > self.today:
            raise ValidationError("Delivery cannot end after today.")
        elif self.delivered_from.data and field.data < self.delivered_from.data:
            raise ValidationError("Delivery cannot end before it starts.")

    @property
    def quantities(self) -> dict[str, Decimal]:
        return {code: q for code, q in (self.measures.data or {}).items() if q is not None}

    def report(self) -> DeliveryReport:
        """What the form records; call after validate(), which requires both dates."""
        delivered_from, delivered_to = self.delivered_from.data, self.delivered_to.data
        if delivered_from is None or delivered_to is None:
            raise ValueError("A delivery form gives its report only once validated.")
        evidence = text_of(self.evidence)
        return DeliveryReport(
            delivered_from, delivered_to, self.quantities, evidence, tuple(self.uploads)
        )


class DisputeForm(_Versioned):
    reason = TextAreaField(
        "What is wrong with the delivery",
        id="dispute-reason",
        description="The supplier reads this and records the delivery again.",
        filters=[_text],
        validators=[
            DataRequired(message="Say what is wrong with the delivery."),
            Length(max=MAX_NOTE),
            plain_text,
        ],
    )


class ConfirmForm(_Versioned):
    rating = SelectField(
        "Rating (optional)",
        default="",
        choices=[
            SelectChoice("", "No rating"),
            *(SelectChoice(str(n), f"{n} out of 5") for n in range(1, 6)),
        ],
    )
    note = TextAreaField(
        "Note (optional)", filters=[_text], validators=[Length(max=MAX_NOTE), plain_text]
    )

    @property
    def rating_value(self) -> int | None:
        return int(self.rating.data) if self.rating.data else None
