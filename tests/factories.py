"""factory_boy factories, one for every model: a test states only the fields it cares about.

Each factory makes a row the database accepts (its check and unique constraints included)
and makes the rows it needs, so `MatchFactory()` brings its offer, need and organisations.
Rows are flushed, not committed: the test's own transaction keeps or drops them. Places are
real: listings sit on OX4 4HH as Code-Point Open places it, and wards are looked up there.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

import factory

from brokerage.accounts.models import ApiToken, Invitation, Membership, Organisation, User
from brokerage.accounts.passwords import hash_password
from brokerage.audit.models import AuditEntry
from brokerage.bulk.models import ImportRun
from brokerage.changes import ChangedRow, TopicVersion
from brokerage.charter.models import (
    BuddyIntroduction,
    Charter,
    CheckIn,
    CheckInRecord,
    Pledge,
    PledgeResource,
    PledgeVersion,
    ReminderSent,
    SignedPledge,
    Signee,
    Term,
)
from brokerage.extensions import db
from brokerage.impact.models import CaseStudy
from brokerage.listings.models import (
    Need,
    NeedMeasure,
    Offer,
    OfferMeasure,
    Opportunity,
    OpportunityMeasure,
    OpportunityTrade,
    OrganisationTrade,
    Profile,
)
from brokerage.matches.models import Match, MatchingPolicyVersion
from brokerage.matches.supplier_models import SupplierMatch, SupplierRanking
from brokerage.notices.models import (
    Award,
    ImportedOrganisation,
    PartyIdentifier,
    Procurement,
    SocialValueCriterion,
)
from brokerage.notifications.models import Notification
from brokerage.places.models import PriorityPlace, PriorityPlacePrefix, PriorityPlaceWard
from brokerage.places.service import resolve
from brokerage.places.wards import ward_of_postcode
from brokerage.plan.event_models import Event
from brokerage.plan.models import (
    Action,
    ActionLead,
    ActionUpdate,
    CostLine,
    FundingSource,
    Kpi,
    KpiMeasure,
    KpiValue,
    Objective,
    ObjectivePhase,
    Plan,
    PlanLead,
    Project,
    WorkingGroup,
)
from brokerage.plan.resource_models import Resource
from brokerage.toms.models import Framework, FrameworkVersion, Measure, Outcome, ProxyValue, Theme
from brokerage.types import utcnow
from brokerage.workflow.freshness import MatchNudge
from brokerage.workflow.models import (
    Delivery,
    DeliveryLine,
    EvidenceFile,
    MatchEvent,
    MatchMessage,
)

PASSWORD = "correct horse battery staple"
# A postcode in east Oxford, and a shipped measure code (tests that need the measure itself
# load the shipped catalogue or make one with MeasureFactory).
POSTCODE = "OX4 4HH"
MEASURE_CODE = "OIEP-S6"
# CPV 77310000: "Planting and maintenance services of green areas".
CPV_CODE = "77310000"


@cache
def _password_hash() -> str:
    """Hash the shared test password once: scrypt is slow on purpose."""
    return hash_password(PASSWORD)


class _Base(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        """Of a parent given both ways (`user` and `user_id`), keep the one that is set."""
        for key in [key for key in kwargs if key.endswith("_id")]:
            parent = key.removesuffix("_id")
            if parent in kwargs:
                del kwargs[key if kwargs[key] is None else parent]
        return kwargs


def _parent(field: str, parent_factory: type[_Base], **fields: Any) -> factory.Maybe:
    """A new parent row, unless the test names one by id (`<field>_id=...`)."""
    return factory.Maybe(
        f"{field}_id",
        yes_declaration=None,
        no_declaration=factory.SubFactory(parent_factory, **fields),
    )


# --- accounts -------------------------------------------------------------------------


class UserFactory(_Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    password_hash = factory.LazyFunction(_password_hash)
    email_confirmed_at = factory.LazyFunction(utcnow)


class OrganisationFactory(_Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = "supplier"
    postcode = POSTCODE
    description = "A test organisation."


class MembershipFactory(_Base):
    class Meta:
        model = Membership

    user_id = None
    user = _parent("user", UserFactory)
    organisation_id = None
    organisation = _parent("organisation", OrganisationFactory)
    role = "member"


class InvitationFactory(_Base):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    role = "member"


class ApiTokenFactory(_Base):
    """A token whose secret is `secret` (a parameter, never stored)."""

    class Meta:
        model = ApiToken
        exclude = ("secret",)

    user = factory.SubFactory(UserFactory)
    name = "tests"
    secret = factory.Sequence(lambda n: f"test-token-secret-{n:08d}")
    token_digest = factory.LazyAttribute(lambda token: ApiToken.digest(token.secret))
    prefix = factory.LazyAttribute(lambda token: token.secret[:12])
    expires_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=365))


# --- places, TOMs, audit, notifications, bulk ------------------------------------------


class PriorityPlaceFactory(_Base):
    class Meta:
        model = PriorityPlace

    name = factory.Sequence(lambda n: f"Priority place {n}")
    local_authority = "Oxford"


class PriorityPlacePrefixFactory(_Base):
    class Meta:
        model = PriorityPlacePrefix

    place = factory.SubFactory(PriorityPlaceFactory)
    prefix = "OX4 6"


class PriorityPlaceWardFactory(_Base):
    """The ward OX4 4HH lies in, as the shipped boundaries have it."""

    class Meta:
        model = PriorityPlaceWard

    place = factory.SubFactory(PriorityPlaceFactory)
    ward_code = factory.LazyFunction(lambda: ward_of_postcode(POSTCODE).code)
    ward_name = factory.LazyFunction(lambda: ward_of_postcode(POSTCODE).name)


class FrameworkFactory(_Base):
    class Meta:
        model = Framework

    name = factory.Sequence(lambda n: f"Framework {n}")


class FrameworkVersionFactory(_Base):
    class Meta:
        model = FrameworkVersion

    framework = factory.SubFactory(FrameworkFactory)
    version = "1"


class ThemeFactory(_Base):
    class Meta:
        model = Theme

    framework_version = factory.SubFactory(FrameworkVersionFactory)
    position = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"Theme {n}")


class OutcomeFactory(_Base):
    class Meta:
        model = Outcome

    theme = factory.SubFactory(ThemeFactory)
    position = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"Outcome {n}")


class MeasureFactory(_Base):
    class Meta:
        model = Measure

    outcome = factory.SubFactory(OutcomeFactory)
    framework_version = factory.SelfAttribute("outcome.theme.framework_version")
    position = factory.Sequence(int)
    code = factory.Sequence(lambda n: f"TEST-{n}")
    description = factory.Sequence(lambda n: f"Measure {n}")
    unit = "hours"


class ProxyValueFactory(_Base):
    class Meta:
        model = ProxyValue

    measure = factory.SubFactory(MeasureFactory)
    value_pence = 1_500
    source = "A test source"


class AuditEntryFactory(_Base):
    class Meta:
        model = AuditEntry

    by_person = False
    action = "Test action"
    subject = "test subject"


class NotificationFactory(_Base):
    class Meta:
        model = Notification

    class Params:
        user = factory.SubFactory(UserFactory)

    user_id = factory.SelfAttribute("user.id")
    subject = "A test notification"


class ImportRunFactory(_Base):
    class Meta:
        model = ImportRun

    kind = "suppliers"
    filename = "suppliers.csv"


# --- listings ---------------------------------------------------------------------------


class _ListingFactory(_Base):
    """A draft listing at POSTCODE, placed as the listings service would place it."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Listing {n}")
    category = "volunteering"
    postcode = POSTCODE
    easting = factory.LazyAttribute(lambda listing: resolve(listing.postcode).easting)
    northing = factory.LazyAttribute(lambda listing: resolve(listing.postcode).northing)
    district = factory.LazyAttribute(lambda listing: resolve(listing.postcode).district)


