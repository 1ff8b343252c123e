"""The organiser's grid in a real Chromium: drawn to time, pitches dragged and dropped, the day of the event."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from pitchday.extensions import db
from pitchday.models import Event, ScheduleVersion
from pitchday.services import moves, versions
from pitchday.services.agenda import format_clock
from pitchday.services.event_io import to_scheduler_event
from tests.browser.test_public_accessibility import axe_source  # noqa: F401 (fixture)
from tests.builders import browser_login, create_organiser, import_event, publish_by_hand

pytestmark = pytest.mark.browser


@pytest.fixture
def viewport() -> dict:
    # Tall enough for a whole day's grid: a drag that must scroll the page on its way is not what is tested.
    return {"width": 1400, "height": 3000}


@pytest.fixture
def published(app, rouen) -> dict:
    """The Rouen event with a schedule placed by hand and published, its organiser signed up."""
    with app.app_context():
        create_organiser()
        event = import_event(rouen)
        version = publish_by_hand(event)
        facts = {
            "slug": event.slug,
            "version_id": version.id,
            "sessions": versions.to_scheduler_sessions(version),
        }
        db.session.remove()
        return facts


def version_url(base: str, facts: dict, version_id: int | None = None, now: str = "") -> str:
    address = f"{base}/organisation/evenements/{facts['slug']}/versions/{version_id or facts['version_id']}"
    return address + (f"?now={now}" if now else "")


def version_count(app) -> int:
    with app.app_context():
        count = db.session.execute(db.select(db.func.count(ScheduleVersion.id))).scalar_one()
        db.session.remove()
        return count


def drop_at(page, pitch: str, day: str, room: str, start_min: int) -> None:
    """Drag a pitch's card by its top edge and drop it so that it would start at ``start_min``."""
    grid = page.locator(f'.time-grid[data-date="{day}"]')
    column = grid.locator(f'.room-column[data-room="{room}"]')
    column.scroll_into_view_if_needed()
    box = column.bounding_box()
    first, last = int(grid.get_attribute("data-start")), int(grid.get_attribute("data-end"))
    per_minute = box["height"] / (last - first)
    grab = 6
    page.locator(f'.session[data-pitch="{pitch}"]').drag_to(
        column,
        source_position={"x": 30, "y": grab},
        target_position={"x": 40, "y": (start_min - first) * per_minute + grab},
    )


def test_the_grid_is_drawn_to_time(live_server, page, published):
    browser_login(page, live_server)
    page.goto(version_url(live_server, published))

    pitch = published["sessions"][0]
    card = page.locator(f'.session[data-pitch="{pitch.pitch}"]').locator("xpath=..")
    pause = page.locator('[data-date="2023-12-01"] .grid-break[data-start="630"]').first  # 10:30-10:45
    lunch = page.locator('[data-date="2023-11-30"] .grid-break[data-start="750"]').first  # 12:30-14:00
    minutes = pitch.end - pitch.start
    assert minutes == 30
    pitch_height, pause_height = card.bounding_box()["height"], pause.bounding_box()["height"]
    assert pitch_height == pytest.approx(2 * pause_height, rel=0.02)
    assert lunch.bounding_box()["height"] == pytest.approx(6 * pause_height, rel=0.02)

    # A gap shows as space: two pitches of a room 30 minutes apart are 30 minutes of grid apart.
    day = page.locator(".time-grid").first
    column = day.locator(".room-column").first
    items = column.locator(".grid-item")
    if items.count() >= 2:
        first, second = items.nth(0), items.nth(1)
        gap = int(second.get_attribute("data-start")) - int(first.get_attribute("data-end"))
        distance = second.bounding_box()["y"] - (first.bounding_box()["y"] + first.bounding_box()["height"])
        assert distance == pytest.approx(gap * pause_height / 15, abs=1.5)


