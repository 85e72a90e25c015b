"""The security tests' world: one person of each kind, their API tokens, and the objects
the routes are asked about."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from brokerage.accounts import service, tokens
from brokerage.accounts.models import ApiToken, Invitation, User
from brokerage.extensions import db
from brokerage.plan.models import (
    Action,
    ActionLead,
    Kpi,
    Objective,
    Plan,
    PlanLead,
    WorkingGroup,
)
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from tests.security.features import FEATURE_BUILDERS, FEATURE_NEEDS

# The people of the world. "supplier" owns the organisation every object-level route is
# asked about; "other_supplier" owns another organisation of the same kind; "member" is a
# plain member of the supplier's organisation, and leads one action of the delivery plan.
PEOPLE = ("supplier", "buyer", "beneficiary", "other_supplier", "member", "task_force", "staff")
SESSION_ROLES = ("anon", *PEOPLE)
# The same people holding a personal API token instead of a session, and a revoked token.
TOKEN_ROLES = (*(f"{person}_token" for person in PEOPLE), "revoked_token")
ROLES = SESSION_ROLES + TOKEN_ROLES

# Columns a request may legitimately touch without changing anything that matters.
VOLATILE_COLUMNS = {("users", "last_login_at"), ("api_tokens", "last_used_at")}
# scrypt is slow on purpose; these tests make hundreds of logins, so they use a cheap hash.
CHEAP_METHOD = "pbkdf2:sha256:1"


@dataclass
class SecurityWorld:
    users: dict[str, int]  # person -> user id
    emails: dict[str, str]
    organisation_id: int  # the supplier's organisation
    other_organisation_id: int
    organisation_ids: dict[str, int]  # owner -> their organisation
    token_ids: dict[str, int]  # person -> id of their API token
    secrets: dict[str, str]  # token role -> bearer secret
    action_id: int  # led by nobody
    lead_id: int  # the plan lead linked to the member's account
    kpi_id: int
    led_action_id: int  # the action the member leads
    invitation_token: str  # invites the buyer to the supplier's organisation
    reset_token: str  # resets the member's password
    cookies: dict[str, str] = field(default_factory=dict)  # session role -> session cookie
    csrf: dict[str, str] = field(default_factory=dict)  # role -> form token
    app: Flask | None = None
    _features: dict[str, dict[str, int]] = field(default_factory=dict)

    def feature(self, name: str) -> dict[str, int]:
        """Ids of one feature's objects (charter, toms, places), made on first use and
        committed in the test's transaction: call it before any savepoint."""
        for needed in FEATURE_NEEDS.get(name, ()):
            self.feature(needed)
        if name not in self._features:
            with self.app.app_context():
                self._features[name] = FEATURE_BUILDERS[name](self)
                db.session.commit()
        return self._features[name]


def build_security_world() -> SecurityWorld:
    cheap_hash = generate_password_hash(PASSWORD, method=CHEAP_METHOD)
    users = {
        person: UserFactory(
            email=f"{person.replace('_', '.')}@example.org",
            session_token=f"security-world-{person}",
            name=person.replace("_", " ").title(),
            password_hash=cheap_hash,
            is_staff=person == "staff",
            is_task_force=person == "task_force",
        )
        for person in PEOPLE
    }
    organisations = {
        kind: OrganisationFactory(name=f"The {kind.replace('_', ' ')}", kind=kind.split("_")[-1])
        for kind in ("supplier", "buyer", "beneficiary", "other_supplier")
    }
    for person, kind, role in (
        ("supplier", "supplier", "owner"),
        ("member", "supplier", "member"),
        ("buyer", "buyer", "owner"),
        ("beneficiary", "beneficiary", "owner"),
        ("other_supplier", "other_supplier", "owner"),
    ):
        MembershipFactory(user=users[person], organisation=organisations[kind], role=role)
    secrets = {f"{p}_token": service.create_api_token(users[p], "matrix") for p in PEOPLE}
    token_ids = {p: _token(secrets[f"{p}_token"]).id for p in PEOPLE}
    secrets["revoked_token"] = service.create_api_token(users["supplier"], "old")
    service.revoke_api_token(_token(secrets["revoked_token"]))
    invitation = Invitation(
        organisation=organisations["supplier"],
        email=users["buyer"].email,
        role="member",
        invited_by=users["supplier"],
    )
    db.session.add(invitation)
    action = plan_action(lead_user=users["member"])
    db.session.flush()
    lead = db.session.scalars(select(PlanLead)).one()
    member = users["member"]
    return SecurityWorld(
        users={p: u.id for p, u in users.items()},
        emails={p: u.email for p, u in users.items()},
        organisation_id=organisations["supplier"].id,
        other_organisation_id=organisations["other_supplier"].id,
        organisation_ids={owner: o.id for owner, o in organisations.items()},
        token_ids=token_ids,
        secrets=secrets,
        action_id=action.id,
        lead_id=lead.id,
        kpi_id=db.session.scalars(select(Kpi.id)).one(),
        led_action_id=db.session.scalars(select(ActionLead.action_id)).one(),
        invitation_token=tokens.sign(service.INVITATION_PURPOSE, invitation.id),
        reset_token=tokens.sign(
            service.RESET_PURPOSE,
            {"u": member.id, "p": tokens.fingerprint(member.password_hash)},
        ),
    )


def _token(secret: str) -> ApiToken:
    return db.session.scalars(
        select(ApiToken).where(ApiToken.token_digest == ApiToken.digest(secret))
    ).one()


def plan_action(lead_user: User | None = None) -> Action:
    """The smallest delivery plan: the action the plan routes are asked about, led by
    nobody, and a second one led by `lead_user`'s plan lead (so that person may see the plan
    and update that action, but not the first)."""
    plan = Plan(year="2023/24", title="Delivery plan")
    group = WorkingGroup(plan=plan, position=1, name="Data", slug="data")
    objective = Objective(working_group=group, number=1, title="Share data")
    action = Action(objective=objective, position=1, description="Publish the data", phase="do")
    objective.kpis.append(Kpi(position=1, name="Datasets published", unit="datasets"))
    if lead_user is not None:
        led = Action(objective=objective, position=2, description="Train the partners")
        led.action_leads.append(
            ActionLead(lead=PlanLead(name="Data lead", user=lead_user), position=1)
        )
    db.session.add(plan)
    return action
