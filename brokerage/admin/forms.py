"""Forms for staff administration."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SearchField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..accounts.organisation_types import OrganisationType
from ..audit.service import ACTIONS
from ..choices import SelectChoice
from ..listings import trades
from ..validators import plain_text, text_of


class PeopleSearchForm(FlaskForm):
    """A GET form: the query lives in the URL, so it needs no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField("Search by name or email", validators=[Optional(), Length(max=100), plain_text])
    submit = SubmitField("Search")


class AuditFilterForm(FlaskForm):
    """A GET form over the audit log: one kind of action, or all."""

    class Meta:
        csrf = False

    action = SelectField(
        "Action",
        choices=[SelectChoice("", "Every action")]
        + [SelectChoice(action, label) for action, label in ACTIONS.items()],
        validators=[Optional()],
    )
    submit = SubmitField("Show")


class PlatformRolesForm(FlaskForm):
    is_staff = BooleanField("Staff (administers everything)")
    is_task_force = BooleanField("Task force (reviews match outcomes)")
    submit = SubmitField("Save roles")


class ClassifyTradeForm(FlaskForm):
    """Staff give the words a file used the trade they name."""

    words = HiddenField(validators=[DataRequired(), Length(max=120)])
    trade = StringField(
        "Trade",
        validators=[DataRequired(message="Give a CPV code or a trade's name."), Length(max=200)],
        description="A CPV code (77310000) or a trade's name from the short list.",
    )
    submit = SubmitField("Classify")

    code = ""

    def validate_trade(self, field: StringField) -> None:
        typed = text_of(field)
        found = trades.recognise(typed) or trades.recognise(typed.split(" ", 1)[0])
        if found is None:
            near = "; ".join(f"{t.label} ({t.code})" for t in trades.suggest(typed))
            hint = f" Did you mean: {near}?" if near else ""
            raise ValidationError(f"“{typed[:60]}” is not a trade we know.{hint}")
        self.code = found.code


class ClassifyTypeForm(FlaskForm):
    """Staff give the words a file used the organisation type they name."""

    words = HiddenField(validators=[DataRequired(), Length(max=120)])
    organisation_type = SelectField(
        "Type",
        choices=[
            SelectChoice("", "Choose a type"),
            *(SelectChoice(kind.value, kind.label) for kind in OrganisationType),
        ],
        validators=[DataRequired(message="Choose the type these words name.")],
    )
    submit = SubmitField("Classify")
