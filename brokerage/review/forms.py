"""The task force's answers to a delivered outcome and the dashboard's filters. Each answer
carries the version of the match the person saw, so a stale view is refused."""

from __future__ import annotations

from collections.abc import Sequence

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from ..validators import add_error, plain_text, text_of
from ..workflow.models import MAX_NOTE
from .figures import Filters

Choices = Sequence[tuple[str, str]]


class _Answer(FlaskForm):
    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])

    @property
    def seen_version(self) -> int:
        return int(text_of(self.version))


class VerifyForm(_Answer):
    note = TextAreaField("Note (optional)", validators=[Length(max=MAX_NOTE), plain_text])


class QueryForm(_Answer):
    note = TextAreaField(
        "Question for the providing side",
        validators=[DataRequired(), Length(max=MAX_NOTE), plain_text],
    )


class RejectForm(_Answer):
    note = TextAreaField(
        "Why the evidence is rejected",
        validators=[DataRequired(), Length(max=MAX_NOTE), plain_text],
    )


ANSWER_FORMS: dict[str, type[_Answer]] = {
    "verify": VerifyForm,
    "query": QueryForm,
    "reject": RejectForm,
}


class DashboardFilterForm(FlaskForm):
    """Read from the query string; no CSRF token, since it changes nothing."""

    class Meta:
        csrf = False

    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    theme = SelectField("TOMs theme", default="")
    district = SelectField("District", default="")
    priority_place = SelectField("Priority place", default="")
    buyer = SelectField("Buyer or beneficiary", default="")
    supplier = SelectField("Supplier", default="")

    def set_choices(self, choices: dict[str, Choices]) -> None:
        """Each select's choices (value, label), after an "any" choice."""
        for name, options in choices.items():
            self[name].choices = [("", "Any"), *options]

    def validate(self, extra_validators: object = None) -> bool:
        valid = super().validate(extra_validators)
        if self.date_from.data and self.date_to.data and self.date_to.data < self.date_from.data:
            add_error(self.date_to, "The end of the period cannot be before its start.")
            return False
        return valid

    def filters(self) -> Filters:
        return Filters(
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            theme=self.theme.data or "",
            district=self.district.data or "",
            priority_place=self.priority_place.data or "",
            buyer_id=int(self.buyer.data) if self.buyer.data else None,
            supplier_id=int(self.supplier.data) if self.supplier.data else None,
        )
