"""The whole path of the feedback for a company: jurors write it on their sheets, the organiser moderates
and releases it, the company's private link shows exactly what was released (page and PDF), a revoked link
answers 404, and a release mails the link to the company's contact through a real SMTP server."""

from __future__ import annotations

import io
import re
import time

import pytest
from pypdf import PdfReader

from pitchday.extensions import db
from pitchday.models import FeedbackLink, JournalEntry, OutboundMail, Pitch
from pitchday.services import feedback
from tests.builders import clock, create_organiser, day, login, published_scoring_day  # noqa: F401 (fixtures)

PANEL = ("uimm-1", "cetim-1", "am-1")  # the jurors of aurthus-et-paole
WRITTEN = {
    "uimm-1": {
        "strengths": "Prototype déjà chez deux clients",
        "improvements": "Chiffrer le coût du foncier",
        "follow_up": True,
        "comment": "PRIVÉ : dossier fragile côté banque",
    },
    "cetim-1": {
        "strengths": "Équipe industrielle solide",
        "improvements": "Texte à reformuler brutalement",
        "follow_up": False,
    },
    "am-1": {"strengths": "SECRET À MASQUER", "improvements": "Critique injuste", "follow_up": True},
}


def autosave(client, day, juror, pitch, body):  # noqa: F811
    response = client.post(f"/jury/{day.tokens[juror]}/pitchs/{day.pitches[pitch]}/notes", json=body)
    assert response.status_code == 200, response.json
    return response.json


def jurors_write(client, day, marks=None):  # noqa: F811
    """Each juror of the panel marks every criterion and writes their feedback, as the tablet sends it."""
    marks = marks or {"uimm-1": 8, "cetim-1": 6, "am-1": 7}
    for juror in PANEL:
        scores = {str(criterion): marks[juror] for criterion in day.criteria}
        autosave(client, day, juror, "aurthus-et-paole", {"client_id": f"marks-{juror}", "scores": scores})
        autosave(client, day, juror, "aurthus-et-paole", {"client_id": f"feedback-{juror}", **WRITTEN[juror]})
    # Another pitch, lower: the event's averages differ from this pitch's.
    scores = {str(criterion): 2 for criterion in day.criteria}
    autosave(client, day, "uimm-1", "touroul-chevalerie", {"client_id": "marks-other", "scores": scores})


@pytest.fixture
def organiser(app, client, day):  # noqa: F811
    with app.app_context():
        create_organiser()
    client_ = app.test_client()
    login(client_)
    return client_


def pitch_url(day, suffix=""):  # noqa: F811
    return f"/organisation/notes/{day.slug}/retours/{day.pitches['aurthus-et-paole']}{suffix}"


def company_url(app, day) -> str:  # noqa: F811
    with app.app_context():
        link = (
            db.session.execute(
                db.select(FeedbackLink).filter_by(pitch_id=day.pitches["aurthus-et-paole"], revoked_at=None)
            )
            .scalars()
            .first()
        )
        return f"/retour/{link.token}"


def moderate_and_release(organiser, day):  # noqa: F811
    """Reword cetim-1's improvement, hide am-1, show the rank, release."""
    assert (
        organiser.post(
            pitch_url(day, "/jures/cetim-1"),
            data={
                "strengths": "Équipe industrielle solide",
                "improvements": "Préciser le plan de financement",
            },
        ).status_code
        == 302
    )
    assert organiser.post(pitch_url(day, "/jures/am-1/masquer")).status_code == 302
    assert organiser.post(pitch_url(day, "/rang")).status_code == 302
    assert organiser.post(pitch_url(day, "/publier")).status_code == 302


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_organiser_reads_each_jurors_feedback_with_their_name(app, client, day, organiser):  # noqa: F811
    jurors_write(client, day)

    page = organiser.get(pitch_url(day)).get_data(as_text=True)

    for juror in PANEL:
        assert WRITTEN[juror]["strengths"] in page
    assert "Expert UIMM 1" in page and "Propose un suivi au nom de UIMM" in page
    assert "PRIVÉ" not in page  # the private comment stays on the board, not among the company's feedback
    overview = organiser.get(f"/organisation/notes/{day.slug}/retours").get_data(as_text=True)
    assert "Aurthus et Paole" in overview and "non publié" in overview


