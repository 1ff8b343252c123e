"""The "now / next" page and a room board follow a newly published schedule without reloading."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pitchday.extensions import db
from pitchday.models import Event
from tests.builders import THURSDAY, import_event, publish_by_hand, publish_delay

pytestmark = pytest.mark.browser

MOMENT = "2023-11-30T10:02"  # between Mijuin-Malaunay and Aurthus et Paole in the amphitheatre


@pytest.fixture
def slug(app, rouen) -> str:
    with app.app_context():
        event = import_event(rouen)
        publish_by_hand(event)
        return event.slug


def delay_thursday_from_ten(app, slug: str) -> None:
    with app.app_context():
        publish_delay(
            db.session.execute(db.select(Event).filter_by(slug=slug)).scalar_one(), THURSDAY, "10:00"
        )


def fast_polling(page) -> None:
    page.add_init_script("window.pitchdayPollSeconds = 0.3;")


def test_now_next_follows_a_delay_without_reload(app, live_server, phone, slug):
    fast_polling(phone)
    phone.goto(f"{live_server}/e/{slug}/maintenant?now={MOMENT}")
    amphi_next = phone.locator('[data-room="amphi"] [data-slot="next"]')
    assert "10:05–10:35" in amphi_next.inner_text()
    assert "Aurthus et Paole" in amphi_next.inner_text()
    assert phone.locator("[data-live-clock]").inner_text() == "10:02"
    phone.evaluate("window.sameDocument = true")

    delay_thursday_from_ten(app, slug)

    expect(amphi_next).to_contain_text("10:20–10:50", timeout=10_000)
    assert phone.evaluate("window.sameDocument") is True


def test_room_board_follows_a_delay(app, live_server, browser, slug):
    screen = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR").new_page()
    fast_polling(screen)
    screen.goto(f"{live_server}/e/{slug}/salle/salle-b?now={MOMENT}")
    assert "Touroul-Chevalerie" in screen.locator('[data-slot="next"]').inner_text()
    # Read in one script turn: the board's polling may redraw (replace) the element between two calls.
    font_px = screen.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.slot-company')).fontSize)"
    )
    assert font_px >= 40

    delay_thursday_from_ten(app, slug)

    expect(screen.locator('[data-slot="next"]')).to_contain_text("14:15–14:45", timeout=10_000)
    screen.context.close()
