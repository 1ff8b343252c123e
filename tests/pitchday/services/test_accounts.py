"""Organiser passwords: hashed with Argon2id at the costs the app chose, older hashes upgraded."""

from __future__ import annotations

from argon2 import PasswordHasher

from pitchday.extensions import db
from pitchday.models import Organiser
from pitchday.services import accounts


def test_a_password_is_kept_as_an_argon2id_hash_at_one_lane(ctx):
    organiser = accounts.create_organiser("Orga@Example.org", "correct horse battery")

    assert organiser.password_hash.startswith("$argon2id$") and "p=1" in organiser.password_hash
    assert accounts.authenticate("orga@example.org", "correct horse battery") == organiser
    assert accounts.authenticate("orga@example.org", "wrong horse battery") is None
    assert accounts.authenticate("nobody@example.org", "correct horse battery") is None


def test_a_hash_made_with_other_costs_still_logs_in_and_is_remade(ctx):
    organiser = accounts.create_organiser("orga@example.org", "correct horse battery")
    organiser.password_hash = PasswordHasher().hash(
        "correct horse battery"
    )  # the library's own default costs
    db.session.flush()

    assert accounts.authenticate("orga@example.org", "correct horse battery") == organiser

    stored = db.session.get(Organiser, organiser.id).password_hash
    assert "m=19456,t=2,p=1" in stored