def test_a_drop_on_a_break_is_refused_with_its_reason_where_it_was_dropped(live_server, page, app, published):
    browser_login(page, live_server)
    page.goto(version_url(live_server, published))
    before = version_count(app)
    pitch = next(s for s in published["sessions"] if s.date.isoformat() == "2023-11-30")

    drop_at(page, pitch.pitch, "2023-11-30", "amphi", 13 * 60)  # in the middle of lunch (12:30-14:00)

    refusal = page.locator(".drop-refusal")
    refusal.wait_for()
    assert refusal.locator('[role="alert"]').count() == 1
    assert "Déplacement refusé" in refusal.inner_text() and "13:00" in refusal.inner_text()
    assert "empiète sur une pause" in refusal.inner_text()
    # Where the pitch was dropped: in the Amphithéâtre's column on Thursday, at lunch.
    lunch = page.locator('.time-grid[data-date="2023-11-30"] .room-column[data-room="amphi"] .grid-break')
    assert refusal.locator("xpath=ancestor::ol[1]").get_attribute("data-room") == "amphi"
    lunch_box, refusal_box = lunch.bounding_box(), refusal.bounding_box()
    assert lunch_box["y"] <= refusal_box["y"] <= lunch_box["y"] + lunch_box["height"]
    # Nothing was made, and the keyboard form holds what was tried, ready to be corrected.
    assert version_count(app) == before
    assert page.locator("#move-form select[name=pitch]").input_value() == pitch.pitch
    assert page.locator("#move-form input[name=start]").input_value() == "13:00"
    assert page.locator("#move-form select[name=room]").input_value() == "amphi"

    refusal.get_by_role("button", name="Fermer").click()
    assert page.locator(".drop-refusal").count() == 0


def a_move_that_holds(app, facts: dict) -> tuple[str, str, str, int]:
    """(pitch, day, room, start) of a move every hard rule allows, found with the app's own check."""
    with app.app_context():
        event = db.session.execute(db.select(Event).filter_by(slug=facts["slug"])).scalar_one()
        spec = to_scheduler_event(event)
        sessions = facts["sessions"]
        try:
            for index, session in enumerate(sessions):
                length = session.end - session.start
                for day in event.days:
                    for room in event.rooms:
                        for start in range(day.start_min, day.end_min - length + 1, event.grid_min or 5):
                            if (day.date, room.key) == (session.date, session.room) and abs(
                                start - session.start
                            ) < length:
                                continue  # dropped onto itself: a move, but one hard to see
                            moved = dataclasses.replace(
                                session, date=day.date, start=start, end=start + length, room=room.key
                            )
                            trial = sessions[:index] + (moved,) + sessions[index + 1 :]
                            if not moves.check(event, trial, spec):
                                return session.pitch, day.date.isoformat(), room.key, start
        finally:
            db.session.remove()
    raise AssertionError("no pitch of the demo can move anywhere")


def test_an_accepted_drop_makes_a_new_draft(live_server, page, app, published):
    pitch, day, room, start = a_move_that_holds(app, published)
    browser_login(page, live_server)
    page.goto(version_url(live_server, published))
    before = version_count(app)

    drop_at(page, pitch, day, room, start)

    page.wait_for_url(lambda address: f"/versions/{published['version_id']}" not in address)
    assert "nouveau brouillon" in page.locator(".flash").inner_text()
    assert "brouillon n°" in page.locator("#version-title").inner_text()
    assert version_count(app) == before + 1
    card = page.locator(
        f'.time-grid[data-date="{day}"] .room-column[data-room="{room}"] .session[data-pitch="{pitch}"]'
    )
    assert card.get_attribute("data-start") == format_clock(start)
    # What changed since the schedule on line: this pitch, to its new place.
    assert pitch_name(app, pitch) in page.locator("#changes-list").inner_text()


def pitch_name(app, key: str) -> str:
    from pitchday.models import Pitch

    with app.app_context():
        name = db.session.execute(db.select(Pitch.company).filter_by(key=key)).scalar_one()
        db.session.remove()
        return name


