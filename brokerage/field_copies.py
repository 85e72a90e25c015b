"""Form fields bound once per process, then copied for each form.

WTForms binds every field of a form afresh for each request (`UnboundField.bind` runs the
field's whole constructor: its validators checked, flags gathered, label made, a select's
choices checked and copied), and the directory's search form binds fourteen on every
search. `CopiedFieldsMeta` binds each field once per process and gives each form a copy of
that first field, with everything a form may change on its own copy (label, flags, render
keywords) its own, and the form, its meta and its translations this form's. A select's
choices given with the form's class are kept as a tuple, shared by every copy unchanged,
so a drawing kept under them (`widgets.field_look`) is found by identity without
re-hashing them.
"""

from __future__ import annotations

import threading
from collections.abc import MutableMapping
from typing import Any, TypeVar

from wtforms import Field, SelectField
from wtforms.fields.core import Flags, Label, UnboundField
from wtforms.meta import DefaultMeta

FieldT = TypeVar("FieldT", bound=Field)

_first_bound: dict[tuple[UnboundField[Any], str, str], Any] = {}
_first_bound_lock = threading.Lock()


class CopiedFieldsMeta(DefaultMeta):
    """A form's `Meta` base binding each field by copying the one bound first (a form's
    class with it must not build fields per form: no `choices` callables, no `__init__`
    arguments for fields). A form with a CSRF token binds as WTForms does: its token field
    is made afresh for each form."""

    def bind_field(
        self, form: Any, unbound_field: UnboundField[FieldT], options: MutableMapping[str, Any]
    ) -> FieldT:
        if getattr(self, "csrf", False):
            return super().bind_field(form, unbound_field, options)
        key = (unbound_field, options["name"], options.get("prefix", ""))
        first: FieldT | None = _first_bound.get(key)
        if first is None:
            first = unbound_field.bind(form=form, **options)
            if isinstance(first, SelectField) and isinstance(first.choices, list):
                first.choices = tuple(first.choices)
            with _first_bound_lock:
                first = _first_bound.setdefault(key, first)
        return _copy(first, form, options.get("translations"))


def _copy(first: FieldT, form: Any, translations: Any) -> FieldT:
    field: FieldT = object.__new__(type(first))
    state = vars(first)
    label, render_kw = first.label, first.render_kw
    flags = object.__new__(Flags)
    vars(flags).update(vars(first.flags))
    field.__dict__ = {
        **state,
        "_form": form,
        "meta": form.meta,
        "label": Label(label.field_id, label.text),
        "flags": flags,
        "render_kw": None if render_kw is None else dict(render_kw),
    }
    if translations is not None:
        field._translations = translations  # type: ignore[attr-defined]
    elif "_translations" in state:
        del field._translations  # type: ignore[attr-defined]
    return field