class OfferFactory(_ListingFactory):
    class Meta:
        model = Offer

    organisation = factory.SubFactory(OrganisationFactory, kind="supplier")


class OpportunityFactory(_ListingFactory):
    class Meta:
        model = Opportunity

    organisation = factory.SubFactory(OrganisationFactory, kind="buyer")
    deadline = factory.LazyFunction(lambda: date.today() + timedelta(days=30))


class NeedFactory(_ListingFactory):
    class Meta:
        model = Need

    organisation = factory.SubFactory(OrganisationFactory, kind="beneficiary")


class OfferMeasureFactory(_Base):
    class Meta:
        model = OfferMeasure

    offer = factory.SubFactory(OfferFactory)
    measure_code = MEASURE_CODE
    quantity = Decimal(10)


class OpportunityMeasureFactory(_Base):
    class Meta:
        model = OpportunityMeasure

    opportunity = factory.SubFactory(OpportunityFactory)
    measure_code = MEASURE_CODE
    target = Decimal(10)


class NeedMeasureFactory(_Base):
    class Meta:
        model = NeedMeasure

    need = factory.SubFactory(NeedFactory)
    measure_code = MEASURE_CODE


class ProfileFactory(_Base):
    class Meta:
        model = Profile

    organisation = factory.SubFactory(OrganisationFactory)


