"""Data builders for the app's tests."""

from __future__ import annotations

from pitchday.extensions import db
from pitchday.models import Event, Organiser
from pitchday.services import accounts, event_io

ORGANISER_EMAIL = "orga@example.org"
ORGANISER_PASSWORD = "correct horse battery"


def create_organiser(email: str = ORGANISER_EMAIL, password: str = ORGANISER_PASSWORD) -> Organiser:
    organiser = accounts.create_organiser(email, password, "Orga")
    db.session.commit()
    return organiser


def import_event(data: dict) -> Event:
    event = event_io.import_event(data)
    db.session.commit()
    return event


def login(client, email: str = ORGANISER_EMAIL, password: str = ORGANISER_PASSWORD):
    return client.post("/organisation/connexion", data={"email": email, "password": password})


def browser_login(page, base_url: str) -> None:
    """Sign the organiser in through the login form, as a person would (browser tests)."""
    page.goto(f"{base_url}/organisation/connexion")
    page.get_by_label("Adresse e-mail").fill(ORGANISER_EMAIL)
    page.get_by_label("Mot de passe").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
