"""The review dashboard: the figures for the filters chosen, and a chart of each that a
person reads at a glance, with the same numbers in a table beside it."""

from __future__ import annotations

from dataclasses import dataclass

from ..charts import BarChart, Tally, bar_chart, tally_chart
from ..formatting import format_percent, format_pounds
from ..notices.spend import SpendShare, spend_shares
from . import figures
from .facts import MatchFacts, load_facts
from .figures import Filters, Share, Step


@dataclass(frozen=True)
class Dashboard:
    filters: Filters
    matches: int
    funnel: list[Step]
    by_theme: list[Tally]
    by_district: list[Tally]
    acceptance: list[Share]
    declines: list[tuple[str, int]]
    median_days: float | None
    agreed_count: int
    priority_places: list[Tally]
    responses: list[Share]
    needs: Share
    # Award notices: the buyers' spend per year and the shares local, SME and VCSE.
    spend: list[SpendShare]

    @property
    def verified(self) -> int:
        return self.funnel[-1].count

    @property
    def charts(self) -> dict[str, BarChart]:
        return {
            "funnel": bar_chart(
                "chart-funnel",
                "Matches reaching each step",
                [(s.label, s.count, _step_text(s)) for s in self.funnel],
            ),
            "theme": tally_chart("chart-theme", "Verified outcomes by TOMs theme", self.by_theme),
            "district": tally_chart(
                "chart-district", "Verified outcomes by district", self.by_district
            ),
            "acceptance": bar_chart(
                "chart-acceptance",
                "Share of suggested matches agreed, by score band",
                [(a.label, a.rate or 0, _share_text(a, "agreed")) for a in self.acceptance],
                largest=1,
            ),
            "declines": bar_chart(
                "chart-declines", "Decline reasons", [(r, n, str(n)) for r, n in self.declines]
            ),
            "places": tally_chart(
                "chart-places", "Verified outcomes by priority place", self.priority_places
            ),
            "local_spend": bar_chart(
                "chart-local-spend",
                "Share of awarded contract value won by suppliers based in the area",
                [(f"{s.buyer} {s.year}", s.local_share or 0, _spend_text(s)) for s in self.spend],
                largest=1,
            ),
        }


def _step_text(step: Step) -> str:
    if step.conversion is None:
        return str(step.count)
    return f"{step.count} ({step.conversion:.0%} of the step before)"


def _share_text(share: Share, verb: str) -> str:
    if share.rate is None:
        return "none suggested"
    return f"{share.part} of {share.whole} {verb} ({share.rate:.0%})"


def _spend_text(spend: SpendShare) -> str:
    local = format_pounds(spend.local_pence, pennies="never")
    whole = format_pounds(spend.awarded_pence, pennies="never")
    return f"{local} of {whole} ({format_percent(spend.local_share)})"


def build_dashboard(filters: Filters, matches: list[MatchFacts] | None = None) -> Dashboard:
    everything = load_facts() if matches is None else matches
    suggested = figures.suggested_in_period(everything, filters)
    verified = figures.verified_in_period(everything, filters)
    median, agreed = figures.median_days_to_agreement(suggested)
    return Dashboard(
        filters=filters,
        matches=len(suggested),
        funnel=figures.funnel(suggested),
        by_theme=figures.value_by(verified, "theme", filters.theme),
        by_district=figures.value_by(verified, "district", filters.theme),
        acceptance=figures.acceptance_by_band(suggested),
        declines=figures.decline_reasons(suggested),
        median_days=median,
        agreed_count=agreed,
        priority_places=figures.priority_places_reached(verified, filters.theme),
        responses=figures.response_rates(suggested),
        needs=figures.needs_picked_up(suggested),
        spend=spend_shares(filters.buyer_id, filters.date_from, filters.date_to),
    )
