"""A select field whose options' HTML is worked out once per process.

WTForms escapes and formats every option of a select each time a form is drawn. The
directory's search form draws some 80 (sectors, trades, themes, measures, sizes) on every
search, and that was most of the time a search nobody had made before took (README,
Performance). An option's HTML depends only on its value, its label and whether it is
chosen, so it is kept under those three: nothing read from the database is in the key
that is not in the HTML, so nothing kept can go stale.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

from markupsafe import Markup
from wtforms import SelectField
from wtforms.widgets import Select

OPTIONS_KEPT = 4_096
# WTForms 3.3 draws an option from a `Choice`; the typeshed stubs (types-WTForms 3.2.1)
# predate it, as brokerage/choices.py explains for `SelectChoice`.
Choice: Any = importlib.import_module("wtforms.fields.choices").Choice


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
