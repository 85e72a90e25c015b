"""WTForms validators shared by every feature's forms."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from wtforms import Field
from wtforms.validators import ValidationError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKUP = re.compile(r"[<>]")
_LINE_BREAK = re.compile(r"[\t\r\n\x85\u2028\u2029]")
# Bidirectional overrides can make a name display as something else ("Trojan Source").
_BIDI_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def text_of(field: Field) -> str:
    """A text field's value once the form has validated: WTForms types it `str | None`, but a
    submitted text field always holds a string (empty when left blank)."""
    return field.data or ""


Value = TypeVar("Value")


def required(value: Value | None) -> Value:
    """A required field's value once the form has validated: WTForms types every field's
    data as optional, but DataRequired or InputRequired has refused a form without it."""
    if value is None:
        raise ValueError("A required field was read before its form was validated.")
    return value


def add_error(field: Field, message: str) -> None:
    """Show `message` under `field`, as a failed validator would (a service refused it)."""
    field.errors = [*field.errors, message]


def stripped(value: Any) -> Any:
    """A filter: text without surrounding spaces, so "  " is the empty choice ("Not stated")
    rather than a value no list holds."""
    return value.strip() if isinstance(value, str) else value


def plain_text(form: Any, field: Any) -> None:
    """No control characters (null bytes included) in any text a person typed."""
    if field.data and _CONTROL.search(field.data):
        raise ValidationError("Remove the invisible control characters from this text.")


def plain_name(form: Any, field: Any) -> None:
    """Names appear in lists, email subjects and page titles: one line, no markup."""
    plain_text(form, field)
    if not field.data:
        return
    if _MARKUP.search(field.data):
        raise ValidationError("Names cannot contain < or >.")
    if _LINE_BREAK.search(field.data):
        raise ValidationError("Names must fit on one line.")
    if _BIDI_CONTROL.search(field.data):
        raise ValidationError("Remove the text-direction control characters from this name.")
