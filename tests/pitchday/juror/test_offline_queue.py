"""The server side of the tablets' offline queue: each item applied once, the latest change of each mark wins
whatever order the items arrive in, and two devices of one juror both leave their changes in the audit."""

from __future__ import annotations

from datetime import timedelta

from pitchday.extensions import db
from pitchday.models import JurorComment, JurorDevice, Score, ScoreAudit, ScoreSubmission
from pitchday.services import scoring
from tests.builders import DURING_THE_DAY, clock, day  # noqa: F401 (fixtures)

T0 = 1_700_000_000_000  # a device's clock, in milliseconds: only differences between its readings matter


def send(
    client,
    day,
    item,
    *,
    sent_at,
    device="tablet-0001",
    pending=0,
    juror="uimm-1",  # noqa: F811
    pitch="aurthus-et-paole",
):
    body = dict(item, sent_at=sent_at, device={"id": device, "pending": pending, "kind": "tablet"})
    return client.post(f"/jury/{day.tokens[juror]}/pitchs/{day.pitches[pitch]}/notes", json=body)


def item(client_id, changed_at, scores=None, comment=None):
    body = {"client_id": client_id, "changed_at": changed_at, "scores": scores or {}}
    if comment is not None:
        body["comment"] = comment
    return body


def marks(app, day):  # noqa: F811
    with app.app_context():
        return dict(db.session.execute(db.select(Score.criterion_id, Score.value)).all())


def audit(app):
    with app.app_context():
        return [
            (row.action, row.before, row.after, row.device_id)
            for row in db.session.execute(db.select(ScoreAudit).order_by(ScoreAudit.id)).scalars()
        ]


def test_a_queue_sent_in_order_ends_with_its_last_change(app, client, day):  # noqa: F811
    c = str(day.criteria[0])
    queue = [item(f"queue-item-{n}", T0 + n * 1000, {c: value}) for n, value in enumerate((3, 5, 8))]

    for sent in queue:
        assert send(client, day, sent, sent_at=T0 + 10_000).status_code == 200

    assert marks(app, day) == {int(c): 8}
    assert [row[:3] for row in audit(app)] == [("score", None, 3), ("score", 3, 5), ("score", 5, 8)]


def test_the_same_queue_arriving_out_of_order_ends_the_same(app, client, day):  # noqa: F811
    """pagehide sends every item at once: they may overtake each other on the way."""
    c = str(day.criteria[0])
    queue = [item(f"queue-item-{n}", T0 + n * 1000, {c: value}) for n, value in enumerate((3, 5, 8))]

    for sent in (queue[2], queue[0], queue[1]):
        assert send(client, day, sent, sent_at=T0 + 10_000).status_code == 200

    assert marks(app, day) == {int(c): 8}
    assert [row[:3] for row in audit(app)] == [
        ("score", None, 8),
        ("score_superseded", 8, 3),
        ("score_superseded", 8, 5),
    ]


def test_a_resent_queue_is_applied_once(app, client, day):  # noqa: F811
    """After a lost answer, and at the next page load, the whole queue goes again with the same ids."""
    first, second = (str(c) for c in day.criteria[:2])
    queue = [
        item("resend-item-1", T0, {first: 4}),
        item("resend-item-2", T0 + 500, {second: 6}),
        item("resend-item-3", T0 + 900, comment="Bien."),
    ]
    answers = [send(client, day, sent, sent_at=T0 + 2000).json for sent in queue]

    again = [send(client, day, sent, sent_at=T0 + 60_000, pending=2 - n).json for n, sent in enumerate(queue)]

    assert [answer | {"replayed": True} for answer in answers] == again
    assert marks(app, day) == {int(first): 4, int(second): 6}
    assert len(audit(app)) == 3
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(ScoreSubmission)).scalar_one() == 3
        assert db.session.execute(db.select(JurorComment.text)).scalar_one() == "Bien."


