"""How to call each route of the app on the security world: the values of its URL
arguments, the form a browser would post, and how to judge the answer."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from brokerage.accounts import service as accounts_service
from brokerage.accounts import tokens
from brokerage.bulk.models import ImportRun
from brokerage.extensions import db
from brokerage.matching import MatchingPolicy
from tests.factories import PASSWORD
from tests.helpers.security import SecurityWorld

# Outcomes besides plain status codes.
LOGIN = "login"  # 302 to the login page, which will send the person back here
DONE = "done"  # 302, not asking to log in: the change was made (or the person moved on)
BACK = "back"  # 302, not asking to log in, and nothing changed: refused with a message

# Methods a route can be asked with; HEAD and OPTIONS are answered by Flask itself.
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
NEW_PASSWORD = "a different long passphrase"
# Stands for "the session's CSRF token" in a form below.
CSRF = object()

# Values for URL arguments, by argument name; a route may override them below.
ARGUMENTS: dict[str, Callable[[SecurityWorld], Any]] = {
    "organisation_id": lambda w: w.organisation_id,
    "user_id": lambda w: w.users["member"],
    "token_id": lambda w: w.token_ids["supplier"],
    "action_id": lambda w: w.action_id,
    "signee_id": lambda w: w.feature("charter")["signee"],
    "check_in_id": lambda w: w.feature("charter")["check_in"],
    "pledge_id": lambda w: w.feature("charter")["pledge"],
    "measure_id": lambda w: w.feature("toms")["measure"],
    "place_id": lambda w: w.feature("places")["place"],
    "lead_id": lambda w: w.lead_id,
    "kpi_id": lambda w: w.kpi_id,
    "event_id": lambda w: w.feature("plan")["event"],
    "project_id": lambda w: w.feature("plan")["project"],
    "source_id": lambda w: w.feature("plan")["funding_source"],
    "resource_id": lambda w: w.feature("plan")["resource"],
    "slug": lambda w: "data",
}


def _confirmation_token(security_world: SecurityWorld) -> str:
    """The link emailed to the newcomer, who registered but has not confirmed yet."""
    newcomer = security_world.feature("sign_up")["newcomer"]
    with security_world.app.app_context():
        return tokens.sign(
            accounts_service.CONFIRMATION_PURPOSE,
            {"u": newcomer, "e": tokens.fingerprint("newcomer@example.org")},
        )


ROUTE_ARGUMENTS: dict[str, dict[str, Callable[[SecurityWorld], Any]]] = {
    "plan.export_actions": {"file_format": lambda w: "csv"},
    "plan.board.board_report_file": {"extension": lambda w: "xlsx"},
    "charter.approve": {"signee_id": lambda w: w.feature("charter")["pending_signee"]},
    "charter.decline": {"signee_id": lambda w: w.feature("charter")["pending_signee"]},
    "charter.merge": {"signee_id": lambda w: w.feature("charter")["duplicate_signee"]},
    "charter.keep_apart": {"signee_id": lambda w: w.feature("charter")["duplicate_signee"]},
    "charter.choose_narrative": {"record_id": lambda w: w.feature("charter")["record"]},
    "charter.remove_resource": {"resource_id": lambda w: w.feature("charter")["resource"]},
    "static": {"filename": lambda w: "css/app.css"},
    "bootstrap.static": {"filename": lambda w: "js/bootstrap.min.js"},
    "accounts.reset_password": {"token": lambda w: w.reset_token},
    "accounts.confirm_email": {"token": _confirmation_token},
    "organisations.show_invitation": {"token": lambda w: w.invitation_token},
    "organisations.accept_invitation": {"token": lambda w: w.invitation_token},
}

# Listings: each kind's pages are asked about one listing of the organisation that lists
# that kind (see ListingsWorld in tests/helpers/listings.py).
LISTING_OWNERS = {"offer": "supplier", "opportunity": "buyer", "need": "beneficiary"}
LISTING_PLURALS = {"offer": "offers", "opportunity": "opportunities", "need": "needs"}
for _kind, _owner in LISTING_OWNERS.items():
    for _action in ("show", "edit", "publish", "archive", "unpublish"):
        ROUTE_ARGUMENTS[f"listings.{_action}_{_kind}"] = {
            "listing_id": lambda w, kind=_kind: w.feature("listings")[kind]
        }
    for _endpoint in (f"listings.{LISTING_PLURALS[_kind]}", f"listings.new_{_kind}"):
        ROUTE_ARGUMENTS[_endpoint] = {
            "organisation_id": lambda w, owner=_owner: w.organisation_ids[owner]
        }


def _listing_form(kind: str) -> Callable[[SecurityWorld], dict[str, Any]]:
    def form(security_world: SecurityWorld) -> dict[str, Any]:
        security_world.feature("toms")
        fields = {
            "title": "Reading helpers",
            "description": "Volunteers who read with children.",
            "category": "education",
            "postcode": "OX4 4HH",
            "measures": ["T-1"],
            "measures:T-1": "4",
        }
        return (
            fields
            | {
                "offer": {"available_from": "", "available_to": ""},
                "opportunity": {
                    "estimated_value": "250,000",
                    "deadline": (date.today() + timedelta(days=30)).isoformat(),
                },
                "need": {"quantity_wanted": "", "quantity_unit": "", "deadline": ""},
            }[kind]
        )

    return form


def _event_form(security_world: SecurityWorld, title: str) -> dict[str, Any]:
    security_world.feature("plan")
    return {
        "title": title,
        "kind": "open_day",
        "happens_on": "2024-05-01",
        "timing": "10am to 1pm",
        "place": "Oxford Town Hall",
        "action": str(security_world.action_id),
        "held": "y",
        "attendance": "40",
        "attendance_kpi": str(security_world.kpi_id),
        "held_kpi": "",
        "notes": "",
    }


def _resource_form(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "kind": "case_study",
        "url": "https://example.org/case-study",
        "body": "",
        "working_group": "",
        "toms_theme": "",
        "audience": "everyone",
    }


class _RewoundFile(io.BytesIO):
    """An upload that the fuzzer can post again: the test client closes what it sends."""

    def close(self) -> None:
        self.seek(0)


def _import_run(security_world: SecurityWorld) -> int:
    """A finished import run, for the bulk import's progress pages."""
    with security_world.app.app_context():
        run = ImportRun(kind="suppliers", filename="suppliers.csv", status="done")
        db.session.add(run)
        db.session.commit()
        return run.id


