"""Directory pages: one GET form each for suppliers, needs and opportunities, its filters
in the query string so a search can be bookmarked and shared. Open to everyone (listed in
PUBLIC_ENDPOINTS); what they find is what everyone may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from ..caching import cached, read_ahead, reads_ahead, render_part
from ..listings import trades
from ..listings.choices import Category, label_of
from ..places.map import CountyMap, dot_map
from ..widgets import kept_field, kept_fields
from . import service
from .forms import SearchForm
from .permissions import can_search

blueprint = Blueprint("directory", __name__, url_prefix="/directory")


@dataclass(frozen=True)
class Section:
    """One directory page: what it searches and where its results link to."""

    name: str
    heading: str
    intro: str
    noun: str
    sector_label: str
    link_endpoint: str
    link_argument: str

    def link(self, entry_id: int) -> str:
        values: dict[str, Any] = {self.link_argument: entry_id}
        return url_for(self.link_endpoint, **values)


SECTIONS = {
    "suppliers": Section(
        "suppliers",
        "Find suppliers",
        "Suppliers with a profile, found by their name, description and published social "
        "value offers.",
        "supplier",
        "Sector",
        "listings.profile",
        "organisation_id",
    ),
    "needs": Section(
        "needs",
        "Find community needs",
        "Published needs of community groups, schools and charities.",
        "need",
        "Category",
        "listings.show_need",
        "listing_id",
    ),
    "opportunities": Section(
        "opportunities",
        "Find procurement opportunities",
        "Published procurement opportunities and the social value their buyers ask for.",
        "opportunity",
        "Category",
        "listings.show_opportunity",
        "listing_id",
    ),
}


def page_link(number: int) -> str:
    """This search's URL at another page: every filter kept."""
    arguments: dict[str, Any] = request.args.to_dict(flat=False)
    arguments["page"] = [str(number)]
    return url_for(request.endpoint or "", **arguments)


SEARCH_ENTRY = "directory.search"
# What a search page reads: organisations and their profiles, listings, the TOMs filter.
SEARCH_TOPICS = ("organisations", "listings", "toms")


def _search_parts(section: Section) -> tuple[object, ...]:
    """Everyone finds the same: one rendering per search serves them all."""
    return (section.name, *sorted(request.args.items(multi=True)))


def _read_search_ahead(section: Section) -> Callable[[], None]:
    return lambda: read_ahead(SEARCH_ENTRY, _search_parts(section), SEARCH_TOPICS)


def _search_page(section: Section) -> tuple[str, int]:
    if not can_search(current_user):
        abort(403)
    parts = _search_parts(section)
    valid, content = cached(SEARCH_ENTRY, parts, SEARCH_TOPICS, lambda: _search(section))
    page = render_template("directory/search.html", section=section, content=content)
    return page, 200 if valid else 400


def _search(section: Section) -> tuple[bool, Markup]:
    """Whether the search is valid, and the page's form and results."""
    form = SearchForm(formdata=request.args)
    form.sector.label.text = section.sector_label
    valid = form.validate()
    found = service.search(section.name, form.filters(), form.page_number) if valid else None
    content = render_part(
        "directory/_search.html",
        section=section,
        sections=SECTIONS.values(),
        form=form,
        found=found,
        results_map=_results_map(section, found),
        searched=bool(request.args),
        page_link=page_link,
        category_label=lambda value: label_of(Category, value),
        trade_label=trades.label_of,
        kept_field=kept_field,
        kept_fields=kept_fields,
    )
    return valid, content


def _results_map(section: Section, found: service.ResultPage | None) -> CountyMap | None:
    """Dots at the postcodes of this page's results: the postcode each result shows."""
    if found is None or not found.results:
        return None
    return dot_map(
        f"{section.name}-map",
        f"Where the {section.name} on this page are",
        section.noun,
        [(result.entry.name, result.entry.postcode) for result in found.results],
    )


@blueprint.get("/suppliers")
@reads_ahead(_read_search_ahead(SECTIONS["suppliers"]))
def suppliers() -> tuple[str, int]:
    return _search_page(SECTIONS["suppliers"])


@blueprint.get("/needs")
@reads_ahead(_read_search_ahead(SECTIONS["needs"]))
def needs() -> tuple[str, int]:
    return _search_page(SECTIONS["needs"])


@blueprint.get("/opportunities")
@reads_ahead(_read_search_ahead(SECTIONS["opportunities"]))
def opportunities() -> tuple[str, int]:
    return _search_page(SECTIONS["opportunities"])
