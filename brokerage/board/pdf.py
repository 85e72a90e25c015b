"""The board report as a PDF, drawn by WeasyPrint from the report's HTML.

The PDF loads nothing from the network: its only fetcher serves the app's own static
files (the stylesheets) from disk and refuses every other address.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse
from werkzeug.security import safe_join


class StaticFilesOnly(URLFetcher):
    """Serves addresses under `static_url` from `static_folder`; raises for any other, which
    WeasyPrint reports as a warning and leaves out."""

    def __init__(self, static_folder: str | Path, static_url: str) -> None:
        super().__init__()
        self.static_folder = str(static_folder)
        self.static_path = urlsplit(static_url).path.rstrip("/") + "/"
        self.origin = static_url[: len(static_url) - len(urlsplit(static_url).path)]

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if not url.startswith(self.origin) or not parts.path.startswith(self.static_path):
            raise ValueError(f"only the app's own static files are loaded, not {url}")
        found = safe_join(self.static_folder, unquote(parts.path[len(self.static_path) :]))
        if found is None or not Path(found).is_file():
            raise ValueError(f"no static file at {url}")
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, Path(found).read_bytes(), headers={"Content-Type": content_type}
        )


@dataclass(frozen=True)
class Pdf:
    data: bytes
    pages: int


def render_pdf(html: str, base_url: str, fetcher: StaticFilesOnly) -> Pdf:
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
    return Pdf(document.write_pdf(), len(document.pages))
