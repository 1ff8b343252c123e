"""An event's team (owners invite, change roles, remove), the invitation link, the organisers' journal,
and the programme view for its coordinators."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pitchday.access import event_for, programme_for
from pitchday.extensions import db
from pitchday.links import absolute_url
from pitchday.models import Invitation, TeamMember
from pitchday.organiser.blueprint import bp
from pitchday.organiser.forms import AcceptInvitationForm, ConfirmForm, InviteForm, RoleForm
from pitchday.organiser.labels import role_label, team_error
from pitchday.organiser.views import open_session
from pitchday.services import journal, mail, programmes, teams
from pitchday.services.teams import Permission as P


def _render_team(event, *, invite_form=None, new_link: str | None = None, status: int = 200):
    return render_template(
        "organiser/team.html",
        event=event,
        members=teams.members_of(event),
        invitations=teams.pending_invitations(event),
        invite_form=invite_form or InviteForm(),
        role_form=RoleForm,
        confirm=ConfirmForm(),
        role_label=role_label,
        new_link=new_link,
    ), status


@bp.route("/evenements/<slug>/equipe")
@login_required
def team(slug: str) -> ResponseReturnValue:
    """The event's team and its pending invitations (owners)."""
    return _render_team(event_for(slug, P.TEAM))


@bp.route("/evenements/<slug>/equipe/inviter", methods=["POST"])
@login_required
def invite(slug: str) -> ResponseReturnValue:
    """Invite someone by e-mail with a role: the page shows the one-time link to send them."""
    event = event_for(slug, P.TEAM)
    form = InviteForm()
    if not form.validate_on_submit():
        return _render_team(event, invite_form=form, status=422)
    try:
        invitation, token = teams.invite(event, form.email.data, form.role.data, current_user)
    except teams.TeamError as error:
        flash(team_error(error), "error")
        return _render_team(event, invite_form=form, status=422)
    link = absolute_url("organiser.accept_invitation", invitation_key=token)
    _mail_invitation(invitation, link)
    # Shown here once too, not flashed: the secret must not travel in the session cookie.
    return _render_team(event, new_link=link)


def _mail_invitation(invitation: Invitation, link: str) -> None:
    """The one-time link by e-mail, in French then English (the link is a secret: in the message, never a log)."""
    event = invitation.event

    def write() -> str:
        return "\n".join(
            [
                _("Bonjour,"),
                "",
                _(
                    "Vous êtes invité·e dans l'équipe d'organisation de %(event)s, avec le rôle : %(role)s.",
                    event=event.name,
                    role=role_label(invitation.role),
                ),
                "",
                _(
                    "Pour choisir votre mot de passe et rejoindre l'équipe, ouvrez ce lien (il sert une seule fois "
                    "et expire dans 7 jours) : %(link)s",
                    link=link,
                ),
            ]
        )

    mail.queue_message(
        invitation.email,
        mail.subject_in_both(lambda: _("Invitation dans l'équipe de %(event)s", event=event.name)),
        mail.in_french_then_english(write),
        kind="invitation",
        event=event,
    )


def _member(event, member_id: int) -> TeamMember:
    return db.one_or_404(db.select(TeamMember).filter_by(id=member_id, event_id=event.id))


@bp.route("/evenements/<slug>/equipe/<int:member_id>/role", methods=["POST"])
@login_required
def change_role(slug: str, member_id: int) -> ResponseReturnValue:
    """Change a member's role; it holds from their next request."""
    event = event_for(slug, P.TEAM)
    member = _member(event, member_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            teams.change_role(member, form.role.data)
        except teams.TeamError as error:
            flash(team_error(error), "error")
            return _render_team(event, status=422)
        flash(
            _("Rôle de %(email)s : %(role)s.", email=member.organiser.email, role=role_label(member.role)),
            "success",
        )
    return redirect(url_for("organiser.team", slug=slug))


@bp.route("/evenements/<slug>/equipe/<int:member_id>/retirer", methods=["POST"])
@login_required
def remove_member(slug: str, member_id: int) -> ResponseReturnValue:
    """Remove someone from the team; from their next request on, the event is unknown to them."""
    event = event_for(slug, P.TEAM)
    member = _member(event, member_id)
    if ConfirmForm().validate_on_submit():
        email = member.organiser.email
        try:
            teams.remove(member)
        except teams.TeamError as error:
            flash(team_error(error), "error")
            return _render_team(event, status=422)
        flash(_("%(email)s ne fait plus partie de l'équipe.", email=email), "success")
    return redirect(url_for("organiser.team", slug=slug))


@bp.route("/evenements/<slug>/equipe/invitations/<int:invitation_id>/annuler", methods=["POST"])
@login_required
def cancel_invitation(slug: str, invitation_id: int) -> ResponseReturnValue:
    """Cancel a pending invitation: its link stops working."""
    event = event_for(slug, P.TEAM)
    invitation = db.one_or_404(db.select(Invitation).filter_by(id=invitation_id, event_id=event.id))
    if ConfirmForm().validate_on_submit():
        teams.cancel_invitation(invitation)
        flash(_("Invitation de %(email)s annulée.", email=invitation.email), "success")
    return redirect(url_for("organiser.team", slug=slug))


@bp.route("/invitation/<invitation_key>", methods=["GET", "POST"])
def accept_invitation(invitation_key: str) -> ResponseReturnValue:
    """The invitee's one-time link: set a password (or give yours), join the team, be logged in."""
    state = teams.invitation_state(invitation_key)
    if not state.usable:
        status = 404 if state.status == "unknown" else 410
        return render_template(
            "organiser/invitation.html",
            state=state,
            refusal=team_error(teams.TeamError(f"invitation_{state.status}")),
        ), status
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        if state.account is None and form.password.data != form.confirm.data:
            flash(team_error(teams.TeamError("passwords_differ")), "error")
        else:
            try:
                account = teams.accept_invitation(
                    invitation_key, password=form.password.data, name=form.name.data or ""
                )
            except teams.TeamError as error:
                flash(team_error(error), "error")
            else:
                open_session(account)  # a fresh session, as at login
                flash(_("Bienvenue dans l'équipe de %(name)s.", name=state.invitation.event.name), "success")
                return redirect(url_for("organiser.event", slug=state.invitation.event.slug))
        return render_template(
            "organiser/invitation.html", state=state, form=form, role_label=role_label
        ), 422
    return render_template("organiser/invitation.html", state=state, form=form, role_label=role_label)


@bp.route("/evenements/<slug>/journal")
@login_required
def journal_page(slug: str) -> ResponseReturnValue:
    """The organisers' journal: who generated, published, moved, locked, revoked… (read-only)."""
    event = event_for(slug, P.READ)
    return render_template(
        "organiser/journal.html", event=event, entries=journal.entries_of(event), label=journal.label
    )


@bp.route("/programmes/<slug>")
@login_required
def programme(slug: str) -> ResponseReturnValue:
    """The programme's events and their dossiers, each placed within its own event (coordinators)."""
    return render_template("organiser/programme.html", view=programmes.view_of(programme_for(slug)))
