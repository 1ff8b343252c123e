"""End-to-end tests: the app served on loopback, driven by Debian's headless Chromium through Playwright."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("PITCHDAY_CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium tries to reach Google's hosts at start, which the venue's (and CI's) network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    """Browser tests need Chromium; CI sets PITCHDAY_REQUIRE_BROWSER=1 so that a missing one fails loudly."""
    if Path(CHROMIUM).exists() or os.environ.get("PITCHDAY_REQUIRE_BROWSER") == "1":
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app served by a real HTTP server in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()
    # Requests still being answered (a board's stream, a long poll) hold a database connection: let them
    # end before the app's teardown drops the database, or PostgreSQL's connection is left to the garbage
    # collector (a ResourceWarning that fails the next test).
    for request_thread in threading.enumerate():
        if request_thread.name.endswith("(process_request_thread)"):
            request_thread.join(timeout=10)


@pytest.fixture
def demo_event(app, rouen) -> str:
    """The Rouen demo as `flask demo` prepares it (rubric, published agenda); yields its slug."""
    from pitchday.extensions import db
    from pitchday.services import demo, event_io

    with app.app_context():
        event = event_io.import_event(rouen)
        demo.prepare(event)
        db.session.commit()
        return event.slug


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A page the size of a phone, in French."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def viewport() -> dict:
    """The laptop page's size: a module that needs another overrides this fixture."""
    return {"width": 1400, "height": 1000}


@pytest.fixture
def page(browser, viewport):
    """A laptop's page, in French, patient with a solve."""
    context = browser.new_context(viewport=viewport, locale="fr-FR")
    context.set_default_timeout(60_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def organiser(app):
    """The organiser's account (tests.builders.browser_login signs in with it)."""
    from pitchday.extensions import db
    from tests.builders import create_organiser

    with app.app_context():
        create_organiser()
        db.session.remove()