class OrganisationTradeFactory(_Base):
    class Meta:
        model = OrganisationTrade

    organisation = factory.SubFactory(OrganisationFactory)
    cpv_code = CPV_CODE


class OpportunityTradeFactory(_Base):
    class Meta:
        model = OpportunityTrade

    opportunity = factory.SubFactory(OpportunityFactory)
    cpv_code = CPV_CODE


# --- matches ----------------------------------------------------------------------------


class MatchFactory(_Base):
    """A suggested match of an offer with a need (pass `opportunity=` and `need=None` for
    a buyer's opportunity)."""

    class Meta:
        model = Match

    offer = factory.SubFactory(OfferFactory)
    need = factory.SubFactory(NeedFactory)
    opportunity = None
    score = 0.8
    location_score = 1.0
    toms_score = 0.7
    fit_score = 0.6
    distance_m = 1_200.0
    reasons = factory.LazyFunction(lambda: ["1.2 km away"])
    policy_version = 1


class MatchingPolicyVersionFactory(_Base):
    class Meta:
        model = MatchingPolicyVersion

    version = factory.Sequence(lambda n: n + 1)
    settings = factory.LazyFunction(dict)


class _OfMatch(_Base):
    """A row that names its match by id only (its model has no relationship to it)."""

    class Meta:
        abstract = True

    class Params:
        match = factory.SubFactory(MatchFactory)

    match_id = factory.SelfAttribute("match.id")


class MatchEventFactory(_OfMatch):
    class Meta:
        model = MatchEvent

    by_person = False
    from_state = "suggested"
    to_state = "interest_expressed"


class MatchMessageFactory(_OfMatch):
    class Meta:
        model = MatchMessage

    organisation = factory.SelfAttribute("match.offer.organisation")
    body = "A test message"


class MatchNudgeFactory(_OfMatch):
    class Meta:
        model = MatchNudge

    audience = "supplier"
    quiet_since = factory.LazyFunction(lambda: utcnow() - timedelta(days=14))


class DeliveryFactory(_Base):
    class Meta:
        model = Delivery

    match = factory.SubFactory(MatchFactory, state="delivered")
    delivered_from = factory.LazyFunction(lambda: date.today() - timedelta(days=7))
    delivered_to = factory.LazyFunction(date.today)


class DeliveryLineFactory(_Base):
    class Meta:
        model = DeliveryLine

    delivery = factory.SubFactory(DeliveryFactory)
    measure_code = MEASURE_CODE
    quantity = Decimal(5)


class CaseStudyFactory(_Base):
    class Meta:
        model = CaseStudy

    match = factory.SubFactory(MatchFactory, state="verified")
    text = "What the match did, in the words of the people it helped."


# --- charter ----------------------------------------------------------------------------


class CharterFactory(_Base):
    class Meta:
        model = Charter

    name = factory.Sequence(lambda n: f"Charter {n}")


class PledgeFactory(_Base):
    class Meta:
        model = Pledge

    charter = factory.SubFactory(CharterFactory)
    code = factory.Sequence(lambda n: f"TEST-{n}")
    position = factory.Sequence(int)


class PledgeVersionFactory(_Base):
    class Meta:
        model = PledgeVersion

    pledge = factory.SubFactory(PledgeFactory)
    number = 1
    title = factory.Sequence(lambda n: f"Pledge {n}")
    wording = "We will do a test thing."