ROUTE_ARGUMENTS["interest.opportunity"] = {
    "listing_id": lambda w: (w.feature("interest"), w.feature("listings")["opportunity"])[1]
}
ROUTE_ARGUMENTS["interest.need"] = {"listing_id": lambda w: w.feature("interest")["need"]}
ROUTE_ARGUMENTS["admin.bulk.show_run"] = {"run_id": _import_run}
ROUTE_ARGUMENTS["admin.bulk.run_status"] = {"run_id": _import_run}
ROUTE_ARGUMENTS["admin.bulk.export_kind"] = {"kind": lambda w: "suppliers"}
ROUTE_ARGUMENTS["inbox.open_notification"] = {
    "notification_id": lambda w: w.feature("notifications")["notification"]
}
ROUTE_ARGUMENTS["matching.lists.listing_matches"] = {
    "plural": lambda w: "offers",
    "listing_id": lambda w: w.feature("listings")["offer"],
}
ROUTE_ARGUMENTS["matching.lists.offers_for_you"] = {
    "organisation_id": lambda w: w.organisation_ids["beneficiary"]
}
for _endpoint in ("review.verify", "review.query", "review.reject"):
    ROUTE_ARGUMENTS[_endpoint] = {"match_id": lambda w: w.feature("review")["delivered"]}
for _endpoint, _key in (
    ("matches.show", "interest_expressed"),
    ("matches.move", "interest_expressed"),
    ("matches.message", "interest_expressed"),
    ("matches.delivery", "agreed"),
    ("matches.confirm", "delivered"),
    ("matches.dispute", "delivered"),
):
    ROUTE_ARGUMENTS[_endpoint] = {"match_id": lambda w, key=_key: w.feature("match_pages")[key]}
