"""Profiles and listings pages. Each kind of listing (offer, opportunity, need) has the
same pages, registered under its own endpoints: listings.show_offer, listings.edit_need."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..accounts.models import Organisation
from ..errors import BrokerageError
from ..extensions import db
from ..places.wards import VINTAGE as WARDS_VINTAGE
from ..places.wards import ward_of_postcode
from . import closing, cpv, permissions, profile_page, profiles, service, trade_service, trades
from .choices import Category, Size, label_of
from .errors import NotAllowed
from .forms import ButtonForm, ProfileForm, initial_data
from .kinds import KINDS, ListingKind, kind_for_organisation
from .models import Listing, TradeRow

blueprint = Blueprint("listings", __name__)
Page = str | tuple[str, int]


@blueprint.context_processor
def _helpers() -> dict[str, object]:
    return {
        "trade_label": _trade_label,
    }


@blueprint.app_template_global()
def listing_is_closed(listing: Listing | closing.ReadAsColumns) -> bool:
    """For every page's status badge: a published listing past its last day is "Closed"."""
    return closing.is_closed(listing)


@blueprint.app_template_global()
def listing_closes_on(listing: Listing) -> date | None:
    return closing.closes_on(listing)


def _trade_label(row: TradeRow | profile_page.TradeShown) -> str:
    if row.cpv_code:
        return f"{trades.label_of(row.cpv_code)} ({row.cpv_code})"
    return f"{row.written} (not yet classified)"


def _organisation(organisation_id: int) -> Organisation:
    return db.get_or_404(Organisation, organisation_id)


def _visible(kind: ListingKind, listing_id: int) -> Listing:
    """The listing if this user may see it; 404 otherwise, drafts' existence being private."""
    listing = db.get_or_404(kind.model, listing_id)
    if not permissions.can_view_listing(current_user, listing):
        abort(404)
    return listing


def _page_status(form_was_sent: bool) -> int:
    return 400 if form_was_sent else 200


# Trades ----------------------------------------------------------------------------


@blueprint.get("/trades")
def search_trades() -> str:
    """The Common Procurement Vocabulary, searched by words or digits."""
    query = request.args.get("q", "")[:100]
    return render_template(
        "listings/trades.html",
        query=query,
        results=cpv.search(query, limit=50),
        common=trades.COMMON_TRADES,
    )


# Profiles --------------------------------------------------------------------------


@blueprint.get("/organisations/<int:organisation_id>/profile")
def profile(organisation_id: int) -> str:
    page = profile_page.read(organisation_id)
    if page is None or not permissions.can_view_profile(current_user, page.organisation):
        abort(404)
    organisation, profile = page.organisation, page.profile
    member = permissions.can_see_drafts_of(current_user, organisation)
    return render_template(
        "listings/profile.html",
        organisation=organisation,
        profile=profile,
        sector_label=label_of(Category, profile.sector) if profile else "",
        trades=page.trades,
        size_label=label_of(Size, profile.size) if profile else "",
        kind=kind_for_organisation(organisation),
        listings=page.listings_seen(drafts_too=member),
        may_edit=permissions.can_edit_profile(current_user, organisation),
        may_verify=permissions.can_verify_organisation(current_user),
        may_see_contact=permissions.can_see_contact(current_user, profile),
        may_ask=permissions.can_ask_supplier(current_user, organisation),
    )


@blueprint.route("/organisations/<int:organisation_id>/profile/edit", methods=["GET", "POST"])
def edit_profile(organisation_id: int) -> Page | Response:
    organisation = _organisation(organisation_id)
    if not permissions.can_edit_profile(current_user, organisation):
        abort(403)
    form = ProfileForm.for_organisation(
        organisation,
        trades=trade_service.trade_codes_of([organisation.id]).get(organisation.id, ()),
        obj=profiles.profile_of(organisation),
    )
    if form.validate_on_submit():
        profiles.save_profile(organisation, form.fields())
        db.session.commit()
        flash("Profile saved.", "success")
        return redirect(url_for("listings.profile", organisation_id=organisation.id))
    page = render_template("listings/edit_profile.html", form=form, organisation=organisation)
    return page, _page_status(form.is_submitted())


@blueprint.post("/organisations/<int:organisation_id>/profile/verify")
def verify_organisation(organisation_id: int) -> Response:
    return _set_verified(organisation_id, True)


@blueprint.post("/organisations/<int:organisation_id>/profile/unverify")
def unverify_organisation(organisation_id: int) -> Response:
    return _set_verified(organisation_id, False)


def _set_verified(organisation_id: int, verified: bool) -> Response:
    organisation = _organisation(organisation_id)
    if not permissions.can_verify_organisation(current_user):
        abort(403)
    if not ButtonForm().validate_on_submit():
        abort(400)
    profiles.set_verified(organisation, verified, current_user)
    db.session.commit()
    done = "is verified" if verified else "is no longer marked verified"
    flash(f"{organisation.name} {done}.", "success")
    return redirect(url_for("listings.profile", organisation_id=organisation.id))


