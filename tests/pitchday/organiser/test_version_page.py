"""The version page: the grid drawn to time, the drop's answers, the day-of view, and issue 13's layout defects."""

from __future__ import annotations

import re

import pytest

from pitchday.extensions import db
from pitchday.models import ScheduleVersion
from pitchday.services import locks, versions
from pitchday.services.agenda import format_clock


def page_of(client, version: ScheduleVersion, query: str = "") -> str:
    response = client.get(f"/organisation/evenements/{version.event.slug}/versions/{version.id}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def move_url(version: ScheduleVersion) -> str:
    return f"/organisation/evenements/{version.event.slug}/versions/{version.id}/deplacer"


def version_count() -> int:
    return db.session.execute(db.select(db.func.count(ScheduleVersion.id))).scalar_one()


def test_each_item_of_the_grid_carries_its_minutes(organiser_client, draft):
    page = page_of(organiser_client, draft)
    for session in draft.sessions:
        assert re.search(
            rf'class="grid-item[^"]*" data-start="{session.start_min}" data-end="{session.end_min}"', page
        )
    assert 'class="grid-break" data-start="750" data-end="840"' in page  # Thursday's lunch, in each room
    assert re.search(r'data-start="570"\s+data-end="1050"\s+data-step="5"', page)  # Thursday, 09:30 to 17:30


def test_a_refused_drop_answers_the_reasons_as_json_and_makes_nothing(organiser_client, draft):
    session = next(s for s in draft.sessions if s.date.isoformat() == "2023-11-30")
    before = version_count()
    response = organiser_client.post(
        move_url(draft),
        data={"pitch": session.pitch.key, "day": "2023-11-30", "start": "13:00", "room": "amphi"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 422
    assert response.json["refused"] is True
    assert any("empiète sur une pause" in reason for reason in response.json["reasons"])
    assert version_count() == before

    response = organiser_client.post(
        move_url(draft),
        data={"pitch": session.pitch.key, "day": "2023-11-30", "start": "1pm", "room": "amphi"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 422 and "HH:MM" in " ".join(response.json["reasons"])


def test_an_accepted_drop_answers_the_new_draft_address(organiser_client, draft):
    session = draft.sessions[0]
    # The same place, one room over and a free pitch's worth later, is not always allowed: try until one is.
    for start in range(session.start_min + 5, 17 * 60, 5):
        response = organiser_client.post(
            move_url(draft),
            data={
                "pitch": session.pitch.key,
                "day": session.date.isoformat(),
                "start": format_clock(start),
                "room": session.room.key,
            },
            headers={"Accept": "application/json"},
        )
        if response.status_code == 200:
            break
        assert response.status_code == 422
    else:
        pytest.fail("no later start for this pitch holds")
    made = db.session.get(ScheduleVersion, response.json["version_id"])
    assert made.number is None and made.id != draft.id
    assert response.json["url"].endswith(f"/versions/{made.id}")
    moved = next(s for s in made.sessions if s.pitch.key == session.pitch.key)
    assert moved.start_min == start


def test_a_refused_move_keeps_the_values_of_the_form(organiser_client, draft):
    """Defect 6: the refusal came back to the first pitch with an empty time."""
    session = draft.sessions[-1]
    response = organiser_client.post(
        move_url(draft),
        data={"pitch": session.pitch.key, "day": "2023-11-30", "start": "13:00", "room": "salle-b"},
        follow_redirects=True,
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Déplacement refusé" in page and "empiète sur une pause" in page
    assert re.search(rf'<option selected value="{session.pitch.key}">', page)
    assert re.search(r'<option selected value="salle-b">', page)
    assert re.search(r'name="start"[^>]*value="13:00"', page)


def test_the_lock_mark_is_no_emoji(organiser_client, draft):
    """Defect 6: 🔒 shows as an empty box without an emoji font."""
    locks.lock_session(draft.sessions[0])
    locks.lock_juror(draft.sessions[1].pitch, draft.sessions[1].seats[0].expert)
    db.session.commit()
    page = page_of(organiser_client, draft)
    assert "🔒" not in page
    assert page.count('class="tag lock-mark"><svg') == 1
    assert 'aria-label="verrouillé dans ce jury"' in page


def test_the_time_fields_say_hh_mm(organiser_client, draft):
    """Defect 6: the delay's time field had no HH:MM hint."""
    versions.publish(draft)
    db.session.commit()
    page = page_of(organiser_client, draft)
    for form_id, hint in (("delay-form", "delay-after-hint"), ("absent-form", "absent-after-hint")):
        form = page[page.index(f'id="{form_id}"') :]
        form = form[: form.index("</form>")]
        assert re.search(r'name="after"[^>]*placeholder="HH:MM"', form) or re.search(
            r'placeholder="HH:MM"[^>]*name="after"', form
        )
        assert f'aria-describedby="{hint}"' in form
        assert re.search(rf'id="{hint}">Format HH:MM, par exemple 14:30<', form)


def test_the_score_table_says_which_way_is_better(organiser_client, draft):
    """Defect 6: nowhere said that a higher score is better."""
    page = page_of(organiser_client, draft)
    assert "Plus le score est élevé, meilleur est le planning" in page
    organiser_client.get("/langue/en")
    page = page_of(organiser_client, draft)
    assert "The higher the score, the better the schedule" in page


def test_the_day_actions_come_before_the_grid(organiser_client, draft):
    """Defect 6: « Le jour J » (delay, absent juror) was at the very bottom of a 3,000 px page."""
    versions.publish(draft)
    db.session.commit()
    page = page_of(organiser_client, draft)
    assert page.index('id="day-of-title"') < page.index('class="time-grid')


def test_the_day_of_view_opens_the_page_while_the_event_runs(organiser_client, draft):
    versions.publish(draft)
    db.session.commit()
    thursday = sorted(
        (s for s in draft.sessions if s.date.isoformat() == "2023-11-30"), key=lambda s: s.start_min
    )
    first = thursday[0]
    moment = first.start_min + 5
    page = page_of(organiser_client, draft, f"?now=2023-11-30T{format_clock(moment)}")

    assert 'class="panel day-of"' in page
    table = page[page.index('id="now-next"') : page.index("</table>", page.index('id="now-next"'))]
    row = table[table.index(f'data-room="{first.room.key}"') :]
    assert first.pitch.company in row[: row.index("</tr>")]
    later = min(s.start_min for s in thursday if s.start_min > first.start_min)
    assert re.search(rf'name="after"[^>]*value="{format_clock(later)}"', page)
    # The page's own forms keep the chosen moment: the demo of the day goes on after an action.
    assert f"/retard?now=2023-11-30T{format_clock(moment)}" in page.replace("%3A", ":")


def test_no_day_of_view_outside_the_event(organiser_client, draft):
    versions.publish(draft)
    db.session.commit()
    for moment in ("2023-11-29T10:00", "2023-11-30T08:00", "2023-11-30T21:00"):
        page = page_of(organiser_client, draft, f"?now={moment}")
        assert 'class="panel day-of"' not in page and 'id="day-of-title"' in page  # the actions, not the day


def test_a_bad_now_is_refused_in_words_and_the_page_still_shows(organiser_client, draft):
    page = page_of(organiser_client, draft, "?now=demain")
    assert "n&#39;est pas une date et heure" in page or "n'est pas une date et heure" in page
    assert 'class="time-grid' in page


def test_the_version_page_in_english_has_none_of_its_french(organiser_client, draft):
    from babel.messages.pofile import read_po
    from markupsafe import escape

    from tests.pitchday.test_translations import PO_FILE

    with PO_FILE.open("rb") as po:
        french = [
            message.id
            for message in read_po(po)
            if isinstance(message.id, str)
            and any(path.endswith("organiser/version.html") for path, _line in message.locations)
            and message.id != message.string
            and "%(" not in message.id
            and len(message.id) > 4
        ]
    versions.publish(draft)
    db.session.commit()
    organiser_client.get("/langue/en")
    for query in ("", "?now=2023-11-30T10:10"):
        page = page_of(organiser_client, draft, query)
        assert '<html lang="en">' in page
        for room in draft.event.rooms:  # the event's own names (« Salle B ») are no interface text
            page = page.replace(room.name, "")
        assert [text for text in french if str(escape(text)) in page or text in page] == [], query
    assert "On the day" in page and "Now / Next" in page and "The higher the score" in page


def test_deplacer_on_a_pitch_fills_the_form_without_scripts(organiser_client, draft):
    """The keyboard way, even without JavaScript: « Déplacer… » opens the page with the form filled in."""
    session = draft.sessions[-1]
    page = page_of(organiser_client, draft)
    assert f"?deplacer={session.pitch.key}#move-form" in page

    page = page_of(organiser_client, draft, f"?deplacer={session.pitch.key}")

    form = page[page.index('id="move-form"') : page.index("</form>", page.index('id="move-form"'))]
    assert re.search(rf'<option selected value="{session.pitch.key}">', form)
    assert re.search(rf'<option selected value="{session.date.isoformat()}">', form)
    assert re.search(rf'name="start"[^>]*value="{format_clock(session.start_min)}"', form)
    assert re.search(rf'<option selected value="{session.room.key}">', form)
