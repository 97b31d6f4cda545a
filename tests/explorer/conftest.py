"""Fixtures for the explorer's browser tests: Debian's Chromium driven by Playwright
(never a downloaded browser), and the URL of the `korpu serve` the Rust test started."""

import os

import pytest
from playwright.sync_api import sync_playwright


@pytest.fixture(scope="session")
def url():
    return os.environ["KORPU_URL"]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"the page threw: {errors}"
