"""Form fields drawn once per process for each way they can look.

WTForms works out a field's HTML afresh each time a form is drawn: its attributes (sorted
and escaped by `html_params`), its label, and for a select every option. The directory's
search form draws thirteen fields and some 130 options on every search, and that was most
of what a search nobody had made before cost (README, Performance). A field's drawing
depends only on what the field holds (its kind, name, label, hint, flags, attributes,
errors, value and options), so it is kept under all of that: nothing read from the
database is in a drawing that is not in its key, so nothing kept can go stale.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape
from wtforms import Field, SelectField, StringField
from wtforms.widgets import Select

from .choices import SelectChoice
from .memos import Memo

OPTIONS_KEPT = 4_096
# Each search brings a few free-text values seen once; the filters' usual looks, drawn on
# every search, stay among the most recently used.
FIELDS_KEPT = 4_096
# WTForms 3.3 draws an option from a `Choice`; the typeshed stubs (types-WTForms 3.2.1)
# predate it, as brokerage/choices.py explains for `SelectChoice`.
Choice: Any = importlib.import_module("wtforms.fields.choices").Choice

Look = tuple[object, ...]  # plain data, checked by hashing it


class KeptOptionsSelect(Select):
    """WTForms' `Select`, drawing each plain option from `option_html`."""

    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:  # type: ignore[override]
        plain = not kwargs and not choice.render_kw
        if plain and isinstance(choice.value, str) and isinstance(choice.label, str):
            return option_html(choice.value, choice.label, bool(choice.selected))
        return super().render_option(choice, **kwargs)


@lru_cache(maxsize=OPTIONS_KEPT)
def option_html(value: str, label: str, selected: bool) -> Markup:
    """One `<option>`, exactly as WTForms draws it."""
    return Select.render_option(Choice(value, label, selected, {}))  # type: ignore[call-arg]


class KeptOptionsSelectField(SelectField):
    widget = KeptOptionsSelect()


_drawings: Memo[tuple[Callable[[Any], Markup], Look], Markup] = Memo(FIELDS_KEPT)
# Stands for a text box's value in its kept drawing: letters only, which escaping leaves as
# they are, so each search's words are put in its place (escaped) rather than drawn afresh.
STAND_IN = "keptfieldvaluestandsinhere"


def kept_field(draw: Callable[[Any], Markup], field: Field) -> Markup:
    """`draw(field)`, a template's macro drawing a field (label, input, hint and errors),
    worked out once per process for each look of the field (`field_look`) and kept among
    the `FIELDS_KEPT` most recently drawn. A text box is kept once for every value typed
    in it, with a stand-in for the value (`draw` must show the value only as HTML text or
    attribute, as WTForms does); a field whose look is not plain data is drawn afresh."""
    typed = _typed_text(field)
    look = field_look(field, value_shown=typed is None)
    if look is None:
        return draw(field)
    if typed is None:
        return _kept_drawing((draw, look), lambda: draw(field))
    drawing = _kept_drawing((draw, look), lambda: _drawn_standing_in(draw, field))
    return drawing.replace(STAND_IN, typed)


def kept_fields(draw: Callable[[Any], Markup], fields: Iterable[Field]) -> Markup:
    """`kept_field` for each of `fields`, one after another (one call from a template)."""
    return escape("").join([kept_field(draw, field) for field in fields])  # Markup's join


def _kept_drawing(
    key: tuple[Callable[[Any], Markup], Look], work_out: Callable[[], Markup]
) -> Markup:
    drawn = _drawings.get(key)
    if drawn is None:
        drawn = _drawings.keep(key, work_out())
    return drawn


def _typed_text(field: Field) -> str | None:
    """The value a plain text box (a WTForms `StringField`, not a kind of it) shows; None
    for any other field."""
    if type(field) is not StringField or not isinstance(field.data, str | None):
        return None
    return field.data or ""


def _drawn_standing_in(draw: Callable[[Any], Markup], field: Field) -> Markup:
    """The text box drawn with the stand-in for its value (the field is this request's own:
    its value is put back at once)."""
    typed = field.data
    field.data = STAND_IN
    try:
        return draw(field)
    finally:
        field.data = typed


def field_look(field: Field, value_shown: bool = True) -> Look | None:
    """Everything a field's drawing reads from the field (without a text box's value, when
    not `value_shown`, but whether it has one); None if some of it is not plain (hashable)
    data, or a select's options carry attributes of their own."""
    if isinstance(field, SelectField):
        options = _options(field.choices)
        if options is None:
            return None
        shown: object = (field.data, field.coerce, options)
    elif not value_shown:
        shown = bool(field.data)
    else:
        value = getattr(field, "_value", None)  # what an input shows as its value
        shown = (field.data, value() if value else None)
    look: Look = (
        type(field),
        field.widget,
        field.id,
        field.name,
        field.label.text,
        str(field.description),  # help naming the partnership's examples is filled in here
        tuple(field.errors),
        _items(field.render_kw),
        _items(vars(field.flags)),
        shown,
    )
    try:
        hash(look)
    except TypeError:
        return None
    return look


def _items(mapping: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(mapping.items())) if mapping else ()


class Options:
    """A select's options in a field's look: hashed once, when made; and their values."""

    __slots__ = ("options", "values", "_hash")

    def __init__(self, options: tuple[tuple[str, str, str | None], ...]) -> None:
        self.options = options
        self.values = frozenset(value for value, _, _ in options)
        self._hash = hash(options)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, Options) and other.options == self.options)


# Tuples of choices by identity: the tuple itself (so its id is not reused), its options.
SHARED_OPTIONS_KEPT = 64
_shared_options: Memo[int, tuple[tuple[Any, ...], Options | None]] = Memo(SHARED_OPTIONS_KEPT)


def _options(choices: object) -> Options | None:
    if isinstance(choices, tuple):
        return shared_options(choices)
    if not isinstance(choices, list):
        return None
    return _options_of(choices)


def shared_options(choices: tuple[Any, ...]) -> Options | None:
    """The options of a tuple of choices (never changed, so shared: `field_copies`, a form's
    choices made once per catalogue), worked out once for each tuple; None if some choice
    is not a plain `SelectChoice`."""
    kept = _shared_options.get(id(choices))
    if kept is not None and kept[0] is choices:
        return kept[1]
    options = _options_of(choices)
    _shared_options.keep(id(choices), (choices, options))  # kept: its id stays its own
    return options


def _options_of(choices: list[Any] | tuple[Any, ...]) -> Options | None:
    options = []
    for choice in choices:
        if not isinstance(choice, SelectChoice) or choice.render_kw:
            return None
        options.append((choice.value, choice.label, choice.optgroup))
    try:
        return Options(tuple(options))
    except TypeError:  # a value or label that is not plain data
        return None
