"""The organiser's board: who scored, the ranking, locks, results, audit log, exports, live stream."""

from __future__ import annotations

import json
import time

from pitchday.extensions import db
from pitchday.models import Event, Pitch, ScoreAudit
from pitchday.services import ranking, scoring
from tests.builders import clock, create_organiser, day, login  # noqa: F401 (fixtures)


def score_all(client, day, juror, pitch, value, client_id):  # noqa: F811
    response = client.post(
        f"/jury/{day.tokens[juror]}/pitchs/{day.pitches[pitch]}/notes",
        json={"client_id": client_id, "scores": {str(c): value for c in day.criteria}},
    )
    assert response.status_code == 200, response.json


def logged_in(app, client):
    with app.app_context():
        create_organiser()
    login(client)
    return client


def test_every_board_page_needs_a_login(client, day):  # noqa: F811
    for path in ("", "/flux", "/journal", "/notes.csv", "/classement.csv"):
        response = client.get(f"/organisation/notes/{day.slug}{path}")
        assert response.status_code == 302 and "/organisation/connexion" in response.location
    assert client.post(f"/organisation/notes/{day.slug}/resultats").status_code == 302


def test_the_board_shows_who_scored_and_the_ranking(app, client, day):  # noqa: F811
    score_all(client, day, "uimm-1", "aurthus-et-paole", 8, "b-000001")
    score_all(client, day, "cetim-1", "aurthus-et-paole", 6, "b-000002")
    score_all(client, day, "uimm-1", "touroul-chevalerie", 4, "b-000003")
    logged_in(app, client)

    page = client.get(f"/organisation/notes/{day.slug}").get_data(as_text=True)

    assert page.index("Aurthus et Paole") < page.index("Touroul-Chevalerie") < page.index("Projet 4")
    with app.app_context():
        board = ranking.board(db.session.get(Event, day.event_id))
    first = board["pitches"][0]
    assert (first["company"], first["rank"], first["raw"], first["median"]) == (
        "Aurthus et Paole",
        1,
        70.0,
        70.0,
    )
    assert first["scored"] == ["Expert UIMM 1", "Expert CETIM 1"]
    assert first["missing"] == ["Expert Arts et Métiers 1"]
    assert board["pitches"][-1]["rank"] is None
    assert "moins de 3 pitchs" in page and "Départage" in page
    assert "<svg" in page


def test_lock_unlock_and_publish_from_the_board(app, client, day):  # noqa: F811
    logged_in(app, client)
    pitch_id = day.pitches["aurthus-et-paole"]

    client.post(f"/organisation/notes/{day.slug}/pitchs/{pitch_id}/verrouiller")
    refused = client.post(
        f"/jury/{day.tokens['uimm-1']}/pitchs/{pitch_id}/notes",
        json={"client_id": "locked-0001", "scores": {str(day.criteria[0]): 5}},
    )
    client.post(f"/organisation/notes/{day.slug}/pitchs/{pitch_id}/rouvrir")
    accepted = client.post(
        f"/jury/{day.tokens['uimm-1']}/pitchs/{pitch_id}/notes",
        json={"client_id": "unlocked-01", "scores": {str(day.criteria[0]): 5}},
    )

    assert (refused.status_code, accepted.status_code) == (409, 200)
    with app.app_context():
        event = db.session.get(Event, day.event_id)
        assert ranking.public_results(event) is None
    asked = client.post(f"/organisation/notes/{day.slug}/resultats")  # pitches miss scores: asked first
    assert asked.status_code == 200 and "Publier quand même" in asked.get_data(as_text=True)
    client.post(f"/organisation/notes/{day.slug}/resultats", data={"confirmed": "1"})
    with app.app_context():
        event = db.session.get(Event, day.event_id)
        assert event.results_published is True
        assert ranking.public_results(event) == []  # one criterion of four marked: no complete total yet


