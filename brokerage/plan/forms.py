"""Plan forms: the actions filter (a GET form whose values live in the URL) and a
progress update."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..choices import SelectChoice
from ..validators import add_error, plain_name, plain_text, text_of
from . import service
from .models import Action, Kpi, Plan
from .service import DUE_CHOICES, ActionFilters
from .spec import pence_from_pounds
from .states import ActionStatus, Audience, EventKind, Phase, ResourceKind

STATUS_CHOICES = [SelectChoice(status.value, status.label) for status in ActionStatus]
MAX_COUNT = 10_000_000
WHITESPACE = re.compile(r"\s")
MAX_PENCE = 100_000_000 * 100
COUNT_RANGE = NumberRange(
    min=0, max=MAX_COUNT, message=f"Enter a whole number from 0 to {MAX_COUNT:,}."
)
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
    due = SelectField(
        "Due",
        choices=[SelectChoice("", "Any time")]
        + [SelectChoice(value, label) for value, label in DUE_CHOICES.items()],
        default="",
    )
    overdue = BooleanField("Only overdue actions")

    def filters(self) -> ActionFilters:
        return ActionFilters(
            working_group=self.working_group.data or "",
            lead=self.lead.data or "",
            status=self.status.data or "",
            phase=self.phase.data or "",
            overdue=bool(self.overdue.data),
            due=self.due.data or "",
        )

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


class LeadLinkForm(FlaskForm):
    email = EmailField(
        "Their account's email address",
        validators=[
            Optional(),
            Length(max=254),
            plain_text,
            Email(message="Enter an email address like name@example.org."),
        ],
        description="Leave empty to unlink. They must have registered first.",
    )
    submit = SubmitField("Save")


def not_in_the_future(form: Any, field: Any) -> None:
    if field.data and field.data > service.today():
        raise ValidationError("The date cannot be in the future.")


class KpiValueForm(FlaskForm):
    recorded_on = DateField(
        "Date",
        validators=[
            InputRequired(message="Enter the date the count is for."),
            not_in_the_future,
        ],
    )
    value = IntegerField(
        "Value",
        validators=[
            InputRequired(message="Enter a whole number."),
            COUNT_RANGE,
        ],
        description="How many on this date; it is added to the KPI's total.",
    )
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000), plain_text])
    submit = SubmitField("Record value")


class KpiTargetForm(FlaskForm):
    target = IntegerField(
        "Target for the plan year",
        validators=[
            Optional(),
            COUNT_RANGE,
        ],
        description="Leave empty for no target: the plan sets none.",
    )
    submit = SubmitField("Save target")


class EventForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[DataRequired(message="Give the event a title."), Length(max=200), plain_name],
    )
    kind = SelectField("Kind", choices=[SelectChoice(k.value, k.label) for k in EventKind])
    happens_on = DateField(
        "Date", validators=[Optional()], description="Leave empty until it is set."
    )
    timing = StringField(
        "When, as planned",
        validators=[Optional(), Length(max=80), plain_name],
        description="While there is no date: the month the plan gives, e.g. September 2023.",
    )
    place = StringField("Place", validators=[Optional(), Length(max=200), plain_name])
    action = SelectField("The action it serves", default="")
    held = BooleanField("The event has been held")
    attendance = IntegerField(
        "Attendance", validators=[Optional(), COUNT_RANGE], description="How many attended."
    )
    attendance_kpi = SelectField("Its attendance counts towards", default="")
    held_kpi = SelectField("Holding it counts towards", default="")
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=4000), plain_text])
    submit = SubmitField("Save event")

    def set_choices(self, actions: list[Action], kpis: list[Kpi]) -> None:
        groups: dict[str, list[SelectChoice]] = {"": [SelectChoice("", "None")]}
        for action in actions:
            objective = action.objective
            label = f"{objective.number}. {action.description or objective.title}"
            groups.setdefault(objective.working_group.name, []).append(
                SelectChoice(str(action.id), label if len(label) <= 90 else label[:89] + "…")
            )
        self.action.choices = groups
        kpi_choices = [SelectChoice("", "No KPI")] + [
            SelectChoice(
                str(k.id), f"{k.name} ({k.objective.working_group.name} {k.objective.number})"
            )
            for k in kpis
        ]
        self.attendance_kpi.choices = kpi_choices
        self.held_kpi.choices = kpi_choices

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.held.data and self.happens_on.data is None and not self.happens_on.errors:
            add_error(self.happens_on, "Give the date it was held.")
            valid = False
        if self.held.data and self.happens_on.data and self.happens_on.data > service.today():
            add_error(self.held, "An event in the future cannot have been held yet.")
            valid = False
        if self.attendance.data is not None and not self.held.data:
            add_error(self.attendance, "Record attendance once the event has been held.")
            valid = False
        if self.held_kpi.data and self.held_kpi.data == self.attendance_kpi.data:
            add_error(self.held_kpi, "Choose a different KPI from the attendance one.")
            valid = False
        return valid


def amount_in_pounds(form: Any, field: Any) -> None:
    try:
        pence = pence_from_pounds(field.data or "")
    except ValueError as error:
        raise ValidationError("Enter an amount in pounds, like £12,000 or 5490.50.") from error
    if not 0 < pence <= MAX_PENCE:
        raise ValidationError("Enter an amount from £0.01 to £100,000,000.")


class FundingSourceForm(FlaskForm):
    source = StringField(
        "Source",
        validators=[
            DataRequired(message="Say where the money comes from."),
            Length(max=200),
            plain_name,
        ],
        description="A funder, grant or campaign, e.g. a Crowdfunder or a trust's grant.",
    )
    amount = StringField(
        "Amount",
        validators=[DataRequired(message="Enter the amount."), amount_in_pounds],
        description="In pounds, e.g. £12,000.",
    )
    secured = BooleanField("Secured (not just applied for or promised)")
    submit = SubmitField("Add funding")

    @property
    def amount_pence(self) -> int:
        """The amount in pence, once amount_in_pounds has accepted it."""
        return pence_from_pounds(text_of(self.amount))


def web_address(form: Any, field: Any) -> None:
    """Only http and https: a javascript: or data: address must never become a link."""
    if not field.data:
        return
    parts = urlsplit(field.data.strip())
    if (
        parts.scheme not in {"http", "https"}
        or "." not in parts.netloc
        or WHITESPACE.search(field.data.strip())
    ):
        raise ValidationError("Enter a web address starting with https:// or http://.")


KIND_CHOICES = [SelectChoice(kind.value, kind.label) for kind in ResourceKind]
AUDIENCE_CHOICES = [SelectChoice(audience.value, audience.label) for audience in Audience]


class ResourceForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[
            DataRequired(message="Give the resource a title."),
            Length(max=200),
            plain_name,
        ],
    )
    kind = SelectField("Kind", choices=KIND_CHOICES)
    url = StringField(
        "Web address",
        validators=[Optional(), Length(max=500), plain_text, web_address],
        description="Where the resource is, if it is on the web.",
    )
    body = TextAreaField(
        "Text",
        validators=[Optional(), Length(max=20_000), plain_text],
        description="What it says, or what the service offers and how to reach it.",
    )
    working_group = SelectField("Working group", default="")
    toms_theme = StringField(
        "TOMs theme",
        validators=[Optional(), Length(max=120), plain_name],
        description="The theme's name, e.g. Jobs: Promote Local Skills and Employment.",
    )
    audience = SelectField("Audience", choices=AUDIENCE_CHOICES, default=Audience.EVERYONE.value)
    submit = SubmitField("Save resource")

    def set_choices(self, plan: Plan | None) -> None:
        groups = plan.working_groups if plan else []
        self.working_group.choices = [SelectChoice("", "All working groups")] + [
            SelectChoice(str(group.id), group.name) for group in groups
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not (self.url.data or "").strip() and not (self.body.data or "").strip():
            add_error(self.url, "Give a web address, or write the text below, or both.")
            valid = False
        return valid


class ResourceSearchForm(FlaskForm):
    """Read from the query string; no CSRF token, since it changes nothing."""

    class Meta:
        csrf = False

    q = StringField("Search the toolkit", validators=[Optional(), Length(max=200), plain_text])
    kind = SelectField("Kind", choices=[SelectChoice("", "Any kind"), *KIND_CHOICES], default="")
    working_group = SelectField("Working group", default="")
    audience = SelectField(
        "Audience", choices=[SelectChoice("", "Anyone"), *AUDIENCE_CHOICES], default=""
    )
    toms_theme = SelectField("TOMs theme", default="")

    def set_choices(self, plan: Plan | None, themes: list[str]) -> None:
        groups = plan.working_groups if plan else []
        self.working_group.choices = [SelectChoice("", "Any working group")] + [
            SelectChoice(group.slug, group.name) for group in groups
        ]
        self.toms_theme.choices = [SelectChoice("", "Any theme")] + [
            SelectChoice(theme) for theme in themes
        ]
