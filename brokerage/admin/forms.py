"""Forms for staff administration."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SearchField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from ..audit.service import ACTIONS
from ..validators import plain_text


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