ROUTE_ARGUMENTS["notices.show"] = {"procurement_id": lambda w: w.feature("notices")["procurement"]}
ROUTE_ARGUMENTS["notices.claim"] = {"organisation_id": lambda w: w.feature("notices")["imported"]}
ROUTE_ARGUMENTS["matches.evidence_file"] = {
    "match_id": lambda w: w.feature("match_pages")["delivered"],
    "file_id": lambda w: w.feature("match_pages")["evidence_file"],
}
ROUTE_ARGUMENTS["review.case_studies.edit"] = {
    "match_id": lambda w: w.feature("review")["verified"]
}
ROUTE_ARGUMENTS["review.export_table"] = {
    "table": lambda w: "matches",
    "file_format": lambda w: "csv",
}
for _kind in LISTING_OWNERS:
    ROUTE_ARGUMENTS[f"api.{_kind}_matches"] = {
        "listing_id": lambda w, kind=_kind: w.feature("listings")[kind]
    }


# A valid submission for each form route: what the person allowed to use it would send.
FORMS: dict[str, Callable[[SecurityWorld], dict[str, Any]]] = {
    "accounts.register": lambda w: {
        "name": "New Person",
        "email": "new.person@example.org",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    },
    "accounts.login": lambda w: {"email": w.emails["member"], "password": PASSWORD},
    "interest.opportunity": lambda w: {"offer_id": w.feature("interest")["offer"]},
    "interest.need": lambda w: {"offer_id": w.feature("interest")["offer"]},
    "asks.ask": lambda w: {"listing": f"OPP-{w.feature('listings')['opportunity']}"},
    "accounts.confirm_email": lambda w: {},
    "accounts.resend_confirmation": lambda w: {},
    "accounts.logout": lambda w: {},
    "accounts.change_password": lambda w: {
        "current_password": PASSWORD,
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    },
    "accounts.sign_out_everywhere": lambda w: {},
    "accounts.create_token": lambda w: {"name": "Council export"},
    "accounts.revoke_token": lambda w: {},
    "accounts.request_password_reset": lambda w: {"email": w.emails["member"]},
    "accounts.reset_password": lambda w: {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    "accounts.delete_account": lambda w: {"delete-csrf_token": CSRF, "delete-password": PASSWORD},
    "organisations.new": lambda w: {
        "name": "Blackbird Leys Bikes",
        "kind": "supplier",
        "postcode": "OX4 6HU",
        "description": "Bike repairs.",
    },
    "organisations.edit": lambda w: {
        "name": "Renamed Bakery",
        "postcode": "OX4 1AA",
        "description": "Bread.",
    },
    "organisations.invite": lambda w: {"email": "new.colleague@example.org", "role": "member"},
    "organisations.accept_invitation": lambda w: {},
    "admin.change_roles": lambda w: {
        f"u{w.users['member']}-csrf_token": CSRF,
        f"u{w.users['member']}-is_task_force": "y",
    },
    "admin.classify_trade": lambda w: {"words": "Manufacturing", "trade": "45000000"},
    "admin.classify_type": lambda w: {"words": "Health", "organisation_type": "nhs"},
    "plan.post_update": lambda w: {"status": "on_track", "note": "Data published."},
    "plan.edit_lead": lambda w: {"email": w.emails["buyer"]},
    "plan.record_kpi_value": lambda w: {"recorded_on": "2024-01-31", "value": "3", "note": ""},
    "plan.set_kpi_target": lambda w: {"target": "12"},
    "plan.set_kpi_measures": lambda w: {"codes": ""},
    "plan.new_event": lambda w: _event_form(w, "Data open day"),
    "plan.edit_event": lambda w: _event_form(w, "Meet the buyer, spring"),
    "plan.add_funding": lambda w: {"source": "Crowdfunder", "amount": "£1,250", "secured": "y"},
    "plan.remove_funding": lambda w: {},
    "plan.new_resource": lambda w: _resource_form("Case study: open data"),
    "plan.edit_resource": lambda w: _resource_form("Open data guide, second edition"),
    "plan.delete_resource": lambda w: {},
    "charter.sign_up": lambda w: {
        "organisation_name": "Cowley Cycles",
        "kind": "supplier",
        "postcode": "OX4 4HH",
        "sector": "private",
        "size": "small",
        "employees": "12",
        "contact_name": "Ada Cyclist",
        "contact_email": "ada@cycles.example.org",
        "website": "",
        f"pledge-{w.feature('charter')['pledge']}-chosen": "y",
        f"pledge-{w.feature('charter')['pledge']}-plan": "Our plan.",
    },
    "charter.approve": lambda w: {},
    "charter.decline": lambda w: {},
    "charter.merge": lambda w: {},
    "charter.keep_apart": lambda w: {},
    "charter.renew": lambda w: {},
    "charter.introduce": lambda w: {
        "pledge": w.feature("charter")["pledge"],
        "buddy": w.other_organisation_id,
        "introduced_on": "2024-02-01",
    },
    "charter.check_in": lambda w: {
        "held_on": "2024-03-01",
        f"pledge-{w.feature('charter')['signed_pledge']}-status": "in_progress",
        f"pledge-{w.feature('charter')['signed_pledge']}-unit": "",
        f"pledge-{w.feature('charter')['signed_pledge']}-narrative": "Going well.",
    },
    "charter.choose_narrative": lambda w: {"selected": "y"},
    "charter.resources": lambda w: {
        "title": "Meet the buyer",
        "url": "",
        "description": "An event where suppliers meet buyers.",
        "source": "Checked in a test.",
    },
    "charter.remove_resource": lambda w: {},
    "charter.edit_pledge_page": lambda w: {
        "title": "Pay the real living wage",
        "wording": "We pay at least the real living wage.",
        "measure_hint": "",
        "source": "https://example.org/charter",
    },
    "matching.policy.edit": lambda w: {
        **{name: str(value) for name, value in asdict(MatchingPolicy(local_km=4.0)).items()},
        "note": "Wider local area.",
    },
    "matching.policy.sandbox": lambda w: {
        name: str(value) for name, value in asdict(MatchingPolicy(location_weight=0.6)).items()
    },
    "places.new_priority_place": lambda w: {
        "name": "Rose Hill",
        "local_authority": "Oxford",
        "prefixes": "OX4 4",
        "reason": "",
        "source": "",
    },
    "places.edit_priority_place": lambda w: {
        "name": "Blackbird Leys",
        "local_authority": "Oxford",
        "prefixes": "OX4 6\nOX4 4",
        "reason": "Index of deprivation.",
        "source": "",
    },
    "places.load_reference_list": lambda w: {},
    **{f"listings.new_{kind}": _listing_form(kind) for kind in LISTING_OWNERS},
    **{f"listings.edit_{kind}": _listing_form(kind) for kind in LISTING_OWNERS},
    **{
        f"listings.{action}_{kind}": lambda w: {}
        for kind in LISTING_OWNERS
        for action in ("publish", "archive", "unpublish")
    },
    "listings.edit_profile": lambda w: {
        "sector": "",
        "size": "",
        "is_vcse": "y",
        "service_radius_km": "15",
        "website": "bakery.example.org",
    },
    "admin.bulk.upload": lambda w: {
        "kind": "suppliers",
        "file": (
            _RewoundFile(
                b"ref,name,postcode,sector,size,vcse,living_wage,description,website\n"
                b"SEC-1,Security Bakery,OX4 1RF,catering,micro,no,no,,\n"
            ),
            "suppliers.csv",
        ),
    },
    "listings.verify_organisation": lambda w: {},
    "listings.unverify_organisation": lambda w: {},
    "toms.add_proxy_value": lambda w: {"value": "14.50", "source": "Test source, 2024"},
    **{
        f"review.{action}": lambda w, note=note: {
            "version": str(w.feature("review")["delivered_version"]),
            "note": note,
        }
        for action, note in (("verify", ""), ("query", "How many?"), ("reject", "No evidence."))
    },
    "matches.move": lambda w: {
        "version": str(w.feature("match_pages")["interest_expressed_version"]),
        "target": "in_discussion",
        "note": "Shall we talk?",
    },
    "matches.message": lambda w: {
        "version": str(w.feature("match_pages")["interest_expressed_version"]),
        "body": "Tuesdays suit us.",
    },
    "matches.delivery": lambda w: {
        "version": str(w.feature("match_pages")["agreed_version"]),
        "measures": ["T-1"],
        "measures:T-1": "3",
        "delivered_from": date.today().isoformat(),
        "delivered_to": date.today().isoformat(),
        "evidence": "Sign-in sheets.",
    },
    "matches.confirm": lambda w: {
        "version": str(w.feature("match_pages")["delivered_version"]),
        "rating": "4",
        "note": "",
    },
    "matches.dispute": lambda w: {
        "version": str(w.feature("match_pages")["delivered_version"]),
        "reason": "Only half the leaflets arrived.",
    },
    "review.case_studies.edit": lambda w: {
        "shown": "y",
        "text": "Reading helpers in Oxford schools.",
    },
    "inbox.open_notification": lambda w: {},
    "inbox.mark_all_read": lambda w: {},
    "notices.claim": lambda w: {},
    "toms.pick_measures": lambda w: {
        "measures": ["T-1"][: len(w.feature("toms"))],
        "measures:T-1": "3",
    },
}


def rules_by_endpoint(app: Flask) -> dict[str, Rule]:
    return {rule.endpoint: rule for rule in app.url_map.iter_rules()}


def route_keys(app: Flask) -> dict[str, Rule]:
    """`"METHOD endpoint"` for every method of every route the app serves."""
    return {
        f"{method} {rule.endpoint}": rule
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods & set(METHODS))
    }


