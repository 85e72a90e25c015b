"""Select fields whose options' HTML is kept: drawn exactly as WTForms draws them."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectField

from brokerage.choices import SelectChoice
from brokerage.widgets import KeptOptionsSelectField

CHOICES = [
    SelectChoice("", "Any"),
    SelectChoice("a&b", "Fish & chips <fried>"),
    SelectChoice('say "hi"', "Quoted"),
    SelectChoice("flagged", "With attributes", render_kw={"data-kind": "special"}),
]


class Plain(Form):
    kind = SelectField("Kind", choices=CHOICES, validate_choice=False)


class Kept(Form):
    kind = KeptOptionsSelectField("Kind", choices=CHOICES, validate_choice=False)


def test_a_kept_select_draws_every_option_as_wtforms_does():
    for chosen in ("", "a&b", 'say "hi"', "flagged", "unknown"):
        formdata = MultiDict({"kind": chosen})

        kept = Kept(formdata=formdata).kind(class_="form-select")

        assert kept == Plain(formdata=formdata).kind(class_="form-select")


def test_a_kept_select_marks_the_option_chosen_in_this_form_only():
    chosen = Kept(formdata=MultiDict({"kind": "a&b"})).kind()
    other = Kept(formdata=MultiDict({"kind": ""})).kind()

    assert '<option selected value="a&amp;b">Fish &amp; chips &lt;fried&gt;</option>' in chosen
    assert '<option value="a&amp;b">Fish &amp; chips &lt;fried&gt;</option>' in other
