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
