"""Data builders for the app's tests."""

from __future__ import annotations

from pitchday.extensions import db
from pitchday.models import Event, Organiser
from pitchday.services import accounts, event_io, teams

ORGANISER_EMAIL = "orga@example.org"
ORGANISER_PASSWORD = "correct horse battery"


def create_organiser(email: str = ORGANISER_EMAIL, password: str = ORGANISER_PASSWORD) -> Organiser:
    """An organiser account; the tests' own organiser (the default) owns every event already there."""
    organiser = accounts.create_organiser(email, password, "Orga")
    if email == ORGANISER_EMAIL:
        for event in db.session.execute(db.select(Event)).scalars():
            teams.make_owner(event, organiser)
    db.session.commit()
    return organiser


def import_event(data: dict) -> Event:
    """Import an event file; the tests' own organiser, when it exists, is its owner (as its importer)."""
    event = event_io.import_event(data)
    owner = accounts.organiser_by_email(ORGANISER_EMAIL)
    if owner is not None:
        teams.make_owner(event, owner)
    db.session.commit()
    return event


def join_team(event: Event, email: str, role: str, password: str = ORGANISER_PASSWORD) -> Organiser:
    """An account (made if needed) holding this role in the event's team."""
    account = accounts.organiser_by_email(email) or accounts.create_organiser(email, password, email)
    teams.grant(event, account, teams.Role(role))
    db.session.commit()
    return account


def login(client, email: str = ORGANISER_EMAIL, password: str = ORGANISER_PASSWORD):
    return client.post("/organisation/connexion", data={"email": email, "password": password})


def browser_login(page, base_url: str) -> None:
    """Sign the organiser in through the login form, as a person would (browser tests)."""
    page.goto(f"{base_url}/organisation/connexion")
    page.get_by_label("Adresse e-mail").fill(ORGANISER_EMAIL)
    page.get_by_label("Mot de passe").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