def test_the_company_link_shows_exactly_what_was_released(app, client, day, organiser):  # noqa: F811
    jurors_write(client, day)
    assert organiser.post(pitch_url(day, "/lien")).status_code == 302  # a link before the release
    url = company_url(app, day)
    before = client.get(url).get_data(as_text=True)
    assert "pas encore disponible" in before
    for juror in PANEL:
        assert WRITTEN[juror]["strengths"] not in before
    assert client.get(f"{url}/retour.pdf").status_code == 404

    moderate_and_release(organiser, day)
    response = client.get(url)
    page = visible_text(response.get_data(as_text=True))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Prototype déjà chez deux clients" in page and "Équipe industrielle solide" in page
    assert "Chiffrer le coût du foncier" in page and "Préciser le plan de financement" in page
    # Edited words replace the juror's, hidden feedback is gone (its follow-up offer too), no juror's name.
    for absent in (
        "Texte à reformuler brutalement",
        "SECRET À MASQUER",
        "Critique injuste",
        "PRIVÉ",
        "Expert UIMM 1",
        "Expert CETIM 1",
        "Expert AM 1",
        "Arts et Métiers",
    ):
        assert absent not in page, absent
    assert "Ces organisations proposent de suivre votre projet : UIMM" in page
    # Marks: 8, 6 (7 hidden with its text but still a mark) -> 7 on every criterion; the event's 5,75.
    assert page.count("7") >= len(day.criteria)
    assert "5,8" in page
    assert "Votre rang : 1 sur 2 projets classés." in page
    assert "<svg" in response.get_data(as_text=True) and "<script" not in response.get_data(as_text=True)


def test_the_pdf_says_the_same_in_french_and_in_english(app, client, day, organiser):  # noqa: F811
    jurors_write(client, day)
    moderate_and_release(organiser, day)
    url = company_url(app, day)

    french = client.get(f"{url}/retour.pdf?lang=fr")
    english = client.get(f"{url}/retour.pdf?lang=en")

    for response in (french, english):
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        reader = PdfReader(io.BytesIO(response.data))
        width, height = (float(v) for v in reader.pages[0].mediabox[2:])
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        fonts = {str(font) for page in reader.pages for font in _fonts_of(page)}
        # Only the fonts shipped with the app (pdf.py names them "PitchDay Sans"), never a system font.
        assert fonts and all("PitchDay-Sans" in font for font in fonts), fonts
    french_text = pdf_text(french.data)
    english_text = pdf_text(english.data)
    assert "Points forts" in french_text and "Pistes d'amélioration" in french_text
    assert "Strengths" in english_text and "Areas for improvement" in english_text
    for text in (french_text, english_text):
        assert "Prototype déjà chez deux clients" in text and "Préciser le plan de financement" in text
        assert "UIMM" in text
        for absent in ("SECRET À MASQUER", "Critique injuste", "Texte à reformuler", "PRIVÉ", "Expert"):
            assert absent not in text
    assert "5,8" in french_text and "5.8" in english_text


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text).replace("’", "'")


def _fonts_of(page):
    resources = page["/Resources"]
    return [font["/BaseFont"] for font in resources["/Font"].values()] if "/Font" in resources else []


def test_the_rank_is_shown_only_when_the_organiser_chooses(app, client, day, organiser):  # noqa: F811
    jurors_write(client, day)
    assert organiser.post(pitch_url(day, "/publier")).status_code == 302

    assert "Votre rang" not in client.get(company_url(app, day)).get_data(as_text=True)
    organiser.post(pitch_url(day, "/rang"))
    assert "Votre rang" in client.get(company_url(app, day)).get_data(as_text=True)


def test_a_withdrawn_release_shows_nothing_and_a_revoked_link_answers_404(app, client, day, organiser):  # noqa: F811
    jurors_write(client, day)
    moderate_and_release(organiser, day)
    url = company_url(app, day)
    assert "Prototype" in client.get(url).get_data(as_text=True)

    organiser.post(pitch_url(day, "/retirer"))
    withdrawn = client.get(url).get_data(as_text=True)
    assert "Prototype" not in withdrawn and "pas encore disponible" in withdrawn

    organiser.post(pitch_url(day, "/lien/revoquer"))
    revoked = client.get(url)
    assert revoked.status_code == 404 and "plus) valable" in revoked.get_data(as_text=True)
    assert client.get(f"{url}/retour.pdf").status_code == 404

    organiser.post(pitch_url(day, "/lien"))  # replaced: the new link works, the old one still does not
    assert company_url(app, day) != url and client.get(url).status_code == 404
    organiser.post(pitch_url(day, "/publier"))
    assert "Prototype" in client.get(company_url(app, day)).get_data(as_text=True)


