"""The charter's pages: the public list and sign-up form; for staff, the sign-up queue,
signees with buddy suggestions, check-ins, pledges and the impact report (page, CSV, XLSX);
for members, their own charter page and check-ins."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from ..accounts.models import Organisation, User
from ..accounts.permissions import staff_required
from ..extensions import db, limiter
from ..formatting import format_date
from ..pagination import page_number
from ..spreadsheets import MIMETYPES
from ..validators import add_error, required, text_of
from . import check_ins, duplicates, service, toolkit
from .buddies import support_for
from .charts import report_charts
from .forms import (
    ButtonForm,
    CheckInForms,
    IntroductionForm,
    NarrativeForm,
    PledgeForm,
    ResourceForm,
    SignUpForms,
    YearForm,
)
from .impact import impact_report
from .models import CheckIn, CheckInRecord, Pledge, PledgeResource, Signee
from .permissions import can_manage_charter, can_record_check_in, can_view_signee
from .pledges import current_charter, current_pledges, edit_pledge
from .report import ImpactReport, format_change, format_figure
from .report_files import report_csv, report_xlsx
from .schedule import financial_year

blueprint = Blueprint("charter", __name__, url_prefix="/charter")
SIGN_UP_RATE_LIMIT = "5 per minute; 30 per hour"


def _sign_up_limit() -> str:
    return current_app.config.get("CHARTER_SIGN_UP_RATE_LIMIT", SIGN_UP_RATE_LIMIT)


# What the charter's templates may ask, given to every template once rather than by a
# context processor on every page.
blueprint.add_app_template_global(can_manage_charter)
blueprint.add_app_template_global(can_record_check_in)
blueprint.add_app_template_global(format_figure)
blueprint.add_app_template_global(format_change)


@blueprint.get("/")
def index() -> str:
    return render_template(
        "charter/index.html",
        charter=current_charter(),
        pledges=current_pledges(),
        signees=service.listed_signees(),
        own=service.signees_of(current_user) if current_user.is_authenticated else [],
    )


@blueprint.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(_sign_up_limit, methods=["POST"])
def sign_up() -> str | BaseResponse | tuple[str, int]:
    forms = SignUpForms(current_pledges())
    if forms.validate_on_submit():
        # A robot that filled the hidden field is thanked like a person, so it learns nothing.
        if not forms.form.looks_automated:
            service.sign_up(forms.sign_up(), service.today())
            db.session.commit()
        flash(
            "Thank you for signing the charter. We have emailed you a confirmation; "
            "the partnership's staff will be in touch to arrange your baseline meeting.",
            "success",
        )
        return redirect(url_for("charter.index"))
    status = 400 if forms.form.is_submitted() else 200
    return render_template("charter/sign_up.html", forms=forms), status


@blueprint.get("/queue")
@staff_required
def queue() -> str:
    return render_template(
        "charter/queue.html",
        signees=service.waiting_for_approval(),
        registered_organisation=service.registered_organisation,
    )


Decision = Callable[[Signee, User], object]


def _decide(signee_id: int, decide: Decision, done: str) -> BaseResponse:
    signee = db.get_or_404(Signee, signee_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    name = signee.name
    try:
        decide(signee, current_user)
    except service.CharterError as error:
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(f"{name}: {done}.", "success")
    return redirect(url_for("charter.queue"))


# Staff's decisions on a sign-up in the queue, each a button posting to its own URL: the
# URL's last part, the endpoint, what it does, and what staff are told once it is done.
DECISIONS: tuple[tuple[str, str, Decision, str], ...] = (
    ("approve", "approve", service.approve, "approved, and its check-ins scheduled"),
    ("decline", "decline", service.decline, "declined"),
    ("merge", "merge", duplicates.merge, "merged into the signee it duplicated"),
    ("keep-apart", "keep_apart", duplicates.keep_apart, "kept apart as an organisation of its own"),
)
for path, endpoint, decide, done in DECISIONS:
    blueprint.add_url_rule(
        f"/signees/<int:signee_id>/{path}",
        endpoint,
        staff_required(partial(_decide, decide=decide, done=done)),
        methods=["POST"],
    )


@blueprint.get("/signees")
@staff_required
def signees() -> str:
    page = db.paginate(service.approved_signees_query(), page=page_number(), per_page=50)
    return render_template("charter/signees.html", page=page, today=service.today())


def _signee_page(signee: Signee, introduction_form: IntroductionForm | None = None) -> str:
    form = introduction_form or IntroductionForm(introduced_on=service.today())
    form.set_choices(
        [p.version.pledge for p in signee.approved_pledges], service.buddy_candidates(signee)
    )
    may_manage = can_manage_charter(current_user)
    return render_template(
        "charter/signee.html",
        signee=signee,
        today=service.today(),
        may_manage=may_manage,
        support=support_for(signee) if may_manage else [],
        introduction_form=form,
    )


@blueprint.get("/signees/<int:signee_id>")
def signee(signee_id: int) -> str:
    found = db.get_or_404(Signee, signee_id)
    if not can_view_signee(current_user, found):
        abort(404)
    return _signee_page(found)


@blueprint.post("/signees/<int:signee_id>/renew")
@staff_required
def renew(signee_id: int) -> BaseResponse:
    found = db.get_or_404(Signee, signee_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        term = service.renew(found, service.today())
    except service.CharterError as error:
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(f"Renewed: term {term.number} runs from {format_date(term.starts_on)}.", "success")
    return redirect(url_for("charter.signee", signee_id=found.id))


@blueprint.post("/signees/<int:signee_id>/introductions")
@staff_required
def introduce(signee_id: int) -> BaseResponse | tuple[str, int]:
    found = db.get_or_404(Signee, signee_id)
    form = IntroductionForm()
    form.set_choices(
        [p.version.pledge for p in found.approved_pledges], service.buddy_candidates(found)
    )
    if not form.validate_on_submit():
        return _signee_page(found, form), 400
    try:
        service.introduce_buddy(
            found,
            db.get_or_404(Organisation, form.buddy.data),
            db.get_or_404(Pledge, form.pledge.data),
            current_user,
            required(form.introduced_on.data),
        )
    except service.CharterError as error:
        add_error(form.buddy, str(error))
        return _signee_page(found, form), 400
    db.session.commit()
    flash("Introduction recorded.", "success")
    return redirect(url_for("charter.signee", signee_id=found.id))


@blueprint.get("/check-ins")
@staff_required
def due() -> str:
    today = service.today()
    return render_template("charter/due.html", due=check_ins.due_check_ins(today), today=today)


@blueprint.route("/check-ins/<int:check_in_id>", methods=["GET", "POST"])
def check_in(check_in_id: int) -> str | BaseResponse | tuple[str, int]:
    found = db.get_or_404(CheckIn, check_in_id)
    if not can_record_check_in(current_user, found):
        abort(404)
    forms = CheckInForms(found)
    if forms.validate_on_submit():
        try:
            check_ins.record_check_in(
                found,
                required(forms.form.held_on.data),
                forms.entries(),
                current_user,
                seen_version=forms.form.seen_version,
            )
        except service.CharterError as error:
            add_error(forms.form.held_on, str(error))
        else:
            db.session.commit()
            flash(f"{found.kind_enum.label} saved.", "success")
            return redirect(url_for("charter.signee", signee_id=found.signee.id))
    status = 400 if forms.form.is_submitted() else 200
    return render_template("charter/check_in.html", check_in=found, forms=forms), status


@blueprint.get("/pledges")
@staff_required
def pledges() -> str:
    return render_template("charter/pledges.html", pledges=current_pledges())


@blueprint.route("/pledges/<int:pledge_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_pledge_page(pledge_id: int) -> str | BaseResponse | tuple[str, int]:
    pledge = db.get_or_404(Pledge, pledge_id)
    form = PledgeForm(obj=pledge.current)
    if form.validate_on_submit():
        version = edit_pledge(
            pledge,
            text_of(form.title),
            text_of(form.wording),
            form.measure_hint.data or "",
            form.source.data or "",
            current_user,
        )
        db.session.commit()
        if version is None:
            flash("Nothing changed, so no new version was made.", "info")
        else:
            kept = "Signees keep the wording they signed."
            flash(f"{pledge.code} is now at version {version.number}. {kept}", "success")
        return redirect(url_for("charter.pledges"))
    status = 400 if form.is_submitted() else 200
    return render_template("charter/edit_pledge.html", pledge=pledge, form=form), status


@blueprint.route("/pledges/<int:pledge_id>/resources", methods=["GET", "POST"])
@staff_required
def resources(pledge_id: int) -> str | BaseResponse | tuple[str, int]:
    pledge = db.get_or_404(Pledge, pledge_id)
    form = ResourceForm()
    if form.validate_on_submit():
        try:
            resource = toolkit.add_resource(pledge, form.entry())
        except service.CharterError as error:
            add_error(form.title, str(error))
        else:
            db.session.commit()
            flash(f"{pledge.code} now signposts “{resource.title}”.", "success")
            return redirect(url_for("charter.resources", pledge_id=pledge.id))
    status = 400 if form.is_submitted() else 200
    page = render_template("charter/resources.html", pledge=pledge, form=form)
    return page, status


@blueprint.post("/resources/<int:resource_id>/remove")
@staff_required
def remove_resource(resource_id: int) -> BaseResponse:
    resource = db.get_or_404(PledgeResource, resource_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    pledge_id, title = resource.pledge_id, resource.title
    toolkit.remove_resource(resource)
    db.session.commit()
    flash(f"“{title}” is no longer signposted.", "success")
    return redirect(url_for("charter.resources", pledge_id=pledge_id))


def _report_year() -> tuple[YearForm, int | None]:
    form = YearForm(formdata=request.args)
    if not form.validate():
        return form, None
    if form.year.data is None:
        form.year.data = financial_year(service.today())
    return form, form.year.data


@blueprint.get("/report")
@staff_required
def report() -> str | tuple[str, int]:
    form, year = _report_year()
    if year is None:
        return render_template("charter/report.html", form=form, report=None), 400
    found = impact_report(year)
    return render_template(
        "charter/report.html",
        form=form,
        report=found,
        charts=report_charts(found),
        narrative_form=NarrativeForm(),
    )


def _report_file(file_format: str, write: Callable[[ImpactReport], str | bytes]) -> Response:
    """The impact report of the year asked for, as a download in `file_format`."""
    _, year = _report_year()
    if year is None:
        abort(400, "The year must be a financial year from 2022 to 2100.")
    found = impact_report(year)
    filename = f"charter-impact-{found.label.replace('/', '-')}.{file_format}"
    return Response(
        write(found),
        mimetype=MIMETYPES[file_format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@blueprint.get("/report.csv")
@staff_required
def report_download() -> Response:
    return _report_file("csv", report_csv)


@blueprint.get("/report.xlsx")
@staff_required
def report_workbook() -> Response:
    return _report_file("xlsx", report_xlsx)


@blueprint.post("/report/narratives/<int:record_id>")
@staff_required
def choose_narrative(record_id: int) -> BaseResponse:
    record = db.get_or_404(CheckInRecord, record_id)
    form = NarrativeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        check_ins.choose_narrative(record, form.selected.data)
    except service.CharterError as error:
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash("Quoted in the report." if record.in_report else "No longer quoted.", "success")
    year = financial_year(record.check_in.held_on or service.today())
    return redirect(url_for("charter.report", year=year, _anchor="choose-narratives"))
