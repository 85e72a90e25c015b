"""The CSRF token a page carries (every signed-in page has the logout form's), signed once
per session token in each process. Flask-WTF signs the session's token afresh for each page,
a twentieth of a signed-in page's floor, though the signature never changes what is checked:
with `WTF_CSRF_TIME_LIMIT = None` the time it carries is not read, so a token signed earlier
in the session is as valid as a new one. With a time limit set, every page signs afresh."""

from __future__ import annotations

from flask import Flask, current_app, g, session
from flask_wtf.csrf import generate_csrf

from .memos import Memo

# In `app.extensions`: the signed token of each session token this process has served.
_SIGNED = "csrf_tokens.signed"
# Session tokens remembered at most; past it the least recently used go.
SIGNED_KEPT = 10_000


def init_app(app: Flask) -> None:
    """After `csrf.init_app`, whose `csrf_token` for templates (a global, and a context
    processor's, which a later one overrides) this replaces."""
    if app.config.get("WTF_CSRF_TIME_LIMIT") is None:
        app.extensions[_SIGNED] = Memo(SIGNED_KEPT)
        app.jinja_env.globals["csrf_token"] = csrf_token
        app.context_processor(_template_csrf_token)


def _template_csrf_token() -> dict[str, object]:
    return {"csrf_token": csrf_token}


def csrf_token() -> str:
    """For templates: the session's CSRF token, signed (Flask-WTF's `generate_csrf`, once per
    session token); forms rendered later in the request carry the same."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    signed: Memo[str, str] = current_app.extensions[_SIGNED]
    if field not in g and (known := signed.get(session.get(field, ""))) is not None:
        setattr(g, field, known)  # where generate_csrf keeps the request's token
    token = generate_csrf()
    return signed.keep(session[field], token)