def test_the_day_of_view_after_a_15_minute_delay(live_server, page, app, published):
    thursday = sorted(
        (s for s in published["sessions"] if s.date.isoformat() == "2023-11-30"), key=lambda s: s.start
    )
    under_way, later = thursday[0], [s for s in thursday if s.start > thursday[0].start]
    moment = under_way.start + 10
    now = datetime(2023, 11, 30, moment // 60, moment % 60).isoformat(timespec="minutes")
    browser_login(page, live_server)
    page.goto(version_url(live_server, published, now=now))

    page.set_viewport_size({"width": 1400, "height": 1000})
    day_of = page.locator("#day-of")
    # The day opens the page: on the first screen, above the grid.
    assert day_of.bounding_box()["y"] + 200 < 1000
    assert day_of.bounding_box()["y"] < page.locator(".time-grid").first.bounding_box()["y"]
    # The page stays short (it was 2,500-3,000 px): the day scrolls within its grid, the other day is
    # folded, the analysis beside it scrolls on its own.
    assert page.evaluate("document.documentElement.scrollHeight") < 2600
    assert format_clock(moment) in page.locator("#day-of-title").inner_text()
    row = page.locator(f'#now-next tr[data-room="{under_way.room}"]')
    assert pitch_name(app, under_way.pitch) in row.locator('[data-field="now"]').inner_text()
    next_start = min(s.start for s in later)
    assert page.get_by_label("Pour les pitchs commençant à partir de").input_value() == format_clock(
        next_start
    )
    assert page.locator("#delay-form select[name=day]").input_value() == "2023-11-30"

    page.get_by_label("Retard (minutes)").fill("15")
    page.get_by_role("button", name="Décaler et publier").click()

    assert "publié (version 2)" in page.locator(".flash").first.inner_text()
    assert f"now={now}" in page.url.replace("%3A", ":")
    assert page.locator("#day-of").count() == 1
    assert "version publiée 2" in page.locator("#version-title").inner_text()
    changes = page.locator("#day-of #changes-list").inner_text()
    shifted = [s for s in thursday if s.start >= next_start]
    for session in shifted:
        assert pitch_name(app, session.pitch) in changes
        assert f"{format_clock(session.start + 15)}–{format_clock(session.end + 15)}" in changes
    assert pitch_name(app, under_way.pitch) not in changes  # under way before the delay: it stays
    first_next = (
        next(s for s in shifted if s.room == under_way.room)
        if any(s.room == under_way.room for s in shifted)
        else None
    )
    if first_next is not None:
        following = page.locator(
            f'#now-next tr[data-room="{under_way.room}"] [data-field="next"]'
        ).inner_text()
        assert format_clock(first_next.start + 15) in following


def test_the_version_page_layout_on_a_laptop_screen(live_server, page, published):
    """Issue 13, defect 6: the day's actions at the bottom of a 3,000 px page; « 27 × 10 » on three lines."""
    page.set_viewport_size({"width": 1400, "height": 1000})
    browser_login(page, live_server)
    page.goto(version_url(live_server, published))

    assert page.locator("#day-of").bounding_box()["y"] < 1000
    assert page.get_by_role("button", name="Décaler et publier").bounding_box()["y"] < 1000
    for cell in page.locator(".terms td.product").all():
        lines = cell.evaluate(
            "cell => { const r = document.createRange(); r.selectNodeContents(cell);"
            " return new Set(Array.from(r.getClientRects()).map(b => Math.round(b.top))).size; }"
        )
        assert lines == 1, cell.inner_text()
    assert page.locator("#score-direction").is_visible()
    # The keyboard way to move a pitch: « Déplacer… » on a card fills the form and goes to its time field.
    pitch = published["sessions"][0]
    page.locator(f'.session[data-pitch="{pitch.pitch}"] .move-link').focus()
    page.keyboard.press("Enter")
    assert page.locator("#move-form select[name=pitch]").input_value() == pitch.pitch
    assert page.locator("#move-form input[name=start]").input_value() == format_clock(pitch.start)
    assert page.evaluate("document.activeElement.name") == "start"


def test_the_version_page_has_no_serious_accessibility_violation(live_server, browser, published, axe_source):
    from tests.browser.test_public_accessibility import serious_violations

    # axe is injected as an inline script, which the Content-Security-Policy rightly refuses.
    context = browser.new_context(viewport={"width": 1400, "height": 3000}, locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    browser_login(page, live_server)
    found = {}
    for name, address in (
        ("grid", version_url(live_server, published)),
        ("day of", version_url(live_server, published, now="2023-11-30T10:10")),
    ):
        page.goto(address)
        found[name] = serious_violations(page, axe_source)
    pitch = next(s for s in published["sessions"] if s.date.isoformat() == "2023-11-30")
    drop_at(page, pitch.pitch, "2023-11-30", "amphi", 13 * 60)
    page.locator(".drop-refusal").wait_for()
    found["refused drop"] = serious_violations(page, axe_source)
    context.close()

    assert found == {"grid": [], "day of": [], "refused drop": []}
