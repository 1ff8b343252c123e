"""HTTP validators: an unchanged page or feed answers 304 to a conditional request."""

from __future__ import annotations

import pytest

from tests.builders import THURSDAY, import_event, publish_by_hand, publish_delay


@pytest.fixture
def event(ctx, rouen):
    event = import_event(rouen)
    publish_by_hand(event)
    return event


@pytest.mark.parametrize(
    "path",
    [
        "",
        "?secteur=textile",
        "/resultats",
        "/agenda.ics",
        "/agenda/salle/amphi.ics",
        "/maintenant.json?now=2023-11-30T10:05",
    ],
)
def test_unchanged_answers_304(client, event, path):
    url = f"/e/{event.slug}{path}"
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"] and "public" in first.headers["Cache-Control"]

    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


def test_last_modified_validates_the_agenda(client, event):
    first = client.get(f"/e/{event.slug}")

    again = client.get(f"/e/{event.slug}", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 304


def test_language_changes_the_etag(app, client, rouen):
    with app.app_context():  # each request below then works out its own language
        slug = import_event(rouen).slug
    french = client.get(f"/e/{slug}", headers={"Accept-Language": "fr"})

    english = client.get(
        f"/e/{slug}", headers={"If-None-Match": french.headers["ETag"], "Accept-Language": "en"}
    )
    assert english.status_code == 200
    assert '<html lang="en">' in english.get_data(as_text=True)


def test_filters_and_new_versions_change_the_etag(client, event):
    url = f"/e/{event.slug}"
    etag = client.get(url).headers["ETag"]

    assert client.get(url + "?secteur=industrie").headers["ETag"] != etag

    publish_delay(event, THURSDAY, after="10:00")
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "version 2" in response.get_data(as_text=True)


def test_now_feed_changes_when_a_delay_is_published(client, event):
    url = f"/e/{event.slug}/maintenant.json?now=2023-11-30T10:02"
    first = client.get(url)
    assert first.json["rooms"][0]["next"]["start"] == "10:05"

    publish_delay(event, THURSDAY, after="10:00")
    response = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    assert response.json["version"] == 2
    assert response.json["rooms"][0]["next"]["start"] == "10:20"


def test_versioned_static_files_are_cached_for_long(client, event):
    page = client.get(f"/e/{event.slug}").get_data(as_text=True)
    script = page[page.index("/static/js/public.js") :].split('"')[0]

    response = client.get(script)
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 3600
    response.close()


def test_an_edit_under_the_same_version_changes_the_etag(client, event):
    from pitchday.extensions import db

    etag = client.get(f"/e/{event.slug}").headers["ETag"]
    event.pitches[0].company = "Mijuin SAS"
    db.session.commit()

    response = client.get(f"/e/{event.slug}", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Mijuin SAS" in response.get_data(as_text=True)
