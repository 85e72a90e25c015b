"""The directory's search form: read from the query string (GET, no CSRF token, since a
search changes nothing and must be bookmarkable), and reused by the JSON API."""

from __future__ import annotations

import math
from collections.abc import Container
from functools import lru_cache
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from ..choices import SelectChoice
from ..errors import BrokerageError
from ..field_copies import CopiedFieldsMeta
from ..listings import cpv
from ..listings.choices import CATEGORY_LABELS, SIZE_LABELS
from ..listings.trades import COMMON_TRADES
from ..matching import Catalogue
from ..pagination import MAX_PAGE
from ..partnership import ExampleText
from ..places.postcodes import InvalidPostcode
from ..places.service import locate_known
from ..toms.service import matching_catalogue, themes_of
from ..widgets import KeptOptionsSelectField, shared_options
from .service import SORTS, Filters, radius_in_metres

MAX_WORDS_LENGTH = 200
MAX_RADIUS = 500
# The filters, folded behind one button on a phone, in the order shown.
FILTERS = (
    "radius", "unit", "sort", "theme", "measure", "sector", "trade", "size", "vcse",
    "living_wage", "verified",
)  # fmt: skip
# Filters that always hold a value: asking for one is not counted as choosing a filter.
SETTINGS = frozenset({"radius", "unit", "sort"})


def _choices(labels: dict[Any, str], empty: str) -> list[SelectChoice]:
    return [SelectChoice("", empty), *(SelectChoice(k.value, v) for k, v in labels.items())]


def _known(what: str) -> Any:
    """A select's value must be one of its choices; the message names what was sent."""

    def check(form: Any, field: SelectField) -> None:
        if field.data and field.data not in _choice_values(field):
            raise ValidationError(f"“{field.data[:40]}” is not {what}.")

    return check


def _choice_values(field: SelectField) -> Container[object]:
    """A select's values: worked out once for choices shared by every form (a tuple)."""
    options = shared_options(field.choices) if isinstance(field.choices, tuple) else None
    if options is not None:
        return options.values
    return {value for value, *_ in field.iter_choices()}


@lru_cache(maxsize=4)
def _catalogue_choices(
    catalogue: Catalogue,
) -> tuple[tuple[SelectChoice, ...], tuple[SelectChoice, ...]]:
    """The theme and measure filters' choices, made once for each catalogue read (the same
    object until a commit changes the catalogue) and shared, unchanged, by every form."""
    themes = (SelectChoice("", "Any theme"), *(SelectChoice(t, t) for t in themes_of(catalogue)))
    measures = (
        SelectChoice("", "Any measure"),
        *(SelectChoice(m.code, f"{m.code}: {m.name[:80]}") for m in catalogue.measures.values()),
    )
    return themes, measures


