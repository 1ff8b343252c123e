"""The juror app on a tablet, offline-first: nothing typed is lost, every page opens offline, locks follow live."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from pitchday.extensions import db
from pitchday.models import JurorComment, Score, ScoreAudit
from pitchday.services import scoring
from tests.browser.test_scoring import open_live_board, score_pitch, wait_for_streams_to_end
from tests.builders import clock, day  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

TABLET = {"viewport": {"width": 768, "height": 1024}, "locale": "fr-FR", "has_touch": True}


@pytest.fixture(autouse=True)
def ticking_clock(clock, monkeypatch):  # noqa: F811
    """The day's clock starts at 10:10 but runs: the latest change wins by when it reached the server, less
    how long it waited on the tablet, and a frozen clock would make every arrival the same moment."""
    started = time.monotonic()
    monkeypatch.setattr(scoring, "now_utc", lambda: clock[0] + timedelta(seconds=time.monotonic() - started))


@pytest.fixture
def tablet(browser):
    context = browser.new_context(**TABLET)
    yield context
    context.close()


def sheet_url(live_server: str, day, juror: str, pitch: str) -> str:  # noqa: F811
    return f"{live_server}/jury/{day.tokens[juror]}/pitchs/{day.pitches[pitch]}"


def stored_comment(app, day, juror_key: str, pitch: str) -> str | None:  # noqa: F811
    with app.app_context():
        comment = db.session.execute(
            db.select(JurorComment).filter_by(pitch_id=day.pitches[pitch])
        ).scalar_one_or_none()
        return comment.text if comment else None


def wait_until(condition, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    return condition()


def queue_of(page) -> list:
    return page.evaluate(
        "JSON.parse(localStorage.getItem(document.getElementById('save-status').dataset.queueKey) || '[]')"
    )


def wait_for_offline_copies(page, count: int) -> None:
    """The service worker is active and has kept the day and ``count`` sheets (page.wait_for_function
    would evaluate a string, which the Content-Security-Policy forbids)."""
    kept = """async () => {
        const registration = await navigator.serviceWorker.getRegistration(document.getElementById("save-status").dataset.scope);
        if (!registration || !registration.active) { return -1; }
        const lists = await Promise.all((await caches.keys()).map(async k => (await caches.open(k)).keys()));
        return lists.flat().filter(r => r.url.includes('/pitchs/')).length;
    }"""
    assert wait_until(lambda: page.evaluate(kept) >= count, seconds=15), page.evaluate(kept)


def test_a_comment_typed_and_left_within_100_ms_is_stored(app, live_server, tablet, day):  # noqa: F811
    page = tablet.new_page()
    page.goto(sheet_url(live_server, day, "uimm-1", "aurthus-et-paole"))
    comment = page.locator("#comment")
    comment.fill("Solide.")
    expect(page.locator("#save-status")).to_have_text("enregistré")

    page.evaluate(
        "() => document.getElementById('comment').addEventListener('input', () => {"
        " window.lastKeyAt = performance.now(); })"
    )
    comment.press_sequentially(" Dernier mot.", delay=5)
    # "← Ma journée" tapped at once: the page's own clock says how long after the last key (the autosave
    # waits 0.7 s after it).
    gap = page.evaluate(
        "() => { const gap = performance.now() - window.lastKeyAt;"
        " document.querySelector('a.back-link').click(); return gap; }"
    )
    assert gap < 100

    expect(page.get_by_role("heading", name="Bonjour Expert UIMM 1")).to_be_visible()
    assert wait_until(
        lambda: stored_comment(app, day, "uimm-1", "aurthus-et-paole") == "Solide. Dernier mot."
    )
    page.goto(sheet_url(live_server, day, "uimm-1", "aurthus-et-paole"))
    expect(page.locator("#comment")).to_have_value("Solide. Dernier mot.")
    expect(page.locator("#save-status")).not_to_have_text("envoi en cours…")
    assert wait_until(lambda: queue_of(page) == [])


def test_the_feedback_for_the_company_typed_and_left_at_once_is_stored_too(app, live_server, tablet, day):  # noqa: F811
    from pitchday.models import JurorFeedback

    page = tablet.new_page()
    page.goto(sheet_url(live_server, day, "uimm-1", "aurthus-et-paole"))
    page.locator("#follow_up").check()
    page.locator("#strengths").press_sequentially("Usine prête.", delay=5)
    page.locator("#improvements").press_sequentially("Chiffrer le marché.", delay=5)
    page.get_by_role("link", name="← Ma journée").click()

    expect(page.get_by_role("heading", name="Bonjour Expert UIMM 1")).to_be_visible()

    def stored():
        with app.app_context():
            row = db.session.execute(db.select(JurorFeedback)).scalar_one_or_none()
            return row and (row.strengths, row.improvements, row.follow_up)

    assert wait_until(lambda: stored() == ("Usine prête.", "Chiffrer le marché.", True))
    assert wait_until(lambda: queue_of(page) == [])  # the day page's resend answered: nothing left in flight


def test_the_back_link_is_a_large_touch_target_and_goes_to_the_offline_day(live_server, tablet, day):  # noqa: F811
    page = tablet.new_page()
    page.goto(sheet_url(live_server, day, "uimm-1", "aurthus-et-paole"))
    back = page.get_by_role("link", name="← Ma journée")
    box = back.bounding_box()
    assert box["width"] >= 48 and box["height"] >= 48
    assert back.get_attribute("href").endswith(f"/jury/{day.tokens['uimm-1']}/")


def test_a_sheet_never_opened_opens_offline_is_scored_and_its_marks_arrive_after_reconnection(
    app, live_server, tablet, day
):  # noqa: F811
    page = tablet.new_page()
    page.goto(f"{live_server}/jury/{day.tokens['uimm-1']}")
    wait_for_offline_copies(page, 3)

    tablet.set_offline(True)
    page.goto(f"{live_server}/jury/{day.tokens['uimm-1']}/")  # the day, offline, from the copy
    expect(page.get_by_role("heading", name="Bonjour Expert UIMM 1")).to_be_visible()
    page.get_by_role("link", name="Touroul-Chevalerie").click()  # never opened before
    expect(page.get_by_role("heading", name="Touroul-Chevalerie")).to_be_visible()
    score_pitch(page, day.criteria, 6)
    page.locator("#comment").fill("Noté hors ligne.")
    expect(page.locator("#connection-banner")).to_contain_text("Hors ligne")
    expect(page.locator("#save-status")).to_have_text(
        f"hors ligne — {len(day.criteria) + 1} notes en attente"
    )

    page.reload()  # offline: the page comes from the copy, the queue from the tablet's storage
    expect(page.locator("#save-status")).to_have_text(
        f"hors ligne — {len(day.criteria) + 1} notes en attente"
    )
    for criterion in day.criteria:
        expect(page.locator(f'input[name="c{criterion}"][value="6"]')).to_be_checked()
    expect(page.locator("#comment")).to_have_value("Noté hors ligne.")
    # Still all in the queue. (Chromium's offline emulation lets the keepalive requests of a page being left
    # through, so the server may have some already: a tablet really offline sends nothing. Either way, each
    # change is applied once, below.)
    assert len(queue_of(page)) == len(day.criteria) + 1

    tablet.set_offline(False)
    expect(page.locator("#save-status")).to_have_text("enregistré", timeout=15000)
    expect(page.locator("#connection-banner")).to_have_text("Tout est envoyé.")
    with app.app_context():
        marks = db.session.execute(
            db.select(Score.criterion_id, Score.value).filter_by(pitch_id=day.pitches["touroul-chevalerie"])
        ).all()
        audited = db.session.execute(db.select(db.func.count()).select_from(ScoreAudit)).scalar_one()
    assert sorted(marks) == sorted((criterion, 6) for criterion in day.criteria)
    assert audited == len(day.criteria) + 1  # each change once, the comment too
    assert stored_comment(app, day, "uimm-1", "touroul-chevalerie") == "Noté hors ligne."


def test_a_lock_while_the_sheet_is_open_disables_it_and_reverts_a_refused_mark(app, live_server, tablet, day):  # noqa: F811
    app.config.update(JUROR_POLL_SECONDS=60)  # the tap comes before the sheet's next check
    page = tablet.new_page()
    page.goto(sheet_url(live_server, day, "uimm-1", "aurthus-et-paole"))
    first = day.criteria[0]
    page.locator(f'.mark:has(input[name="c{first}"][value="3"])').tap()
    expect(page.locator("#save-status")).to_have_text("enregistré")
    expect(page.get_by_role("button", name="Enregistrer")).to_be_visible()

    # The organiser locks the pitch; the juror taps 4 before the sheet hears of it.
    with app.app_context():
        from pitchday.models import Pitch

        scoring.set_lock(db.session.get(Pitch, day.pitches["aurthus-et-paole"]), True, "orga@example.org")
        db.session.commit()
    page.locator(f'.mark:has(input[name="c{first}"][value="4"])').tap()

    expect(page.locator(f'input[name="c{first}"][value="3"]')).to_be_checked(timeout=5000)
    expect(page.locator("#comment")).to_be_disabled(timeout=5000)
    expect(page.locator(f"input[name=c{first}]").first).to_be_disabled()
    expect(page.locator("#lock-notice")).to_contain_text("Verrouillé par l'organisation")
    expect(page.get_by_role("button", name="Enregistrer")).to_be_hidden()
    with app.app_context():
        assert db.session.execute(db.select(Score.value).filter_by(criterion_id=first)).scalar_one() == 3


def test_a_lock_reaches_an_open_sheet_within_seconds(app, live_server, tablet, day):  # noqa: F811
    app.config.update(JUROR_POLL_SECONDS=1)
    page = tablet.new_page()
    page.goto(sheet_url(live_server, day, "uimm-1", "aurthus-et-paole"))
    expect(page.locator("#comment")).to_be_enabled()
    with app.app_context():
        from pitchday.models import Pitch

        scoring.set_lock(db.session.get(Pitch, day.pitches["aurthus-et-paole"]), True, "orga@example.org")
        db.session.commit()

    expect(page.locator("#comment")).to_be_disabled(timeout=5000)
    expect(page.locator(f"input[name=c{day.criteria[0]}]").first).to_be_disabled()
    expect(page.locator("#save-status")).to_have_text("verrouillé par l'organisation")
    expect(page.get_by_role("button", name="Enregistrer")).to_be_hidden()


def test_the_board_shows_a_tablet_offline_with_what_it_holds_then_in_sync(
    app, live_server, browser, tablet, day
):  # noqa: F811
    app.config.update(
        JUROR_POLL_SECONDS=1,
        BOARD_DEVICES_POLL_SECONDS=1,
        JUROR_OFFLINE_AFTER_SECONDS=3,
        SCOREBOARD_STREAM_SECONDS=30,
        SCOREBOARD_HEARTBEAT_SECONDS=1,
    )
    organiser, board = open_live_board(app, browser, live_server, day.slug)
    devices = board.locator("#device-rows")
    page = tablet.new_page()
    page.goto(sheet_url(live_server, day, "uimm-1", "aurthus-et-paole"))
    expect(devices.locator("tr", has_text="Expert UIMM 1")).to_contain_text("à jour", timeout=10000)

    # The venue's Wi-Fi drops the autosaves: the marks stay on the tablet, which says so when it checks in.
    page.route("**/notes", lambda route: route.abort("internetdisconnected"))
    score_pitch(page, day.criteria[:3], 7)
    row = devices.locator("tr", has_text="Expert UIMM 1")
    expect(row).to_contain_text("en ligne — 3 notes en cours d'envoi", timeout=10000)
    # Then the tablet is cut off altogether: the board shows it silent, with what it still holds.
    tablet.set_offline(True)
    expect(row).to_contain_text("hors ligne depuis moins d'une minute — 3 notes en attente", timeout=10000)
    expect(row).to_have_class("offline holding")

    page.unroute("**/notes")
    tablet.set_offline(False)
    expect(page.locator("#save-status")).to_have_text("enregistré", timeout=15000)
    expect(row).to_contain_text("à jour", timeout=10000)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Score)).scalar_one() == 3
    tablet.close()
    organiser.close()
    wait_for_streams_to_end(app)


def test_the_queue_keeps_the_order_of_changes_one_item_per_pause_and_never_changes_a_sent_item(
    app, live_server, tablet, day
):  # noqa: F811
    page = tablet.new_page()
    page.goto(sheet_url(live_server, day, "uimm-1", "aurthus-et-paole"))
    first, second = day.criteria[:2]
    expect(page.locator("#comment")).to_be_enabled()

    tablet.set_offline(True)
    for criterion, value in ((first, 3), (first, 5), (second, 8), (first, 9)):
        page.locator(f'.mark:has(input[name="c{criterion}"][value="{value}"])').tap()
    queue = queue_of(page)
    assert [item["body"]["scores"] for item in queue] == [
        {str(first): 3},
        {str(first): 5},
        {str(second): 8},
        {str(first): 9},
    ]
    assert len({item["client_id"] for item in queue}) == 4
    assert [item["changed_at"] for item in queue] == sorted(item["changed_at"] for item in queue)
    assert queue[0]["sent"] is True  # tried once: fixed for good

    page.locator("#comment").press_sequentially("Très bien", delay=20)
    comments = [item for item in queue_of(page) if "comment" in item["body"]]
    assert [item["body"]["comment"] for item in comments] == ["Très bien"]  # one item for the whole pause

    tablet.set_offline(False)
    expect(page.locator("#save-status")).to_have_text("enregistré", timeout=15000)
    # Sent, then typed on: a second item; the first one keeps what it carried when it left.
    page.route("**/notes", lambda route: route.abort("internetdisconnected"))
    page.locator("#comment").press_sequentially(", à suivre", delay=20)
    page.wait_for_timeout(1200)  # past the pause: the item leaves (and is lost on the way)
    page.locator("#comment").press_sequentially(".", delay=20)
    comments = [(item["body"]["comment"], item["sent"]) for item in queue_of(page)]
    assert comments == [("Très bien, à suivre", True), ("Très bien, à suivre.", False)]
    page.unroute("**/notes")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#save-status")).to_have_text("enregistré", timeout=15000)

    with app.app_context():
        rows = db.session.execute(db.select(ScoreAudit).order_by(ScoreAudit.id)).scalars().all()
        assert [(row.criterion_id, row.before, row.after) for row in rows if row.action == "score"] == [
            (first, None, 3),
            (first, 3, 5),
            (second, None, 8),
            (first, 5, 9),
        ]
        assert [row.comment_after for row in rows if row.action == "comment"] == [
            "Très bien",
            "Très bien, à suivre",
            "Très bien, à suivre.",
        ]


def test_a_browser_restarted_offline_keeps_its_queue_and_its_pages(app, live_server, day, tmp_path):  # noqa: F811
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    profile = str(tmp_path / "tablet-profile")
    url = sheet_url(live_server, day, "uimm-1", "mijuin-malaunay")
    with sync_playwright() as playwright:

        def start():
            return playwright.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, **TABLET
            )

        tablet = start()
        page = tablet.new_page()
        page.goto(f"{live_server}/jury/{day.tokens['uimm-1']}")
        wait_for_offline_copies(page, 3)
        tablet.set_offline(True)
        page.goto(url)
        score_pitch(page, day.criteria, 5)
        expect(page.locator("#save-status")).to_have_text(
            f"hors ligne — {len(day.criteria)} notes en attente"
        )
        tablet.close()  # the browser is closed, offline

        tablet = start()
        tablet.set_offline(True)
        page = tablet.new_page()
        page.goto(url)  # from the service worker's copy
        expect(page.locator("#save-status")).to_have_text(
            f"hors ligne — {len(day.criteria)} notes en attente"
        )
        assert len(queue_of(page)) == len(day.criteria)
        tablet.set_offline(False)
        expect(page.locator("#save-status")).to_have_text("enregistré", timeout=15000)
        tablet.close()

    with app.app_context():
        marks = db.session.execute(
            db.select(Score.criterion_id, Score.value).filter_by(pitch_id=day.pitches["mijuin-malaunay"])
        ).all()
        audited = db.session.execute(db.select(db.func.count()).select_from(ScoreAudit)).scalar_one()
    assert sorted(marks) == sorted((criterion, 5) for criterion in day.criteria)
    assert audited == len(day.criteria)


def test_two_devices_of_one_juror_the_other_one_follows(app, live_server, browser, tablet, day):  # noqa: F811
    app.config.update(JUROR_POLL_SECONDS=1)
    phone_context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True, has_touch=True
    )
    url = sheet_url(live_server, day, "uimm-1", "aurthus-et-paole")
    on_tablet, on_phone = tablet.new_page(), phone_context.new_page()
    on_tablet.goto(url)
    on_phone.goto(url)
    first = day.criteria[0]

    on_tablet.locator(f'.mark:has(input[name="c{first}"][value="7"])').tap()
    expect(on_tablet.locator("#save-status")).to_have_text("enregistré")
    expect(on_phone.locator(f'input[name="c{first}"][value="7"]')).to_be_checked(timeout=5000)

    on_phone.locator(f'.mark:has(input[name="c{first}"][value="4"])').tap()
    on_phone.locator("#comment").fill("Vu du téléphone.")
    expect(on_phone.locator("#save-status")).to_have_text("enregistré")
    expect(on_tablet.locator(f'input[name="c{first}"][value="4"]')).to_be_checked(timeout=5000)
    expect(on_tablet.locator("#comment")).to_have_value("Vu du téléphone.", timeout=5000)
    phone_context.close()

    with app.app_context():
        rows = db.session.execute(
            db.select(ScoreAudit.before, ScoreAudit.after, ScoreAudit.device_id)
            .where(ScoreAudit.action == "score")
            .order_by(ScoreAudit.id)
        ).all()
    assert [(before, after) for before, after, _device in rows] == [(None, 7), (7, 4)]
    assert len({device for _before, _after, device in rows}) == 2  # each change names its device


def test_the_follow_up_tick_sits_beside_its_words_at_a_finger_s_size(live_server, tablet, day):  # noqa: F811
    """It was drawn as wide as the sheet, its words wrapped around it: a box a juror could miss."""
    page = tablet.new_page()
    page.goto(sheet_url(live_server, day, "uimm-1", "aurthus-et-paole"))
    box = page.locator("#follow_up").bounding_box()
    words = page.locator("label.follow-up").bounding_box()
    assert 20 <= box["width"] <= 40 and 20 <= box["height"] <= 40
    assert words["height"] < 3 * box["height"]  # one line (two on a narrow screen), not the box's own line
    assert abs((box["y"] + box["height"] / 2) - (words["y"] + min(words["height"], 48) / 2)) < 24
    page.locator("label.follow-up").tap()  # the words tick it too
    assert page.locator("#follow_up").is_checked()
