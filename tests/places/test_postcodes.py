import pytest
from hypothesis import given
from hypothesis import strategies as st

from brokerage.places.lookup import GridPoint, locate_postcode
from brokerage.places.postcodes import InvalidPostcode, normalise_postcode


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("ox44hh", "OX4 4HH"),
        ("OX4 4HH", "OX4 4HH"),
        ("  ox4   4hh ", "OX4 4HH"),
        ("ox10 7nl", "OX10 7NL"),
        ("w1a0bl", "W1A 0BL"),
        ("e1w1aa", "E1W 1AA"),
        ("m11ae", "M1 1AE"),
    ],
)
def test_postcodes_are_normalised_to_the_royal_mail_form(typed, normalised):
    assert normalise_postcode(typed) == normalised


@pytest.mark.parametrize(
    "typed", ["", "OX4", "12345", "ZZZZ ZZZ", "OX4 4HHH", "<script>", "OX4 4CI", "OX4\x004HH"]
)
def test_text_that_is_not_a_postcode_is_refused_with_an_example(typed):
    with pytest.raises(InvalidPostcode, match="OX4 4HH"):
        normalise_postcode(typed)


@given(st.text(max_size=40))
def test_normalising_never_fails_other_than_by_saying_the_postcode_is_invalid(text):
    try:
        result = normalise_postcode(text)
    except InvalidPostcode:
        return
    assert normalise_postcode(result) == result


def test_an_oxfordshire_postcode_resolves_to_its_code_point_coordinates():
    assert locate_postcode("ox4 4hh") == GridPoint(453292, 203887)


@pytest.mark.parametrize("postcode", ["W1A 0BL", "E1W 1AA", "OX10 7NL"])
def test_postcodes_whose_district_ends_in_a_letter_or_has_two_digits_resolve(postcode):
    assert locate_postcode(postcode) is not None


def test_a_well_formed_postcode_that_does_not_exist_resolves_to_nothing():
    assert locate_postcode("OX99 9ZZ") is None
    assert locate_postcode("QQ1 1AA") is None


def test_distance_between_county_hall_and_berinsfield_is_about_eleven_kilometres():
    county_hall = locate_postcode("OX1 1ND")
    berinsfield = locate_postcode("OX10 7NL")
    assert 10_000 < county_hall.distance_to(berinsfield) < 12_500


def test_the_postcode_field_keeps_the_normalised_form_and_refuses_unknown_postcodes(app):
    from flask_wtf import FlaskForm

    from brokerage.places.fields import PostcodeField

    class Form(FlaskForm):
        postcode = PostcodeField()

    with app.test_request_context(method="POST", data={"postcode": "ox44hh"}):
        form = Form(meta={"csrf": False})
        assert form.validate(), form.errors
        assert form.postcode.data == "OX4 4HH"
    with app.test_request_context(method="POST", data={"postcode": "OX99 9ZZ"}):
        form = Form(meta={"csrf": False})
        assert not form.validate()
        assert "cannot find OX99 9ZZ" in form.postcode.errors[0]


def test_a_postcode_that_code_point_lists_without_a_position_resolves_to_nothing():
    assert locate_postcode("AB43 1AG") is None
