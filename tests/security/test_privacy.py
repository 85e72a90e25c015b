"""UK GDPR: a privacy page saying what is kept and why, a download of one's own data, and
deleting one's account while the records others rely on keep an anonymised trace."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from brokerage.accounts.models import ApiToken, Invitation, Membership, Organisation, User
from brokerage.extensions import db
from brokerage.plan import service as plan_service
from brokerage.plan.models import Action, ActionUpdate
from tests.accounts.helpers import field_error, flashed, page_text
from tests.factories import PASSWORD

# The privacy page ---------------------------------------------------------------------------


def test_the_privacy_page_is_public_and_linked_from_the_footer(anon, world, client_as):
    response = anon.get("/privacy")

    assert response.status_code == 200
    for client in (anon, client_as("supplier")):
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
    world, client_as
):
    response, data = _download(client_as("supplier"))

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


def test_the_download_holds_no_secrets_and_nobody_elses_account(world, client_as, in_app):
    response, _ = _download(client_as("supplier"))
    text = response.get_data(as_text=True)

    digests = in_app(lambda: db.session.scalars(select(ApiToken.token_digest)).all())
    password_hash = in_app(lambda: db.session.get(User, world.users["supplier"]).password_hash)
    assert password_hash not in text
    assert not any(digest in text for digest in digests)
    assert not any(secret in text for secret in world.secrets.values())
    assert "member@example.org" not in text  # a colleague in the same organisation


def test_the_page_that_shows_a_new_api_token_is_never_cached(world, client_as):
    response = client_as("supplier").post(
        "/account/tokens", data={"csrf_token": world.csrf["supplier"], "name": "Export"}
    )

    assert response.status_code == 200
    assert "svb_" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_downloading_needs_a_login(anon):
    response = anon.get("/account/data")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# Delete my account ------------------------------------------------------------------------


def _delete(client, world, role, password=PASSWORD):
    return client.post(
        "/account/delete",
        data={"csrf_token": world.csrf[role], "delete-password": password},
    )


def _state(world):
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


def test_a_wrong_password_deletes_nothing_and_says_why(world, client_as, in_app):
    before = in_app(_state(world))
    client = client_as("supplier")

    response = _delete(client, world, "supplier", password="not my password")

    assert response.status_code == 400
    assert "Your password is not correct" in field_error(response, "delete-password")
    assert in_app(_state(world)) == before
    assert client.get("/account").status_code == 200


def test_deleting_an_account_removes_the_person_their_memberships_and_tokens(
    app, world, client_as, in_app
):
    client = client_as("supplier")
    supplier = world.users["supplier"]

    response = _delete(client, world, "supplier")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Your account has been deleted." in " ".join(flashed(client.get("/")))
    state = in_app(_state(world))
    assert "supplier@example.org" not in state["users"]
    assert supplier not in state["memberships"]
    assert supplier not in state["tokens"]
    assert client.get("/account").status_code == 302  # logged out
    bearer = {"Authorization": f"Bearer {world.secrets['supplier_token']}"}
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401


def test_an_organisation_whose_only_owner_leaves_stays_with_its_other_members(
    world, client_as, in_app
):
    _delete(client_as("supplier"), world, "supplier")

    state = in_app(_state(world))
    assert "The supplier" in state["organisations"]
    assert world.users["member"] in state["memberships"]
    staff = client_as("staff")
    assert staff.get(f"/organisations/{world.organisation_id}/edit").status_code == 200


def test_invitations_the_person_sent_stay_without_their_name(world, client_as, in_app):
    _delete(client_as("supplier"), world, "supplier")

    assert in_app(_state(world))["invitations"] == [("buyer@example.org", None)]


def test_invitations_the_person_accepted_go_with_them(world, client_as, in_app):
    buyer = client_as("buyer")
    accepted = buyer.post(
        f"/organisations/invitations/{world.invitation_token}",
        data={"csrf_token": world.csrf["buyer"]},
    )
    assert accepted.status_code == 302

    _delete(buyer, world, "buyer")

    assert in_app(_state(world))["invitations"] == []


def test_plan_updates_the_person_wrote_stay_without_their_name(world, client_as, in_app):
    def write_update():
        action = db.session.get(Action, world.action_id)
        plan_service.record_update(
            action, "on_track", "Data published.", db.session.get(User, world.users["staff"])
        )
        db.session.commit()

    in_app(write_update)

    _delete(client_as("staff"), world, "staff")

    updates = in_app(
        lambda: db.session.execute(select(ActionUpdate.note, ActionUpdate.author_id)).all()
    )
    assert updates == [("Data published.", None)]


@pytest.mark.parametrize("person", ["supplier", "member", "buyer", "staff"])
def test_each_kind_of_person_can_delete_their_account(person, world, client_as, in_app):
    response = _delete(client_as(person), world, person)

    assert response.status_code == 302
    assert in_app(lambda: db.session.get(User, world.users[person])) is None


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
