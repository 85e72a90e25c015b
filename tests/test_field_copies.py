"""Fields bound once per process and copied for each form: each form's copy is its own."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict
from wtforms import Field, Form, StringField
from wtforms.csrf.core import CSRF
from wtforms.validators import DataRequired, Length

from brokerage import field_copies
from brokerage.choices import SelectChoice
from brokerage.field_copies import CopiedFieldsMeta
from brokerage.widgets import KeptOptionsSelectField


class Copied(Form):
    class Meta(CopiedFieldsMeta):
        pass

    words = StringField("Words", validators=[DataRequired(), Length(max=5)], render_kw={"a": 1})
    kind = KeptOptionsSelectField(
        "Kind", choices=[SelectChoice("", "Any"), SelectChoice("x", "Ex")], validate_choice=False
    )


def test_each_form_holds_its_own_copy_of_each_field():
    first = Copied(formdata=MultiDict({"words": "oak tree", "kind": "x"}))
    second = Copied(formdata=MultiDict({"words": "ash"}))
    first.words.label.text = "Changed"
    first.words.render_kw["a"] = 2
    first.words.flags.required = False

    first.validate()
    second.validate()

    assert first.words is not second.words
    assert (first.words.data, second.words.data) == ("oak tree", "ash")
    assert (first.kind.data, second.kind.data) == ("x", None)
    assert first.words.errors and not second.words.errors
    assert second.words.label.text == "Words"
    assert second.words.render_kw == {"a": 1}
    assert second.words.flags.required


def test_a_copied_select_shares_its_choices_unchanged():
    first, second = Copied(), Copied()

    assert first.kind.choices is second.kind.choices
    assert isinstance(first.kind.choices, tuple)
    assert [choice.value for choice in second.kind.choices] == ["", "x"]


class FixedToken(CSRF):
    def generate_csrf_token(self, csrf_token_field: Field) -> str:
        return "token"


class Guarded(Form):
    class Meta(CopiedFieldsMeta):
        csrf = True
        csrf_class = FixedToken

    words = StringField("Words")


def test_a_form_with_a_csrf_token_keeps_no_field_of_its_own():
    kept = len(field_copies._first_bound)

    forms = [Guarded(formdata=MultiDict({"words": word})) for word in ("oak", "ash")]

    assert len(field_copies._first_bound) == kept
    assert [form.words.data for form in forms] == ["oak", "ash"]
    assert forms[0].csrf_token.current_token == "token"
