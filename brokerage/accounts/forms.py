"""Account and organisation forms: every rule on what a person may type lives here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    ValidationError,
)

from ..choices import SelectChoice
from ..places.fields import PostcodeField
from ..validators import plain_name, plain_text
from . import identifiers
from .models import ORGANISATION_KIND_LABELS, MemberRole
from .passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH
from .passwords import password_problems


def _email_field(label: str = "Email address") -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired(),
            Length(max=254),
            Email(message="Enter an email address like name@example.org."),
        ],
        render_kw={"autocomplete": "email"},
    )


def _new_password_field(label: str = "Password") -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)],
        description=(
            "At least 10 characters. Long phrases are easier to remember and harder to guess."
        ),
        render_kw={"autocomplete": "new-password"},
    )


def _confirm_field() -> PasswordField:
    return PasswordField(
        "Repeat the password",
        validators=[
            DataRequired(),
            EqualTo("password", message="The two passwords are not the same."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class _NewPasswordRules:
    """Checks the `password` field against the common-password list and minimum length."""

    def validate_password(self, field: Any) -> None:
        email = getattr(getattr(self, "email", None), "data", "") or ""
        problems = password_problems(
            field.data or "", current_app.config["PASSWORD_MIN_LENGTH"], email
        )
        if problems:
            raise ValidationError(problems[0])


class RegisterForm(_NewPasswordRules, FlaskForm):
    name = StringField(
        "Your name",
        validators=[DataRequired(), Length(max=120), plain_name],
        render_kw={"autocomplete": "name"},
    )
    email = _email_field()
    password = _new_password_field()
    confirm = _confirm_field()
    submit = SubmitField("Create account")


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me logged in on this device")
    submit = SubmitField("Log in")


class ChangePasswordForm(_NewPasswordRules, FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password_field("New password")
    confirm = _confirm_field()
    submit = SubmitField("Change password")


class ResetRequestForm(FlaskForm):
    email = _email_field()
    submit = SubmitField("Email me a reset link")


class ResetPasswordForm(_NewPasswordRules, FlaskForm):
    password = _new_password_field("New password")
    confirm = _confirm_field()
    submit = SubmitField("Set new password")


def _blank_as_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


class OrganisationForm(FlaskForm):
    name = StringField(
        "Organisation name", validators=[DataRequired(), Length(max=160), plain_name]
    )
    kind = RadioField(
        "What kind of organisation is it?",
        choices=[
            SelectChoice(kind.value, label) for kind, label in ORGANISATION_KIND_LABELS.items()
        ],
        validators=[DataRequired(message="Choose what kind of organisation this is.")],
    )
    postcode = PostcodeField(validators=[DataRequired()])
    description = TextAreaField(
        "What the organisation does",
        validators=[Length(max=4000), plain_text],
        description="A few sentences that buyers, suppliers and community groups will read.",
    )
    company_number = StringField(
        "Companies House number (optional)",
        validators=[Optional(), Length(max=20)],
        filters=[_blank_as_none],
        description="8 characters, like 01234567 or SC123456.",
    )
    charity_number = StringField(
        "Charity Commission number (optional)",
        validators=[Optional(), Length(max=20)],
        filters=[_blank_as_none],
        description="The registered charity number in England and Wales, like 1123456.",
    )
    submit = SubmitField("Save organisation")

    def validate_company_number(self, field: Any) -> None:
        _read_identifier(field, identifiers.company_number)

    def validate_charity_number(self, field: Any) -> None:
        _read_identifier(field, identifiers.charity_number)


def _read_identifier(field: Any, read: Callable[[str], str]) -> None:
    """The field's number as the register writes it, or the reason it cannot be one."""
    if field.data is None:
        return
    try:
        field.data = read(field.data)
    except identifiers.InvalidIdentifier as error:
        raise ValidationError(str(error)) from error


class EditOrganisationForm(OrganisationForm):
    """The kind is fixed once an organisation exists: listings depend on it."""

    kind = None  # type: ignore[assignment]


class InviteForm(FlaskForm):
    email = _email_field("Their email address")
    role = SelectField(
        "Role",
        choices=[
            SelectChoice(MemberRole.MEMBER.value, "Member"),
            SelectChoice(MemberRole.OWNER.value, "Owner (can invite and edit)"),
        ],
        default=MemberRole.MEMBER.value,
    )
    submit = SubmitField("Send invitation")


class ApiTokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[DataRequired(), Length(max=80), plain_name],
        description="What the token is for, for example “council CRM export”.",
    )
    submit = SubmitField("Create token")


class DeleteAccountForm(FlaskForm):
    """Erasure cannot be undone, so it asks for the password, not just a click."""

    password = PasswordField(
        "Your password",
        validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)],
        description="To confirm that it is you.",
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Delete my account")


class ConfirmForm(FlaskForm):
    """A button and a CSRF token, for actions that need no other input."""

    submit = SubmitField("Confirm")