class SearchForm(FlaskForm):
    class Meta(CopiedFieldsMeta):
        csrf = False

    q = StringField(
        "Words",
        validators=[Optional(), Length(max=MAX_WORDS_LENGTH)],
        description=ExampleText(
            "Spelling need not be exact; a measure code such as {measure} also works."
        ),
        render_kw={"type": "search", "maxlength": MAX_WORDS_LENGTH},
    )
    postcode = StringField(
        "Near postcode",
        validators=[Optional(), Length(max=10)],
        description=ExampleText("For example {postcode}."),
        render_kw={"autocomplete": "postal-code", "maxlength": 10},
    )
    radius = StringField(
        "Within",
        validators=[Optional(), Length(max=10)],
        description=f"A distance up to {MAX_RADIUS}; leave it empty for anywhere.",
        render_kw={"inputmode": "decimal", "maxlength": 10},
    )
    unit = KeptOptionsSelectField(
        "Unit",
        choices=[SelectChoice("miles", "miles"), SelectChoice("km", "km")],
        default="miles",
        validate_choice=False,
        validators=[_known("miles or km")],
    )
    theme = KeptOptionsSelectField(
        "TOMs theme", validate_choice=False, validators=[_known("a theme in the catalogue")]
    )
    measure = KeptOptionsSelectField(
        "TOMs measure", validate_choice=False, validators=[_known("a measure in the catalogue")]
    )
    sector = KeptOptionsSelectField(
        "Sector",
        choices=_choices(CATEGORY_LABELS, "Any"),
        validate_choice=False,
        validators=[_known("a sector")],
    )
    trade = KeptOptionsSelectField(
        "Trade",
        choices=[
            SelectChoice("", "Any trade"),
            *(SelectChoice(t.code, t.label) for t in COMMON_TRADES),
        ],
        validate_choice=False,
        description="Suppliers who do this work (a CPV code from a tender notice works too).",
    )
    size = KeptOptionsSelectField(
        "Size",
        choices=_choices(SIZE_LABELS, "Any size"),
        validate_choice=False,
        validators=[_known("a size")],
    )
    vcse = BooleanField("VCSE or social enterprise only")
    living_wage = BooleanField("Real Living Wage employers only")
    verified = BooleanField("Verified organisations only")
    sort = KeptOptionsSelectField(
        "Sort by",
        choices=[SelectChoice("relevance", "Relevance"), SelectChoice("distance", "Distance")],
        default="relevance",
        validate_choice=False,
        validators=[_known("relevance or distance")],
    )
    page = IntegerField(
        "Page",
        default=1,
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_PAGE, message=f"Give a page from 1 to {MAX_PAGE:,}."),
        ],
    )

    radius_m: float | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.theme.choices, self.measure.choices = _catalogue_choices(matching_catalogue())

    def validate_postcode(self, field: StringField) -> None:
        if not field.data:
            return
        try:
            field.data, _ = locate_known(field.data)
        except (InvalidPostcode, BrokerageError) as error:
            raise ValidationError(str(error)) from error

    def validate_radius(self, field: StringField) -> None:
        text = (field.data or "").strip()
        if not text:
            return
        try:
            radius = float(text)
        except ValueError:
            radius = math.nan
        if not 0 < radius <= MAX_RADIUS:  # NaN fails too
            raise ValidationError(f"Give a distance of more than 0 and up to {MAX_RADIUS}.")
        if not self.postcode.data:
            raise ValidationError("Give a postcode to search within a distance of it.")
        self.radius_m = radius_in_metres(radius, self.unit.data)

    def validate_trade(self, field: SelectField) -> None:
        """A short-list trade, or any code of the vocabulary (written as notices write it)."""
        if not field.data:
            return
        found = cpv.lookup(field.data)
        if found is None:
            raise ValidationError(f"“{field.data[:40]}” is not a trade or a CPV code.")
        field.data = found.code

    def validate_sort(self, field: SelectField) -> None:
        if field.data == "distance" and not self.postcode.data:
            raise ValidationError("Give a postcode to sort by distance.")

    def filter_fields(self, with_trade: bool) -> list[Field]:
        """The filters shown; the trade filter only where suppliers are searched."""
        return [self[name] for name in FILTERS if with_trade or name != "trade"]

    @staticmethod
    def chosen_count(shown: list[Field], asked: Container[str]) -> int:
        """What the folded filters' button counts: each filter with an error, and each one
        asked for (named in the query string) that holds a value, settings aside."""
        wrong = sum(1 for field in shown if field.errors)
        chosen = sum(
            1
            for field in shown
            if field.name in asked and field.name not in SETTINGS and field.data
        )
        return wrong + chosen

    @property
    def page_number(self) -> int:
        return self.page.data or 1

    def filters(self) -> Filters:
        return Filters(
            words=(self.q.data or "").strip(),
            postcode=self.postcode.data or None,
            radius_m=self.radius_m,
            theme=self.theme.data or None,
            measure=self.measure.data or None,
            sector=self.sector.data or None,
            trade=self.trade.data or None,
            size=self.size.data or None,
            vcse=self.vcse.data,
            living_wage=self.living_wage.data,
            verified_only=self.verified.data,
            sort=self.sort.data if self.sort.data in SORTS else "relevance",
        )