def test_the_audit_log_lists_every_change_read_only(app, client, day):  # noqa: F811
    score_all(client, day, "uimm-1", "aurthus-et-paole", 8, "a-000001")
    score_all(client, day, "uimm-1", "aurthus-et-paole", 9, "a-000002")
    logged_in(app, client)
    client.post(f"/organisation/notes/{day.slug}/pitchs/{day.pitches['aurthus-et-paole']}/verrouiller")

    page = client.get(f"/organisation/notes/{day.slug}/journal").get_data(as_text=True)

    assert page.count("juror:uimm-1") == 2 * len(day.criteria)
    assert "organiser:orga@example.org" in page and "notation verrouillée" in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>")[0]
    with app.app_context():
        changes = (
            db.session.execute(
                db.select(ScoreAudit).where(ScoreAudit.action == "score").order_by(ScoreAudit.id)
            )
            .scalars()
            .all()
        )
        assert [(c.before, c.after) for c in changes] == [(None, 8)] * 4 + [(8, 9)] * 4


def test_csv_exports_are_made_for_french_excel(app, client, day):  # noqa: F811
    score_all(client, day, "uimm-1", "aurthus-et-paole", 7, "c-000001")
    client.post(
        f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}/notes",
        json={"client_id": "c-000002", "comment": '=HYPERLINK("x")'},
    )
    logged_in(app, client)

    scores = client.get(f"/organisation/notes/{day.slug}/notes.csv").data
    ranking_file = client.get(f"/organisation/notes/{day.slug}/classement.csv").data

    assert scores.startswith("\ufeff".encode()) and ranking_file.startswith("\ufeff".encode())
    lines = scores.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Projet;Juré;Organisation;Potentiel de relocalisation;")
    assert lines[1].startswith("Aurthus et Paole;") and ";7;7;7;7;70,0;" in lines[1]
    assert lines[1].endswith(';"\'=HYPERLINK(""x"")"')
    assert ranking_file.decode("utf-8-sig").splitlines()[1] == "1;Aurthus et Paole;70,0;70,0;70,0;0,0;1;non"


def read_events(chunks, count):
    """The next ``count`` server-sent events (comments included), as text blocks."""
    events, buffer = [], ""
    while len(events) < count:
        buffer += next(chunks).decode()
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            events.append(block)
    return events


def test_the_stream_sends_a_first_ping_then_the_board_at_each_change(app, client, day):  # noqa: F811
    app.config.update(SCOREBOARD_STREAM_SECONDS=15, SCOREBOARD_HEARTBEAT_SECONDS=1)  # ends at the board
    logged_in(app, client)
    response = client.get(f"/organisation/notes/{day.slug}/flux", buffered=False)
    assert response.mimetype == "text/event-stream"
    chunks = iter(response.response)

    ping, first = read_events(chunks, 2)
    juror = app.test_client()
    score_all(juror, day, "uimm-1", "aurthus-et-paole", 9, "s-000001")
    lines = next_board(chunks)  # a heartbeat may come first on a slow machine
    response.close()

    assert ping.startswith(":") and "retry: " in ping
    assert first.startswith("id: 0\nevent: board\ndata: ")
    assert int(lines["id"]) > 0 and lines["event"] == "board"
    board = json.loads(lines["data"])
    assert board["pitches"][0]["company"] == "Aurthus et Paole" and board["pitches"][0]["raw"] == 90.0


def test_the_board_is_computed_once_per_change_for_all_viewers(app, day, monkeypatch):  # noqa: F811
    from pitchday.infrastructure import live

    computed = []
    with app.test_request_context():
        feed = live.feed()
        for _ in range(5):
            feed.current(day.event_id, scoring.last_change, lambda event_id: computed.append(event_id) or {})
        assert computed == [day.event_id]
        pitch = db.session.get(Pitch, day.pitches["aurthus-et-paole"])
        scoring.set_lock(pitch, True, "orga@example.org")
        db.session.commit()  # the commit nudges the feed
        for _ in range(5):
            feed.current(day.event_id, scoring.last_change, lambda event_id: computed.append(event_id) or {})
    assert computed == [day.event_id, day.event_id]


def test_a_commit_never_waits_for_a_board_being_computed(app):
    import threading

    from pitchday.infrastructure import live

    feed = live.BoardFeed()
    computing, release = threading.Event(), threading.Event()

    def slow_board(_event_id):
        computing.set()
        release.wait(timeout=30)
        return {"slow": True}

    def stream():
        with app.app_context():
            feed.current(7, lambda _: 1, slow_board)

    streaming = threading.Thread(target=stream)
    streaming.start()
    assert computing.wait(timeout=30)
    nudging = threading.Thread(target=feed.nudge, args=(7,))
    nudging.start()
    nudging.join(timeout=10)
    nudged_while_computing = not nudging.is_alive()
    release.set()
    streaming.join(timeout=30)

    assert nudged_while_computing
    with app.app_context():
        assert feed.current(7, lambda _: 1, slow_board) == (1, '{"slow": true}')


