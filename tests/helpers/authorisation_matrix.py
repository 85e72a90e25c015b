"""The authorisation matrix: who may do what at every route the app serves, one row per
route and method, one column per kind of user (checked by
tests/security/test_authorisation_matrix.py, read by the other route-wide tests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.helpers.security import PEOPLE, SESSION_ROLES, TOKEN_ROLES
from tests.security.routes import BACK, DONE, LOGIN


@dataclass(frozen=True)
class Row:
    by_role: dict[str, Any]


OUTCOMES = {"LOGIN": LOGIN, "DONE": DONE, "BACK": BACK}
# Outcomes of a request the route's own code handled (not refused at the door).
LET_THROUGH = (200, DONE, BACK)


def _outcomes(columns: str) -> list[Any]:
    return [OUTCOMES.get(cell) or int(cell) for cell in columns.split()]


def web(columns: str) -> Row:
    """An HTML route. Columns: anon, supplier, buyer, beneficiary, other_supplier, member,
    task_force, staff. A bearer token counts for nothing here: whoever sends one is treated
    as anonymous, so every token column expects what the anon column does."""
    by_role = dict(zip(SESSION_ROLES, _outcomes(columns), strict=True))
    return Row(by_role | dict.fromkeys(TOKEN_ROLES, by_role["anon"]))


def api(columns: str) -> Row:
    """A JSON API read (GET). Columns: supplier, buyer, beneficiary, other_supplier, member,
    task_force, staff, each answered the same whether they send their token or read with
    their signed-in session. No credentials, and a revoked token, are 401."""
    by_person = dict(zip(PEOPLE, _outcomes(columns), strict=True))
    tokens = {f"{person}_token": outcome for person, outcome in by_person.items()}
    return Row({"anon": 401} | by_person | tokens | {"revoked_token": 401})


# Object-level routes are asked about the supplier's organisation, the supplier's API token,
# the member's platform roles, a plan action nobody leads, an invitation of the buyer to the
# supplier's organisation, a reset link for the member, the supplier's charter sign-up (the
# beneficiary's, waiting, for approve and decline) and its first check-in, a TOMs measure
# and a priority place (see tests/security/routes.py).
# fmt: off
MATRIX: dict[str, Row] = {
    #                                            anon  suppl buyer benef other membr t.f.  staff
    "GET static":                           web("200   200   200   200   200   200   200   200"),
    "GET bootstrap.static":                 web("200   200   200   200   200   200   200   200"),
    "GET partnership_stylesheet":           web("200   200   200   200   200   200   200   200"),
    "GET home.index":                       web("200   200   200   200   200   200   200   200"),
    "GET home.privacy":                     web("200   200   200   200   200   200   200   200"),
    "GET accessibility.statement":          web("200   200   200   200   200   200   200   200"),
    "GET home.social_value":                web("200   200   200   200   200   200   200   200"),
    "GET health.healthz":                   web("200   200   200   200   200   200   200   200"),
    "GET health.readyz":                    web("200   200   200   200   200   200   200   200"),
    "GET accounts.register":                web("200   200   200   200   200   200   200   200"),
    "POST accounts.register":               web("DONE  DONE  DONE  DONE  DONE  DONE  DONE  DONE"),
    "GET accounts.confirmation_sent":       web("200   200   200   200   200   200   200   200"),
    # Asked about the link emailed to a newcomer: whoever holds it may confirm (and log in).
    "GET accounts.confirm_email":           web("200   200   200   200   200   200   200   200"),
    "POST accounts.confirm_email":          web("DONE  DONE  DONE  DONE  DONE  DONE  DONE  DONE"),
    # Sent again only after the right password for an unconfirmed account: else to log in.
    "POST accounts.resend_confirmation":    web("BACK  BACK  BACK  BACK  BACK  BACK  BACK  BACK"),
    "GET accounts.login":                   web("200   200   200   200   200   200   200   200"),
    "POST accounts.login":                  web("DONE  DONE  DONE  DONE  DONE  DONE  DONE  DONE"),
    "POST accounts.logout":                 web("LOGIN DONE  DONE  DONE  DONE  DONE  DONE  DONE"),
    "GET accounts.account":                 web("LOGIN 200   200   200   200   200   200   200"),
    "POST accounts.change_password":        web("LOGIN DONE  DONE  DONE  DONE  DONE  DONE  DONE"),
    "POST accounts.sign_out_everywhere":    web("LOGIN DONE  DONE  DONE  DONE  DONE  DONE  DONE"),
    "POST accounts.create_token":           web("LOGIN 200   200   200   200   200   200   200"),
    # Only the supplier's own token is revoked; anyone else is sent back to their account.
    "POST accounts.revoke_token":           web("LOGIN DONE  BACK  BACK  BACK  BACK  BACK  BACK"),
    "GET accounts.download_data":           web("LOGIN 200   200   200   200   200   200   200"),
    "POST accounts.delete_account":         web("LOGIN DONE  DONE  DONE  DONE  DONE  DONE  DONE"),
    "GET accounts.request_password_reset":  web("200   200   200   200   200   200   200   200"),
    "POST accounts.request_password_reset": web("DONE  DONE  DONE  DONE  DONE  DONE  DONE  DONE"),
    "GET accounts.reset_password":          web("200   200   200   200   200   200   200   200"),
    "POST accounts.reset_password":         web("DONE  DONE  DONE  DONE  DONE  DONE  DONE  DONE"),
    "GET organisations.index":              web("LOGIN 200   200   200   200   200   200   200"),
    "GET organisations.new":                web("LOGIN 200   200   200   200   200   200   200"),
    "POST organisations.new":               web("LOGIN DONE  DONE  DONE  DONE  DONE  DONE  DONE"),
    # Another organisation's pages: 404, so that non-members cannot learn what exists.
    "GET organisations.show":               web("LOGIN 200   404   404   404   200   404   200"),
    "GET organisations.edit":               web("LOGIN 200   404   404   404   403   404   200"),
    "POST organisations.edit":              web("LOGIN DONE  404   404   404   403   404   DONE"),
    "POST organisations.invite":            web("LOGIN DONE  404   404   404   403   404   DONE"),
    "GET organisations.show_invitation":    web("200   200   200   200   200   200   200   200"),
    # Only the person invited (the buyer) can accept; others are told why, and nothing changes.
    "POST organisations.accept_invitation": web("LOGIN BACK  DONE  BACK  BACK  BACK  BACK  BACK"),
    "GET admin.people":                     web("LOGIN 403   403   403   403   403   403   200"),
    "POST admin.change_roles":              web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET admin.organisations":              web("LOGIN 403   403   403   403   403   403   200"),
    "GET admin.audit_log":                  web("LOGIN 403   403   403   403   403   403   200"),
    "GET admin.unclassified":               web("LOGIN 403   403   403   403   403   403   200"),
    "POST admin.classify_trade":            web("LOGIN 403   403   403   403   403   403   DONE"),
    "POST admin.classify_type":             web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET admin.jobs":                       web("LOGIN 403   403   403   403   403   403   200"),
    "GET admin.bulk.upload":                web("LOGIN 403   403   403   403   403   403   200"),
    "POST admin.bulk.upload":               web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET admin.bulk.show_run":              web("LOGIN 403   403   403   403   403   403   200"),
    "GET admin.bulk.run_status":            web("LOGIN 403   403   403   403   403   403   200"),
    "GET admin.bulk.export_kind":           web("LOGIN 403   403   403   403   403   403   200"),
    # The delivery plan: staff, and people linked to a plan lead (the member leads another
    # action, so sees the plan but may not update this one); who leads what is for staff.
    "GET plan.overview":                    web("LOGIN 403   403   403   403   200   403   200"),
    "GET plan.actions":                     web("LOGIN 403   403   403   403   200   403   200"),
    "GET plan.export_actions":              web("LOGIN 403   403   403   403   200   403   200"),
    "GET plan.show_action":                 web("LOGIN 403   403   403   403   200   403   200"),
    "POST plan.post_update":                web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET plan.my_actions":                  web("LOGIN 403   403   403   403   200   403   200"),
    "GET plan.timeline":                    web("LOGIN 403   403   403   403   200   403   200"),
    "GET plan.kpi_list":                    web("LOGIN 403   403   403   403   200   403   200"),
    "GET plan.show_kpi":                    web("LOGIN 403   403   403   403   200   403   200"),
    "POST plan.record_kpi_value":           web("LOGIN 403   403   403   403   403   403   DONE"),
    "POST plan.set_kpi_target":             web("LOGIN 403   403   403   403   403   403   DONE"),
    "POST plan.set_kpi_measures":           web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET plan.event_list":                  web("LOGIN 403   403   403   403   200   403   200"),
    "GET plan.new_event":                   web("LOGIN 403   403   403   403   403   403   200"),
    "POST plan.new_event":                  web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET plan.edit_event":                  web("LOGIN 403   403   403   403   403   403   200"),
    "POST plan.edit_event":                 web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET plan.project_list":                web("LOGIN 403   403   403   403   200   403   200"),
    "GET plan.show_project":                web("LOGIN 403   403   403   403   200   403   200"),
    "POST plan.add_funding":                web("LOGIN 403   403   403   403   403   403   DONE"),
    "POST plan.remove_funding":             web("LOGIN 403   403   403   403   403   403   DONE"),
    # The board report shows the brokerage's and the charter's figures: staff only.
    "GET plan.board.board_report":          web("LOGIN 403   403   403   403   403   403   200"),
    "GET plan.board.board_report_file":     web("LOGIN 403   403   403   403   403   403   200"),
    # The working groups' public pages and the toolkit are for everyone; staff edit it.
    "GET plan.public_groups":               web("200   200   200   200   200   200   200   200"),
    "GET plan.public_group":                web("200   200   200   200   200   200   200   200"),
    "GET plan.resource_list":               web("200   200   200   200   200   200   200   200"),
    "GET plan.show_resource":               web("200   200   200   200   200   200   200   200"),
    "GET plan.new_resource":                web("LOGIN 403   403   403   403   403   403   200"),
    "POST plan.new_resource":               web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET plan.edit_resource":               web("LOGIN 403   403   403   403   403   403   200"),
    "POST plan.edit_resource":              web("LOGIN 403   403   403   403   403   403   DONE"),
    "POST plan.delete_resource":            web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET plan.leads":                       web("LOGIN 403   403   403   403   403   403   200"),
    "GET plan.edit_lead":                   web("LOGIN 403   403   403   403   403   403   200"),
    "POST plan.edit_lead":                  web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET matching.policy.edit":             web("LOGIN 403   403   403   403   403   403   200"),
    "POST matching.policy.edit":            web("LOGIN 403   403   403   403   403   403   DONE"),
    # Trying a draft policy reads only: staff see the comparison (200), nothing is saved.
    "GET matching.policy.sandbox":          web("LOGIN 403   403   403   403   403   403   200"),
    "POST matching.policy.sandbox":         web("LOGIN 403   403   403   403   403   403   200"),
    # A listing's matches (asked about the supplier's draft offer): for its lister and staff.
    "GET matching.lists.listing_matches":   web("LOGIN 200   404   404   404   200   404   200"),
    # "For you" (asked about the supplier's organisation; offers for the beneficiary's):
    # its members, staff and the task force; others 404, as for organisations' pages.
    "GET matching.lists.opportunities_for_you":web("LOGIN 200   404   404   404   200   200   200"),
    "GET matching.lists.offers_for_you":    web("LOGIN 404   404   200   404   404   200   200"),
    # The TOMs catalogue is for everyone signed in; proxy values are added by staff.
    "GET toms.catalogue":                   web("LOGIN 200   200   200   200   200   200   200"),
    "GET toms.show_measure":                web("LOGIN 200   200   200   200   200   200   200"),
    "POST toms.add_proxy_value":            web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET toms.pick_measures":               web("LOGIN 200   200   200   200   200   200   200"),
    "POST toms.pick_measures":              web("LOGIN 200   200   200   200   200   200   200"),
    "GET places.priority_places":           web("LOGIN 403   403   403   403   403   403   200"),
    "GET places.new_priority_place":        web("LOGIN 403   403   403   403   403   403   200"),
    "POST places.new_priority_place":       web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET places.edit_priority_place":       web("LOGIN 403   403   403   403   403   403   200"),
    "POST places.edit_priority_place":      web("LOGIN 403   403   403   403   403   403   DONE"),
    "POST places.load_reference_list":      web("LOGIN 403   403   403   403   403   403   DONE"),
    # The charter: its list and sign-up are public; staff run the rest; an organisation's
    # members see their own charter page (asked about the supplier's), others get 404.
    "GET charter.index":                    web("200   200   200   200   200   200   200   200"),
    "GET charter.sign_up":                  web("200   200   200   200   200   200   200   200"),
    "POST charter.sign_up":                 web("DONE  DONE  DONE  DONE  DONE  DONE  DONE  DONE"),
    "GET charter.queue":                    web("LOGIN 403   403   403   403   403   403   200"),
    "POST charter.approve":                 web("LOGIN 403   403   403   403   403   403   DONE"),
    "POST charter.decline":                 web("LOGIN 403   403   403   403   403   403   DONE"),
    "POST charter.merge":                   web("LOGIN 403   403   403   403   403   403   DONE"),
    "POST charter.keep_apart":              web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET charter.signees":                  web("LOGIN 403   403   403   403   403   403   200"),
    "GET charter.signee":                   web("LOGIN 200   404   404   404   200   404   200"),
    "POST charter.renew":                   web("LOGIN 403   403   403   403   403   403   DONE"),
    "POST charter.introduce":               web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET charter.due":                      web("LOGIN 403   403   403   403   403   403   200"),
    # A check-in is recorded by the signee's own members (the supplier's) and staff.
    "GET charter.check_in":                 web("LOGIN 200   404   404   404   200   404   200"),
    "POST charter.check_in":                web("LOGIN DONE  404   404   404   DONE  404   DONE"),
    "GET charter.pledges":                  web("LOGIN 403   403   403   403   403   403   200"),
    "GET charter.edit_pledge_page":         web("LOGIN 403   403   403   403   403   403   200"),
    "POST charter.edit_pledge_page":        web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET charter.resources":                web("LOGIN 403   403   403   403   403   403   200"),
    "POST charter.resources":               web("LOGIN 403   403   403   403   403   403   DONE"),
    "POST charter.remove_resource":         web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET charter.report":                   web("LOGIN 403   403   403   403   403   403   200"),
    "GET charter.report_download":          web("LOGIN 403   403   403   403   403   403   200"),
    "GET charter.report_workbook":          web("LOGIN 403   403   403   403   403   403   200"),
    "POST charter.choose_narrative":        web("LOGIN 403   403   403   403   403   403   DONE"),
    # The task force's workspace (asked about a confirmed delivery of the supplier's offer
    # to the beneficiary's need); case studies (of a verified match) are for staff only.
    # A match page (asked about matches of the supplier's offer with the buyer's opportunities):
    # its two sides' members, the task force and staff; others 404. Only the sides move it
    # on (the task force's moves come later: 409), write on it, and the supplier records
    # the delivery the buyer confirms.
    "GET matches.show":                     web("LOGIN 200   200   404   404   200   200   200"),
    "POST matches.move":                    web("LOGIN DONE  DONE  404   404   DONE  409   409"),
    "POST matches.message":                 web("LOGIN DONE  DONE  404   404   DONE  403   403"),
    "POST matches.delivery":                web("LOGIN DONE  403   404   404   DONE  403   403"),
    "POST matches.confirm":                 web("LOGIN 403   DONE  404   404   403   403   403"),
    "POST matches.dispute":                 web("LOGIN 403   DONE  404   404   403   403   403"),
    "GET matches.evidence_file":            web("LOGIN 200   200   404   404   200   200   200"),
    "GET matching.lists.organisation_matches": web("LOGIN 200   404   404   404   200   200   200"),
    "GET matching.lists.all_matches":       web("LOGIN 403   403   403   403   403   200   200"),
    "GET review.queue":                     web("LOGIN 403   403   403   403   403   200   200"),
    "POST review.verify":                   web("LOGIN 403   403   403   403   403   DONE  DONE"),
    "POST review.query":                    web("LOGIN 403   403   403   403   403   DONE  DONE"),
    "POST review.reject":                   web("LOGIN 403   403   403   403   403   DONE  DONE"),
    "GET review.dashboard":                 web("LOGIN 403   403   403   403   403   200   200"),
    "GET review.export_table":              web("LOGIN 403   403   403   403   403   200   200"),
    # Imported notices: each signed-in person sees the list of those they may see; one
    # notice is for its buyer's members and the task force. The organisation asked to be
    # claimed is at a domain none of them has an address at.
    "GET notices.index":                    web("LOGIN 200   200   200   200   200   200   200"),
    "GET notices.show":                     web("LOGIN 404   200   404   404   404   200   200"),
    "GET notices.claimable":                web("LOGIN 200   200   200   200   200   200   200"),
    "POST notices.claim":                   web("LOGIN BACK  BACK  BACK  BACK  BACK  BACK  BACK"),
    "GET review.case_studies.edit":         web("LOGIN 403   403   403   403   403   403   200"),
    "POST review.case_studies.edit":        web("LOGIN 403   403   403   403   403   403   DONE"),
    # The public impact page, its CSVs and JSON: verified figures and, per supplier, what it
    # offered and delivered (unverified marked as such), for everyone.
    "GET impact.index":                     web("200   200   200   200   200   200   200   200"),
    "GET impact.download":                  web("200   200   200   200   200   200   200   200"),
    "GET impact.supplier_download":         web("200   200   200   200   200   200   200   200"),
    # Profiles are open to everyone signed in; an organisation's members edit its profile;
    # staff verify. Each kind of listing is asked about one of its lister's: the supplier's
    # draft offer (private: 404 to others), the buyer's published opportunity (open to all
    # signed in, changed by the buyer) and the beneficiary's draft need.
    "GET listings.index":                   web("LOGIN 200   200   200   200   200   200   200"),
    "GET listings.search_trades":           web("LOGIN 200   200   200   200   200   200   200"),
    "GET listings.profile":                 web("200   200   200   200   200   200   200   200"),
    "GET listings.edit_profile":            web("LOGIN 200   403   403   403   200   403   200"),
    "POST listings.edit_profile":           web("LOGIN DONE  403   403   403   DONE  403   DONE"),
    "POST listings.verify_organisation":    web("LOGIN 403   403   403   403   403   403   DONE"),
    "POST listings.unverify_organisation":  web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET listings.offers":                  web("200   200   200   200   200   200   200   200"),
    "GET listings.new_offer":               web("LOGIN 200   403   403   403   200   403   200"),
    "POST listings.new_offer":              web("LOGIN DONE  403   403   403   DONE  403   DONE"),
    "GET listings.show_offer":              web("404   200   404   404   404   200   404   200"),
    "GET listings.edit_offer":              web("LOGIN 200   404   404   404   200   404   200"),
    "POST listings.edit_offer":             web("LOGIN DONE  404   404   404   DONE  404   DONE"),
    "POST listings.publish_offer":          web("LOGIN DONE  404   404   404   DONE  404   DONE"),
    "POST listings.archive_offer":          web("LOGIN DONE  404   404   404   DONE  404   DONE"),
    "POST listings.unpublish_offer":        web("LOGIN 403   404   404   404   403   404   BACK"),
    "GET listings.opportunities":           web("200   200   200   200   200   200   200   200"),
    "GET listings.new_opportunity":         web("LOGIN 403   200   403   403   403   403   200"),
    "POST listings.new_opportunity":        web("LOGIN 403   DONE  403   403   403   403   DONE"),
    "GET listings.show_opportunity":        web("200   200   200   200   200   200   200   200"),
    "GET listings.edit_opportunity":        web("LOGIN 403   200   403   403   403   403   200"),
    "POST listings.edit_opportunity":       web("LOGIN 403   DONE  403   403   403   403   DONE"),
    "POST listings.publish_opportunity":    web("LOGIN 403   BACK  403   403   403   403   BACK"),
    "POST listings.archive_opportunity":    web("LOGIN 403   DONE  403   403   403   403   DONE"),
    "POST listings.unpublish_opportunity":  web("LOGIN 403   403   403   403   403   403   DONE"),
    "GET listings.needs":                   web("200   200   200   200   200   200   200   200"),
    "GET listings.new_need":                web("LOGIN 403   403   200   403   403   403   200"),
    "POST listings.new_need":               web("LOGIN 403   403   DONE  403   403   403   DONE"),
    "GET listings.show_need":               web("404   404   404   200   404   404   404   200"),
    "GET listings.edit_need":               web("LOGIN 404   404   200   404   404   404   200"),
    "POST listings.edit_need":              web("LOGIN 404   404   DONE  404   404   404   DONE"),
    "POST listings.publish_need":           web("LOGIN 404   404   DONE  404   404   404   DONE"),
    "POST listings.archive_need":           web("LOGIN 404   404   DONE  404   404   404   DONE"),
    "POST listings.unpublish_need":         web("LOGIN 404   404   403   404   404   404   BACK"),
    # The directory: everyone signed in searches what everyone signed in may see.
    # The supplier's published offer answers the buyer's opportunity and a published need:
    # supplier members express interest; another supplier, with no offer, is told to publish
    # one first (its post is refused).
    "GET interest.need":                    web("LOGIN 200   403   403   200   200   403   403"),
    "POST interest.need":                   web("LOGIN DONE  403   403   400   DONE  403   403"),
    "GET interest.opportunity":             web("LOGIN 200   403   403   200   200   403   403"),
    "POST interest.opportunity":            web("LOGIN DONE  403   403   400   DONE  403   403"),
    # Asked about the supplier's organisation: buyers and beneficiaries may invite or ask.
    "GET asks.ask":                         web("LOGIN 403   200   200   403   403   403   403"),
    "POST asks.ask":                        web("LOGIN 403   DONE  400   403   403   403   403"),
    "GET directory.suppliers":              web("200   200   200   200   200   200   200   200"),
    "GET directory.needs":                  web("200   200   200   200   200   200   200   200"),
    "GET directory.opportunities":          web("200   200   200   200   200   200   200   200"),
    #                                            suppl buyer benef other membr t.f.  staff
    # Each person's inbox is their own: the notification asked about is the supplier's.
    "GET inbox.index":                      web("LOGIN 200   200   200   200   200   200   200"),
    "POST inbox.open_notification":         web("LOGIN DONE  404   404   404   404   404   404"),
    "POST inbox.mark_all_read":             web("LOGIN DONE  DONE  DONE  DONE  DONE  DONE  DONE"),
    "GET api.openapi":                      web("200   200   200   200   200   200   200   200"),
    "GET api.impact_figures":               web("200   200   200   200   200   200   200   200"),
    "GET api.me":                           api("200   200   200   200   200   200   200"),
    "GET api.organisations":                api("200   200   200   200   200   200   200"),
    "GET api.organisation":                 api("200   404   404   404   200   404   200"),
    "GET api.search_suppliers":             api("200   200   200   200   200   200   200"),
    "GET api.search_needs":                 api("200   200   200   200   200   200   200"),
    "GET api.search_opportunities":         api("200   200   200   200   200   200   200"),
    # A listing's matches, as on its page: the supplier's draft offer, the buyer's published
    # opportunity (others may see it but not its matches; the task force reads them) and
    # the beneficiary's draft need.
    "GET api.offer_matches":                api("200   404   404   404   200   404   200"),
    "GET api.opportunity_matches":          api("403   200   403   403   403   200   200"),
    "GET api.need_matches":                 api("404   404   200   404   404   404   200"),
}
# fmt: on


def let_through(route: str) -> tuple[str, Any]:
    """The first role the matrix lets `route` through for, and what it then answers."""
    return next((r, o) for r, o in MATRIX[route].by_role.items() if o in LET_THROUGH)
