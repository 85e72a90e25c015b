"""The listings' vocabulary: statuses, categories of work or help, organisation sizes."""

from __future__ import annotations

import enum


class ListingStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Category(enum.StrEnum):
    """What an offer, opportunity or need is about; matching compares them as words."""

    CATERING = "catering"
    CLEANING = "cleaning"
    CONSTRUCTION = "construction"
    DIGITAL = "digital"
    PRINTING = "printing"
    PROFESSIONAL = "professional"
    EDUCATION = "education"
    EMPLOYMENT = "employment"
    VOLUNTEERING = "volunteering"
    GOODS = "goods"
    OTHER = "other"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    Category.CATERING: "Catering and food",
    Category.CLEANING: "Cleaning and facilities",
    Category.CONSTRUCTION: "Construction and building",
    Category.DIGITAL: "IT and digital",
    Category.PRINTING: "Printing and design",
    Category.PROFESSIONAL: "Professional services",
    Category.EDUCATION: "Education, reading and mentoring",
    Category.EMPLOYMENT: "Jobs, placements and training",
    Category.VOLUNTEERING: "Volunteering and community",
    Category.GOODS: "Goods, equipment and donations",
    Category.OTHER: "Other",
}


class Size(enum.StrEnum):
    """The UK's usual employer size bands, by number of employees."""

    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"

    @property
    def label(self) -> str:
        return SIZE_LABELS[self]


SIZE_LABELS = {
    Size.MICRO: "Micro (fewer than 10 employees)",
    Size.SMALL: "Small (10 to 49 employees)",
    Size.MEDIUM: "Medium (50 to 249 employees)",
    Size.LARGE: "Large (250 or more employees)",
}


def label_of(enum_class: type[enum.StrEnum], value: str | None) -> str:
    """The label of a stored value, or "" for none (templates show it as "not stated")."""
    return enum_class(value).label if value else ""  # type: ignore[attr-defined]
