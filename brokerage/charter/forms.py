"""Charter forms: the public sign-up (one form for the organisation, one per pledge), a
check-in (one form for the meeting, one per pledge), pledge editing, the report's year,
and buddy introductions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ..accounts.models import ORGANISATION_KIND_LABELS
from ..choices import SelectChoice
from ..listings.choices import Size
from ..places.fields import PostcodeField
from ..types import utcnow
from ..validators import add_error, plain_name, plain_text, required, text_of
from .check_ins import RecordEntry
from .choices import PledgeProgress, Sector, Unit
from .models import CheckIn, CheckInRecord, Pledge
from .service import SignUp
from .toolkit import ResourceEntry

MAX_EMPLOYEES = 1_000_000
MAX_FIGURE = 1_000_000_000


class SignUpForm(FlaskForm):
    organisation_name = StringField(
        "Organisation name",
        validators=[DataRequired(), Length(max=160), plain_name],
        render_kw={"autocomplete": "organization"},
    )
    kind = RadioField(
        "What kind of organisation is it?",
        choices=[
            SelectChoice(kind.value, label) for kind, label in ORGANISATION_KIND_LABELS.items()
        ],
        validators=[DataRequired(message="Choose what kind of organisation this is.")],
        description="If your organisation already uses the brokerage, we link to it.",
    )
    postcode = PostcodeField(validators=[DataRequired()])
    sector = RadioField(
        "Sector",
        choices=[SelectChoice(sector.value, sector.label) for sector in Sector],
        validators=[DataRequired(message="Choose your organisation's sector.")],
    )
    size = SelectField(
        "Size",
        choices=[
            SelectChoice("", "Choose a size"),
            *(SelectChoice(s.value, s.label) for s in Size),
        ],
        validators=[DataRequired(message="Choose your organisation's size.")],
    )
    employees = IntegerField(
        "Number of employees",
        validators=[
            InputRequired(message="Enter the number of employees, as a whole number."),
            NumberRange(min=0, max=MAX_EMPLOYEES),
        ],
    )
    contact_name = StringField(
        "Contact name",
        validators=[DataRequired(), Length(max=120), plain_name],
        render_kw={"autocomplete": "name"},
    )
    contact_email = EmailField(
        "Contact email address",
        validators=[
            DataRequired(),
            Length(max=254),
            Email(message="Enter an email address like name@example.org."),
        ],
        render_kw={"autocomplete": "email"},
        description="We send the confirmation and check-in reminders here.",
    )
    listed_publicly = BooleanField("List our organisation publicly as a charter signee")
    # A honeypot: hidden from people (and from screen readers), filled in by form robots.
    website = StringField("Leave this empty", render_kw={"autocomplete": "off", "tabindex": "-1"})
    submit = SubmitField("Sign the charter")

    def validate_employees(self, field: Any) -> None:
        size = next((s for s in Size if s.value == self.size.data), None)
        if size is not None and field.data is not None and not size.fits(field.data):
            low, high = size.employees
            band = f"{low} to {high}" if high is not None else f"{low} or more"
            raise ValidationError(
                f"A {size.value} organisation has {band} employees: check the size or this number."
            )

    @property
    def looks_automated(self) -> bool:
        return bool(self.website.data)


class PledgeChoiceForm(FlaskForm):
    """One pledge on the sign-up form; part of SignUpForms, which carries the CSRF token."""

    class Meta:
        csrf = False

    chosen = BooleanField()
    plan = TextAreaField(
        "What you plan to do",
        validators=[Length(max=2000), plain_text],
        description="A few sentences: what you will do in the next 12 months.",
    )

    def validate_plan(self, field: Any) -> None:
        if self.chosen.data and not (field.data or "").strip():
            raise ValidationError("Say what you plan to do for this pledge.")


class FormGroup:
    """Several forms on one page, shown to templates as one: its fields are all theirs, so
    the shared `error_summary` macro lists every form's errors in one box."""

    @property
    def all_forms(self) -> list[FlaskForm]:
        raise NotImplementedError

    def __iter__(self) -> Iterator[Any]:
        return (field for form in self.all_forms for field in form)

    @property
    def errors(self) -> bool:
        return any(form.errors for form in self.all_forms)