def test_each_moderation_step_is_in_the_organisers_journal(app, client, day, organiser):  # noqa: F811
    jurors_write(client, day)
    moderate_and_release(organiser, day)
    organiser.post(pitch_url(day, "/retirer"))
    organiser.post(pitch_url(day, "/jures/am-1/montrer"))
    organiser.post(pitch_url(day, "/lien"))

    with app.app_context():
        entries = (
            db.session.execute(
                db.select(JournalEntry)
                .where(JournalEntry.action.like("feedback.%"))
                .order_by(JournalEntry.id)
            )
            .scalars()
            .all()
        )
        assert [entry.action for entry in entries] == [
            "feedback.edited",
            "feedback.hidden",
            "feedback.rank_shown",
            "feedback.link_issued",
            "feedback.released",
            "feedback.withdrawn",
            "feedback.shown",
            "feedback.link_revoked",
            "feedback.link_issued",
        ]
        assert {entry.actor_email for entry in entries} == {"orga@example.org"}
        assert entries[0].subject == "Aurthus et Paole — Expert CETIM 1"
        assert entries[0].before["improvements"] == "Texte à reformuler brutalement"
        assert entries[0].after["improvements"] == "Préciser le plan de financement"
    journal = organiser.get(f"/organisation/evenements/{day.slug}/journal").get_data(as_text=True)
    assert "Retour publié pour l&#39;entreprise" in journal or "Retour publié pour l'entreprise" in journal


def test_the_juror_words_stay_on_record_under_the_edit(app, client, day, organiser):  # noqa: F811
    jurors_write(client, day)
    organiser.post(
        pitch_url(day, "/jures/cetim-1"),
        data={"strengths": "Équipe industrielle solide", "improvements": "Préciser le plan de financement"},
    )

    with app.app_context():
        row = feedback.feedback_of_juror(db.session.get(Pitch, day.pitches["aurthus-et-paole"]), "cetim-1")
        assert row.improvements == "Texte à reformuler brutalement"
        assert feedback.shown_improvements(row) == "Préciser le plan de financement"
    page = organiser.get(pitch_url(day)).get_data(as_text=True)
    assert "Texte écrit par le juré" in page and "Texte à reformuler brutalement" in page


