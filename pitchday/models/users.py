"""Who may do what: organisers log in; jurors hold a personal link."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pitchday.extensions import db
from pitchday.models.event import Expert, utcnow


class Organiser(UserMixin, db.Model):
    __tablename__ = "organisers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of every session this account opens (get_id): raising it (logout, password change,
    # deactivation) ends all of them at once, copies of the cookie included, since the session
    # cookie is signed client-side and would otherwise stay valid until it expires.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """What the session keeps: the account and its session version (see ``session_version``)."""
        return session_key(self.id, self.session_version)


def session_key(organiser_id: int, session_version: int) -> str:
    return f"{organiser_id}.{session_version}"


def parse_session_key(key: str) -> tuple[int, int] | None:
    """(account id, session version) from a session's key; None for anything else (an old or forged cookie)."""
    organiser_id, dot, version = key.partition(".")
    if not dot or not (
        organiser_id.isascii() and organiser_id.isdigit() and version.isascii() and version.isdigit()
    ):
        return None
    if len(organiser_id) > 18 or len(version) > 18:  # beyond any row id; and int() of a huge text is costly
        return None
    return int(organiser_id), int(version)


class JurorAccess(db.Model):
    """A juror's personal link: the token is the only credential, so it is long and revocable."""

    __tablename__ = "juror_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    expert: Mapped[Expert] = relationship()

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
