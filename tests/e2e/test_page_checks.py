"""The checks every end-to-end page goes through would catch what they are meant to catch."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.helpers import check_page_accessible

pytestmark = pytest.mark.e2e


def test_inline_script_and_style_are_refused_and_reported(
    page: Page, csp_violations: list[str]
) -> None:
    page.goto("/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "document.title = 'injected'";
            document.body.append(script);
            const style = document.createElement("style");
            style.textContent = "body { color: red; }";
            document.head.append(style);
        }"""
    )
    page.wait_for_timeout(100)  # console events arrive asynchronously
    assert page.title() != "injected"
    assert any("inline script" in violation for violation in csp_violations), csp_violations
    assert any("inline style" in violation for violation in csp_violations), csp_violations
    csp_violations.clear()  # seen and expected: do not fail the test at teardown


def test_axe_failures_are_reported_with_their_rule_and_element(page: Page) -> None:
    page.goto("/")
    page.evaluate(
        """() => {
            const image = document.createElement("img");
            image.id = "unlabelled-image";
            image.src = "/static/css/app.css";
            document.querySelector("main").append(image);
        }"""
    )
    with pytest.raises(AssertionError, match=r"image-alt \(critical\).*#unlabelled-image"):
        check_page_accessible(page, "page_checks-axe-self-test")