class PledgeResourceFactory(_Base):
    class Meta:
        model = PledgeResource

    pledge = factory.SubFactory(PledgeFactory)
    title = factory.Sequence(lambda n: f"Resource {n}")
    description = "A guide for the pledge."
    source = "A test source"


class SigneeFactory(_Base):
    """A pending sign-up (pass `status="approved"` with an `organisation`)."""

    class Meta:
        model = Signee

    organisation_name = factory.Sequence(lambda n: f"Signee {n}")
    organisation_kind = "supplier"
    postcode = POSTCODE
    sector = "private"
    size = "small"
    employees = 12
    contact_name = "Ada Baker"
    contact_email = factory.Sequence(lambda n: f"signee{n}@example.org")
    signed_on = date(2024, 1, 15)


class SignedPledgeFactory(_Base):
    class Meta:
        model = SignedPledge

    signee = factory.SubFactory(SigneeFactory)
    version = factory.SubFactory(PledgeVersionFactory)
    pledge_id = factory.SelfAttribute("version.pledge_id")
    plan = "Our plan for the pledge."


class TermFactory(_Base):
    class Meta:
        model = Term

    signee = factory.SubFactory(SigneeFactory)
    number = 1
    starts_on = date(2024, 1, 15)
    ends_on = date(2025, 1, 15)


class CheckInFactory(_Base):
    class Meta:
        model = CheckIn

    term = factory.SubFactory(TermFactory)
    kind = "baseline"
    due_on = date(2024, 2, 15)


class CheckInRecordFactory(_Base):
    class Meta:
        model = CheckInRecord

    check_in = factory.SubFactory(CheckInFactory)
    signed_pledge = factory.SubFactory(
        SignedPledgeFactory, signee=factory.SelfAttribute("..check_in.term.signee")
    )
    status = "planned"


class ReminderSentFactory(_Base):
    class Meta:
        model = ReminderSent

    check_in = factory.SubFactory(CheckInFactory)
    kind = "before_due"


class BuddyIntroductionFactory(_Base):
    class Meta:
        model = BuddyIntroduction

    signee = factory.SubFactory(SigneeFactory)
    buddy = factory.SubFactory(OrganisationFactory)
    pledge = factory.SubFactory(PledgeFactory)
    introduced_on = date(2024, 3, 1)


# --- plan -------------------------------------------------------------------------------


class PlanFactory(_Base):
    class Meta:
        model = Plan

    year = factory.Sequence(lambda n: f"{2100 + n}/{(101 + n) % 100:02d}")
    title = "Delivery plan"


class WorkingGroupFactory(_Base):
    class Meta:
        model = WorkingGroup

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"Working group {n}")
    slug = factory.Sequence(lambda n: f"working-group-{n}")


class ObjectiveFactory(_Base):
    class Meta:
        model = Objective

    working_group = factory.SubFactory(WorkingGroupFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Objective {n}")


class ObjectivePhaseFactory(_Base):
    class Meta:
        model = ObjectivePhase

    objective = factory.SubFactory(ObjectiveFactory)
    phase = "do"
    aim = "What this phase aims at."


class ActionFactory(_Base):
    class Meta:
        model = Action

    objective = factory.SubFactory(ObjectiveFactory)
    position = factory.Sequence(int)
    description = factory.Sequence(lambda n: f"Action {n}")


class PlanLeadFactory(_Base):
    class Meta:
        model = PlanLead

    name = factory.Sequence(lambda n: f"Lead {n}")


class ActionLeadFactory(_Base):
    class Meta:
        model = ActionLead

    action = factory.SubFactory(ActionFactory)
    lead = factory.SubFactory(PlanLeadFactory)
    position = 1


class ActionUpdateFactory(_Base):
    class Meta:
        model = ActionUpdate

    action = factory.SubFactory(ActionFactory)
    status = "on_track"
    note = "Going to plan."


class KpiFactory(_Base):
    class Meta:
        model = Kpi

    objective = factory.SubFactory(ObjectiveFactory)
    position = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"KPI {n}")


class KpiMeasureFactory(_Base):
    class Meta:
        model = KpiMeasure

    kpi = factory.SubFactory(KpiFactory)
    measure_code = MEASURE_CODE