class SignUpForms(FormGroup):
    """The organisation's form and one form per pledge, validated together."""

    def __init__(self, pledges: list[Pledge]) -> None:
        self.form = SignUpForm()
        self.pledges = [(p, PledgeChoiceForm(prefix=f"pledge-{p.id}")) for p in pledges]
        for pledge, choice in self.pledges:
            choice.chosen.label.text = f"{pledge.code} {pledge.current.title}"
            choice.chosen.description = pledge.current.wording

    @property
    def all_forms(self) -> list[FlaskForm]:
        return [self.form, *(choice for _, choice in self.pledges)]

    def validate_on_submit(self) -> bool:
        if not self.form.is_submitted():
            return False
        valid = all([form.validate() for form in self.all_forms])  # every form shows its errors
        if self.pledges and not any(choice.chosen.data for _, choice in self.pledges):
            add_error(self.pledges[0][1].chosen, "Choose at least one pledge.")
            return False
        return valid

    def sign_up(self) -> SignUp:
        form = self.form
        return SignUp(
            organisation_name=text_of(form.organisation_name),
            kind=form.kind.data,
            postcode=text_of(form.postcode),
            sector=form.sector.data,
            size=form.size.data,
            employees=required(form.employees.data),
            contact_name=text_of(form.contact_name),
            contact_email=text_of(form.contact_email),
            listed_publicly=form.listed_publicly.data,
            pledges={
                p.id: text_of(choice.plan) for p, choice in self.pledges if choice.chosen.data
            },
        )


class CheckInForm(FlaskForm):
    held_on = DateField(
        "Date of the meeting", validators=[InputRequired(message="Enter the date it was held.")]
    )
    # The check-in's version the page showed; the page always sends it. A post without one
    # (a script) is guarded by the version counter alone.
    version = HiddenField(
        validators=[Optional(), Regexp(r"^[1-9][0-9]{0,8}$", message="Reload the page.")]
    )
    submit = SubmitField("Save the check-in")

    @property
    def seen_version(self) -> int | None:
        """Call after validate."""
        return int(self.version.data) if self.version.data else None

    def validate_held_on(self, field: Any) -> None:
        if field.data and field.data > utcnow().date():
            raise ValidationError("The meeting cannot have been held in the future.")


class RecordForm(FlaskForm):
    """One pledge's progress on the check-in form; CheckInForm carries the CSRF token."""

    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=[SelectChoice(s.value, s.label) for s in PledgeProgress],
        validators=[DataRequired(message="Choose the pledge's status.")],
    )
    figure = IntegerField(
        "Figure",
        validators=[Optional(), NumberRange(min=0, max=MAX_FIGURE)],
        description="A whole number, where there is something to count; money in whole pounds.",
    )
    unit = SelectField(
        "Unit of the figure",
        choices=[SelectChoice("", "No figure"), *(SelectChoice(u.value, u.label) for u in Unit)],
        default="",
    )
    narrative = TextAreaField("What happened", validators=[Length(max=4000), plain_text])
    support_needed = TextAreaField("Support needed", validators=[Length(max=2000), plain_text])

    def validate_unit(self, field: Any) -> None:
        if self.figure.data is not None and not field.data:
            raise ValidationError("Say what the figure counts.")
        if field.data and self.figure.data is None and not self.figure.errors:
            raise ValidationError("Enter the figure, or choose “No figure”.")
        if field.data == Unit.PERCENT and (self.figure.data or 0) > 100:
            raise ValidationError("A percentage is at most 100.")


