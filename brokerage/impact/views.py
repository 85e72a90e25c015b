"""The public impact page and its CSVs (no login). The staff-only page where a verified
outcome is chosen as a case study for it is in case_study_views.py, under /review."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Blueprint, render_template, send_file

from ..charts import tally_chart
from ..partnership import current_partnership
from ..places.map import CountyMap, enlarged
from ..spreadsheets import csv_value, csv_writer
from . import service, suppliers

blueprint = Blueprint("impact", __name__)


@blueprint.route("/impact")
def index() -> str:
    found = service.impact()
    districts = service.every_district(found.by_district)
    charts = {
        "theme": tally_chart("impact-theme", "Verified outcomes by TOMs theme", found.by_theme),
        "year": tally_chart("impact-year", "Verified outcomes by year delivered", found.by_year),
    }
    district_map = service.outcomes_map("impact-map", districts)
    return render_template(
        "impact/index.html",
        impact=found,
        charts=charts,
        districts=districts,
        district_map=district_map,
        inset_map=_inset_map(district_map),
    )


def _inset_map(district_map: CountyMap) -> CountyMap | None:
    """The partnership's small district drawn again close up, if it names one."""
    district = current_partnership().enlarged_district
    return enlarged(district_map, district) if district else None


def _csv_file(headings: Sequence[str], rows: Iterable[Sequence[object]], name: str) -> Any:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(headings)
    writer.writerows([csv_value(value) for value in row] for row in rows)
    data = io.BytesIO(out.getvalue().encode("utf-8-sig"))
    return send_file(data, mimetype="text/csv", as_attachment=True, download_name=name)


@blueprint.route("/impact.csv")
def download() -> Any:
    rows = service.impact_rows(service.impact())
    return _csv_file(service.CSV_HEADINGS, rows, current_partnership().download_name("impact.csv"))


@blueprint.route("/impact/suppliers.csv")
def supplier_download() -> Any:
    rows = suppliers.supplier_rows(suppliers.supplier_figures())
    name = current_partnership().download_name("offered-delivered-verified.csv")
    return _csv_file(suppliers.CSV_HEADINGS, rows, name)