def test_a_costly_board_still_follows_changes_within_the_longest_interval(app, monkeypatch):
    from pitchday.infrastructure import live

    cpu = iter([0.0, 10.0, 10.0, 10.0])  # the first computation "costs" 10 CPU seconds: 500 s at 50x
    monkeypatch.setattr(live.time, "thread_time", lambda: next(cpu))
    stamps = iter([1, 2])
    feed = live.BoardFeed(longest_interval=0.2)
    with app.app_context():
        assert feed.current(7, lambda _: next(stamps), lambda _: {})[0] == 1
        feed.nudge(7)
        assert feed.current(7, lambda _: 99, lambda _: {})[0] == 1  # too soon after a costly board
        time.sleep(0.25)
        assert feed.current(7, lambda _: next(stamps), lambda _: {})[0] == 2


def test_an_open_stream_holds_no_database_connection(app, client, day):  # noqa: F811
    app.config.update(SCOREBOARD_STREAM_SECONDS=60, SCOREBOARD_HEARTBEAT_SECONDS=1)
    logged_in(app, client)
    with app.app_context():
        pool = db.engine.pool
    app.config.update(SCOREBOARD_LONG_STREAMS=0)  # the first stream ends at once...
    whole_stream(client, f"/organisation/notes/{day.slug}/flux")
    app.config.update(SCOREBOARD_LONG_STREAMS=4)
    # ...and the board it computed is fresh: this one does not check the database before it waits.
    response = client.get(f"/organisation/notes/{day.slug}/flux", buffered=False)
    read_events(iter(response.response), 2)  # the first comment, then the board

    assert pool.checkedout() == 0
    response.close()


def whole_stream(client, path, **kwargs) -> str:
    """A stream that must end by itself, read to its end."""
    response = client.get(path, buffered=False, **kwargs)
    text = b"".join(response.response).decode()
    response.close()
    return text


def test_beyond_its_share_of_long_streams_a_process_sends_the_board_and_ends_the_stream(app, client, day):  # noqa: F811
    from pitchday.infrastructure import live

    app.config.update(SCOREBOARD_STREAM_SECONDS=60, SCOREBOARD_HEARTBEAT_SECONDS=1, SCOREBOARD_LONG_STREAMS=1)
    logged_in(app, client)
    with app.app_context():
        feed = live.feed()
    assert feed.open_stream(1)  # as if another organiser's board held the one long stream

    polled = whole_stream(client, f"/organisation/notes/{day.slug}/flux")
    current = whole_stream(client, f"/organisation/notes/{day.slug}/flux", headers={"Last-Event-ID": "0"})
    feed.close_stream()
    reopened = client.get(f"/organisation/notes/{day.slug}/flux", buffered=False)
    ping, _board = read_events(iter(reopened.response), 2)
    reopened.close()

    ping_polled, board = polled.strip().split("\n\n")
    assert "retry: " in ping_polled and board.startswith("id: 0\nevent: board\ndata: {")
    assert "event: board" not in current  # nothing new since the id it had
    assert ping.startswith(": flux du tableau des notes\n")  # a long stream again once one closed
    assert feed.open_streams == 0


def next_board(chunks) -> dict[str, str]:
    """The next board event, skipping heartbeats."""
    while True:
        (block,) = read_events(chunks, 1)
        if not block.startswith(":"):
            return dict(line.split(": ", 1) for line in block.splitlines())


def test_the_stream_sees_a_change_committed_by_another_worker_process(app, client, day):  # noqa: F811
    app.config.update(SCOREBOARD_STREAM_SECONDS=10, SCOREBOARD_HEARTBEAT_SECONDS=1)
    logged_in(app, client)
    response = client.get(f"/organisation/notes/{day.slug}/flux", buffered=False)
    chunks = iter(response.response)
    first = next_board(chunks)

    # A commit this process never hears of, as from another gunicorn worker: only the database knows.
    with app.app_context():
        db.session.add(
            ScoreAudit(
                event_id=day.event_id,
                pitch_id=day.pitches["projet-4"],
                actor="organiser:autre@example.org",
                action="lock",
            )
        )
        db.session.commit()
    update = next_board(chunks)
    response.close()

    assert int(update["id"]) > int(first["id"]) == 0


