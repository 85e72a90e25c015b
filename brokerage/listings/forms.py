"""Profile and listing forms: every rule on what a person may type lives here.

Each listing form's `fields()` gives the service its input, so the API and the imports
reuse the same rules.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..accounts.models import Organisation
from ..accounts.organisation_types import OrganisationType
from ..choices import SelectChoice
from ..formatting import format_pounds
from ..partnership import ExampleText
from ..places.fields import PostcodeField
from ..toms.fields import MeasureQuantitiesField, parse_quantity, quantity_text
from ..validators import add_error, plain_name, plain_text, required, stripped, text_of
from .choices import CATEGORY_LABELS, SIZE_LABELS
from .columns import NeedFields, OfferFields, OpportunityFields
from .fields import MeasureWeightsField
from .models import Listing, Need, Opportunity
from .profiles import ProfileFields
from .service import today
from .trade_fields import TradesField

# Further ahead than this, a date is a typing slip (2204 for 2024).
MAX_YEARS_AHEAD = 10
MAX_VALUE_PENCE = 10_000_000_000_00  # £10 billion
_POUNDS = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")
_COMMON = ("title", "description", "category", "postcode")
_HOST = re.compile(r"^(?=.{4,253}$)([a-z0-9](-*[a-z0-9])*\.)+[a-z]{2,63}$")


def _choices(labels: dict[Any, str], empty: str) -> list[SelectChoice]:
    return [SelectChoice("", empty), *(SelectChoice(k.value, v) for k, v in labels.items())]


def not_past(form: Any, field: Any) -> None:
    if field.data and field.data < today():
        raise ValidationError("This date has passed: choose today or a later date.")


def not_too_far(form: Any, field: Any) -> None:
    if field.data and field.data > today() + timedelta(days=365 * MAX_YEARS_AHEAD):
        raise ValidationError(f"This is more than {MAX_YEARS_AHEAD} years ahead: check the year.")


def _date(label: str, *validators: Any, **kwargs: Any) -> DateField:
    return DateField(label, validators=list(validators), **kwargs)


def pence_from_pounds(text: str) -> int:
    """Pence from an amount people type ("£1,250,000", "2500.50"); ValueError says why."""
    typed = text.strip().removeprefix("£").strip()
    if typed.startswith("-"):
        raise ValueError("cannot be negative")
    if not _POUNDS.match(typed):
        raise ValueError("must be an amount in pounds, like 250,000 or 1500.50")
    pence = int(Decimal(typed.replace(",", "")) * 100)
    if pence <= 0:
        raise ValueError("must be more than £0")
    if pence > MAX_VALUE_PENCE:
        raise ValueError(f"is more than £{MAX_VALUE_PENCE // 100:,}: check the number")
    return pence


class ListingForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=160), plain_name])
    description = TextAreaField(
        "Description",
        validators=[DataRequired(), Length(max=4000), plain_text],
        render_kw={"rows": 6},
    )
    category = SelectField(
        "Category",
        choices=_choices(CATEGORY_LABELS, "Choose a category"),
        validators=[DataRequired(message="Choose a category.")],
    )

    def _common(self) -> dict[str, Any]:
        return {
            "title": self.title.data,
            "description": text_of(self.description).strip(),
            "category": self.category.data,
            "postcode": self.postcode.data,
        }


class OfferForm(ListingForm):
    measures = MeasureQuantitiesField(
        "What you offer",
        validators=[DataRequired(message="Tick at least one measure and give its quantity.")],
        description="Tick each measure you can offer and say how much, in its unit: for "
        "example 40 hours of employee volunteering.",
    )
    available_from = _date("Available from", Optional(), not_too_far)
    available_to = _date(
        "Available until",
        Optional(),
        not_past,
        not_too_far,
        description="Leave the dates empty if the offer stands until you archive it.",
    )
    postcode = PostcodeField(
        "Where you would deliver it from",
        validators=[DataRequired()],
        description=ExampleText("A UK postcode, for example {postcode}: usually your own."),
    )
    submit = SubmitField("Save offer")

    def validate_available_to(self, field: Any) -> None:
        if field.data and self.available_from.data and field.data < self.available_from.data:
            raise ValidationError("The end of availability cannot come before its start.")

    def fields(self) -> OfferFields:
        return OfferFields(
            **self._common(),
            available_from=self.available_from.data,
            available_to=self.available_to.data,
            measures=self.measures.data,
        )


_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{6,28}$")


def phone_number(form: Any, field: Any) -> None:
    """Digits, spaces, brackets and dashes, perhaps a leading +: 01865 123456."""
    text = (field.data or "").strip()
    if text and not _PHONE.match(text):
        raise ValidationError("Enter a phone number like 01865 123456.")
    field.data = text


def website(form: Any, field: Any) -> None:
    """An http(s) address with a real-looking host; `example.org` gains https://."""
    text = (field.data or "").strip()
    if not text:
        return
    if "://" not in text:
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        host, parts = "", None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or parts.username
        or not _HOST.match(host)
        or re.search(r"[\s<>\"']", text)
    ):
        raise ValidationError("Enter a web address like https://example.org.")
    field.data = text


