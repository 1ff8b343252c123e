"""Feedback for a company, end to end in Chromium: a juror writes it offline on a tablet, the organiser hides
one juror's feedback and releases the rest, and the company reads its link on a phone (390×844), in French,
in English and as a PDF; axe-core finds no serious accessibility violation on these pages."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from pitchday.extensions import db
from pitchday.models import JurorFeedback, Pitch
from pitchday.services import feedback
from tests.browser.test_offline_juror import TABLET, queue_of, sheet_url, wait_for_offline_copies, wait_until
from tests.browser.test_public_accessibility import axe_source, serious_violations  # noqa: F401 (fixture)
from tests.builders import browser_login, clock, create_organiser, day, login  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "fr-FR", "is_mobile": True, "has_touch": True}


def stored_feedback(app, day, juror: str):  # noqa: F811
    with app.app_context():
        row = db.session.execute(
            db.select(JurorFeedback)
            .filter_by(pitch_id=day.pitches["aurthus-et-paole"])
            .join(JurorFeedback.expert)
            .filter_by(key=juror)
        ).scalar_one_or_none()
        return row and (row.strengths, row.improvements, row.follow_up)


def the_other_jurors_write(app, day):  # noqa: F811
    """The rest of the panel, through the same autosave (a plain HTTP client is enough for them)."""
    client = app.test_client()
    for juror, mark, written in (
        ("uimm-1", 8, None),
        (
            "cetim-1",
            6,
            {"strengths": "Équipe solide", "improvements": "Réduire les délais", "follow_up": True},
        ),
        ("am-1", 7, {"strengths": "À MASQUER : remarque blessante", "improvements": "", "follow_up": True}),
    ):
        scores = {str(criterion): mark for criterion in day.criteria}
        url = f"/jury/{day.tokens[juror]}/pitchs/{day.pitches['aurthus-et-paole']}/notes"
        assert client.post(url, json={"client_id": f"marks-{juror}", "scores": scores}).status_code == 200
        if written:
            assert client.post(url, json={"client_id": f"words-{juror}", **written}).status_code == 200


def test_feedback_written_offline_moderated_released_and_read_on_a_phone(app, live_server, browser, day):  # noqa: F811
    # 1. The juror's tablet keeps the sheets, then loses the network and the juror writes for the company.
    tablet = browser.new_context(**TABLET)
    juror = tablet.new_page()
    juror.goto(f"{live_server}/jury/{day.tokens['uimm-1']}")
    wait_for_offline_copies(juror, 3)
    tablet.set_offline(True)
    juror.goto(sheet_url(live_server, day, "uimm-1", "aurthus-et-paole"))
    expect(juror.get_by_role("heading", name="Aurthus et Paole")).to_be_visible()
    expect(juror.get_by_text("Retour pour l'entreprise")).to_be_visible()
    juror.locator("#strengths").fill("Atelier déjà rentable")
    juror.locator("#improvements").fill("Chiffrer l'export")
    juror.get_by_label("Je souhaite suivre ce projet").check()
    expect(juror.locator("#connection-banner")).to_contain_text("Hors ligne")
    expect(juror.locator("#save-status")).to_have_text("hors ligne — 3 notes en attente")

    juror.reload()  # offline: the page from the copy, what was written from the tablet's storage
    expect(juror.locator("#strengths")).to_have_value("Atelier déjà rentable")
    expect(juror.locator("#improvements")).to_have_value("Chiffrer l'export")
    expect(juror.get_by_label("Je souhaite suivre ce projet")).to_be_checked()
    assert len(queue_of(juror)) == 3

    tablet.set_offline(False)
    expect(juror.locator("#save-status")).to_have_text("enregistré", timeout=15000)
    assert wait_until(
        lambda: stored_feedback(app, day, "uimm-1") == ("Atelier déjà rentable", "Chiffrer l'export", True)
    )
    tablet.close()
    the_other_jurors_write(app, day)

    # 2. The organiser hides one juror's feedback, releases the rest and copies the company's link.
    with app.app_context():
        create_organiser()
    desk = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="fr-FR",
        permissions=["clipboard-read", "clipboard-write"],
    )
    organiser = desk.new_page()
    browser_login(organiser, live_server)
    organiser.goto(f"{live_server}/organisation/notes/{day.slug}/retours")
    organiser.get_by_role("link", name="Aurthus et Paole").click()
    expect(organiser.get_by_text("À MASQUER : remarque blessante")).to_be_visible()
    organiser.locator("#juror-am-1").get_by_role("button", name="Masquer à l'entreprise").click()
    expect(organiser.locator("#juror-am-1")).to_contain_text("masqué à l'entreprise")
    organiser.get_by_role("button", name="Publier le retour pour l'entreprise").click()
    expect(organiser.get_by_role("status").first).to_contain_text("Retour publié")
    link = organiser.locator("#company-link").input_value()
    organiser.get_by_role("button", name="Copier le lien").click()
    expect(organiser.locator("#copy-status")).to_have_text("Lien copié.")
    assert organiser.evaluate("navigator.clipboard.readText()") == link
    assert link.startswith(app.config["BASE_URL"].rstrip("/") + "/retour/")
    desk.close()

    # 3. The company opens it on a phone.
    phone_context = browser.new_context(**PHONE)
    phone = phone_context.new_page()
    phone.goto(live_server + link.removeprefix(app.config["BASE_URL"].rstrip("/")))
    expect(phone.get_by_role("heading", name="Aurthus et Paole", level=1)).to_be_visible()
    strengths = phone.locator("section", has=phone.get_by_role("heading", name="Points forts"))
    expect(strengths).to_contain_text("Atelier déjà rentable")
    expect(strengths).to_contain_text("Équipe solide")
    expect(phone.locator("section", has=phone.get_by_role("heading", name="Suivi proposé"))).to_contain_text(
        "CETIM"
    )
    expect(
        phone.get_by_role("img", name="Vos notes moyennes par critère, comparées à la moyenne de l'événement")
    ).to_be_visible()
    body = phone.locator("body").inner_text()
    for absent in ("À MASQUER", "Expert", "Arts et Métiers"):
        assert absent not in body, absent
    # Nothing wider than the phone (the elements that stick out, if any, named in the failure).
    wide = phone.evaluate("""() => Array.from(document.querySelectorAll('body *'))
        .filter(e => e.getBoundingClientRect().right > 390).map(e => e.tagName + '.' + e.className).slice(0, 8)""")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, wide
    chart = phone.get_by_role(
        "img", name="Vos notes moyennes par critère, comparées à la moyenne de l'événement"
    )
    assert chart.bounding_box()["width"] <= 390

    pdf_link = phone.get_by_role("link", name="Télécharger en PDF")
    box = pdf_link.bounding_box()
    assert box["height"] >= 44  # a thumb can hit it
    pdf = phone.request.get(live_server + pdf_link.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Atelier déjà rentable" in text and "Points forts" in text and "À MASQUER" not in text

    phone.get_by_role("link", name="Read in English").click()
    expect(phone.get_by_role("heading", name="Strengths")).to_be_visible()
    expect(phone.get_by_role("link", name="Download as PDF")).to_be_visible()
    phone_context.close()


def test_the_company_page_and_the_moderation_page_have_no_serious_accessibility_violation(
    app, live_server, browser, day, axe_source
):  # noqa: F811
    the_other_jurors_write(app, day)
    with app.app_context():
        create_organiser()
    organiser = app.test_client()
    login(organiser)
    moderation = f"/organisation/notes/{day.slug}/retours/{day.pitches['aurthus-et-paole']}"
    assert organiser.post(f"{moderation}/rang").status_code == 302
    assert organiser.post(f"{moderation}/publier").status_code == 302
    with app.app_context():
        token = feedback.current_link(db.session.get(Pitch, day.pitches["aurthus-et-paole"])).token

    # axe is injected as an inline script, which the Content-Security-Policy rightly refuses.
    context = browser.new_context(**PHONE, bypass_csp=True)
    page = context.new_page()
    found = {}
    for path in (f"/retour/{token}", f"/retour/{token}?lang=en", "/retour/no-such-link"):
        page.goto(live_server + path)
        found[path] = serious_violations(page, axe_source)
    browser_login(page, live_server)
    for path in (moderation, f"/organisation/notes/{day.slug}/retours"):
        page.goto(live_server + path)
        found[path] = serious_violations(page, axe_source)
    context.close()

    assert found == {path: [] for path in found}
