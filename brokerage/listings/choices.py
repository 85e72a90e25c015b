"""The listings' vocabulary: statuses, categories of work or help, organisation sizes."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Protocol


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


_LABEL_OF_VALUE: dict[str, str] = {
    category.value: label for category, label in CATEGORY_LABELS.items()
}


def category_label(category: str | None) -> str | None:
    """A stored category as the forms label it; a value of no category (an imported
    partner's own word) as written."""
    return None if category is None else _LABEL_OF_VALUE.get(category, category)


class Size(enum.StrEnum):
    """The UK's usual employer size bands, by number of employees."""

    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"

    @property
    def employees(self) -> tuple[int, int | None]:
        """The band's fewest and most employees (None: no upper limit)."""
        return SIZE_BANDS[self]

    @property
    def label(self) -> str:
        low, high = self.employees
        if high is None:
            people = f"{low} or more"
        elif low == 0:
            people = f"fewer than {high + 1}"
        else:
            people = f"{low} to {high}"
        return f"{self.value.capitalize()} ({people} employees)"

    def fits(self, employees: int) -> bool:
        low, high = self.employees
        return employees >= low and (high is None or employees <= high)


SIZE_BANDS: dict[Size, tuple[int, int | None]] = {
    Size.MICRO: (0, 9),
    Size.SMALL: (10, 49),
    Size.MEDIUM: (50, 249),
    Size.LARGE: (250, None),
}
SIZE_LABELS = {size: size.label for size in Size}


class Labelled(Protocol):
    @property
    def label(self) -> str: ...


def label_of(enum_class: Callable[[str], Labelled], value: str | None) -> str:
    """The label of a stored value, or "" for none (templates show it as "not stated")."""
    return enum_class(value).label if value else ""
