"""The programme under load: a revalidation costs no query and no rendering; a local edit shows at once."""

from __future__ import annotations

import pytest
from sqlalchemy import event as sa_event

from pitchday.extensions import db
from pitchday.public.caching import public_memo
from tests.builders import import_event, publish_by_hand


@pytest.fixture
def event(ctx, rouen):
    event = import_event(rouen)
    publish_by_hand(event)
    return event


@pytest.fixture
def statements(ctx):
    """Every SQL statement the app sends while the test runs."""
    sent: list[str] = []

    def record(_connection, _cursor, statement, *_args) -> None:
        sent.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    yield sent
    sa_event.remove(db.engine, "before_cursor_execute", record)


def test_a_revalidated_programme_costs_no_query_and_no_rendering(client, event, statements, monkeypatch):
    db.session.commit()  # the fixture's own changes, committed here, would clear the memo at the first request
    page = f"/e/{event.slug}"
    first = client.get(page)
    statements.clear()
    monkeypatch.setattr("pitchday.public.views.render_template", lambda *_a, **_k: pytest.fail("rendered"))

    again = client.get(page, headers={"If-None-Match": first.headers["ETag"]})
    fresh = client.get(page)

    assert again.status_code == 304
    assert fresh.status_code == 200 and fresh.get_data() == first.get_data()
    assert statements == []


def test_other_changes_than_marks_clear_the_memo(client, event):
    db.session.commit()
    client.get(f"/e/{event.slug}")
    memo = public_memo()
    assert memo._values

    event.venue = "Kindarena, Rouen"
    db.session.commit()

    assert not memo._values
    assert "Kindarena, Rouen" in client.get(f"/e/{event.slug}").get_data(as_text=True)


def test_an_organiser_gets_a_page_of_their_own(client, event, monkeypatch):
    """The rendered copy is for visitors: a flashed message is never served to someone else."""
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Message pour une seule personne")]
    assert "Message pour une seule personne" in client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert "Message pour une seule personne" not in client.get(f"/e/{event.slug}").get_data(as_text=True)
