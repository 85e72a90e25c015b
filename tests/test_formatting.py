"""The one formatter for numbers and dates: plain digits for Decimals of every size and
exponent, the value kept to the shown precision, and the Jinja filters every template
(the match pages' too) can use."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

from flask import Flask, render_template_string
from hypothesis import given
from hypothesis import strategies as st

from brokerage.formatting import (
    format_amount,
    format_date,
    format_date_span,
    format_datetime,
    format_month,
    format_percent,
    format_pounds,
    format_quantity,
)

ROOT = Path(__file__).resolve().parents[1]

# Decimals as a database, a spreadsheet or arithmetic hands them over: any number of
# digits, any exponent (Decimal("4E+1") is forty), either sign.
decimals = st.builds(
    lambda sign, digits, exponent: Decimal((sign, tuple(digits), exponent)),
    st.integers(0, 1),
    st.lists(st.integers(0, 9), min_size=1, max_size=30),
    st.integers(-30, 30),
)


@given(decimals)
def test_a_quantity_of_any_size_is_written_in_plain_digits_that_read_back(value: Decimal):
    text = format_quantity(value)
    assert "E" not in text.upper()
    assert not (("." in text) and text.endswith("0")), text
    assert format_quantity(value, grouping=False) == text.replace(",", "")


@given(decimals)
def test_a_quantity_read_back_equals_the_value_rounded_to_the_hundredth(value: Decimal):
    text = format_quantity(value, grouping=False)
    with localcontext(prec=100):
        assert Decimal(text) == value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@given(st.integers(-(10**15), 10**15))
def test_money_in_pence_reads_back_to_the_penny(pence: int):
    text = format_pounds(pence)
    assert "E" not in text
    assert Decimal(text.replace("£", "").replace(",", "")) * 100 == pence
    rounded = format_pounds(pence, pennies="never")
    assert "." not in rounded
    assert abs(Decimal(rounded.replace("£", "").replace(",", "")) * 100 - pence) <= 50


def test_numbers_read_as_people_write_them():
    assert format_amount(Decimal("4E+1"), "hours") == "40 hours"
    assert format_amount(Decimal("1.50"), "hours") == "1.5 hours"
    assert format_quantity(Decimal("1250.00")) == "1,250"
    assert format_quantity(Decimal("0E-2")) == "0"
    assert format_pounds(125_000) == "£1,250"
    assert format_pounds(1_250) == "£12.50"
    assert format_pounds(1_200, pennies="always") == "£12.00"
    assert format_pounds(125_050, pennies="never") == "£1,251"
    assert format_percent(0.4) == "40%"
    assert format_percent(Decimal("0.125"), places=1) == "12.5%"
    assert format_percent(None) == "–"


def test_dates_are_written_one_way():
    assert format_date(date(2026, 12, 4)) == "4 December 2026"
    assert format_datetime(datetime(2026, 12, 4, 14, 5, tzinfo=UTC)) == "4 December 2026 at 14:05"
    # Summer time: stored in UTC, shown as the clock in Oxford read.
    assert format_datetime(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == "2 July 2026 at 00:30"
    assert format_date(None) == ""
    assert format_month(date(2026, 12, 4)) == "December 2026"
    # The first of July at 00:30 in Oxford is still 30 June in UTC.
    assert format_month(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "July 2026"


def test_a_span_of_days_reads_on_the_day_or_from_one_day_to_another():
    assert format_date_span(date(2026, 12, 7), date(2026, 12, 7)) == "on 7 December 2026"
    assert format_date_span(date(2026, 12, 7), date(2026, 12, 8)) == (
        "from 7 December 2026 to 8 December 2026"
    )
    assert format_date_span(date(2026, 12, 7), None) == "on 7 December 2026"
    assert format_date_span(None, None) == ""


# A date written for people some other way than the filters: strftime, or a filter of
# another name (Flask-Moment's, Babel's, a hand-made one).
OTHER_DATE_WRITING = re.compile(
    r"strftime|\|\s*(format_date|format_datetime|dateformat|datetimeformat|babel_\w+|moment)\b"
)
# isoformat() is for machines: a <time datetime=...> or an input's value, never text.
ISO_IN_TEXT = re.compile(r"""(?<!datetime=")(?<!value="){{[^}]*isoformat\(\)""")
# A day with a month's name, written by hand in Python ("%-d %B %Y", "%d %b").
HAND_WRITTEN_DATE = re.compile(r"%-?d %[bB]|%[bB] %Y")


def test_no_template_writes_a_date_but_through_the_one_formatter():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "templates").rglob("*.*"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if OTHER_DATE_WRITING.search(line) or ISO_IN_TEXT.search(line)
    ]
    assert not found, "dates written for people without | date, | datetime or | month:\n" + (
        "\n".join(found)
    )


def test_no_python_writes_a_date_for_people_but_the_formatter():
    formatter = ROOT / "brokerage" / "formatting.py"
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "brokerage").rglob("*.py"))
        if path != formatter
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if HAND_WRITTEN_DATE.search(line)
    ]
    assert not found, "dates written by hand instead of format_date:\n" + "\n".join(found)


def test_every_template_has_the_filters(app: Flask):
    with app.test_request_context():
        html = render_template_string(
            "{{ q | amount('hours') }}; {{ p | pounds }}; {{ s | percent }}; {{ d | date }}; "
            "{{ t | datetime }}; {{ q | quantity }}; {{ d | month }}; "
            "{{ d | date_span(d) | sentence }}",
            q=Decimal("4E+1"),
            p=125_000,
            s=0.5,
            d=date(2026, 12, 4),
            t=datetime(2026, 12, 4, 9, 0, tzinfo=UTC),
        )
    assert html == (
        "40 hours; £1,250; 50%; 4 December 2026; 4 December 2026 at 09:00; 40; December 2026; "
        "On 4 December 2026"
    )


def test_a_name_ending_in_s_takes_an_apostrophe_alone(app: Flask):
    with app.test_request_context():
        html = render_template_string(
            "{{ a | possessive }} offers; {{ b | possessive }} offers; {{ c | possessive }}",
            a="Thames Valley Print Works",
            b="Arch",
            c="OXFORD BUS",
        )
    assert html == "Thames Valley Print Works’ offers; Arch’s offers; OXFORD BUS’"


# A name's possessive written by hand ("{{ organisation.name }}'s", f"{owner_name}'s"),
# in a template or an f-string: "Thames Valley Print Works's".
HAND_WRITTEN_POSSESSIVE = re.compile(r"(name|area)\s*\}\}?['’]s\b")


def test_no_template_or_python_writes_a_possessive_but_through_the_helper():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in ("templates", "brokerage")
        for path in sorted((ROOT / folder).rglob("*.*"))
        if path.suffix in {".html", ".txt", ".py"} and path.name != "formatting.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if HAND_WRITTEN_POSSESSIVE.search(line)
    ]
    assert not found, "possessives written without | possessive:\n" + "\n".join(found)


def test_a_postcode_is_kept_on_one_line(app: Flask):
    with app.test_request_context():
        html = render_template_string("{{ p | postcode }} {{ q | postcode }}", p="OX4 2JY", q="<b>")
    whole = '<span class="text-nowrap">'
    assert html == f"{whole}OX4 2JY</span> {whole}&lt;b&gt;</span>"


# A postcode written out in a template without the filter that keeps it whole (a form's
# postcode box, drawn by render_field or kept_field, is an input, not a postcode shown).
BARE_POSTCODE = re.compile(
    r"\{\{(?!\s*(?:render_field|kept_field))[^}]*\.\w*postcode\b(?![^}]*\|\s*postcode)[^}]*\}\}"
)


def test_no_template_shows_a_postcode_but_kept_whole():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if BARE_POSTCODE.search(line)
    ]
    assert not found, "postcodes shown without | postcode:\n" + "\n".join(found)
