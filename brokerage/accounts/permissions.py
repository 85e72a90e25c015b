"""Who may do what, in one place: platform-role decorators and object-level rules.

Every route needs a signed-in user unless its endpoint is listed in PUBLIC_ENDPOINTS;
the API blueprint authenticates by token instead (see brokerage.api).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, abort, current_app, g, request, session
from flask_login import current_user
from sqlalchemy import inspect, select
from sqlalchemy.orm import InstanceState, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict, set_committed_value
from werkzeug.wrappers import Response

from ..caching import HEADER_TOPICS, cached, database_away, part_name, read_ahead
from ..extensions import db, login_manager
from .models import Membership, Organisation, User, Visitor

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M", User, Membership, Organisation)

PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "bootstrap.static",
        "partnership_stylesheet",
        "home.index",
        "home.privacy",
        "accessibility.statement",
        "home.social_value",
        # Published listings, profiles and the directory: drafts and contacts stay private.
        "directory.suppliers",
        "directory.needs",
        "directory.opportunities",
        "listings.profile",
        "listings.offers",
        "listings.opportunities",
        "listings.needs",
        "listings.show_offer",
        "listings.show_opportunity",
        "listings.show_need",
        "charter.index",
        "charter.sign_up",
        "impact.index",
        "impact.download",
        "impact.supplier_download",
        "plan.public_groups",
        "plan.public_group",
        "plan.resource_list",
        "plan.show_resource",
        "accounts.register",
        "accounts.confirmation_sent",
        "accounts.confirm_email",
        "accounts.resend_confirmation",
        "accounts.login",
        "accounts.request_password_reset",
        "accounts.reset_password",
        "organisations.show_invitation",
        "health.healthz",
        "health.readyz",
    }
)
# Blueprints that authenticate on their own terms (bearer tokens), not with the session.
SELF_AUTHENTICATING_BLUEPRINTS = frozenset({"api"})


def is_staff(user: Visitor) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)


def is_task_force(user: Visitor) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_task_force or user.is_staff))


def can_act_for(user: Visitor, organisation: Organisation) -> bool:
    """Members act for their organisation; staff administer every organisation."""
    return can_act_for_id(user, organisation.id)


def can_act_for_id(user: Visitor, organisation_id: int) -> bool:
    """`can_act_for`, given the organisation's id: checking a listing's owner this way
    needs no query for the organisation."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_staff(user) or user.membership_of(organisation_id) is not None


def can_manage_organisation(user: Visitor, organisation: Organisation) -> bool:
    """Owners (and staff) edit the organisation and invite its members."""
    if is_staff(user):
        return True
    membership = (
        user.membership_in(organisation) if getattr(user, "is_authenticated", False) else None
    )
    return membership is not None and membership.is_owner


def _role_required(check: Callable[[Any], bool]) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)  # wraps() keeps the view's signature

    return decorator


staff_required = _role_required(is_staff)
task_force_required = _role_required(is_task_force)


def _require_login() -> Any:
    if request.endpoint is None:
        return None
    if request.endpoint in PUBLIC_ENDPOINTS:
        # A signed-in person on a public page that reads a cached entry ahead (a search)
        # is loaded now, in the same round trip to the cache; other public pages and
        # files never ask, and keep their own headers.
        view = current_app.view_functions.get(request.endpoint)
        if "_user_id" in session and hasattr(view, "read_ahead"):
            current_user._get_current_object()  # noqa: SLF001 (the proxy's own loader)
        return None
    if request.blueprint in SELF_AUTHENTICATING_BLUEPRINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


# What a request needs to know of the signed-in person: never the password hash, which is
# read from the database when a page asks for it (changing the password).
SIGNED_IN_COLUMNS = (
    "id",
    "email",
    "name",
    "session_token",
    "is_staff",
    "is_task_force",
    "created_at",
    "last_login_at",
    "email_confirmed_at",
)


