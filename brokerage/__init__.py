"""The social value brokerage: create_app() is the only place an app is built."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Flask
from sqlalchemy.orm import configure_mappers
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, config_for_environment

from . import (
    caching,
    csrf_tokens,
    formatting,
    id_urls,
    idle_connections,
    logs,
    page_assets,
    partnership,
    read_requests,
    session_cookies,
    templating,
)
from .app_class import BrokerageFlask
from .extensions import (
    CONTENT_SECURITY_POLICY,
    PERMISSIONS_POLICY,
    bootstrap,
    csrf,
    db,
    init_sqlite,
    limiter,
    login_manager,
    migrate,
    talisman,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the app from a settings class (BROKERAGE_ENV picks one when none is given)."""
    config_class = config_class or config_for_environment()
    app = BrokerageFlask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.jinja_environment = templating.SharedGlobalsEnvironment  # before app.jinja_env is made
    app.config.from_object(config_class)
    app.config.from_prefixed_env("BROKERAGE")
    _fill_development_defaults(app)
    partnership.init_app(app)
    config_class.validate(app.config)
    _trust_base_url_host(app)
    if hops := int(app.config["PROXY_HOPS"]):  # the client's address, scheme and host
        # Flask's documented way to add WSGI middleware replaces the wsgi_app method, which
        # mypy refuses as an assignment (python/mypy#7347); setattr says it is meant.
        setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops))  # noqa: B010
    logs.init_app(app)

    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_kpi_sources(app)
    _register_places_changed(app)
    _register_personal_data(app)
    _subscribe_to_changes(app)
    # Every model's relationships set up now. SQLAlchemy sets its mappers up when a query
    # first asks, and a new worker's first mapped row may be a signed-in person rebuilt from
    # the cache before any query ran (the topic versions are read on the driver's cursor):
    # made on a mapper not set up, it failed (a 500 on a worker's first signed-in page).
    configure_mappers()
    return app


def _subscribe_to_changes(app: Flask) -> None:
    """What a commit sets off, in this order (see changes.py): its log line; its evidence
    files' final names (before any job it queued runs), and the sweep of files whose rows
    it deleted; the jobs it queued; the stored matches it makes stale; the caches (keyed by
    topic versions, already raised in the commit) forget what this request read of them."""
    from . import changes
    from .jobs import queue
    from .matches import jobs as matches_jobs
    from .workflow import evidence

    changes.subscribe(
        app,
        (
            logs.SUBSCRIBER,
            evidence.SUBSCRIBER,
            queue.SUBSCRIBER,
            matches_jobs.SUBSCRIBER,
            caching.SUBSCRIBER,
        ),
    )


def _fill_development_defaults(app: Flask) -> None:
    """SQLite file, secret key and mail outbox under instance/ when nothing else is set."""
    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'brokerage.sqlite'}"
    if not app.config.get("SECRET_KEY") and app.config["ENV_NAME"] != "production":
        app.config["SECRET_KEY"] = _development_secret_key(instance)
    if not app.config.get("MAIL_OUTBOX_DIR"):
        app.config["MAIL_OUTBOX_DIR"] = str(instance / "outbox")


def _trust_base_url_host(app: Flask) -> None:
    """In production, a request naming any host but the site's own gets 400, unless
    TRUSTED_HOSTS lists more (a load balancer's health checks by address, say)."""
    if app.config["ENV_NAME"] == "production" and app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = [urlsplit(app.config["BASE_URL"]).hostname]