class KpiValueFactory(_Base):
    class Meta:
        model = KpiValue

    kpi = factory.SubFactory(KpiFactory)
    recorded_on = factory.LazyFunction(date.today)
    value = 3


class ProjectFactory(_Base):
    class Meta:
        model = Project

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"Project {n}")
    stated_total_pence = 0


class CostLineFactory(_Base):
    class Meta:
        model = CostLine

    project = factory.SubFactory(ProjectFactory)
    position = factory.Sequence(int)
    description = "A cost"
    amount_pence = 10_000


class FundingSourceFactory(_Base):
    class Meta:
        model = FundingSource

    project = factory.SubFactory(ProjectFactory)
    source = "A funder"
    amount_pence = 10_000


class EventFactory(_Base):
    class Meta:
        model = Event

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Event {n}")
    kind = "seminar"


class ResourceFactory(_Base):
    class Meta:
        model = Resource

    title = factory.Sequence(lambda n: f"Resource {n}")
    kind = "guide"
    body = "What to do, step by step."


class EvidenceFileFactory(_Base):
    class Meta:
        model = EvidenceFile

    delivery = factory.SubFactory(DeliveryFactory)
    filename = "register.pdf"
    content_type = "application/pdf"
    size_bytes = 1024
    stored_as = factory.Sequence(lambda n: f"evidence-{n:08d}")


class SupplierMatchFactory(_Base):
    """An opportunity's stored match with one supplier (scores as the ranking stores them)."""

    class Meta:
        model = SupplierMatch

    # The table names its rows by id only (no relationships): new parents unless given.
    opportunity_id = factory.LazyFunction(lambda: OpportunityFactory().id)
    organisation_id = factory.LazyFunction(lambda: OrganisationFactory(kind="supplier").id)
    score = 0.8
    trade_score = 1.0
    social_value_score = 0.6
    place_score = 1.0
    supplier_score = 0.5
    size_factor = 1.0
    distance_m = 1200.0
    reasons = factory.LazyFunction(lambda: ["Right trade"])
    offer_ids = factory.LazyFunction(list)
    policy_version = 0
    opportunity_rank = 1
    supplier_rank = 1


class SupplierRankingFactory(_Base):
    """That an opportunity's suppliers were ranked and stored (none, unless rows say so)."""

    class Meta:
        model = SupplierRanking

    opportunity_id = factory.LazyFunction(lambda: OpportunityFactory().id)
    policy_version = 0


# --- notices ----------------------------------------------------------------------------


class ProcurementFactory(_Base):
    class Meta:
        model = Procurement

    ocid = factory.Sequence(lambda n: f"ocds-test-{n}")
    title = factory.Sequence(lambda n: f"Procurement {n}")
    notice_type = "UK4"


class SocialValueCriterionFactory(_Base):
    class Meta:
        model = SocialValueCriterion

    procurement = factory.SubFactory(ProcurementFactory)
    name = "Social value"


class AwardFactory(_Base):
    class Meta:
        model = Award

    procurement = factory.SubFactory(ProcurementFactory)
    award_id = factory.Sequence(lambda n: f"award-{n}")
    supplier = factory.SubFactory(OrganisationFactory, kind="supplier")


class PartyIdentifierFactory(_Base):
    class Meta:
        model = PartyIdentifier

    organisation = factory.SubFactory(OrganisationFactory, kind="buyer")
    org_id = factory.Sequence(lambda n: f"GB-TEST-{n}")


class ImportedOrganisationFactory(_Base):
    class Meta:
        model = ImportedOrganisation

    organisation = factory.SubFactory(OrganisationFactory, kind="buyer")


# --- the change feed ----------------------------------------------------------------------


class TopicVersionFactory(_Base):
    class Meta:
        model = TopicVersion

    topic = factory.Sequence(lambda n: f"topic-{n}")
    version = factory.Sequence(int)


class ChangedRowFactory(_Base):
    class Meta:
        model = ChangedRow

    version = factory.Sequence(int)
    topic = "listings"
    table_name = "offers"
    row_id = factory.Sequence(int)
    links = factory.LazyFunction(dict)