@login_manager.user_loader
def _load_user(session_token: str) -> User | None:
    """The person with their memberships and organisations, from the cache (this process's
    copy, else Redis) while no one's account or organisation has changed (so a page needs
    one small query, for the topic versions); signing out, a new password, a changed role
    or membership is a commit, which the next request sees."""
    if database_away():  # the outage page is shown as to someone signed out
        return None
    read_ahead(part_name("header"), (session_token,), HEADER_TOPICS)  # keyed by get_id()
    signed_in = cached(
        SIGNED_IN_ENTRY,
        (session_token,),
        SIGNED_IN_TOPICS,
        lambda: _signed_in(session_token),
        in_process=True,
    )
    if signed_in is None:
        return None
    columns, memberships = signed_in
    person = _as_loaded(User, columns)
    set_committed_value(person, "memberships", [_membership(row) for row in memberships])
    return person


def _as_loaded(model: type[M], columns: dict[str, Any]) -> M:
    """A row known from the cache, in the session as if loaded: what is not given loads
    when read. The session's own copy if it has one (a page may have loaded the
    organisation before asking who is signed in); otherwise this one joins the session as
    it is, which costs a third of merging a copy into it. Made as the ORM makes a row it
    loads, its columns set without the attribute events the constructor fires for each (a
    third of the cost of making it, never wanted for values read from the database)."""
    row = inspect(model).class_manager.new_instance()
    instance_dict(row).update(columns)
    make_transient_to_detached(row)
    session = db.session()
    state: InstanceState[Any] = inspect(row)  # its key set by make_transient_to_detached
    held = session.identity_map.get(state.key) if state.key is not None else None
    if held is not None:
        return held
    session.add(row)
    return row


# The signed-in person with their memberships and their organisations' names and kinds,
# which most permission checks and the header read: one entry of the cache, so a page looks
# up one key for them, not two.
SIGNED_IN_ENTRY = "signed-in person"
SIGNED_IN_TOPICS = ("people", "organisations")
_MEMBERSHIP_COLUMNS = ("id", "user_id", "organisation_id", "role", "created_at")
_ORGANISATION_COLUMNS = ("id", "name", "kind")


def _memberships(user_id: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    query = (
        select(
            *(getattr(Membership, name) for name in _MEMBERSHIP_COLUMNS),
            *(getattr(Organisation, name).label(f"o_{name}") for name in _ORGANISATION_COLUMNS),
        )
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.user_id == user_id)
        .order_by(Membership.id)
    )
    return [
        (
            {name: row._mapping[name] for name in _MEMBERSHIP_COLUMNS},
            {name: row._mapping[f"o_{name}"] for name in _ORGANISATION_COLUMNS},
        )
        for row in db.session.execute(query)
    ]


def _membership(row: tuple[dict[str, Any], dict[str, Any]]) -> Membership:
    membership_columns, organisation_columns = row
    membership = _as_loaded(Membership, membership_columns)
    set_committed_value(membership, "organisation", _as_loaded(Organisation, organisation_columns))
    return membership


def _signed_in(
    session_token: str,
) -> tuple[dict[str, Any], list[tuple[dict[str, Any], dict[str, Any]]]] | None:
    """The person's columns and memberships, None if no one holds this session token."""
    query = select(*(getattr(User, name) for name in SIGNED_IN_COLUMNS))
    row = db.session.execute(query.where(User.session_token == session_token)).one_or_none()
    if row is None:
        return None
    columns = dict(row._mapping)
    return columns, _memberships(columns["id"])


def not_stored(response: Response) -> Response:
    """Mark a response no browser or proxy may keep: it shows someone's own data."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _not_stored_when_signed_in(response: Response) -> Response:
    """Every answer to a signed-in person may show who they are (the page header at least),
    so none is kept for the Back button or a shared proxy. Only a person the request already
    loaded counts: public pages and files that never asked keep their own headers."""
    user = g.get("_login_user")
    if user is not None and user.is_authenticated:
        return not_stored(response)
    return response


def init_app(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    app.before_request(_require_login)
    app.after_request(_not_stored_when_signed_in)
