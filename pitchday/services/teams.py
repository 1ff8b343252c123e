"""Who may do what in which event: the role matrix, the teams, the invitations, the programmes.

The matrix below is the one place that says which role may do which action; the organiser
pages ask it through pitchday.access.event_for. Roles are read from the database at every
request, so removing a member or lowering a role holds from their next request on.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from pitchday.extensions import db
from pitchday.models import Event, Invitation, Organiser, Programme, ProgrammeCoordinator, TeamMember
from pitchday.services import accounts, journal

logger = logging.getLogger(__name__)

INVITATION_LIFETIME = timedelta(days=7)
INVITATION_TOKEN_BYTES = 32


class Role(StrEnum):
    OWNER = "owner"
    PLANNER = "planner"
    SCORING = "scoring"
    VIEWER = "viewer"
    # Not a team role: held through the event's programme (see role_in).
    COORDINATOR = "coordinator"


TEAM_ROLES = (Role.OWNER, Role.PLANNER, Role.SCORING, Role.VIEWER)


class Permission(StrEnum):
    READ = "read"  # the event, its schedules, the board, exports, the journals
    EDIT = "edit"  # days, rooms, partners, pitches, jurors, panel rules, CSV imports
    PLAN = "plan"  # generate, lock, move, publish versions, the day's delays and absences
    RUBRIC = "rubric"  # the scoring criteria
    SCORE = "score"  # scoring locks, the lock delay, publishing the results
    JUROR_LINKS = "juror_links"  # reading, printing and revoking the jurors' personal links
    FEEDBACK = "feedback"  # reading, moderating and releasing the feedback for the companies, their links
    TEAM = "team"  # inviting, changing roles, removing members


P = Permission
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.PLANNER: frozenset({P.READ, P.EDIT, P.PLAN}),
    Role.SCORING: frozenset({P.READ, P.RUBRIC, P.SCORE, P.JUROR_LINKS, P.FEEDBACK}),
    Role.VIEWER: frozenset({P.READ}),
    Role.COORDINATOR: frozenset({P.READ}),
}


def may(role: Role | None, permission: Permission) -> bool:
    return role is not None and permission in PERMISSIONS[role]


class TeamError(ValueError):
    """A team change that cannot be made; ``code`` and ``params`` are worded by the page (catalogue)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# --- who holds which role -------------------------------------------------------------------------


def membership(account: Organiser, event: Event) -> TeamMember | None:
    return db.session.execute(
        db.select(TeamMember).filter_by(event_id=event.id, organiser_id=account.id)
    ).scalar_one_or_none()


def coordinates(account: Organiser, programme_id: int | None) -> bool:
    if programme_id is None:
        return False
    return (
        db.session.execute(
            db.select(ProgrammeCoordinator.id).filter_by(programme_id=programme_id, organiser_id=account.id)
        ).first()
        is not None
    )


def role_in(account: Organiser, event: Event) -> Role | None:
    """The account's role in the event: its team role, else coordinator through the programme, else None."""
    member = membership(account, event)
    if member is not None:
        return Role(member.role)
    if coordinates(account, event.programme_id):
        return Role.COORDINATOR
    return None


def visible_events(account: Organiser) -> list[Event]:
    """The events the account holds a role in (team or programme), newest first."""
    in_team = db.select(TeamMember.event_id).where(TeamMember.organiser_id == account.id)
    coordinated = db.select(ProgrammeCoordinator.programme_id).where(
        ProgrammeCoordinator.organiser_id == account.id
    )
    return list(
        db.session.execute(
            db.select(Event)
            .where(Event.id.in_(in_team) | Event.programme_id.in_(coordinated))
            .order_by(Event.created_at.desc(), Event.id.desc())
        ).scalars()
    )


def coordinated_programmes(account: Organiser) -> list[Programme]:
    return list(
        db.session.execute(
            db.select(Programme)
            .join(ProgrammeCoordinator, ProgrammeCoordinator.programme_id == Programme.id)
            .where(ProgrammeCoordinator.organiser_id == account.id)
            .order_by(Programme.name)
        ).scalars()
    )


def members_of(event: Event) -> list[TeamMember]:
    return list(
        db.session.execute(
            db.select(TeamMember)
            .join(Organiser, Organiser.id == TeamMember.organiser_id)
            .where(TeamMember.event_id == event.id)
            .order_by(Organiser.email)
        ).scalars()
    )


# --- changing the team ----------------------------------------------------------------------------


def grant(event: Event, account: Organiser, role: Role) -> TeamMember:
    """Give the account this role in the event (replacing the one it held); journaled."""
    role = Role(role)
    if role not in TEAM_ROLES:
        raise TeamError("unknown_role", role=str(role))
    member = membership(account, event)
    before = member.role if member else None
    if member is None:
        member = TeamMember(event_id=event.id, organiser_id=account.id, role=role)
        db.session.add(member)
    else:
        if before == Role.OWNER and role != Role.OWNER:
            _keep_one_owner(event, member)
        member.role = role
    db.session.flush()
    if before != role:
        journal.record(event, "team.role", subject=account.email, before=before, after=str(role))
    return member


def make_owner(event: Event, account: Organiser) -> TeamMember:
    """The creator of an event, or the first owner named on the command line."""
    return grant(event, account, Role.OWNER)