class CheckInForms(FormGroup):
    """The meeting's form and one record form per approved pledge, validated together."""

    def __init__(self, check_in: CheckIn) -> None:
        self.form = CheckInForm(
            held_on=check_in.held_on or utcnow().date(), version=check_in.version
        )
        self.records = []
        for signed_pledge in check_in.signee.approved_pledges:
            record = check_in.record_for(signed_pledge)
            values = _values(record) or {"status": check_in.earlier_status(signed_pledge)}
            self.records.append(
                (signed_pledge, RecordForm(prefix=f"pledge-{signed_pledge.id}", **values))
            )

    @property
    def all_forms(self) -> list[FlaskForm]:
        return [self.form, *(form for _, form in self.records)]

    def validate_on_submit(self) -> bool:
        return self.form.is_submitted() and all([f.validate() for f in self.all_forms])

    def entries(self) -> list[RecordEntry]:
        return [
            RecordEntry(
                signed_pledge_id=signed_pledge.id,
                status=form.status.data,
                figure=form.figure.data,
                unit=form.unit.data or None,
                narrative=form.narrative.data or "",
                support_needed=form.support_needed.data or "",
            )
            for signed_pledge, form in self.records
        ]


def _values(record: CheckInRecord | None) -> dict[str, Any]:
    """A saved record as form defaults (used only when the request carries no form data)."""
    if record is None:
        return {}
    unit = record.unit_enum
    return {
        "status": record.status,
        "figure": unit.typed(record.quantity) if unit and record.quantity is not None else None,
        "unit": record.unit or "",
        "narrative": record.narrative,
        "support_needed": record.support_needed,
    }


def _web_address(_form: FlaskForm, field: Any) -> None:
    if field.data and not field.data.startswith(("https://", "http://")):
        raise ValidationError("Give a web address starting with https://.")


class PledgeForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200), plain_name])
    wording = TextAreaField("Wording", validators=[DataRequired(), Length(max=2000), plain_text])
    measure_hint = TextAreaField(
        "Suggested measure (a hint)",
        validators=[Length(max=500), plain_text],
        description="Editorial advice on what a signee could count; not a TOMs measure code.",
    )
    source = URLField(
        "Source of the wording",
        validators=[Optional(), Length(max=500), plain_text, _web_address],
        description="Where this wording was published.",
    )
    submit = SubmitField("Save as a new version")


class ResourceForm(FlaskForm):
    """A toolkit resource for a pledge: what it is, and where staff checked it."""

    title = StringField("Title", validators=[DataRequired(), Length(max=200), plain_name])
    url = URLField(
        "Web address (optional)",
        validators=[Optional(), Length(max=500), plain_text, _web_address],
        description="Only an address you have checked is published; leave it empty otherwise.",
    )
    description = TextAreaField(
        "What it offers", validators=[DataRequired(), Length(max=1000), plain_text]
    )
    source = StringField(
        "Where you checked it",
        validators=[DataRequired(), Length(max=500), plain_text],
        description="A web page or document, such as the delivery plan and its section.",
    )
    submit = SubmitField("Add the resource")

    def entry(self) -> ResourceEntry:
        return ResourceEntry(
            text_of(self.title),
            self.url.data or "",
            text_of(self.description),
            text_of(self.source),
        )


class YearForm(FlaskForm):
    """The report's financial year, read from the query string."""

    class Meta:
        csrf = False

    year = IntegerField(
        "Financial year starting in",
        validators=[Optional(), NumberRange(min=2022, max=2100)],
        description="2023 is April 2023 to March 2024.",
    )


class IntroductionForm(FlaskForm):
    pledge = SelectField("Pledge", coerce=int, validators=[DataRequired()])
    buddy = SelectField("Buddy organisation", coerce=int, validators=[DataRequired()])
    introduced_on = DateField("Introduced on", validators=[InputRequired()])
    submit = SubmitField("Record the introduction")

    def set_choices(self, pledges: list[Pledge], buddies: list[Any]) -> None:
        self.pledge.choices = [SelectChoice(p.id, f"{p.code} {p.current.title}") for p in pledges]
        self.buddy.choices = [SelectChoice(o.id, o.name) for o in buddies]


class NarrativeForm(FlaskForm):
    """Quote a narrative in the report (`selected` sent) or stop quoting it (not sent)."""

    selected = BooleanField()


class ButtonForm(FlaskForm):
    """A CSRF token for buttons that need no other input (approve, decline, renew)."""
