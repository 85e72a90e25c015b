"""How far the words bear out the measures (relevance.md: a match gives what is asked for,
"the same measure, or plainly the same help in other words").

A measure code such as volunteering hours or donated goods covers any kind of help, so an
offered measure counts in full only when the texts also agree on the help; and words that
plainly say the help asked for earn what a related measure would, whatever the codes.
Shared by the reference scorer, the vectorised engine (on arrays) and the reasons.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

from .model import MeasureCredit, Wanted
from .policy import MatchingPolicy

Number = TypeVar("Number", float, np.ndarray)


def confirmed_share(text: Number, policy: MatchingPolicy) -> Number:
    """The share of the TOMs credit the words confirm: the wordless share at no word in
    common, all of it from the policy's confirming fit."""
    share = policy.wordless_measure_share
    return share + (1 - share) * np.minimum(1.0, text / policy.confirming_fit)


def credit_in_words(text: Number, policy: MatchingPolicy) -> Number:
    """What the words earn on their own: up to a related measure's credit at the policy's
    same-help fit."""
    return policy.same_outcome_credit * np.minimum(1.0, text / policy.same_help_fit)


def worded_toms(toms: Number, text: Number, policy: MatchingPolicy) -> Number:
    """The TOMs credit as the words bear it out: the measures' credit at the share the words
    confirm, or the words' own credit, whichever is more."""
    return np.maximum(toms * confirmed_share(text, policy), credit_in_words(text, policy))


def toms_score(wanted: Wanted, credits: list[MeasureCredit]) -> float:
    """The wanted measures' credits weighted by each measure's weight, before the words."""
    total_weight = sum(item.weight for item in wanted.measures)
    if total_weight <= 0:
        return 0.0
    weighted = sum(item.weight * c.credit for item, c in zip(wanted.measures, credits, strict=True))
    return min(1.0, weighted / total_weight)