# Listings --------------------------------------------------------------------------


@blueprint.get("/listings/")
def index() -> str:
    """The listings of every organisation the user belongs to, drafts included."""
    sections = [
        (organisation, kind, service.listings_of(organisation, kind.model, published_only=False))
        for organisation in current_user.organisations
        if (kind := kind_for_organisation(organisation))
    ]
    return render_template("listings/index.html", sections=sections)


def _saved(kind: ListingKind, save: Callable[[], Listing]) -> Response | None:
    """Run `save` and commit, then show the listing; None, with the reason flashed and
    nothing kept, when a rule refuses it."""
    try:
        listing = save()
    except BrokerageError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return None
    db.session.commit()
    draft = ": publish it when it is ready" if listing.status == "draft" else ""
    flash(f"{listing.ref} is saved{draft}.", "success")
    return redirect(url_for(kind.endpoint("show"), listing_id=listing.id))


def organisation_listings(kind: ListingKind, organisation_id: int) -> str:
    organisation = _organisation(organisation_id)
    if organisation.kind != kind.model.ORGANISATION_KIND:
        abort(404)
    member = permissions.can_see_drafts_of(current_user, organisation)
    return render_template(
        "listings/list.html",
        kind=kind,
        organisation=organisation,
        listings=service.listings_of(organisation, kind.model, published_only=not member),
        may_create=permissions.can_create_listing(current_user, organisation, kind.model),
    )


def new(kind: ListingKind, organisation_id: int) -> Page | Response:
    organisation = _organisation(organisation_id)
    if not permissions.can_create_listing(current_user, organisation, kind.model):
        abort(403)
    form = kind.form(data={"postcode": organisation.postcode})
    if form.validate_on_submit():
        saved = _saved(kind, lambda: service.create_listing(organisation, form.fields()))
        if saved is not None:
            return saved
    page = render_template(
        "listings/edit.html", form=form, kind=kind, organisation=organisation, listing=None
    )
    return page, _page_status(form.is_submitted())


def show(kind: ListingKind, listing_id: int) -> str:
    listing = _visible(kind, listing_id)
    return render_template(
        "listings/show.html",
        kind=kind,
        listing=listing,
        ward=ward_of_postcode(listing.postcode),
        vintage=WARDS_VINTAGE,
        lines=service.measure_lines(listing),
        profile=profiles.profile_of(listing.organisation),
        may_edit=permissions.can_edit_listing(current_user, listing),
        may_unpublish=permissions.can_unpublish_listing(current_user, listing),
        may_offer=permissions.can_offer_to(current_user, listing)
        and not closing.is_closed(listing),
    )


def edit(kind: ListingKind, listing_id: int) -> Page | Response:
    listing = _visible(kind, listing_id)
    if not permissions.can_edit_listing(current_user, listing):
        abort(403)
    form = kind.form(data=initial_data(listing))
    if form.validate_on_submit():
        saved = _saved(kind, lambda: service.update_listing(listing, form.fields()))
        if saved is not None:
            return saved
    page = render_template(
        "listings/edit.html",
        form=form,
        kind=kind,
        organisation=listing.organisation,
        listing=listing,
    )
    return page, _page_status(form.is_submitted())


def change_status(kind: ListingKind, action: str, listing_id: int) -> Response:
    listing = _visible(kind, listing_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        service.change_status(listing, action, current_user)
    except NotAllowed:
        abort(403)
    except BrokerageError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(f"{listing.ref} is {service.DONE[action]}.", "success")
    return redirect(url_for(kind.endpoint("show"), listing_id=listing_id))


def _bound(view: Callable[..., Any], endpoint: str, *bound: Any) -> Callable[..., Any]:
    """`view` with its first arguments given, named after its endpoint (CSRF and logs
    identify views by name)."""

    def bound_view(**values: Any) -> Any:
        return view(*bound, **values)

    bound_view.__name__ = bound_view.__qualname__ = endpoint
    bound_view.__doc__ = view.__doc__
    return bound_view


def _register(kind: ListingKind) -> None:
    scoped = f"/organisations/<int:organisation_id>/{kind.plural}"
    own = f"/{kind.plural}/<int:listing_id>"
    rules: list[tuple[str, str, Callable[..., Any], tuple[Any, ...], list[str]]] = [
        (scoped, kind.plural, organisation_listings, (kind,), ["GET"]),
        (f"{scoped}/new", f"new_{kind.name}", new, (kind,), ["GET", "POST"]),
        (own, f"show_{kind.name}", show, (kind,), ["GET"]),
        (f"{own}/edit", f"edit_{kind.name}", edit, (kind,), ["GET", "POST"]),
    ]
    rules += [
        (f"{own}/{action}", f"{action}_{kind.name}", change_status, (kind, action), ["POST"])
        for action in service.TRANSITIONS
    ]
    for rule, endpoint, view, bound, methods in rules:
        blueprint.add_url_rule(rule, endpoint, _bound(view, endpoint, *bound), methods=methods)


for _kind in KINDS:
    _register(_kind)