def _development_secret_key(instance: Path) -> str:
    """A key generated once and kept, so development sessions survive restarts."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        # Created readable by the owner only, never briefly world-readable.
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    init_sqlite(app)
    idle_connections.init_app(app)
    read_requests.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    session_cookies.init_app(app)
    csrf.init_app(app)
    csrf_tokens.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    caching.init_app(app)
    page_assets.init_app(app)
    id_urls.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        permissions_policy=PERMISSIONS_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )
    login_manager.init_app(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    formatting.register_filters(app.jinja_env)


def _register_blueprints(app: Flask) -> None:
    from . import errors
    from .accessibility.views import blueprint as accessibility
    from .accounts import permissions
    from .accounts.organisation_views import blueprint as organisations
    from .accounts.views import blueprint as accounts
    from .admin.views import blueprint as admin
    from .api import blueprint as api
    from .board.views import blueprint as board
    from .bulk.views import blueprint as bulk
    from .charter.views import blueprint as charter
    from .directory.views import blueprint as directory
    from .health.views import blueprint as health
    from .home.views import blueprint as home
    from .impact.case_study_views import blueprint as case_studies
    from .impact.views import blueprint as impact
    from .listings.ask_views import blueprint as asks
    from .listings.views import blueprint as listings
    from .matches.views import blueprint as matching_policy
    from .notices.views import blueprint as notices
    from .notifications.views import blueprint as inbox
    from .places.views import blueprint as places
    from .plan.views import blueprint as plan
    from .review.views import blueprint as review
    from .toms.views import blueprint as toms
    from .workflow.interest_views import blueprint as interest
    from .workflow.list_views import blueprint as matching_lists
    from .workflow.views import blueprint as matches

    for blueprint in (
        home,
        accessibility,
        health,
        accounts,
        organisations,
        _holding(admin, bulk),
        _holding(plan, board),
        _serving("matching", "/matching", matching_policy, matching_lists),
        matches,
        interest,
        inbox,
        charter,
        _holding(review, case_studies),
        notices,
        impact,
        toms,
        places,
        listings,
        asks,
        directory,
        api,
    ):
        app.register_blueprint(blueprint)
    csrf.exempt(api)
    errors.register(app)
    permissions.init_app(app)


def _holding(parent: Blueprint, *children: Blueprint) -> Blueprint:
    """The parent blueprint with these nested in it, under its URL prefix and name
    (`plan.board.board_report` at /plan/report), its before-request checks theirs too.
    Nested once per process: a blueprint takes no more children once registered, and
    keeps those it holds for every app built after."""
    for child in children:
        if (parent.name, child.name) not in _NESTED:
            parent.register_blueprint(child)
            _NESTED.add((parent.name, child.name))
    return parent


# (parent, child) blueprint names already nested in this process, by _holding.
_NESTED: set[tuple[str, str]] = set()


def _serving(name: str, url_prefix: str, *rooms: Blueprint) -> Blueprint:
    """One blueprint for a URL prefix that several packages serve, named for the prefix,
    holding theirs (`matching.policy.edit`). Made afresh for each app: a blueprint takes no
    more children once registered."""
    prefix = Blueprint(name, __name__, url_prefix=url_prefix)
    for room in rooms:
        prefix.register_blueprint(room)
    return prefix


def _register_cli(app: Flask) -> None:
    from .accounts.cli import users_cli
    from .board.cli import report_cli
    from .bulk.cli import export_command, import_command
    from .charter.cli import charter_cli
    from .demo.cli import seed_demo_command
    from .jobs.cli import jobs_cli
    from .listings.cli import listings_cli
    from .mail.cli import mail_cli
    from .matches.cli import match_cli
    from .notices.cli import notices_cli
    from .places.cli import places_cli
    from .plan.cli import plan_cli
    from .toms.cli import toms_cli
    from .workflow.cli import evidence_cli, expire_command

    app.cli.add_command(users_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(mail_cli)
    app.cli.add_command(jobs_cli)
    match_cli.add_command(expire_command)
    app.cli.add_command(match_cli)
    app.cli.add_command(evidence_cli)
    app.cli.add_command(notices_cli)
    app.cli.add_command(listings_cli)
    app.cli.add_command(places_cli)
    app.cli.add_command(plan_cli)
    app.cli.add_command(report_cli)
    app.cli.add_command(charter_cli)
    app.cli.add_command(toms_cli)
    app.cli.add_command(import_command)
    app.cli.add_command(export_command)


def _register_personal_data(app: Flask) -> None:
    """What each feature holds about a person, for their data download. Accounts sits
    below these features and may not import them, so they meet here."""
    from .accounts.privacy import register_personal_data
    from .audit.service import entries_by
    from .charter.service import check_ins_recorded_by
    from .notifications.service import notifications_of
    from .plan.service import updates_written_by
    from .workflow.delivery import disputes_written_by
    from .workflow.evidence import evidence_uploaded_by
    from .workflow.moves import messages_written_by

    register_personal_data(app, "notifications", notifications_of)
    register_personal_data(app, "match_messages_written", messages_written_by)
    register_personal_data(app, "evidence_files_uploaded", evidence_uploaded_by)
    register_personal_data(app, "deliveries_disputed", disputes_written_by)
    register_personal_data(app, "charter_check_ins_recorded", check_ins_recorded_by)
    register_personal_data(app, "plan_updates_written", updates_written_by)
    register_personal_data(app, "actions_in_the_audit_log", entries_by)


def _register_places_changed(app: Flask) -> None:
    """Listings and matches sit above places: when staff change a priority place, queued
    jobs re-place every listing (district, ward, priority place) and rank opportunities'
    suppliers again (a supplier based in a priority place earns a place bonus)."""
    from .listings.service import refresh_locations
    from .matches.supplier_store import rebuild_supplier_matches
    from .places.service import on_priority_places_changed

    on_priority_places_changed(app, refresh_locations)
    on_priority_places_changed(app, rebuild_supplier_matches)


def _register_kpi_sources(app: Flask) -> None:
    """The plan's KPIs that the charter counts, the contract spend with local suppliers
    that award notices show, and the verified outcomes of the TOMs measures staff link to
    a KPI. Plan, charter, notices and review may not import each other, so they meet here;
    `flask plan sync-kpis` writes the values."""
    from .charter.kpi_counts import (
        pledges_implemented_by_month,
        procurement_pledgers_by_month,
        signees_by_month,
    )
    from .notices.spend import (
        LOCAL_SPEND_COUNTED,
        LOCAL_SPEND_KPI,
        LOCAL_SPEND_SOURCE,
        local_spend_by_month,
    )
    from .plan.kpi_sources import KpiSource, register_kpi_source, register_outcome_totals
    from .review.kpi_outcomes import verified_quantities_by_month

    register_outcome_totals(app, verified_quantities_by_month)

    register_kpi_source(
        app,
        KpiSource(
            "charter.signees", "Number of charter signees", signees_by_month, "new charter signees"
        ),
    )
    register_kpi_source(
        app,
        KpiSource(
            "charter.procurement_pledges",
            "Number of organisations making charter pledges on procurement",
            procurement_pledgers_by_month,
            "organisations making their first charter pledge on procurement",
        ),
    )
    register_kpi_source(
        app,
        KpiSource(
            "charter.pledges_implemented",
            "Number of pledges implemented",
            pledges_implemented_by_month,
            "charter pledges implemented",
        ),
    )
    register_kpi_source(
        app,
        KpiSource(LOCAL_SPEND_SOURCE, LOCAL_SPEND_KPI, local_spend_by_month, LOCAL_SPEND_COUNTED),
    )