class OpportunityForm(ListingForm):
    estimated_value = StringField(
        "Estimated contract value (£)",
        validators=[Optional(), Length(max=20)],
        description="For example 250,000. Leave it empty if it is not known yet.",
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    deadline = _date(
        "Deadline for bids", DataRequired(message="Give the deadline."), not_past, not_too_far
    )
    postcode = PostcodeField(
        "Delivery postcode",
        validators=[DataRequired()],
        description=ExampleText(
            "Where the contract is delivered, for example {delivery_postcode}."
        ),
    )
    measures = MeasureQuantitiesField(
        "Social value wanted",
        validators=[DataRequired(message="Tick at least one measure and give its target.")],
        description="Tick each measure you want and give the quantity you hope for.",
    )
    weights = MeasureWeightsField(
        "How much each measure counts",
        description="Optional: each wanted measure counts 1 unless you give it more (up to "
        "100), for example 3 for the one that matters most.",
    )
    trades = TradesField(
        "Trades: what the contract buys",
        description="Suppliers are matched on what they can do: tick the trades the work "
        "needs, or give its CPV codes from the tender notice.",
    )
    notice_url = StringField(
        "Tender notice",
        validators=[Optional(), Length(max=500), website],
        description="The notice's web address on Find a Tender, Contracts Finder or your "
        "portal, for example https://www.find-tender.service.gov.uk/Notice/012345-2026.",
        render_kw={"autocomplete": "url"},
    )
    submit = SubmitField("Save opportunity")

    value_pence: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.weights.picker = self.measures

    def validate_estimated_value(self, field: Any) -> None:
        try:
            self.value_pence = pence_from_pounds(field.data) if field.data else None
        except ValueError as error:
            raise ValidationError(f"The value {error}.") from error

    def fields(self) -> OpportunityFields:
        return OpportunityFields(
            **self._common(),
            estimated_value_pence=self.value_pence,
            deadline=required(self.deadline.data),
            measures=self.measures.data,
            weights=self.weights.data,
            trades=self.trades.data,
            notice_url=self.notice_url.data or "",
        )


class NeedForm(ListingForm):
    measures = MeasureQuantitiesField(
        "What would help",
        quantity_required=False,
        validators=[DataRequired(message="Tick at least one measure this need fits.")],
        description="Tick the measures this need fits; give a quantity where you know how "
        "much would help.",
    )
    quantity_wanted = StringField(
        "How many in all",
        validators=[Optional(), Length(max=20)],
        description="Optional, for example 90.",
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    quantity_unit = StringField(
        "Of what",
        validators=[Length(max=60), plain_name],
        description="For example volunteers, families or tablets.",
    )
    deadline = _date(
        "Needed by",
        Optional(),
        not_past,
        not_too_far,
        description="Leave it empty if the need is ongoing.",
    )
    postcode = PostcodeField(
        "Where the help is needed",
        validators=[DataRequired()],
        description=ExampleText("A UK postcode, for example {need_postcode}."),
    )
    submit = SubmitField("Save need")

    quantity: Decimal | None = None

    def validate_quantity_wanted(self, field: Any) -> None:
        try:
            self.quantity = parse_quantity(field.data) if field.data else None
        except ValueError as error:
            raise ValidationError(f"The number {error}.") from error

    def validate_quantity_unit(self, field: Any) -> None:
        if self.quantity_wanted.data and not (field.data or "").strip():
            raise ValidationError("Say what the number counts, for example volunteers.")

    def fields(self) -> NeedFields:
        return NeedFields(
            **self._common(),
            deadline=self.deadline.data,
            quantity_wanted=self.quantity,
            quantity_unit=" ".join((self.quantity_unit.data or "").split()),
            measures=self.measures.data,
        )


class ProfileForm(FlaskForm):
    sector = SelectField(
        "Sector",
        choices=_choices(CATEGORY_LABELS, "Not stated"),
        filters=[stripped],
        validators=[Optional()],
    )
    size = SelectField(
        "Size",
        choices=_choices(SIZE_LABELS, "Not stated"),
        filters=[stripped],
        validators=[Optional()],
    )
    is_vcse = BooleanField("A voluntary, community or social enterprise (VCSE) organisation")
    is_social_enterprise = BooleanField("A social enterprise")
    pays_real_living_wage = BooleanField("Pays the real Living Wage")
    service_radius_km = IntegerField(
        "Area served, in km from your postcode",
        validators=[Optional(), NumberRange(min=1, max=500, message="Give 1 to 500 km.")],
        description="How far you travel to work. Leave it empty if you work anywhere.",
        render_kw={"inputmode": "numeric"},
    )
    website = StringField(
        "Website",
        validators=[Optional(), Length(max=255), website],
        description="For example https://example.org.",
        render_kw={"autocomplete": "url"},
    )
    trades = TradesField(
        "Trades: what you can be hired to do",
        description="Buyers find suppliers by trade, and opportunities are matched on it. "
        "Tick each that fits, and add any other.",
    )
    organisation_type = SelectField(
        "Type of organisation",
        choices=[
            SelectChoice("", "Not stated"),
            *(SelectChoice(t.value, t.label) for t in OrganisationType),
        ],
        filters=[stripped],
        validators=[Optional()],
    )
    contact_name = StringField(
        "Contact name",
        validators=[Optional(), Length(max=120), plain_name],
        render_kw={"autocomplete": "name"},
    )
    contact_email = StringField(
        "Contact email",
        validators=[
            Optional(),
            Length(max=254),
            Email(message="Enter an email address like name@example.org."),
        ],
        render_kw={"autocomplete": "email"},
    )
    contact_phone = StringField(
        "Contact phone",
        validators=[Optional(), Length(max=30), phone_number],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    show_contact = BooleanField(
        "Show this contact on our profile",
        description="Only signed-in members of organisations see it; visitors never do.",
    )
    submit = SubmitField("Save profile")

    # The fields each kind of organisation fills in; the rest stay empty.
    FIELDS_BY_KIND = {
        "supplier": (
            "trades",
            "sector",
            "size",
            "is_vcse",
            "is_social_enterprise",
            "pays_real_living_wage",
            "service_radius_km",
            "website",
        ),
        "buyer": ("organisation_type", "sector", "size", "pays_real_living_wage", "website"),
        "beneficiary": ("organisation_type", "size", "is_vcse", "is_social_enterprise", "website"),
        "partner": ("organisation_type", "size", "is_vcse", "website"),
    }
    CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone", "show_contact")
    ALL_FIELDS = tuple(
        dict.fromkeys(
            name for names in (*FIELDS_BY_KIND.values(), CONTACT_FIELDS) for name in names
        )
    )

    @classmethod
    def for_organisation(
        cls, organisation: Organisation, trades: tuple[str, ...] = (), **kwargs: Any
    ) -> ProfileForm:
        """The form for this kind of organisation, filled with its profile (`obj`), its
        trades and its type."""
        kwargs.setdefault("trades", trades)
        kwargs.setdefault("organisation_type", organisation.organisation_type or "")
        form = cls(**kwargs)
        shown = (*cls.FIELDS_BY_KIND[organisation.kind], *cls.CONTACT_FIELDS)
        for name in cls.ALL_FIELDS:
            if name not in shown:
                delattr(form, name)
        return form

    def fields(self) -> ProfileFields:
        values = {name: self[name].data for name in self.ALL_FIELDS if name in self._fields}
        for name in ("sector", "size"):
            values[name] = values.get(name) or None
        values["website"] = values.get("website") or ""
        for name in self.CONTACT_FIELDS[:3]:
            values[name] = (values.get(name) or "").strip()
        values["show_contact"] = bool(values.get("show_contact"))
        return ProfileFields(**values)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.show_contact.data:
            if not (self.contact_name.data or "").strip():
                add_error(self.contact_name, "Give the contact's name, or untick showing it.")
                valid = False
            if not ((self.contact_email.data or "").strip() or (self.contact_phone.data or "")):
                add_error(self.contact_email, "Give an email address or a phone number.")
                valid = False
        return valid


class ButtonForm(FlaskForm):
    """A button and a CSRF token, for actions that need no other input."""

    submit = SubmitField("Confirm")


def initial_data(listing: Listing) -> dict[str, Any]:
    """What an edit form starts with: the listing as the person typed it."""
    names = (
        *_COMMON,
        "available_from",
        "available_to",
        "deadline",
        "quantity_unit",
        "notice_url",
    )
    data = {name: getattr(listing, name) for name in names if hasattr(listing, name)}
    data["measures"] = listing.quantities
    if isinstance(listing, Opportunity):
        data["weights"] = {code: w for code, w in listing.weights.items() if w != 1}
        value = listing.estimated_value_pence
        data["estimated_value"] = (
            format_pounds(value, pennies="always") if value is not None else ""
        )
        data["trades"] = tuple(row.cpv_code for row in listing.trades if row.cpv_code)
    if isinstance(listing, Need):
        data["quantity_wanted"] = quantity_text(listing.quantity_wanted)
    return data
