"""Reading what a person sees: field errors, flashed messages, where a redirect goes,
links in emails."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.mail import read_outbox
from tests.helpers.web import CSRF_INPUT

_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r"https?://\S+")


def visible_text(html_text: str) -> str:
    """The page's text without tags, entities decoded and whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", html_text)).split())


def page_text(response: Any) -> str:
    return visible_text(response.get_data(as_text=True))


def field_error(response: Any, field_id: str) -> str:
    """The error shown under one field (empty if none), as the form macro renders it."""
    match = re.search(
        rf'<div id="{re.escape(field_id)}-error"[^>]*>(.*?)</div>',
        response.get_data(as_text=True),
        re.S,
    )
    return visible_text(match.group(1)).removeprefix("Error: ") if match else ""


def flashed(response: Any) -> list[str]:
    """The messages flashed at the top of the page, in order."""
    block = re.search(
        r'<div class="flash-messages"[^>]*>\s*((?:<div class="alert[^"]*">.*?</div>\s*)+)</div>',
        response.get_data(as_text=True),
        re.S,
    )
    if not block:
        return []
    return [visible_text(m) for m in re.findall(r"<div[^>]*>(.*?)</div>", block.group(1), re.S)]


def path_of(url: str) -> str:
    """The path and query of a link, as the test client wants it."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def where_a_browser_goes(location: str) -> tuple[str, str]:
    """Scheme and host a browser would go to from this Location header, read as leniently
    as browsers do: outer spaces and controls stripped, tabs and newlines dropped,
    backslashes taken for slashes."""
    cleaned = location.strip("".join(map(chr, range(33))))
    cleaned = re.sub(r"[\t\n\r]", "", cleaned).replace("\\", "/")
    target = urlsplit(urljoin("http://localhost/login", cleaned))
    return target.scheme, target.hostname or ""


def emails_to(address: str) -> list[Any]:
    """What the outbox holds for one address (call inside an app context)."""
    return read_outbox(to=address)


def link_in(message: Any) -> str:
    """The one link in an email, as a path the test client can open."""
    links = _LINK.findall(message.body)
    assert len(links) == 1, message.body
    return path_of(links[0])


def count(model: Any, *where: Any) -> int:
    """How many rows of `model` match (call inside an app context)."""
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def confirm_by_email(app: Any, client: Any, address: str) -> Any:
    """Open the newest confirmation link emailed to `address` and press its button, as the
    person would; the answer to that press."""
    with app.app_context():
        message = [m for m in emails_to(address) if m.subject == "Confirm your email address"][-1]
    link = link_in(message)
    page = client.get(link)
    assert page.status_code == 200, page.get_data(as_text=True)
    token = CSRF_INPUT.search(page.get_data(as_text=True))
    assert token, "no confirmation button"
    return client.post(link, data={"csrf_token": token.group(1) or token.group(2)})


_STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')


def stylesheets(response: Any) -> list[str]:
    """The URLs of the stylesheets a page links, in the order the browser applies them."""
    return [html.unescape(url) for url in _STYLESHEET.findall(response.get_data(as_text=True))]


def partnership_stylesheet(client: Any, page: str = "/") -> tuple[str, Any]:
    """The partnership's stylesheet a page links, by its URL, and the answer to fetching it."""
    [url] = [url for url in stylesheets(client.get(page)) if url.startswith("/partnership.css")]
    return url, client.get(url)