def test_public_results_once_published(app, client, day):  # noqa: F811
    score_all(client, day, "uimm-1", "aurthus-et-paole", 6, "p-000001")
    score_all(client, day, "uimm-1", "touroul-chevalerie", 9, "p-000002")
    with app.app_context():
        event = db.session.get(Event, day.event_id)
        assert ranking.public_results(event) is None
        scoring.set_results_published(event, True)
        db.session.commit()

        results = ranking.public_results(event)

    assert results == [
        ranking.PublicResult(1, "Touroul-Chevalerie", results[0].title, 90.0, 1),
        ranking.PublicResult(2, "Aurthus et Paole", results[1].title, 60.0, 1),
    ]


def test_the_demo_shows_no_automatic_lock_rather_than_a_century_of_minutes(app, client, rouen):
    """Issue 13, defect 6: the demo's board read « 52560000 » minutes in a field that allows 10080."""
    from pitchday.models import ScoringSettings
    from pitchday.services import demo
    from tests.builders import import_event

    with app.app_context():
        event = import_event(rouen)
        db.session.add(ScoringSettings(event_id=event.id, lock_after_min=demo.DEMO_LOCK_AFTER_MIN))
        db.session.commit()
        slug = event.slug
    logged_in(app, client)

    page = client.get(f"/organisation/notes/{slug}").get_data(as_text=True)

    for written in ("52560000", "52 560 000", "52\u202f560\u202f000", "52,560,000"):
        assert written not in page
    assert 'id="no-automatic-lock"' in page and "Aucun verrouillage automatique" in page
    field = page[page.index('name="lock_after_min"') - 200 : page.index('name="lock_after_min"') + 200]
    assert 'value=""' in field or "value=" not in field


def test_a_board_older_than_the_page_is_never_sent_to_it(app, client, day):  # noqa: F811
    """Issue 13, defect 2: right after « Verrouiller », the board showed the previous lock state for a second.

    The page drawn after the lock knows the change's number and gives it to its stream (``depuis``); the
    process's cached board, computed a moment before the lock, must not overwrite it.
    """
    app.config.update(SCOREBOARD_STREAM_SECONDS=3, SCOREBOARD_HEARTBEAT_SECONDS=1, SCOREBOARD_LONG_STREAMS=0)
    logged_in(app, client)
    stale = whole_stream(client, f"/organisation/notes/{day.slug}/flux")  # caches the board as it is
    assert "id: 0\nevent: board" in stale
    with app.app_context():  # the lock, committed where this process's feed does not hear of it at once
        db.session.add(
            ScoreAudit(
                event_id=day.event_id,
                pitch_id=day.pitches["projet-4"],
                actor="organiser:orga@example.org",
                action="lock",
            )
        )
        db.session.commit()
        fresh = scoring.last_change(day.event_id)

    polled = whole_stream(client, f"/organisation/notes/{day.slug}/flux?depuis={fresh}")
    assert "id: 0\n" not in polled

    app.config.update(SCOREBOARD_LONG_STREAMS=4)
    response = client.get(f"/organisation/notes/{day.slug}/flux?depuis={fresh}", buffered=False)
    text = b"".join(response.response).decode()  # ends after SCOREBOARD_STREAM_SECONDS
    response.close()
    ids = [int(line[4:]) for line in text.splitlines() if line.startswith("id: ")]
    assert all(number >= fresh for number in ids)


def test_the_board_page_gives_its_stream_the_change_it_shows(app, client, day):  # noqa: F811
    logged_in(app, client)
    with app.app_context():
        scoring.set_lock(db.session.get(Pitch, day.pitches["projet-4"]), True, "orga@example.org")
        db.session.commit()
        stamp = scoring.last_change(day.event_id)
    page = client.get(f"/organisation/notes/{day.slug}").get_data(as_text=True)
    assert f'data-stream="/organisation/notes/{day.slug}/flux?depuis={stamp}"' in page
