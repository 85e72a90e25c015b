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

# Description fit (the weighted share of the query's words found) at which the words
# confirm that an offered measure is the help asked for; below it, the TOMs credit falls
# in step towards the policy's wordless share.
CONFIRMING_FIT = 0.12
# Description fit at which the words alone say the help asked for, earning a related
# measure's credit (the policy's same-outcome credit); below it, in step.
SAME_HELP_FIT = 0.5

Number = TypeVar("Number", float, np.ndarray)


def confirmed_share(text: Number, policy: MatchingPolicy) -> Number:
    """The share of the TOMs credit the words confirm: the wordless share at no word in
    common, all of it from CONFIRMING_FIT."""
    share = policy.wordless_measure_share
    return share + (1 - share) * np.minimum(1.0, text / CONFIRMING_FIT)


def credit_in_words(text: Number, policy: MatchingPolicy) -> Number:
    """What the words earn on their own: up to a related measure's credit at SAME_HELP_FIT."""
    return policy.same_outcome_credit * np.minimum(1.0, text / SAME_HELP_FIT)


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
