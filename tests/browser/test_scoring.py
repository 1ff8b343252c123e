"""A juror scores on a tablet, loses Wi-Fi for one pitch, and the organiser's board follows live."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from pitchday.extensions import db
from pitchday.infrastructure import live
from pitchday.models import ScoreAudit
from tests.builders import browser_login, clock, create_organiser, day  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

PITCHES = ["mijuin-malaunay", "aurthus-et-paole", "touroul-chevalerie"]


def wait_for_streams_to_end(app) -> None:
    """The board's stream notices the closed page at its next heartbeat; the database must outlive it."""
    with app.app_context():
        feed = live.feed()
    deadline = time.monotonic() + 10
    while feed.open_streams and time.monotonic() < deadline:
        time.sleep(0.1)
    assert feed.open_streams == 0


def open_live_board(app, browser, live_server: str, slug: str):
    """An organiser signed in on the event's live board, once it says it is live: (context, page)."""
    with app.app_context():
        create_organiser()
    organiser = browser.new_context(locale="fr-FR")
    board = organiser.new_page()
    browser_login(board, live_server)
    board.goto(f"{live_server}/organisation/notes/{slug}")
    expect(board.locator("#board-status")).to_contain_text("En direct")
    return organiser, board


def score_pitch(page, criteria: list[int], value: int) -> None:
    for criterion in criteria:
        page.locator(f'input[name="c{criterion}"][value="{value}"]').check()


def test_a_juror_scores_three_pitches_one_offline_and_the_board_shows_them_live(
    app, live_server, browser, day
):  # noqa: F811
    app.config.update(SCOREBOARD_STREAM_SECONDS=60, SCOREBOARD_HEARTBEAT_SECONDS=1)
    organiser, board = open_live_board(app, browser, live_server, day.slug)
    board.evaluate("window.notReloaded = true")

    tablet = browser.new_context(viewport={"width": 768, "height": 1024}, locale="fr-FR", has_touch=True)
    juror = tablet.new_page()
    base = f"{live_server}/jury/{day.tokens['uimm-1']}/pitchs"
    for key, value in zip(PITCHES[:2], (8, 6), strict=True):
        juror.goto(f"{base}/{day.pitches[key]}")
        score_pitch(juror, day.criteria, value)
        expect(juror.locator("#save-status")).to_have_text("enregistré")

    juror.goto(f"{base}/{day.pitches[PITCHES[2]]}")
    tablet.set_offline(True)
    score_pitch(juror, day.criteria, 4)
    expect(juror.locator("#save-status")).to_have_text(f"hors ligne — {len(day.criteria)} notes en attente")
    tablet.set_offline(False)
    expect(juror.locator("#save-status")).to_have_text("enregistré", timeout=15000)

    for key in PITCHES:
        row = board.locator(f'tr[data-pitch="{day.pitches[key]}"]')
        expect(row.locator('[data-field="scored"]')).to_have_text("Expert UIMM 1", timeout=10000)
    ranks = board.locator("#board-rows tr td[data-field=rank]").all_inner_texts()
    assert ranks[:3] == ["1", "2", "3"]
    first_row = board.locator("#board-rows tr").first
    expect(first_row).to_contain_text("Mijuin-Malaunay")
    assert board.evaluate("window.notReloaded") is True
    assert (
        juror.evaluate(
            "JSON.parse(localStorage.getItem(document.getElementById('save-status').dataset.queueKey))"
        )
        == []
    )

    tablet.close()
    organiser.close()
    wait_for_streams_to_end(app)
    with app.app_context():
        audit = db.session.execute(db.select(ScoreAudit.pitch_id, ScoreAudit.after)).all()
    # Each mark sent once: no loss, no duplicate, even for the pitch scored offline.
    assert sorted(audit) == sorted(
        (day.pitches[key], value) for key, value in zip(PITCHES, (8, 6, 4), strict=True) for _ in day.criteria
    )


@pytest.mark.parametrize("viewport", [{"width": 768, "height": 1024}, {"width": 390, "height": 844}])
def test_every_mark_is_a_big_touch_target_on_tablets_and_phones(live_server, browser, day, viewport):  # noqa: F811
    context = browser.new_context(viewport=viewport, locale="fr-FR", has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server}/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}")

    boxes = [mark.bounding_box() for mark in page.locator(".mark span").all()]

    assert len(boxes) == 11 * len(day.criteria)
    assert all(box["width"] >= 44 and box["height"] >= 44 for box in boxes)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.locator(f'.mark:has(input[name="c{day.criteria[0]}"][value="10"])').tap()
    expect(page.locator("#save-status")).to_have_text("enregistré")
    context.close()


def test_a_board_beyond_the_process_share_of_streams_is_polled_and_never_says_lost(
    app, live_server, browser, day
):  # noqa: F811
    # No long stream for anyone: each connection sends the board and ends; EventSource comes back.
    app.config.update(SCOREBOARD_LONG_STREAMS=0)
    organiser, board = open_live_board(app, browser, live_server, day.slug)

    tablet = browser.new_context(locale="fr-FR")
    juror = tablet.new_page()
    juror.goto(f"{live_server}/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}")
    score_pitch(juror, day.criteria, 7)
    expect(juror.locator("#save-status")).to_have_text("enregistré")

    row = board.locator(f'tr[data-pitch="{day.pitches["aurthus-et-paole"]}"]')
    expect(row.locator('[data-field="scored"]')).to_have_text("Expert UIMM 1", timeout=15000)
    expect(board.locator("#board-status")).to_contain_text("En direct")
    tablet.close()
    organiser.close()


def test_after_verrouiller_the_live_board_never_shows_the_previous_lock_state(app, live_server, browser, day):  # noqa: F811
    """Issue 13, defect 2: a stale update from the stream overwrote the fresh page for about a second."""
    app.config.update(SCOREBOARD_STREAM_SECONDS=60, SCOREBOARD_HEARTBEAT_SECONDS=1)
    with app.app_context():
        feed = live.feed()
    # A board that looks costly is recomputed at most every 3 s even when nudged: the cached board of
    # just before the lock is what the fresh page's stream finds first.
    feed.cost_factor, feed.longest_interval = 1e9, 3.0
    organiser, board = open_live_board(app, browser, live_server, day.slug)
    row = f'tr[data-pitch="{day.pitches["aurthus-et-paole"]}"]'

    # Every state the row's cell shows from the moment the next page is drawn, before any script of its own.
    board.add_init_script(
        """document.addEventListener("DOMContentLoaded", () => {
            window.seenStates = [];
            const cell = document.querySelector('ROW [data-field="lock-state"]');
            new MutationObserver(() => window.seenStates.push(cell.textContent))
              .observe(cell, {childList: true, characterData: true, subtree: true});
        });""".replace("ROW", row)
    )
    board.locator(row).get_by_role("button", name="Verrouiller").click()
    expect(board.locator(f'{row} [data-field="lock-state"]')).to_have_text("verrouillée")
    expect(board.locator("#board-status")).to_contain_text("En direct")
    board.wait_for_timeout(4000)  # past the cached board's 3 s: the stream has sent what it had

    assert "ouverte" not in board.evaluate("window.seenStates")
    expect(board.locator(f'{row} [data-field="lock-state"]')).to_have_text("verrouillée")
    assert board.locator(f'{row} form[data-lock="0"]').is_visible()
    organiser.close()
    wait_for_streams_to_end(app)
