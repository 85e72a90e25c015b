"""WTForms' `SelectChoice`, for the choices of select and radio fields.

WTForms 3.2 asks for `SelectChoice` (plain tuples are deprecated and go in 3.4), but the
typeshed stubs (types-WTForms 3.2.1) predate it: it is looked up here, once, so the type
checker sees it as Any rather than as a missing name.
"""

from __future__ import annotations

import importlib
from typing import Any

SelectChoice: Any = importlib.import_module("wtforms.fields.choices").SelectChoice
