"""Organiser accounts and juror links."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload

from pitchday.extensions import db
from pitchday.models import Event, Expert, JurorAccess, Organiser
from pitchday.models.users import parse_session_key
from pitchday.services import journal

# Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): the library's default (64 MiB,
# 3 passes, 4 lanes) took 195 ms of CPU over both cores per login, and 20 organisers logging in
# together held up every juror's autosave for seconds (bench/load.py); this takes 37 ms of one core.
# Hashes made with other costs still verify, and are remade with these at the next login.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# 32 bytes from the OS's CSPRNG: 256 bits, far beyond guessing range.
TOKEN_BYTES = 32
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A request about accounts that cannot be carried out, with the reason for the user."""


def create_organiser(email: str, password: str, name: str = "") -> Organiser:
    email = email.strip().lower()
    if "@" not in email:
        raise AccountError(f"« {email} » n'est pas une adresse e-mail.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")
    if db.session.execute(db.select(Organiser).filter_by(email=email)).scalar_one_or_none():
        raise AccountError(f"Un compte organisateur existe déjà pour {email}.")
    organiser = Organiser(email=email, name=name, password_hash=_hasher.hash(password))
    db.session.add(organiser)
    db.session.flush()
    return organiser


def authenticate(email: str, password: str) -> Organiser | None:
    """The organiser with these credentials, or None; the hash is upgraded when costs rise."""
    organiser = db.session.execute(
        db.select(Organiser).filter_by(email=email.strip().lower())
    ).scalar_one_or_none()
    if organiser is None or not organiser.active:
        _hasher.hash(password)  # spend the same time, so timing does not reveal which emails exist
        return None
    try:
        _hasher.verify(organiser.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(organiser.password_hash):
        organiser.password_hash = _hasher.hash(password)
        db.session.flush()
    return organiser


def organiser_of_session(key: str) -> Organiser | None:
    """The organiser a session belongs to, while it is still open: the account active, its version current."""
    parsed = parse_session_key(key)
    if parsed is None:
        return None
    organiser_id, version = parsed
    organiser = db.session.get(Organiser, organiser_id)
    if organiser is None or not organiser.active or organiser.session_version != version:
        return None
    return organiser


def end_sessions(organiser: Organiser) -> None:
    """Close every session of the account, on every browser and every copy of its cookie."""
    organiser.session_version += 1
    db.session.flush()


def change_password(organiser: Organiser, current: str, new: str) -> None:
    """A new password, after the current one; every session of the account ends (the caller logs in again)."""
    try:
        _hasher.verify(organiser.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise AccountError(_("Le mot de passe actuel est incorrect.")) from None
    if len(new) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _("Le mot de passe doit compter au moins %(count)d caractères.", count=MIN_PASSWORD_LENGTH)
        )
    organiser.password_hash = _hasher.hash(new)
    end_sessions(organiser)


def set_active(organiser: Organiser, active: bool) -> None:
    """Deactivate (or reactivate) an account; deactivation ends its sessions at once."""
    organiser.active = active
    if not active:
        end_sessions(organiser)
    db.session.flush()


def issue_juror_link(expert: Expert) -> JurorAccess:
    """A new personal link for the expert; their older links stay valid until revoked."""
    access = JurorAccess(expert=expert, token=secrets.token_urlsafe(TOKEN_BYTES))
    db.session.add(access)
    db.session.flush()
    return access


def ensure_juror_links(event: Event) -> list[JurorAccess]:
    """One valid link per expert of the event, creating those that are missing."""
    links = []
    for expert in event.experts:
        valid = current_juror_link(expert)
        links.append(valid or issue_juror_link(expert))
    return links


def current_juror_link(expert: Expert) -> JurorAccess | None:
    return (
        db.session.execute(
            db.select(JurorAccess)
            .filter_by(expert_id=expert.id, revoked_at=None)
            .order_by(JurorAccess.created_at.desc(), JurorAccess.id.desc())
        )
        .scalars()
        .first()
    )


def revoke_juror_link(access: JurorAccess) -> None:
    if access.revoked_at is None:
        access.revoked_at = datetime.now(UTC)
        db.session.flush()
        journal.record(
            access.expert.event, "link.revoked", subject=access.expert.name, before={"link": access.id}
        )


# One query, built once: every juror request (each autosave) needs the expert and their event next.
_ACCESS_BY_TOKEN = (
    db.select(JurorAccess)
    .where(JurorAccess.token == bindparam("token"))
    .options(joinedload(JurorAccess.expert).joinedload(Expert.event))
)


def juror_from_token(token: str) -> Expert | None:
    """The expert a link belongs to, or None for an unknown or revoked link."""
    if not token or len(token) > 64:
        return None
    access = db.session.execute(_ACCESS_BY_TOKEN, {"token": token}).scalar_one_or_none()
    if access is None or not access.is_valid:
        return None
    return access.expert


def organiser_by_email(email: str) -> Organiser | None:
    return db.session.execute(
        db.select(Organiser).filter_by(email=(email or "").strip().lower())
    ).scalar_one_or_none()
