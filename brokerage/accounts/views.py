"""Sign-up, log-in, the account page, password reset, API tokens, and a person's own data."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_login.config import COOKIE_NAME
from werkzeug.wrappers import Response

from ..errors import BrokerageError
from ..extensions import db
from ..links import absolute_url_for
from ..validators import add_error, text_of
from . import limits, privacy, service
from .forms import (
    ApiTokenForm,
    ChangePasswordForm,
    ConfirmForm,
    DeleteAccountForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from .models import ApiToken, User

blueprint = Blueprint("accounts", __name__)
NOT_STORED = {"Cache-Control": "no-store"}
# Session keys: the address a confirmation link went to (for the "check your email" page),
# and the account whose right password was given before its address was confirmed.
CONFIRMATION_SENT_TO = "confirmation_sent_to"
UNCONFIRMED_USER = "unconfirmed_user_id"


def safe_next(default: str) -> str:
    """The `next` target if it stays on this site, else `default`: no open redirects."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or "\\" in target or parts.netloc:
        return default
    # Control characters (CR, LF, tab) break the Location header or are dropped by browsers.
    if not target.isprintable():
        return default
    return target


def _sign_up_links() -> service.SignUpLinks:
    """Links for the emails sent at sign-up; confirming goes on to this request's `next`."""
    next_page = safe_next("") or None
    return service.SignUpLinks(
        confirm=lambda token: absolute_url_for(
            "accounts.confirm_email", token=token, next=next_page
        ),
        log_in=absolute_url_for("accounts.login"),
        reset_password=absolute_url_for("accounts.request_password_reset"),
    )


def _confirmation_sent(email: str) -> Response:
    session[CONFIRMATION_SENT_TO] = service.normalise_email(email)
    return redirect(url_for("accounts.confirmation_sent"))


@blueprint.route("/register", methods=["GET", "POST"])
@limits.per_address()
def register() -> str | Response:
    """Answers the same whether or not the address has an account: only its inbox learns."""
    form = RegisterForm(email=request.args.get("email", ""))
    if form.validate_on_submit():
        service.sign_up(
            text_of(form.email), text_of(form.name), text_of(form.password), _sign_up_links()
        )
        db.session.commit()
        return _confirmation_sent(text_of(form.email))
    return render_template("accounts/register.html", form=form)


@blueprint.get("/register/sent")
def confirmation_sent() -> str:
    email = session.get(CONFIRMATION_SENT_TO)
    return render_template("accounts/confirmation_sent.html", email=email)


@blueprint.route("/confirm/<token>", methods=["GET", "POST"])
@limits.per_address()
def confirm_email(token: str) -> str | Response:
    """A button, not the link itself, confirms: mail scanners that open links press none."""
    max_age = current_app.config["EMAIL_CONFIRMATION_MAX_AGE"]
    user = service.user_for_confirmation_token(token, max_age)
    form = ConfirmForm()
    if form.validate_on_submit():
        service.confirm_email(user)
        db.session.commit()
        session.pop(UNCONFIRMED_USER, None)
        login_user(user)
        flash(f"Welcome, {user.name}. Your email address is confirmed.", "success")
        return redirect(safe_next(url_for("organisations.new")))
    return render_template("accounts/confirm_email.html", user=user)


@blueprint.post("/register/resend")
@limits.per_address()
def resend_confirmation() -> Response:
    """For the account whose right password was just given at the log-in form, only."""
    user_id = session.get(UNCONFIRMED_USER)
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.is_confirmed or not ConfirmForm().validate_on_submit():
        flash("Log in to have the confirmation link sent again.", "info")
        return redirect(url_for("accounts.login"))
    service.send_confirmation(user, _sign_up_links().confirm)
    return _confirmation_sent(user.email)


def _unconfirmed(user: User) -> str:
    session[UNCONFIRMED_USER] = user.id
    return render_template("accounts/unconfirmed.html", email=user.email)


@blueprint.route("/login", methods=["GET", "POST"])
@limits.failures_per_account
@limits.failures_per_address
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(text_of(form.email), text_of(form.password))
        except service.EmailNotConfirmed as error:
            return _unconfirmed(error.user)
        if user is None:
            limits.count_failed_login()
            add_error(form.password, "The email address or password is not correct.")
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            flash("You are logged in.", "success")
            response = redirect(safe_next(url_for("home.index")))
            limits.remember_browser(response, user.email)
            return response
    return render_template("accounts/login.html", form=form)