def test_two_devices_of_one_juror_the_latest_change_wins_and_both_are_audited(app, client, day, clock):  # noqa: F811
    """A tablet dies with a change in its queue; the juror goes on on a phone; the tablet comes back later."""
    c = str(day.criteria[0])
    # 10:10: the tablet, offline, queues 4 (its clock is 7 minutes fast: it does not matter).
    tablet_clock = T0 + 7 * 60_000
    tablet_change = item("tablet-item-1", tablet_clock, {c: 4}, comment="Vu sur tablette")
    # 10:12: the phone sends 7 at once.
    clock[0] = DURING_THE_DAY + timedelta(minutes=2)
    assert (
        send(
            client,
            day,
            item("phone-item-1", T0, {c: 7}, comment="Vu sur téléphone"),
            sent_at=T0,
            device="phone-00001",
        ).status_code
        == 200
    )
    # 10:20: the tablet is back and sends what it held for ten minutes.
    clock[0] = DURING_THE_DAY + timedelta(minutes=10)
    answer = send(client, day, tablet_change, sent_at=tablet_clock + 10 * 60_000, device="tablet-0001").json

    assert answer["scores"] == {c: 7} and answer["comment"] == "Vu sur téléphone"
    assert answer["changed"] == 0 and answer["superseded"] == 2
    assert marks(app, day) == {int(c): 7}
    assert [(action, before, after, device) for action, before, after, device in audit(app)] == [
        ("score", None, 7, "phone-00001"),
        ("comment", None, None, "phone-00001"),
        ("score_superseded", 7, 4, "tablet-0001"),
        ("comment_superseded", None, None, "tablet-0001"),
    ]
    # And a change the tablet makes now, later than the phone's, wins.
    assert send(client, day, item("tablet-item-2", T0, {c: 9}), sent_at=T0, device="tablet-0001").json[
        "scores"
    ] == {c: 9}


def test_a_device_s_changes_keep_their_order_when_the_first_request_was_slow_on_the_way(
    app, client, day, clock
):  # noqa: F811
    """The queue sends an item after the previous one's answer: a first request held up in the network
    makes the second wait long on the device, so by its wait alone the second looks older than the first."""
    c = str(day.criteria[0])
    clock[0] = DURING_THE_DAY + timedelta(seconds=5)  # sent at once, five seconds on the way
    assert send(client, day, item("slow-item-1", T0, {c: 3}) | {"order": 1}, sent_at=T0).status_code == 200
    clock[0] = DURING_THE_DAY + timedelta(seconds=5, milliseconds=200)
    second = item("slow-item-2", T0 + 100, {c: 5}) | {"order": 2}
    assert send(client, day, second, sent_at=T0 + 5100).json["scores"] == {c: 5}

    assert marks(app, day) == {int(c): 5}
    assert [row[:3] for row in audit(app)] == [("score", None, 3), ("score", 3, 5)]


def test_a_device_s_earlier_change_arriving_last_does_not_undo_its_later_one(app, client, day, clock):  # noqa: F811
    """pagehide sends everything at once; the first item, held up on the way, arrives after the second."""
    c = str(day.criteria[0])
    later = item("held-item-2", T0 + 100, {c: 8}) | {"order": 2}
    earlier = item("held-item-1", T0, {c: 2}) | {"order": 1}
    assert send(client, day, later, sent_at=T0 + 200).status_code == 200
    clock[0] = DURING_THE_DAY + timedelta(seconds=30)  # thirty seconds late, with no wait on the device
    assert send(client, day, earlier, sent_at=T0 + 200).json["superseded"] == 1

    assert marks(app, day) == {int(c): 8}
    assert [row[:3] for row in audit(app)] == [("score", None, 8), ("score_superseded", 8, 2)]


def test_a_nonsense_order_is_ignored_and_the_change_still_saved(app, client, day):  # noqa: F811
    c = str(day.criteria[0])
    for n, order in enumerate((-1, True, "2", 2**60, 1.5, None)):
        body = item(f"odd-order-{n}", T0 + n, {c: n + 1}) | {"order": order}
        assert send(client, day, body, sent_at=T0 + n).status_code == 200
    assert marks(app, day) == {int(c): 6}


