"""The organisers' moderation of the feedback for the companies: read, edit or hide each juror's feedback,
release it (and withdraw it), show the rank or not, and the company's private link (copy, revoke, replace)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from pitchday.access import event_for
from pitchday.extensions import db
from pitchday.links import absolute_url
from pitchday.models import Event, Pitch
from pitchday.scoreboard.blueprint import bp
from pitchday.scoreboard.forms import ActionForm, ModerationForm
from pitchday.services import feedback
from pitchday.services.teams import Permission as P


def company_link(token: str) -> str:
    """The company's link as it is copied and mailed: on PITCHDAY_BASE_URL, never the request's Host."""
    return absolute_url("company.report", link_token=token)


@bp.route("/<slug>/retours")
@login_required
def feedback_overview(slug: str) -> ResponseReturnValue:
    """Every pitch with how far its feedback has come: written, hidden, released, its link."""
    event = event_for(slug, P.FEEDBACK)
    return render_template(
        "scoreboard/feedback_overview.html",
        event=event,
        states=feedback.overview(event),
        company_link=company_link,
    )


@bp.route("/<slug>/retours/<int:pitch_id>")
@login_required
def feedback_pitch(slug: str, pitch_id: int) -> ResponseReturnValue:
    """One pitch: each juror's feedback to moderate, the release, the rank, the company's link."""
    event = event_for(slug, P.FEEDBACK)
    return _render_pitch(event, _pitch_or_404(event, pitch_id))


@bp.route("/<slug>/retours/<int:pitch_id>/jures/<expert_key>", methods=["POST"])
@login_required
def feedback_edit(slug: str, pitch_id: int, expert_key: str) -> ResponseReturnValue:
    """Word a juror's feedback for the company (their own words stay on record)."""
    event = event_for(slug, P.FEEDBACK)
    pitch = _pitch_or_404(event, pitch_id)
    row = feedback.feedback_of_juror(pitch, expert_key)
    form = ModerationForm()
    if row is None:
        flash(_("Ce juré n'a écrit aucun retour sur ce pitch."), "error")
    elif not form.validate_on_submit():
        return _render_pitch(event, pitch, form_errors={expert_key: _form_errors(form)}), 422
    else:
        try:
            changed = feedback.edit(row, form.strengths.data or "", form.improvements.data or "")
        except feedback.FeedbackError as refusal:
            return _render_pitch(event, pitch, form_errors={expert_key: [refusal.message]}), refusal.status
        if changed:
            flash(
                _("Retour de %(name)s enregistré tel que l'entreprise le lira.", name=row.expert.name),
                "success",
            )
    return _back(event, pitch)


@bp.route("/<slug>/retours/<int:pitch_id>/jures/<expert_key>/masquer", methods=["POST"])
@login_required
def feedback_hide(slug: str, pitch_id: int, expert_key: str) -> ResponseReturnValue:
    """Hide a juror's feedback from the company."""
    return _set_hidden(slug, pitch_id, expert_key, hidden=True)


@bp.route("/<slug>/retours/<int:pitch_id>/jures/<expert_key>/montrer", methods=["POST"])
@login_required
def feedback_show(slug: str, pitch_id: int, expert_key: str) -> ResponseReturnValue:
    """Let the company read a juror's feedback again."""
    return _set_hidden(slug, pitch_id, expert_key, hidden=False)


@bp.route("/<slug>/retours/<int:pitch_id>/publier", methods=["POST"])
@login_required
def feedback_release(slug: str, pitch_id: int) -> ResponseReturnValue:
    """Release the pitch's feedback to the company (and mail it its link when its address is known)."""
    event = event_for(slug, P.FEEDBACK)
    pitch = _pitch_or_404(event, pitch_id)
    if ActionForm().validate_on_submit():
        already = feedback.is_released(pitch)
        message = feedback.release(pitch, company_link)
        if already:
            flash(_("Le retour de %(company)s était déjà publié.", company=pitch.company), "success")
        elif message is not None:
            flash(
                _("Retour publié ; son lien part par e-mail à %(address)s.", address=message.recipient),
                "success",
            )
        else:
            flash(
                _(
                    "Retour publié. Aucune adresse e-mail pour %(company)s : envoyez-lui son lien vous-même.",
                    company=pitch.company,
                ),
                "success",
            )
    return _back(event, pitch)


