"""The organiser's account and events: login, logout, password, dashboard, event import and export, juror links."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from pitchday.access import authorise, can, event_for
from pitchday.downloads import json_download
from pitchday.extensions import db, login_manager
from pitchday.models import JurorAccess, Organiser
from pitchday.organiser.blueprint import bp
from pitchday.organiser.forms import ChangePasswordForm, ConfirmForm, ImportEventForm, LoginForm
from pitchday.services import accounts, contacts, devices, event_io, mail, teams
from pitchday.services.teams import Permission as P


@login_manager.user_loader
def load_organiser(session_key: str) -> Organiser | None:
    """Checked on every request: a session ended by logout, a password change or a deactivation is refused."""
    return accounts.organiser_of_session(session_key)


@bp.route("/connexion", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Organiser login."""
    form = LoginForm()
    if form.validate_on_submit():
        organiser = accounts.authenticate(form.email.data, form.password.data)
        if organiser:
            open_session(organiser)
            return redirect(safe_next(request.args.get("next")) or url_for("organiser.dashboard"))
        flash(_("Adresse e-mail ou mot de passe incorrect."), "error")
        return render_template("organiser/login.html", form=form), 401
    return render_template("organiser/login.html", form=form)


@bp.route("/deconnexion", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    """Organiser logout (a POST, so that a link on another site cannot log you out)."""
    if ConfirmForm().validate_on_submit():
        accounts.end_sessions(current_user)  # a copy of the cookie taken before must not open the space
        logout_user()
    return redirect(url_for("public.home"))


@bp.route("/mot-de-passe", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """Change one's password: every other session of the account ends, this one is opened anew."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.new.data)
        except accounts.AccountError as error:
            flash(str(error), "error")
            return render_template("organiser/password.html", form=form), 422
        open_session(current_user)
        flash(_("Mot de passe changé : vos autres sessions sont fermées."), "success")
        return redirect(url_for("organiser.dashboard"))
    return render_template("organiser/password.html", form=form), 422 if form.errors else 200


def open_session(organiser: Organiser) -> None:
    """A fresh session for the organiser: nothing of the visitor's earlier session (its CSRF token
    included) carries over, so that a token or session planted before login is worth nothing after."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    login_user(organiser)


@bp.route("/")
@login_required
def dashboard() -> ResponseReturnValue:
    """The organiser's events."""
    return render_template(
        "organiser/dashboard.html",
        events=teams.visible_events(current_user),
        programmes=teams.coordinated_programmes(current_user),
        import_form=ImportEventForm(),
    )


@bp.route("/evenements/importer", methods=["POST"])
@login_required
def import_event() -> ResponseReturnValue:
    """Import an event file."""
    form = ImportEventForm()
    if not form.validate_on_submit():
        flash(_("Choisissez un fichier d'événement JSON."), "error")
        return redirect(url_for("organiser.dashboard"))
    try:
        event = event_io.import_event_file(form.event_file.data.read())
        teams.make_owner(event, current_user)
    except event_io.EventFormatError as error:
        flash(
            _("Fichier refusé, rien n'a été importé. %(why)s", why=event_io.describe_refusal(error)), "error"
        )
        return redirect(url_for("organiser.dashboard"))
    flash(_("Événement « %(name)s » importé.", name=event.name), "success")
    return redirect(url_for("organiser.event", slug=event.slug))


@bp.route("/evenements/<slug>")
@login_required
def event(slug: str) -> ResponseReturnValue:
    """One event: its pitches, experts and, for those who handle them, the juror links."""
    event = event_for(slug, P.READ)
    links = (
        {access.expert_id: access for access in accounts.ensure_juror_links(event)}
        if can(event, P.JUROR_LINKS)
        else {}
    )
    return render_template(
        "organiser/event.html",
        event=event,
        links=links,
        form=ConfirmForm(),
        sendings=mail.sendings(event),
        unreachable=contacts.unreachable(event),
    )


@bp.route("/evenements/<slug>/export.json")
@login_required
def export_event(slug: str) -> ResponseReturnValue:
    """Download the event file."""
    event = event_for(slug, P.READ)
    return json_download(event_io.export_event(event), f"{event.slug}.json")


@bp.route("/liens/<int:access_id>/revoquer", methods=["POST"])
@login_required
def revoke_link(access_id: int) -> ResponseReturnValue:
    """Revoke a juror's link and give them a new one."""
    access = db.get_or_404(JurorAccess, access_id)
    authorise(access.expert.event, P.JUROR_LINKS)
    if ConfirmForm().validate_on_submit():
        if request.form.get("confirmed") != "1":  # one click must not cut a juror off: say what it does first
            return render_template(
                "organiser/confirm_revoke.html",
                access=access,
                expert=access.expert,
                pending=devices.pending_by_juror(access.expert.event).get(access.expert_id, 0),
                form=ConfirmForm(),
            )
        accounts.revoke_juror_link(access)
        accounts.issue_juror_link(access.expert)
        flash(
            _(
                "L'ancien lien de %(name)s ne fonctionne plus ; un nouveau lien a été créé.",
                name=access.expert.name,
            ),
            "success",
        )
    return redirect(url_for("organiser.event", slug=access.expert.event.slug))


def safe_next(target: str | None) -> str | None:
    """A path on this site, or None: the login form must not send anyone elsewhere.

    Browsers strip tabs and line breaks from a URL and read a backslash as a slash, so
    ``/\t/evil.example`` would become ``//evil.example`` (another site) after the check: any
    control character, space or backslash refuses the target, and what is left must parse
    as a bare path (no scheme, no host).
    """
    if not target or len(target) > 2000:
        return None
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in target) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