def change_role(member: TeamMember, role: str) -> TeamMember:
    if role not in {str(r) for r in TEAM_ROLES}:
        raise TeamError("unknown_role", role=role)
    return grant(member.event, member.organiser, Role(role))


def remove(member: TeamMember) -> None:
    if member.role == Role.OWNER:
        _keep_one_owner(member.event, member)
    journal.record(member.event, "team.removed", subject=member.organiser.email, before=member.role)
    db.session.delete(member)
    db.session.flush()


def _keep_one_owner(event: Event, leaving: TeamMember) -> None:
    """An event always keeps an owner: otherwise nobody could manage its team any more."""
    others = db.session.execute(
        db.select(db.func.count())
        .select_from(TeamMember)
        .where(TeamMember.event_id == event.id, TeamMember.role == Role.OWNER, TeamMember.id != leaving.id)
    ).scalar_one()
    if not others:
        raise TeamError("last_owner")


# --- invitations ----------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def invite(event: Event, email: str, role: str, invited_by: Organiser | None) -> tuple[Invitation, str]:
    """A pending invitation and the secret of its one-time link (shown once, never stored)."""
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254:
        raise TeamError("bad_email", email=email)
    if role not in {str(r) for r in TEAM_ROLES}:
        raise TeamError("unknown_role", role=role)
    account = accounts.organiser_by_email(email)
    if account is not None and membership(account, event) is not None:
        raise TeamError("already_member", email=email)
    token = secrets.token_urlsafe(INVITATION_TOKEN_BYTES)
    invitation = Invitation(
        event_id=event.id,
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by_id=invited_by.id if invited_by else None,
        expires_at=_now() + INVITATION_LIFETIME,
    )
    db.session.add(invitation)
    db.session.flush()
    journal.record(event, "team.invited", subject=email, after=role)
    return invitation, token


def pending_invitations(event: Event) -> list[Invitation]:
    rows = db.session.execute(
        db.select(Invitation)
        .filter_by(event_id=event.id, used_at=None, cancelled_at=None)
        .order_by(Invitation.created_at)
    ).scalars()
    return [row for row in rows if _aware(row.expires_at) > _now()]


def cancel_invitation(invitation: Invitation) -> None:
    if invitation.used_at is None and invitation.cancelled_at is None:
        invitation.cancelled_at = _now()
        journal.record(
            invitation.event, "team.invitation_cancelled", subject=invitation.email, before=invitation.role
        )
        db.session.flush()


@dataclass(frozen=True)
class InvitationState:
    """What a one-time link is worth now: ``usable``, or why not (``unknown``, ``used``, ``expired``)."""

    status: str
    invitation: Invitation | None = None
    account: Organiser | None = None  # the account already holding the invited address, if any

    @property
    def usable(self) -> bool:
        return self.status == "usable"


def invitation_state(token: str) -> InvitationState:
    if not token or len(token) > 100:
        return InvitationState("unknown")
    invitation = db.session.execute(
        db.select(Invitation).filter_by(token_hash=_hash(token))
    ).scalar_one_or_none()
    if invitation is None or invitation.cancelled_at is not None:
        return InvitationState("unknown")
    if invitation.used_at is not None:
        return InvitationState("used", invitation)
    if _aware(invitation.expires_at) <= _now():
        return InvitationState("expired", invitation)
    return InvitationState("usable", invitation, accounts.organiser_by_email(invitation.email))


def accept_invitation(token: str, *, password: str, name: str = "") -> Organiser:
    """Use the link once: a new account sets its password, an existing one proves it; the role is granted."""
    state = invitation_state(token)
    if not state.usable:
        raise TeamError(f"invitation_{state.status}")
    invitation = state.invitation
    if state.account is None:
        try:
            account = accounts.create_organiser(invitation.email, password, name)
        except accounts.AccountError as error:
            raise TeamError("password_too_short", min=accounts.MIN_PASSWORD_LENGTH) from error
    else:
        account = accounts.authenticate(invitation.email, password)
        if account is None:
            raise TeamError("wrong_password")
    invitation.used_at = _now()
    grant(invitation.event, account, Role(invitation.role))
    db.session.flush()
    return account


# --- programmes -----------------------------------------------------------------------------------


def create_programme(slug: str, name: str) -> Programme:
    programme = Programme(slug=slug, name=name)
    db.session.add(programme)
    db.session.flush()
    return programme


def programme_by_slug(slug: str) -> Programme | None:
    return db.session.execute(db.select(Programme).filter_by(slug=slug)).scalar_one_or_none()


def ensure_programme(slug: str, name: str) -> Programme:
    return programme_by_slug(slug) or create_programme(slug, name)


def attach(event: Event, programme: Programme, city: str = "") -> None:
    """Put the event in the programme (it leaves any other one), listed under this city."""
    event.programme_id = programme.id
    event.city = (city or event.city or default_city(event.venue)).strip()[:100]
    db.session.flush()


def default_city(venue: str) -> str:
    """The venue's last part: "NEOMA Business School, Rouen" is in Rouen."""
    return venue.rsplit(",", 1)[-1].strip()


def make_coordinator(programme: Programme, account: Organiser) -> ProgrammeCoordinator:
    existing = db.session.execute(
        db.select(ProgrammeCoordinator).filter_by(programme_id=programme.id, organiser_id=account.id)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    coordinator = ProgrammeCoordinator(programme_id=programme.id, organiser_id=account.id)
    db.session.add(coordinator)
    db.session.flush()
    return coordinator