def path_for(app: Flask, endpoint: str, security_world: SecurityWorld, **overrides: Any) -> str:
    rule = rules_by_endpoint(app)[endpoint]
    values = {}
    for name in sorted(rule.arguments):
        source = ROUTE_ARGUMENTS.get(endpoint, {}).get(name) or ARGUMENTS.get(name)
        assert source, (
            f"{endpoint}: no value for the URL argument <{name}>; add one to ARGUMENTS or "
            "ROUTE_ARGUMENTS in tests/security/routes.py"
        )
        values[name] = source(security_world)
    values.update(overrides)
    if endpoint in FORMS:
        FORMS[endpoint](security_world)  # makes the objects the form names now, not in a savepoint
    with app.test_request_context():
        return url_for(endpoint, **values)


def form_for(endpoint: str, security_world: SecurityWorld, token: str | None) -> dict[str, Any]:
    """The valid form for `endpoint` with `token` as its CSRF token (None: no token)."""
    assert endpoint in FORMS, (
        f"{endpoint}: no form to post; add a valid submission to FORMS in tests/security/routes.py"
    )
    fields = {"csrf_token": CSRF, **FORMS[endpoint](security_world)}
    return {
        name: (token if value is CSRF else value)
        for name, value in fields.items()
        if value is not CSRF or token is not None
    }


def send(
    client: FlaskClient,
    method: str,
    path: str,
    endpoint: str,
    security_world: SecurityWorld,
    role: str,
) -> TestResponse:
    if method == "GET":
        return client.get(path)
    return client.open(
        path, method=method, data=form_for(endpoint, security_world, security_world.csrf[role])
    )


def sends_to_login(response: TestResponse, path: str) -> bool:
    if response.status_code != 302:
        return False
    location = urlsplit(response.headers["Location"])
    return location.path == "/login" and parse_qs(location.query).get("next") == [path]


def judge(response: TestResponse, expected: Any, path: str) -> str | None:
    """What is wrong with the answer (None if it is the expected one)."""
    status = response.status_code
    location = response.headers.get("Location", "")
    if expected == LOGIN:
        ok = sends_to_login(response, path)
    elif expected in (DONE, BACK):
        ok = status in (302, 303) and not sends_to_login(response, path)
    else:
        ok = status == expected
    if ok:
        return None
    where = f" to {location}" if location else ""
    return f"expected {expected}, got {status}{where}"


def may_change_database(method: str, expected: Any) -> bool:
    """Only an accepted submission may change what is stored: never a GET, never a refusal."""
    return method != "GET" and expected in (DONE, 200)
