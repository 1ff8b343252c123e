"""An organiser plans the Rouen day in the browser: import, generate, lock, re-solve, publish."""

from __future__ import annotations

import pytest

from tests.builders import browser_login
from tests.conftest import ROUEN_FILE

pytestmark = pytest.mark.browser


def wait_for_solve_and_open_it(page) -> None:
    """The progress panel polls until the solve ends, then the page reloads with a link to the result."""
    page.wait_for_selector('#solve-progress[data-active="false"]')
    assert page.locator('[data-field="status"]').inner_text() == "terminé", page.locator(
        '[data-field="error"]'
    ).inner_text()
    page.locator("#job-version-link:visible").click()
    page.wait_for_selector(".schedule-grid")


def test_import_generate_lock_resolve_publish(live_server, page, organiser):
    browser_login(page, live_server)

    page.set_input_files("input[type=file]", str(ROUEN_FILE))
    page.get_by_role("button", name="Importer").click()
    assert "importé" in page.locator(".flash").inner_text()
    slug = page.url.rstrip("/").rsplit("/", 1)[-1]

    page.get_by_role("link", name="Planning", exact=True).click()
    page.get_by_label("Durée de calcul maximale (secondes)").fill("5")
    page.locator("#generate-button").click()
    wait_for_solve_and_open_it(page)
    assert page.locator(".session").count() == 7
    assert page.locator("#soft-list, .workspace-side p").count() >= 1

    first = page.locator(".session").first
    locked_pitch = first.get_attribute("data-pitch")
    first.get_by_role("button", name="Verrouiller horaire et salle").click()
    assert page.locator(f'.session.locked[data-pitch="{locked_pitch}"]').count() == 1
    assert page.locator("#locks-list li").count() == 1

    page.locator("#replan-form input[name=time_limit]").fill("5")
    page.locator("#replan-button").click()
    wait_for_solve_and_open_it(page)
    assert page.locator(f'.session.locked[data-pitch="{locked_pitch}"]').count() == 1

    page.locator("#publish-button").click()
    assert "Version 1 publiée" in page.locator(".flash").inner_text()

    page.goto(f"{live_server}/e/{slug}")
    assert "version 1" in page.content()
    assert page.get_by_text("Mijuin-Malaunay").count() >= 1