@bp.route("/<slug>/retours/<int:pitch_id>/retirer", methods=["POST"])
@login_required
def feedback_withdraw(slug: str, pitch_id: int) -> ResponseReturnValue:
    """Withdraw the release: the company's link shows nothing until the next release."""
    event = event_for(slug, P.FEEDBACK)
    pitch = _pitch_or_404(event, pitch_id)
    if ActionForm().validate_on_submit() and feedback.withdraw(pitch):
        flash(
            _("Retour de %(company)s retiré : son lien ne montre plus rien.", company=pitch.company),
            "success",
        )
    return _back(event, pitch)


@bp.route("/<slug>/retours/<int:pitch_id>/rang", methods=["POST"])
@login_required
def feedback_rank(slug: str, pitch_id: int) -> ResponseReturnValue:
    """Show the company its rank in the event, or stop showing it."""
    event = event_for(slug, P.FEEDBACK)
    pitch = _pitch_or_404(event, pitch_id)
    form = ActionForm()
    if form.validate_on_submit():
        decision = feedback.release_of(pitch)
        show = not (decision is not None and decision.show_rank)
        feedback.set_show_rank(pitch, show)
        flash(
            _("Le rang sera montré à l'entreprise.")
            if show
            else _("Le rang n'est plus montré à l'entreprise."),
            "success",
        )
    return _back(event, pitch)


@bp.route("/<slug>/retours/<int:pitch_id>/lien", methods=["POST"])
@login_required
def feedback_new_link(slug: str, pitch_id: int) -> ResponseReturnValue:
    """A new link for the company; the previous ones stop working."""
    event = event_for(slug, P.FEEDBACK)
    pitch = _pitch_or_404(event, pitch_id)
    if ActionForm().validate_on_submit():
        feedback.replace_link(pitch)
        flash(
            _("Nouveau lien créé pour %(company)s ; les précédents ne marchent plus.", company=pitch.company),
            "success",
        )
    return _back(event, pitch)


@bp.route("/<slug>/retours/<int:pitch_id>/lien/revoquer", methods=["POST"])
@login_required
def feedback_revoke_link(slug: str, pitch_id: int) -> ResponseReturnValue:
    """Revoke the company's links without a new one."""
    event = event_for(slug, P.FEEDBACK)
    pitch = _pitch_or_404(event, pitch_id)
    if ActionForm().validate_on_submit() and feedback.revoke_links(pitch):
        flash(
            _("Lien de %(company)s révoqué : il ne mène plus nulle part.", company=pitch.company), "success"
        )
    return _back(event, pitch)


def _set_hidden(slug: str, pitch_id: int, expert_key: str, *, hidden: bool):
    event = event_for(slug, P.FEEDBACK)
    pitch = _pitch_or_404(event, pitch_id)
    row = feedback.feedback_of_juror(pitch, expert_key)
    if row is None:
        flash(_("Ce juré n'a écrit aucun retour sur ce pitch."), "error")
    elif ActionForm().validate_on_submit() and feedback.set_hidden(row, hidden):
        flash(
            _("Retour de %(name)s masqué à l'entreprise.", name=row.expert.name)
            if hidden
            else _("Retour de %(name)s de nouveau visible pour l'entreprise.", name=row.expert.name),
            "success",
        )
    return _back(event, pitch)


def _pitch_or_404(event: Event, pitch_id: int) -> Pitch:
    return db.one_or_404(db.select(Pitch).filter_by(id=pitch_id, event_id=event.id))


def _back(event: Event, pitch: Pitch):
    return redirect(url_for("scoreboard.feedback_pitch", slug=event.slug, pitch_id=pitch.id))


def _form_errors(form: ModerationForm) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


def _render_pitch(event: Event, pitch: Pitch, form_errors: dict[str, list[str]] | None = None):
    link = feedback.current_link(pitch)
    return render_template(
        "scoreboard/feedback_pitch.html",
        event=event,
        pitch=pitch,
        rows=feedback.feedback_of_pitch(pitch),
        decision=feedback.release_of(pitch),
        link=company_link(link.token) if link else None,
        form=ActionForm(),
        shown_strengths=feedback.shown_strengths,
        shown_improvements=feedback.shown_improvements,
        form_errors=form_errors or {},
    )
