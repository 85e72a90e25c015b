"""The measure picker: a form field to choose TOMs measures, each with a quantity.

Measures in force are listed under their themes as checkboxes, each with a quantity box,
so the field works without JavaScript; `static/js/measure-picker.js` adds a box that
filters the list as a person types. Its data is `{code: Decimal quantity}` in catalogue
order (a quantity is None only when `quantity_required=False` and none was given).

    class OfferForm(FlaskForm):
        measures = MeasureQuantitiesField("What you offer", validators=[DataRequired()])

    form.measures.data         # {"NT1": Decimal("40"), "NT3": Decimal("2")}
    OfferForm(measures={"NT1": 40})   # pre-filled when editing
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from flask import render_template
from markupsafe import Markup
from wtforms import Field
from wtforms.utils import unset_value
from wtforms.validators import StopValidation

from ..formatting import format_quantity
from ..validators import add_error
from . import service
from .models import Measure

# Large enough for pounds of local spend on a big contract; beyond it is a typing slip.
MAX_QUANTITY = Decimal(100_000_000)
MAX_MEASURES = 50
_NUMBER = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def parse_quantity(text: str, max_quantity: Decimal = MAX_QUANTITY) -> Decimal:
    """A positive quantity with at most two decimal places; ValueError says what is wrong."""
    text = text.strip()
    if text.startswith("-"):
        raise ValueError("cannot be negative")
    if not _NUMBER.match(text):
        raise ValueError("must be a number, like 40 or 2.5")
    quantity = Decimal(text.replace(",", ""))
    if quantity > max_quantity:
        raise ValueError(f"is more than {max_quantity:,}: check the number")
    if quantity != quantity.quantize(Decimal("0.01")):
        raise ValueError("may have at most two decimal places")
    if quantity <= 0:
        raise ValueError("must be more than 0")
    return quantity


def quantity_text(quantity: Decimal | int | float | None) -> str:
    """40 rather than 40.00 or 4E+1, without thousands commas: what a form field or a
    spreadsheet cell holds, which parse_quantity reads back."""
    return format_quantity(quantity, grouping=False)


def measure_quantities_text(quantities: Mapping[str, Decimal | None]) -> str:
    """`NT1:40;NT3:2`: the spreadsheet import's way of writing measures."""
    return ";".join(
        f"{code}:{quantity_text(quantity)}" if quantity is not None else code
        for code, quantity in quantities.items()
    )


class MeasurePickerWidget:
    """Renders `templates/toms/_measure_picker.html`; the outer label and errors come from
    whatever renders the field (such as `macros/forms.html`)."""

    def __call__(self, field: MeasureQuantitiesField, **kwargs: Any) -> Markup:
        return Markup(render_template("toms/_measure_picker.html", field=field))  # noqa: S704


class MeasureQuantitiesField(Field):
    # Subclasses draw themselves with a template widget of their own.
    widget: Callable[..., Markup] = MeasurePickerWidget()

    def __init__(
        self,
        label: str | None = None,
        validators: Any = None,
        *,
        quantity_required: bool = True,
        max_quantity: Decimal = MAX_QUANTITY,
        max_measures: int = MAX_MEASURES,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.quantity_required = quantity_required
        self.max_quantity = Decimal(max_quantity)
        self.max_measures = max_measures
        self.ticked: list[str] = []
        self.typed: dict[str, str] = {}
        self.measure_errors: dict[str, str] = {}
        self._measures: list[Measure] | None = None

    @property
    def measures(self) -> list[Measure]:
        """The measures offered: those in force, read once per form."""
        if self._measures is None:
            self._measures = service.current_measures()
        return self._measures

    @property
    def groups(self) -> list[service.ThemeGroup]:
        return service.group_by_theme(self.measures)

    def quantity_name(self, code: str) -> str:
        return f"{self.name}:{code}"

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        super().process(formdata, data, extra_filters)
        if formdata is None:
            self.ticked = list(self.data or {})
            self.typed = {code: quantity_text(q) for code, q in (self.data or {}).items()}
            return
        prefix = f"{self.name}:"
        self.typed = {
            key.removeprefix(prefix): formdata.get(key, "").strip()
            for key in formdata
            if key.startswith(prefix)
        }

    def process_data(self, value: Any) -> None:
        self.data = dict(value or {})

    def process_formdata(self, valuelist: list[str]) -> None:
        self.ticked = list(dict.fromkeys(value.strip() for value in valuelist if value.strip()))
        self.data = {}

    def pre_validate(self, form: Any) -> None:
        """Read each ticked measure's quantity; every problem is named by its code, and
        any problem stops the field's other validators (a "required" would mislead)."""
        mentioned = dict.fromkeys([*self.ticked, *(c for c, text in self.typed.items() if text)])
        if len(mentioned) > self.max_measures:
            raise StopValidation(f"Choose at most {self.max_measures} measures.")
        known = {measure.code: measure for measure in self.measures}
        for code in mentioned:
            problem = self._problem(code, known.get(code))
            if problem is not None:
                self.measure_errors[code] = problem
                add_error(self, problem)
        if self.measure_errors:
            raise StopValidation()
        self.data = {
            measure.code: self._quantity(measure.code)
            for measure in self.measures
            if measure.code in mentioned
        }

    def _quantity(self, code: str) -> Decimal | None:
        text = self.typed.get(code, "")
        return parse_quantity(text, self.max_quantity) if text else None

    def _problem(self, code: str, measure: Measure | None) -> str | None:
        if measure is None:
            return f"{code[:40]} is not a measure in the catalogue."
        text = self.typed.get(code, "")
        if code not in self.ticked:
            return f"{code}: tick it to include it, or clear its quantity."
        if not text:
            return f"{code}: give a quantity in {measure.unit}." if self.quantity_required else None
        try:
            parse_quantity(text, self.max_quantity)
        except ValueError as error:
            return f"{code}: the quantity {error}."
        return None