@blueprint.post("/logout")
def logout() -> Response:
    """Ends every session of the person, so a copied cookie is worth nothing afterwards."""
    if ConfirmForm().validate_on_submit():
        if current_user.is_authenticated:
            service.end_sessions(current_user)
            db.session.commit()
        logout_user()
        flash("You are logged out.", "info")
    return redirect(url_for("home.index"))


def _stay_signed_in() -> None:
    """Sign this browser in again under the person's new session token, remembered if it
    was: every other session and remember-me cookie still holds the old one."""
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies
    login_user(current_user._get_current_object(), remember=remembered)


def _account_page(
    password_form: ChangePasswordForm | None = None,
    token_form: ApiTokenForm | None = None,
    delete_form: DeleteAccountForm | None = None,
) -> str:
    return render_template(
        "accounts/account.html",
        password_form=password_form or ChangePasswordForm(),
        token_form=token_form or ApiTokenForm(),
        delete_form=delete_form or DeleteAccountForm(prefix="delete"),
    )


@blueprint.route("/account")
def account() -> str:
    return _account_page()


@blueprint.post("/account/password")
def change_password() -> Response | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(
                current_user, text_of(form.current_password), text_of(form.password)
            )
        except BrokerageError as error:
            add_error(form.current_password, str(error))
        else:
            db.session.commit()
            _stay_signed_in()
            flash("Your password has been changed. Other devices have been logged out.", "success")
            return redirect(url_for("accounts.account"))
    return _account_page(password_form=form), 400


@blueprint.post("/account/sign-out-everywhere")
def sign_out_everywhere() -> Response:
    """For a lost phone or a shared computer: every other session and remember-me cookie
    ends; this browser stays signed in."""
    if ConfirmForm().validate_on_submit():
        service.end_sessions(current_user)
        db.session.commit()
        _stay_signed_in()
        flash("You have been signed out everywhere else.", "success")
    return redirect(url_for("accounts.account"))


@blueprint.post("/account/tokens")
def create_token() -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _account_page(token_form=form), 400
    secret = service.create_api_token(current_user, text_of(form.name))
    db.session.commit()
    page = render_template("accounts/token_created.html", secret=secret, name=form.name.data)
    return page, 200, NOT_STORED  # the page shows the secret: no cache may keep it


@blueprint.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int) -> Response:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id or not ConfirmForm().validate_on_submit():
        return redirect(url_for("accounts.account"))
    service.revoke_api_token(token)
    db.session.commit()
    flash(f"The token “{token.name}” has been revoked.", "info")
    return redirect(url_for("accounts.account"))


@blueprint.get("/account/data")
def download_data() -> Response:
    """The person's own data as a JSON file (UK GDPR right of access and portability)."""
    body = json.dumps(privacy.personal_data(current_user), indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="my-brokerage-data.json"',
            **NOT_STORED,
        },
    )


@blueprint.post("/account/delete")
def delete_account() -> Response | tuple[str, int]:
    form = DeleteAccountForm(prefix="delete")
    if form.validate_on_submit():
        try:
            privacy.delete_account(current_user, text_of(form.password))
        except privacy.WrongPassword as error:
            add_error(form.password, str(error))
        else:
            db.session.commit()
            logout_user()
            flash("Your account has been deleted. Thank you for using the brokerage.", "info")
            return redirect(url_for("home.index"))
    return _account_page(delete_form=form), 400


@blueprint.route("/password-reset", methods=["GET", "POST"])
@limits.per_address()
def request_password_reset() -> str | Response:
    form = ResetRequestForm()
    if form.validate_on_submit():
        service.send_password_reset(
            text_of(form.email),
            lambda token: absolute_url_for("accounts.reset_password", token=token),
        )
        flash(
            "If an account exists for that address, we have emailed it a link to set a new "
            "password. The link works once, for one hour.",
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@blueprint.route("/password-reset/<token>", methods=["GET", "POST"])
@limits.per_address()
def reset_password(token: str) -> str | Response:
    user = service.user_for_reset_token(token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    form = ResetPasswordForm()
    if form.validate_on_submit():
        service.reset_password(user, text_of(form.password))
        db.session.commit()
        logout_user()
        flash("Your password has been set. Log in with your new password.", "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)
