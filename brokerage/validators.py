"""WTForms validators shared by every feature's forms."""

from __future__ import annotations

import re
from typing import Any

from wtforms.validators import ValidationError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKUP = re.compile(r"[<>]")


def plain_text(form: Any, field: Any) -> None:
    """No control characters (null bytes included) in any text a person typed."""
    if field.data and _CONTROL.search(field.data):
        raise ValidationError("Remove the invisible control characters from this text.")


def plain_name(form: Any, field: Any) -> None:
    """Names appear in lists, emails and page titles, so they carry no markup."""
    plain_text(form, field)
    if field.data and _MARKUP.search(field.data):
        raise ValidationError("Names cannot contain < or >.")
