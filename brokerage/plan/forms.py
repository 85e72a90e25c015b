"""Plan forms: the actions filter (a GET form whose values live in the URL) and a
progress update."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..validators import plain_text
from .models import Plan
from .states import ActionStatus, Phase

STATUS_CHOICES = [SelectChoice(status.value, status.label) for status in ActionStatus]
PHASE_CHOICES = [SelectChoice(phase.value, phase.label) for phase in Phase]


class ActionFilterForm(FlaskForm):
    """Read from the query string; no CSRF token, since it changes nothing."""

    class Meta:
        csrf = False

    working_group = SelectField("Working group", default="")
    lead = SelectField("Lead", default="")
    status = SelectField(
        "Status", choices=[SelectChoice("", "Any status"), *STATUS_CHOICES], default=""
    )
    phase = SelectField(
        "Phase", choices=[SelectChoice("", "Any phase"), *PHASE_CHOICES], default=""
    )
    overdue = BooleanField("Only overdue actions")

    def set_choices(self, plan: Plan, leads: list[str]) -> None:
        self.working_group.choices = [SelectChoice("", "Any working group")] + [
            SelectChoice(group.slug, group.name)
            for group in plan.working_groups
            if group.objectives
        ]
        self.lead.choices = [SelectChoice("", "Any lead")] + [SelectChoice(name) for name in leads]


class ActionUpdateForm(FlaskForm):
    status = SelectField(
        "Status now",
        choices=STATUS_CHOICES,
        validators=[DataRequired(message="Choose the action's status.")],
    )
    note = TextAreaField(
        "Progress note",
        validators=[
            DataRequired(message="Write what has happened since the last update."),
            Length(max=4000),
            plain_text,
        ],
        description="What has been done, what is next, and anything in the way.",
    )
    submit = SubmitField("Post update")
