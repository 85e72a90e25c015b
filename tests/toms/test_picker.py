"""The measure picker field: what it parses, what it refuses, and its own page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired

from brokerage.toms.fields import (
    MeasureQuantitiesField,
    measure_quantities_text,
    parse_quantity,
    quantity_text,
)
from tests.helpers.pages import page_text
from tests.helpers.web import post_form


class OfferForm(FlaskForm):
    measures = MeasureQuantitiesField("What you offer", validators=[DataRequired()])


class NeedForm(FlaskForm):
    measures = MeasureQuantitiesField("What fits", quantity_required=False, max_measures=2)


def _submit(app, data: dict[str, str | list[str]], form_class=OfferForm):
    """Post `data` to a form of `form_class`; return (valid, data, errors, by code)."""
    with app.test_request_context(method="POST", data=data):
        form = form_class(meta={"csrf": False})
        valid = form.validate()
        field = form.measures
        return valid, field.data, field.errors, field.measure_errors


@pytest.fixture
def catalogue(shipped_catalogue) -> None:
    """The shipped OIEP and National TOMs measures are in force."""


def test_ticked_measures_with_quantities_are_read_in_catalogue_order(app, catalogue):
    valid, data, errors, _ = _submit(
        app,
        {
            "measures": ["OIEP-S6", "OIEP-J4", "NT1"],
            "measures:OIEP-S6": "40",
            "measures:OIEP-J4": " 2 ",
            "measures:NT1": "1,500.5",
            "measures:OIEP-S1": "",
        },
    )

    assert valid, errors
    assert data == {
        "NT1": Decimal("1500.5"),
        "OIEP-J4": Decimal("2"),
        "OIEP-S6": Decimal("40"),
    }
    assert list(data) == ["NT1", "OIEP-J4", "OIEP-S6"]


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("-3", "OIEP-S6: the quantity cannot be negative."),
        ("0", "OIEP-S6: the quantity must be more than 0."),
        ("abc", "OIEP-S6: the quantity must be a number, like 40 or 2.5."),
        ("1e5", "OIEP-S6: the quantity must be a number, like 40 or 2.5."),
        ("NaN", "OIEP-S6: the quantity must be a number, like 40 or 2.5."),
        ("1,5", "OIEP-S6: the quantity must be a number, like 40 or 2.5."),
        ("2.555", "OIEP-S6: the quantity may have at most two decimal places."),
        ("100000001", "OIEP-S6: the quantity is more than 100,000,000: check the number."),
        ("9" * 400, "OIEP-S6: the quantity is more than 100,000,000: check the number."),
        ("", "OIEP-S6: give a quantity in hours."),
    ],
)
def test_a_bad_quantity_is_a_field_error_naming_its_measure(app, catalogue, typed, error):
    valid, data, errors, by_code = _submit(
        app,
        {"measures": ["OIEP-S6", "OIEP-J4"], "measures:OIEP-S6": typed, "measures:OIEP-J4": "2"},
    )

    assert not valid
    assert errors == [error]
    assert by_code == {"OIEP-S6": error}
    assert data == {}


def test_an_unknown_code_is_a_field_error(app, catalogue):
    valid, _, errors, _ = _submit(app, {"measures": ["OIEP-Z9"], "measures:OIEP-Z9": "3"})

    assert not valid
    assert errors == ["OIEP-Z9 is not a measure in the catalogue."]


def test_a_quantity_for_a_measure_not_ticked_asks_to_tick_it(app, catalogue):
    valid, _, errors, _ = _submit(app, {"measures:OIEP-S6": "40"})

    assert not valid
    assert errors == ["OIEP-S6: tick it to include it, or clear its quantity."]


def test_nothing_ticked_is_refused_when_the_form_requires_measures(app, catalogue):
    valid, _, errors, _ = _submit(app, {})

    assert not valid
    assert errors == ["This field is required."]


def test_every_problem_is_listed_at_once(app, catalogue):
    valid, _, errors, by_code = _submit(
        app,
        {
            "measures": ["OIEP-S6", "OIEP-J4", "BOGUS"],
            "measures:OIEP-S6": "-1",
            "measures:OIEP-J4": "lots",
        },
    )

    assert not valid
    assert set(by_code) == {"OIEP-S6", "OIEP-J4", "BOGUS"}
    assert len(errors) == 3


def test_quantities_may_be_left_out_where_the_form_allows_it(app, catalogue):
    valid, data, errors, _ = _submit(
        app, {"measures": ["OIEP-S1", "OIEP-S2"], "measures:OIEP-S1": "90"}, NeedForm
    )

    assert valid, errors
    assert data == {"OIEP-S1": Decimal("90"), "OIEP-S2": None}


def test_too_many_measures_are_refused(app, catalogue):
    valid, _, errors, _ = _submit(app, {"measures": ["OIEP-S1", "OIEP-S2", "OIEP-S3"]}, NeedForm)

    assert not valid
    assert errors == ["Choose at most 2 measures."]


def test_measures_no_longer_in_force_are_not_offered(app, framework_file, catalogue):
    from brokerage.extensions import db
    from brokerage.toms import service
    from tests.helpers.toms import row

    with app.app_context():
        service.load_framework_file(framework_file([row("OIEP-S6", framework="Swap")]))
        db.session.commit()

    valid, data, _, _ = _submit(app, {"measures": ["OIEP-S6"], "measures:OIEP-S6": "1"})

    assert valid
    with app.test_request_context():
        offered = [m for m in OfferForm(meta={"csrf": False}).measures.measures]
    assert [m.framework_version.framework.name for m in offered if m.code == "OIEP-S6"] == ["Swap"]


def test_a_form_filled_from_saved_data_shows_the_ticks_and_quantities(app, catalogue):
    with app.test_request_context():
        form = OfferForm(measures={"OIEP-S6": Decimal("40.00")}, meta={"csrf": False})
        html = str(form.measures())

    assert 'value="OIEP-S6" id="measures-OIEP-S6" checked' in html
    assert 'name="measures:OIEP-S6" id="measures-OIEP-S6-quantity" value="40"' in html


def test_the_picker_groups_measures_by_theme_and_loads_its_script(app, catalogue):
    with app.test_request_context():
        html = str(OfferForm(meta={"csrf": False}).measures())

    legends = [part.split("</legend>")[0] for part in html.split('pb-1">')[1:]]
    assert legends == [
        "Promote Local Skills and Employment",
        "Healthier, Safer and more Resilient Communities",
        "Supporting Growth of Responsible Regional Business",
    ]
    assert html.count('type="checkbox"') == 21
    assert 'for="measures-OIEP-S6-quantity">Quantity of OIEP-S6, in hours</label>' in html
    assert '<script src="/static/js/measure-picker.js" defer></script>' in html
    assert "onclick" not in html and "style=" not in html


def test_quantities_are_written_as_the_import_files_want_them():
    assert parse_quantity("1,000") == Decimal("1000")
    assert quantity_text(Decimal("40.00")) == "40"
    assert quantity_text(Decimal("4E+3")) == "4000"
    assert quantity_text(Decimal("2.50")) == "2.5"
    assert measure_quantities_text({"OIEP-S6": Decimal("40"), "OIEP-J4": None}) == (
        "OIEP-S6:40;OIEP-J4"
    )


# The picker's page ----------------------------------------------------------------


def test_the_picker_page_writes_the_chosen_measures_for_an_import_file(supplier, catalogue):
    response = post_form(
        supplier,
        "/toms/pick",
        {
            "measures": ["OIEP-S6", "OIEP-J4"],
            "measures:OIEP-S6": "40",
            "measures:OIEP-J4": "2",
        },
        page="/toms/pick",
    )

    assert response.status_code == 200
    text = page_text(response)
    assert "For an import file: OIEP-J4:2;OIEP-S6:40" in text
    assert "OIEP-S6 Employee volunteering hours on local community projects: 40 hours" in text


def test_the_picker_page_shows_errors_beside_the_measure_and_keeps_what_was_typed(
    supplier, catalogue
):
    response = post_form(
        supplier,
        "/toms/pick",
        {"measures": ["OIEP-S6"], "measures:OIEP-S6": "-5", "measures:OIEP-J4": ""},
        page="/toms/pick",
    )

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="measures-OIEP-S6-error"' in html
    assert 'value="-5"' in html
    assert 'value="OIEP-S6" id="measures-OIEP-S6" checked' in html
    assert "There is a problem" in page_text(response)


def test_the_picker_page_without_a_catalogue_says_none_is_loaded(supplier):
    assert "No TOMs measures have been loaded yet." in page_text(supplier.get("/toms/pick"))
