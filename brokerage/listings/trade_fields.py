"""A trades picker that works without JavaScript: a box for each common trade, and a box
for any other trades, typed as CPV codes or words (a link opens the vocabulary's search).

    trades = TradesField("What you can be hired to do")
    form.trades.data            # ("77310000", "45421000"): the codes, in the order given
"""

from __future__ import annotations

import re
from typing import Any

from wtforms import Field
from wtforms.utils import unset_value
from wtforms.validators import StopValidation

from ..validators import add_error
from . import cpv, trades
from .fields import TemplateWidget

MAX_TRADES = 20
_PIECES = re.compile(r"[;\n]+")
_CODES = re.compile(r"^[\d\s,-]+$")


class TradesField(Field):
    widget = TemplateWidget("listings/_trades.html")
    common = trades.COMMON_TRADES

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.ticked: list[str] = []
        self.other = ""

    @property
    def other_name(self) -> str:
        return f"{self.name}-other"

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            self.other = formdata.get(self.other_name, "").strip()
            return
        common = {trade.code for trade in self.common}
        codes = list(self.data or ())
        self.ticked = [code for code in codes if code in common]
        self.other = "; ".join(
            f"{code} {trades.label_of(code)}" for code in codes if code not in common
        )

    def process_data(self, value: Any) -> None:
        self.data = tuple(value or ())

    def process_formdata(self, valuelist: list[str]) -> None:
        self.ticked = list(dict.fromkeys(value.strip() for value in valuelist if value.strip()))

    def pre_validate(self, form: Any) -> None:
        """Every ticked box a common trade, every other piece a trade the vocabulary has;
        what cannot be read is named, with the nearest trades."""
        common = {trade.code for trade in self.common}
        codes = [code for code in self.ticked if code in common]
        if len(codes) < len(self.ticked):
            raise StopValidation("Choose trades from the list.")
        for piece in _pieces(self.other):
            found = trades.recognise(piece) or trades.recognise(piece.split(" ", 1)[0])
            if found is None:
                add_error(self, _not_a_trade(piece))
            elif found.code not in codes:
                codes.append(found.code)
        if self.errors:
            raise StopValidation()
        if len(codes) > MAX_TRADES:
            raise StopValidation(f"Choose at most {MAX_TRADES} trades.")
        self.data = tuple(codes)


def _pieces(text: str) -> list[str]:
    """What was typed, one trade a piece: separated by semicolons or lines, or a list of
    codes separated by commas or spaces."""
    pieces: list[str] = []
    for piece in (p.strip() for p in _PIECES.split(text)):
        if not piece:
            continue
        if _CODES.match(piece):
            pieces.extend(code for code in re.split(r"[\s,]+", piece) if code)
        else:
            pieces.append(piece)
    return pieces


def _not_a_trade(piece: str) -> str:
    shown = piece[:60]
    if cpv.normalise_code(piece):
        return f"{shown} is not a code in the Common Procurement Vocabulary."
    near = trades.suggest(piece)
    if not near:
        return f"We do not know the trade “{shown}”: type a CPV code, or find one with the search."
    named = "; ".join(f"{found.label} ({found.code})" for found in near)
    return f"We do not know the trade “{shown}”. Did you mean: {named}?"
