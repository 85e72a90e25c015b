"""The words the plan tracker uses for an action's status and its delivery phase."""

from __future__ import annotations

import enum


class ActionStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    DONE = "done"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Phase(enum.StrEnum):
    """The plan's delivery cycle, numbered 1.1 to 1.4 (2.1 to 2.4 ...) in its tables."""

    UNDERSTAND = "understand"
    PLAN = "plan"
    DO = "do"
    REVIEW = "review"

    @property
    def label(self) -> str:
        return self.value.capitalize()