def test_the_company_page_in_english(app, client, day, organiser):  # noqa: F811
    jurors_write(client, day)
    moderate_and_release(organiser, day)
    url = company_url(app, day)

    by_parameter = visible_text(client.get(f"{url}?lang=en").get_data(as_text=True))
    by_browser = visible_text(
        client.get(url, headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    )

    for page in (by_parameter, by_browser):
        assert "Strengths" in page and "Areas for improvement" in page and "Download as PDF" in page
        assert "Your rank: 1 of 2 ranked projects." in page
        assert "Points forts" not in page
        assert "5.8" in page


@pytest.mark.parametrize(
    "path",
    [
        "/retour/x",
        "/retour/" + "a" * 64,
        "/retour/" + "a" * 65,
        "/retour/%00abc",
        "/retour/'%20OR%201=1--",
        "/retour/..%2F..%2Fetc%2Fpasswd",
        "/retour/x/retour.pdf",
        "/retour/" + "é" * 300 + "/retour.pdf",
    ],
)
def test_hostile_company_links_answer_404(client, day, path):  # noqa: F811
    response = client.get(path)
    assert response.status_code == 404


def test_hostile_input_to_the_moderation_routes_is_refused_without_a_500(app, client, day, organiser):  # noqa: F811
    jurors_write(client, day)
    edit = pitch_url(day, "/jures/cetim-1")

    too_long = organiser.post(edit, data={"strengths": "x" * 5001, "improvements": ""})
    nul = organiser.post(edit, data={"strengths": "a\x00b", "improvements": ""})
    as_json = organiser.post(edit, json={"strengths": {"$ne": 1}, "improvements": [1, 2]})
    unknown_juror = organiser.post(pitch_url(day, "/jures/nobody"), data={"strengths": "x"})
    unknown_pitch = organiser.post(f"/organisation/notes/{day.slug}/retours/999999/publier")
    huge_pitch = organiser.get(f"/organisation/notes/{day.slug}/retours/99999999999999999999")
    other_panel = organiser.post(pitch_url(day, "/jures/uimm-2/masquer"))

    assert too_long.status_code == 422 and "5000" in too_long.get_data(as_text=True)
    assert nul.status_code == 422
    assert as_json.status_code in (302, 422)
    assert unknown_juror.status_code == 302
    assert "aucun retour" in organiser.get(pitch_url(day)).get_data(as_text=True)
    assert unknown_pitch.status_code == huge_pitch.status_code == 404
    assert other_panel.status_code == 302
    with app.app_context():
        row = feedback.feedback_of_juror(db.session.get(Pitch, day.pitches["aurthus-et-paole"]), "cetim-1")
        assert row.edited_strengths is None and row.edited_improvements is None  # nothing saved


# --- The release mail, through a real SMTP server ------------------------------------------------


@pytest.fixture
def mail_day(make_app, smtp_server, rouen, clock):  # noqa: F811
    app = make_app(**smtp_server.config(), MAIL_RETRY_DELAYS=(0.1, 0.1))
    rouen["pitches"] = [
        dict(pitch, contact_email="fondatrice@aurthus.example")
        if pitch["id"] == "aurthus-et-paole"
        else pitch
        for pitch in rouen["pitches"]
    ]
    with app.app_context():
        made = published_scoring_day(rouen)
        create_organiser()
    return app, made


def test_a_release_mails_the_link_to_the_company_once(mail_day, smtp_server):
    app, made = mail_day
    client = app.test_client()
    jurors_write(client, made)
    organiser = app.test_client()
    login(organiser)

    page = organiser.get(pitch_url(made)).get_data(as_text=True)
    assert "le lien part par e-mail à fondatrice@aurthus.example" in page
    released = organiser.post(pitch_url(made, "/publier"), follow_redirects=True).get_data(as_text=True)
    organiser.post(pitch_url(made, "/publier"))  # released twice: mailed once

    assert "son lien part par e-mail à fondatrice@aurthus.example" in released
    received = smtp_server.recorder.wait_for(1)
    time.sleep(0.5)
    assert len(smtp_server.recorder.messages) == 1
    (message,) = received
    assert message["To"] == "fondatrice@aurthus.example"
    body = message.get_body(("plain",)).get_content()
    base = app.config["BASE_URL"].rstrip("/")
    link = re.search(re.escape(base) + r"/retour/[A-Za-z0-9_-]{40,}", body).group(0)
    assert "Le retour du jury" in body and "The jury's feedback" in body
    assert "Prototype déjà chez deux clients" in client.get(link.removeprefix(base)).get_data(as_text=True)
    with app.app_context():
        stored = db.session.execute(db.select(OutboundMail)).scalar_one()
        assert stored.kind == "feedback" and stored.recipient == "fondatrice@aurthus.example"


def test_a_company_without_an_address_is_not_mailed_and_the_organiser_is_told(
    app,
    client,
    day,  # noqa: F811
    organiser,
):
    jurors_write(client, day)

    released = organiser.post(pitch_url(day, "/publier"), follow_redirects=True).get_data(as_text=True)

    assert "Aucune adresse e-mail pour Aurthus et Paole" in released
    with app.app_context():
        assert db.session.execute(db.select(OutboundMail)).first() is None


def test_once_released_the_jurors_feedback_no_longer_changes(app, client, day, organiser):  # noqa: F811
    """What the organisers released is what the company reads: a juror's later change is refused (the marks
    still go through), until the release is withdrawn."""
    jurors_write(client, day)
    organiser.post(pitch_url(day, "/publier"))
    url = f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}/notes"
    c = str(day.criteria[0])

    changed = client.post(url, json={"client_id": "after-release-1", "strengths": "Ajout non relu"})
    same_words = client.post(
        url,
        json={
            "client_id": "after-release-2",
            "scores": {c: 9},
            **{k: v for k, v in WRITTEN["uimm-1"].items() if k != "comment"},
        },
    )
    sheet = client.get(f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}").get_data(
        as_text=True
    )

    assert changed.status_code == 409 and "publié pour l'entreprise" in changed.json["error"]
    assert changed.json["sheet"]["feedback"]["strengths"] == "Prototype déjà chez deux clients"
    assert same_words.status_code == 200  # the sheet's button sends every field: the marks are saved
    assert "Ajout non relu" not in client.get(company_url(app, day)).get_data(as_text=True)
    assert 'class="company-feedback" disabled' in sheet and "ce retour ne change plus" in sheet

    organiser.post(pitch_url(day, "/retirer"))
    assert (
        client.post(url, json={"client_id": "after-withdraw", "strengths": "Ajout relu"}).status_code == 200
    )
