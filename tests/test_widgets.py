"""Fields and select options whose HTML is kept: drawn exactly as WTForms draws them, and
afresh whenever anything they show has changed."""

from __future__ import annotations

from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import Field, Form, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length

from brokerage.choices import SelectChoice
from brokerage.widgets import KeptOptionsSelectField, kept_field, kept_fields

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


class Search(Form):
    words = StringField("Words", validators=[Length(max=5)], render_kw={"type": "search"})
    kind = KeptOptionsSelectField("Kind", choices=CHOICES[:3], validate_choice=False)
    many = SelectMultipleField("Many", choices=CHOICES[:3])


class Drawer:
    """A field's drawing as a template's macro would make it, counting each time it ran."""

    def __init__(self) -> None:
        self.drawn: list[str] = []

    def __call__(self, field: Field) -> Markup:
        self.drawn.append(field.name)
        return Markup("{}{}{}").format(field.label(), field(), " ".join(field.errors))


def _search(**values: str | list[str]) -> Search:
    form = Search(formdata=MultiDict(values))
    form.validate()
    return form


def test_a_kept_field_is_drawn_once_for_each_look():
    draw = Drawer()

    first = kept_field(draw, _search(words="oak", kind="a&b").kind)
    again = kept_field(draw, _search(words="ash", kind="a&b").kind)
    other = kept_field(draw, _search(kind="").kind)

    assert draw.drawn == ["kind", "kind"]
    assert first == again == Drawer()(_search(kind="a&b").kind)
    assert '<option selected value="a&amp;b">' in first
    assert '<option selected value="">' in other


def test_a_kept_text_box_is_drawn_once_for_every_value_typed_in_it():
    draw = Drawer()

    drawn = [kept_field(draw, _search(words=words).words) for words in ("oak", 'a"<b', "")]

    assert draw.drawn == ["words", "words"]  # once with a value, once without
    assert drawn == [Drawer()(_search(words=words).words) for words in ("oak", 'a"<b', "")]
    assert 'value="a&#34;&lt;b"' in drawn[1]


def test_a_kept_field_is_drawn_afresh_with_its_errors():
    draw = Drawer()

    short = kept_field(draw, _search(words="oak").words)
    long = kept_field(draw, _search(words="oak tree").words)

    assert draw.drawn == ["words", "words"]
    assert 'value="oak"' in short and "longer" not in short
    assert 'value="oak tree"' in long and "Field cannot be longer than 5 characters." in long


def test_a_kept_select_shows_an_option_added_since_it_was_drawn():
    draw = Drawer()
    kept_field(draw, _search().kind)

    form = _search()
    form.kind.choices = [*CHOICES[:3], SelectChoice("new", "A new kind")]
    drawn = kept_field(draw, form.kind)

    assert '<option value="new">A new kind</option>' in drawn


def test_a_field_whose_value_is_not_plain_data_is_drawn_every_time():
    draw = Drawer()

    for _ in range(2):
        drawn = kept_field(draw, _search(many=["a&b"]).many)

    assert draw.drawn == ["many", "many"]
    assert '<option selected value="a&amp;b">' in drawn


def test_a_kept_select_with_shared_choices_shows_the_options_of_its_own_choices():
    draw = Drawer()
    form = _search()
    form.kind.choices = tuple(CHOICES[:3])
    kept_field(draw, form.kind)

    newer = (*CHOICES[:3], SelectChoice("new", "A new kind"))
    for _ in range(2):
        form = _search()
        form.kind.choices = newer
        drawn = kept_field(draw, form.kind)

    assert '<option value="new">A new kind</option>' in drawn
    assert draw.drawn == ["kind", "kind"]  # once for each tuple of choices


def test_kept_fields_draws_each_field_one_after_another():
    form = _search(words="oak tree", kind="a&b")
    fields = [form.words, form.kind]

    drawn = kept_fields(Drawer(), fields)

    assert drawn == kept_field(Drawer(), form.words) + kept_field(Drawer(), form.kind)
    assert drawn.index('value="oak tree"') < drawn.index('<option selected value="a&amp;b">')
