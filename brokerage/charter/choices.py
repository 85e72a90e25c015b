"""The charter's vocabulary: what a signee, a check-in and a pledge's progress can be."""

from __future__ import annotations

import enum


class SigneeStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Sector(enum.StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"
    VCSE = "vcse"

    @property
    def label(self) -> str:
        return SECTOR_LABELS[self]


SECTOR_LABELS = {
    Sector.PUBLIC: "Public sector",
    Sector.PRIVATE: "Private sector",
    Sector.VCSE: "Voluntary, community or social enterprise",
}


class CheckInKind(enum.StrEnum):
    """The meetings of a 12-month term, in the order they happen."""

    BASELINE = "baseline"
    MONTH_3 = "month_3"
    MONTH_6 = "month_6"
    MONTH_12 = "month_12"

    @property
    def label(self) -> str:
        return CHECK_IN_LABELS[self]

    @property
    def order(self) -> int:
        return list(CheckInKind).index(self)


CHECK_IN_LABELS = {
    CheckInKind.BASELINE: "Baseline meeting",
    CheckInKind.MONTH_3: "3-month check-in",
    CheckInKind.MONTH_6: "6-month check-in",
    CheckInKind.MONTH_12: "12-month check-in",
}


class PledgeProgress(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Unit(enum.StrEnum):
    """What a check-in's figure counts. Money is stored in pence, typed in whole pounds."""

    PEOPLE = "people"
    HOURS = "hours"
    POUNDS = "pounds"
    PERCENT = "percent"
    ORGANISATIONS = "organisations"

    @property
    def label(self) -> str:
        return UNIT_LABELS[self]

    @property
    def is_additive(self) -> bool:
        """Percentages are averaged across signees; every other unit adds up."""
        return self is not Unit.PERCENT

    def stored(self, figure: int) -> int:
        """A typed figure as stored: money in pence, every other unit as typed."""
        return figure * 100 if self is Unit.POUNDS else figure

    def typed(self, quantity: int) -> int:
        """A stored quantity as a person types it: money in whole pounds."""
        return quantity // 100 if self is Unit.POUNDS else quantity


UNIT_LABELS = {
    Unit.PEOPLE: "people",
    Unit.HOURS: "hours",
    Unit.POUNDS: "£ (whole pounds)",
    Unit.PERCENT: "% (percentage)",
    Unit.ORGANISATIONS: "organisations",
}


class ReminderKind(enum.StrEnum):
    BEFORE_DUE = "before_due"