def test_the_moment_of_a_change_comes_from_how_long_it_waited_on_the_device():
    received = DURING_THE_DAY
    assert scoring.moment_of_change(T0, T0 + 90_000, received) == received - timedelta(seconds=90)
    assert scoring.moment_of_change(T0 + 5000, T0, received) == received  # a clock that went back: now
    assert scoring.moment_of_change(None, T0, received) == received
    assert scoring.moment_of_change("yesterday", T0, received) == received
    assert scoring.moment_of_change(True, T0, received) == received
    assert scoring.moment_of_change(0, 10**15, received) == received - scoring.OLDEST_QUEUED_CHANGE


def test_each_autosave_reports_the_device_and_what_it_still_holds(app, client, day):  # noqa: F811
    c = str(day.criteria[0])
    send(client, day, item("report-item-1", T0, {c: 2}), sent_at=T0, pending=3)
    with app.app_context():
        device = db.session.execute(db.select(JurorDevice)).scalar_one()
        assert (device.device_id, device.pending, device.kind) == ("tablet-0001", 3, "tablet")

    send(client, day, item("report-item-2", T0 + 1, {c: 3}), sent_at=T0 + 2, pending=0)
    with app.app_context():
        assert db.session.execute(db.select(JurorDevice.pending)).scalar_one() == 0


def test_a_malformed_device_report_never_refuses_the_marks(app, client, day):  # noqa: F811
    c = str(day.criteria[0])
    body = item("bad-report-1", T0, {c: 5}) | {"sent_at": "soon", "device": {"id": "<script>", "pending": -4}}
    response = client.post(
        f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}/notes", json=body
    )

    assert response.status_code == 200
    assert marks(app, day) == {int(c): 5}
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(JurorDevice)).scalar_one() == 0


def test_a_refused_change_answers_with_the_marks_as_stored(app, client, day):  # noqa: F811
    c = str(day.criteria[0])
    send(client, day, item("stored-item-1", T0, {c: 3}), sent_at=T0)
    with app.app_context():
        from pitchday.models import Pitch

        scoring.set_lock(db.session.get(Pitch, day.pitches["aurthus-et-paole"]), True, "orga@example.org")
        db.session.commit()

    response = send(client, day, item("stored-item-2", T0 + 1, {c: 4}), sent_at=T0 + 2)

    assert response.status_code == 409
    assert response.json["sheet"] == {
        "pitch": day.pitches["aurthus-et-paole"],
        "locked": True,
        "comment": "",
        "scores": {c: 3},
        "feedback": {"strengths": "", "improvements": "", "follow_up": False},
    }


def test_the_state_of_an_open_sheet_and_of_the_day(app, client, day):  # noqa: F811
    token, pitch = day.tokens["uimm-1"], day.pitches["aurthus-et-paole"]
    sheet = client.get(f"/jury/{token}/etat?pitch={pitch}&device=tablet-0001&pending=2&kind=tablet").json
    assert sheet["sheet"] == {
        "pitch": pitch,
        "locked": False,
        "comment": "",
        "scores": {},
        "feedback": {"strengths": "", "improvements": "", "follow_up": False},
    }
    assert sheet["csrf_token"]
    with app.app_context():
        assert db.session.execute(db.select(JurorDevice.pending)).scalar_one() == 2

    whole_day = client.get(f"/jury/{token}/etat").json
    assert whole_day["locks"] == {
        str(day.pitches[key]): False for key in ("mijuin-malaunay", "aurthus-et-paole", "touroul-chevalerie")
    }
    # Another panel's pitch: nothing of it.
    assert client.get(f"/jury/{token}/etat?pitch={day.pitches['projet-4']}").json["sheet"] is None


def test_the_audit_page_shows_a_superseded_change_and_its_device(app, client, day):  # noqa: F811
    from tests.builders import create_organiser, login

    c = str(day.criteria[0])
    send(client, day, item("late-item-1", T0, {c: 7}), sent_at=T0, device="phone-00001")
    send(
        client, day, item("late-item-2", T0, {c: 4}), sent_at=T0 + 60_000, device="tablet-0001"
    )  # made earlier
    with app.app_context():
        create_organiser()
    login(client)

    page = client.get(f"/organisation/notes/{day.slug}/journal").get_data(as_text=True)

    assert page.count("non appliqué : un changement fait plus tard est déjà enregistré") == 1
    assert "(appareil phon)" in page and "(appareil tabl)" in page
