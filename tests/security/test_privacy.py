"""UK GDPR: a privacy page saying what is kept and why, a download of one's own data, and
deleting one's account while the records others rely on keep an anonymised trace."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from brokerage.accounts.models import ApiToken, Invitation, Membership, Organisation, User
from brokerage.accounts.service import set_platform_roles
from brokerage.audit.models import AuditEntry
from brokerage.charter.models import CheckIn
from brokerage.extensions import db
from brokerage.matches.models import Match
from brokerage.notifications.models import Notification
from brokerage.plan import service as plan_service
from brokerage.plan.models import Action, ActionUpdate
from brokerage.workflow import moves
from brokerage.workflow.models import MatchMessage
from tests.factories import PASSWORD
from tests.helpers.pages import field_error, flashed, page_text

# The privacy page ---------------------------------------------------------------------------


def test_the_privacy_page_is_public_and_linked_from_the_footer(
    anon, security_world, security_client
):
    response = anon.get("/privacy")

    assert response.status_code == 200
    for client in (anon, security_client("supplier")):
        assert 'href="/privacy"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "kept",
    [
        "Your name, your email address",
        "one-way scrambled form (a hash)",
        "whether they are an owner or a member",
        "the email address invited, the role offered, who sent it",
        "we keep only a fingerprint (digest) of it",
        "Progress notes on the partnership's delivery plan",
        "emails are saved to a folder on the server (an outbox)",
        "count attempts to log in, register and reset a password",
        "legitimate interest",
        "public tasks",
        "Download your data",
        "Delete your account",
        "when you confirmed your email address",
        "A link to confirm your email address when you create an account",
        "the match messages you wrote; the charter check-ins you recorded",
        "the changes you made that the audit log records",
        "memberships, tokens and notifications are removed",
        "match messages, check-ins and plan updates you wrote",
        "the evidence files you attached to a delivery (name, type, size, match and when)",
        "the deliveries you disputed (why and when)",
        "evidence files you attached and deliveries you disputed, and changes you made",
        "A file is deleted from the server when its delivery is",
    ],
)
def test_the_privacy_page_says_what_is_kept_and_why(anon, kept):
    assert kept in page_text(anon.get("/privacy"))


# Download my data -------------------------------------------------------------------------


def _download(client):
    response = client.get("/account/data")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    return response, json.loads(response.get_data(as_text=True))


def test_the_download_holds_the_persons_profile_memberships_tokens_and_invitations(
    security_world, security_client
):
    response, data = _download(security_client("supplier"))

    assert data["profile"]["email"] == "supplier@example.org"
    assert data["profile"]["name"] == "Supplier"
    assert data["profile"]["staff"] is False
    assert [(m["organisation"], m["role"]) for m in data["memberships"]] == [
        ("The supplier", "owner")
    ]
    assert [(t["name"], t["revoked_at"] is None) for t in data["api_tokens"]] == [
        ("matrix", True),
        ("old", False),
    ]
    assert [(i["organisation"], i["email"]) for i in data["invitations_sent"]] == [
        ("The supplier", "buyer@example.org")
    ]


def test_the_download_holds_no_secrets_and_nobody_elses_account(
    security_world, security_client, in_app
):
    response, _ = _download(security_client("supplier"))
    text = response.get_data(as_text=True)

    digests = in_app(lambda: db.session.scalars(select(ApiToken.token_digest)).all())
    password_hash = in_app(
        lambda: db.session.get(User, security_world.users["supplier"]).password_hash
    )
    assert password_hash not in text
    assert not any(digest in text for digest in digests)
    assert not any(secret in text for secret in security_world.secrets.values())
    assert "member@example.org" not in text  # a colleague in the same organisation


def test_the_page_that_shows_a_new_api_token_is_never_cached(security_world, security_client):
    response = security_client("supplier").post(
        "/account/tokens", data={"csrf_token": security_world.csrf["supplier"], "name": "Export"}
    )

    assert response.status_code == 200
    assert "svb_" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_downloading_needs_a_login(anon):
    response = anon.get("/account/data")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# Delete my account ------------------------------------------------------------------------


def _delete(client, security_world, role, password=PASSWORD):
    return client.post(
        "/account/delete",
        data={"csrf_token": security_world.csrf[role], "delete-password": password},
    )


def _state(security_world):
    def read():
        return {
            "users": db.session.scalars(select(User.email).order_by(User.email)).all(),
            "memberships": db.session.scalars(
                select(Membership.user_id).order_by(Membership.user_id)
            ).all(),
            "organisations": db.session.scalars(
                select(Organisation.name).order_by(Organisation.name)
            ).all(),
            "tokens": db.session.scalars(select(ApiToken.user_id).order_by(ApiToken.id)).all(),
            "invitations": db.session.execute(
                select(Invitation.email, Invitation.invited_by_id).order_by(Invitation.id)
            ).all(),
        }

    return read


def test_a_wrong_password_deletes_nothing_and_says_why(security_world, security_client, in_app):
    before = in_app(_state(security_world))
    client = security_client("supplier")

    response = _delete(client, security_world, "supplier", password="not my password")

    assert response.status_code == 400
    assert "Your password is not correct" in field_error(response, "delete-password")
    assert in_app(_state(security_world)) == before
    assert client.get("/account").status_code == 200


def test_deleting_an_account_removes_the_person_their_memberships_and_tokens(
    app, security_world, security_client, in_app
):
    client = security_client("supplier")
    supplier = security_world.users["supplier"]

    response = _delete(client, security_world, "supplier")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Your account has been deleted." in " ".join(flashed(client.get("/")))
    state = in_app(_state(security_world))
    assert "supplier@example.org" not in state["users"]
    assert supplier not in state["memberships"]
    assert supplier not in state["tokens"]
    assert client.get("/account").status_code == 302  # logged out
    bearer = {"Authorization": f"Bearer {security_world.secrets['supplier_token']}"}
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401


def test_an_organisation_whose_only_owner_leaves_stays_with_its_other_members(
    security_world, security_client, in_app
):
    _delete(security_client("supplier"), security_world, "supplier")

    state = in_app(_state(security_world))
    assert "The supplier" in state["organisations"]
    assert security_world.users["member"] in state["memberships"]
    staff = security_client("staff")
    assert staff.get(f"/organisations/{security_world.organisation_id}/edit").status_code == 200


def test_invitations_the_person_sent_stay_without_their_name(
    security_world, security_client, in_app
):
    _delete(security_client("supplier"), security_world, "supplier")

    assert in_app(_state(security_world))["invitations"] == [("buyer@example.org", None)]


def test_invitations_the_person_accepted_go_with_them(security_world, security_client, in_app):
    buyer = security_client("buyer")
    accepted = buyer.post(
        f"/organisations/invitations/{security_world.invitation_token}",
        data={"csrf_token": security_world.csrf["buyer"]},
    )
    assert accepted.status_code == 302

    _delete(buyer, security_world, "buyer")

    assert in_app(_state(security_world))["invitations"] == []


def test_plan_updates_the_person_wrote_stay_without_their_name(
    security_world, security_client, in_app
):
    def write_update():
        action = db.session.get(Action, security_world.action_id)
        plan_service.record_update(
            action,
            "on_track",
            "Data published.",
            db.session.get(User, security_world.users["staff"]),
        )
        db.session.commit()

    in_app(write_update)

    _delete(security_client("staff"), security_world, "staff")

    updates = in_app(
        lambda: db.session.execute(select(ActionUpdate.note, ActionUpdate.author_id)).all()
    )
    assert updates == [("Data published.", None)]


@pytest.mark.parametrize("person", ["supplier", "member", "buyer", "staff"])
def test_each_kind_of_person_can_delete_their_account(
    person, security_world, security_client, in_app
):
    response = _delete(security_client(person), security_world, person)

    assert response.status_code == 302
    assert in_app(lambda: db.session.get(User, security_world.users[person])) is None


def test_every_record_that_points_at_a_person_says_what_happens_when_they_leave(app):
    """A foreign key to users must cascade (the row was only theirs) or be set to null (the
    row stays, anonymised); otherwise deleting an account would fail, or leave their id."""
    wrong = []
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name != "users":
                continue
            where = f"{table.name}.{key.parent.name}"
            if key.ondelete not in ("CASCADE", "SET NULL"):
                wrong.append(f"{where}: ondelete={key.ondelete}")
            elif key.ondelete == "SET NULL" and not key.parent.nullable:
                wrong.append(f"{where}: SET NULL on a column that cannot be null")
    assert wrong == []


# What else is theirs: notifications, match messages, check-ins, plan notes, audit entries ---


def _write_everywhere(security_world):
    """As the supplier: a message on a match, a charter check-in recorded and a plan note;
    as staff, a change of roles in the audit log. The supplier has a notification too."""
    notification = security_world.feature("notifications")["notification"]
    match_id = security_world.feature("match_pages")["interest_expressed"]
    check_in_id = security_world.feature("charter")["check_in"]

    def write():
        supplier = db.session.get(User, security_world.users["supplier"])
        staff = db.session.get(User, security_world.users["staff"])
        moves.send_message(db.session.get(Match, match_id), supplier, "Tuesdays suit us.")
        check_in = db.session.get(CheckIn, check_in_id)
        check_in.recorded_by_id, check_in.held_on = supplier.id, date(2024, 3, 1)
        plan_service.record_update(
            db.session.get(Action, security_world.action_id),
            "on_track",
            "Data published.",
            supplier,
        )
        set_platform_roles(supplier, task_force=True, actor=staff)
        db.session.commit()

    with security_world.app.app_context():
        write()
    return {"notification": notification, "match": match_id, "check_in": check_in_id}


def test_the_download_holds_what_the_other_features_keep_about_the_person(
    security_world, security_client
):
    made = _write_everywhere(security_world)

    _, data = _download(security_client("supplier"))

    assert [n["subject"] for n in data["notifications"]] == ["A new message"]
    assert [
        (m["match_id"], m["written_for"], m["body"]) for m in data["match_messages_written"]
    ] == [(made["match"], "The supplier", "Tuesdays suit us.")]
    (check_in,) = data["charter_check_ins_recorded"]
    assert (check_in["organisation"], check_in["held_on"]) == ("The supplier", "2024-03-01")
    assert [(p["status"], p["narrative"]) for p in check_in["pledges"]] == [
        ("in_progress", "Going well.")
    ]
    assert [(u["status"], u["note"]) for u in data["plan_updates_written"]] == [
        ("on_track", "Data published.")
    ]
    assert data["actions_in_the_audit_log"] == []  # the staff member changed the roles


def test_the_audit_log_part_of_the_download_holds_what_the_person_did(
    security_world, security_client
):
    _write_everywhere(security_world)

    _, data = _download(security_client("staff"))

    approval, entry = data["actions_in_the_audit_log"]  # approving the supplier's charter
    assert approval["action"] == "Approved a charter sign-up"
    assert entry["action"] == "Changed someone's platform roles"
    assert entry["subject"] == f"user #{security_world.users['supplier']}"
    assert entry["details"] == {"staff": False, "task_force": True}
    assert entry["at"].endswith("+00:00")
    # Nothing of the supplier's other records is the staff member's.
    assert data["notifications"] == data["match_messages_written"] == []
    assert data["charter_check_ins_recorded"] == data["plan_updates_written"] == []


def test_a_colleague_on_the_same_side_gets_none_of_the_persons_records(
    security_world, security_client
):
    _write_everywhere(security_world)

    _, data = _download(security_client("member"))

    for section in (
        "notifications",
        "match_messages_written",
        "charter_check_ins_recorded",
        "plan_updates_written",
    ):
        assert data[section] == [], section


def test_deleting_an_account_deletes_their_notifications_and_anonymises_what_others_rely_on(
    security_world, security_client, in_app
):
    made = _write_everywhere(security_world)

    _delete(security_client("supplier"), security_world, "supplier")

    def left():
        return {
            "notification": db.session.get(Notification, made["notification"]),
            "messages": db.session.execute(
                select(MatchMessage.body, MatchMessage.author_id, MatchMessage.organisation_id)
            ).all(),
            "check_in": db.session.execute(
                select(CheckIn.held_on, CheckIn.recorded_by_id).where(
                    CheckIn.id == made["check_in"]
                )
            ).one(),
            "audit": db.session.execute(
                select(AuditEntry.subject, AuditEntry.actor_id).where(
                    AuditEntry.action == "roles.change"
                )
            ).all(),
        }

    state = in_app(left)
    assert state["notification"] is None
    assert state["messages"] == [("Tuesdays suit us.", None, security_world.organisation_id)]
    assert state["check_in"] == (date(2024, 3, 1), None)
    # The entry is about the supplier, made by staff: it stays, naming the account by id only.
    assert state["audit"] == [
        (f"user #{security_world.users['supplier']}", security_world.users["staff"])
    ]


def test_deleting_the_actor_of_an_audit_entry_keeps_the_entry_without_them(
    security_world, security_client, in_app
):
    _write_everywhere(security_world)

    _delete(security_client("staff"), security_world, "staff")

    actors = in_app(lambda: db.session.scalars(select(AuditEntry.actor_id)).all())
    assert actors == [None, None]  # the charter approval and the change of roles
