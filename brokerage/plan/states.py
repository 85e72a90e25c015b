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


class EventKind(enum.StrEnum):
    """The kinds of event the plan names: HR network seminars, a webinar, an open day for
    employers, Meet the Buyer, and other partners' events such as Get Social Procurement
    Ready!"""

    SEMINAR = "seminar"
    WEBINAR = "webinar"
    OPEN_DAY = "open_day"
    MEET_THE_BUYER = "meet_the_buyer"
    OTHER = "other"

    @property
    def label(self) -> str:
        return EVENT_KIND_LABELS[self]


EVENT_KIND_LABELS = {
    EventKind.SEMINAR: "Seminar",
    EventKind.WEBINAR: "Webinar",
    EventKind.OPEN_DAY: "Open day",
    EventKind.MEET_THE_BUYER: "Meet the Buyer",
    EventKind.OTHER: "Other event",
}


class ResourceKind(enum.StrEnum):
    LINK = "link"
    GUIDE = "guide"
    CASE_STUDY = "case_study"
    SIGNPOSTING = "signposting"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Audience(enum.StrEnum):
    """Who a toolkit resource is for."""

    EVERYONE = "everyone"
    EMPLOYERS = "employers"
    BUYERS = "buyers"
    SUPPLIERS = "suppliers"
    COMMUNITY_GROUPS = "community_groups"
    SCHOOLS_AND_FAMILIES = "schools_and_families"
    JOB_SEEKERS = "job_seekers"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()
