"""Words for the status codes an organiser sees; the codes themselves stay in the data and the JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from pitchday.models import SolveJob
    from pitchday.services.teams import TeamError

from pitchday import numbers

STATUS_LABELS = {
    # A background solve (SolveJob.status).
    "queued": _l("en attente"),
    "running": _l("calcul en cours"),
    "done": _l("terminé"),
    "stopped": _l("arrêté"),
    "failed": _l("échec"),
    # The solver's verdict on a schedule version (scheduler.data.Status).
    "optimal": _l("optimal (prouvé)"),
    "feasible": _l("réalisable"),
    "infeasible": _l("impossible"),
    "unknown": _l("inconnu"),
}


def status_label(code: str) -> str:
    """The code in the visitor's language; an unknown code is shown as it is."""
    return str(STATUS_LABELS.get(code, code))


# How a background solve ended (SolveJob.outcome): what happened, and what the organiser can do.
JOB_OUTCOMES = {
    "no_schedule_in_time": _l(
        "Aucun planning trouvé dans le temps imparti : essayez une durée de calcul plus longue."
    ),
    "stopped_before_schedule": _l("Calcul arrêté avant qu'un planning soit trouvé."),
    "stopped_before_start": _l("Calcul annulé avant d'avoir commencé."),
    "stop_unanswered": _l(
        "Le calcul n'a pas répondu à l'arrêt : il a été clos, avec le meilleur planning "
        "qu'il avait transmis s'il y en avait un."
    ),
    "solver_error": _l("Le calcul a échoué."),
    "absence_not_kept": _l(
        "Aucun planning trouvé sans ce juré : son absence n'est pas enregistrée, ses disponibilités "
        "restent inchangées. Voyez pourquoi dans le planning ci-dessous, puis corrigez et indiquez de "
        "nouveau l'absence."
    ),
    "not_saved": _l(
        "Le planning trouvé n'a pas pu être enregistré : l'événement a changé pendant le calcul. "
        "Relancez le calcul."
    ),
    "worker_lost": _l(
        "Le processus de calcul s'est arrêté sans donner de nouvelles (serveur redémarré ou "
        "arrêté). Le meilleur planning qu'il avait transmis est gardé comme brouillon s'il y en "
        "avait un ; vous pouvez relancer le calcul."
    ),
    "never_started": _l(
        "Aucun processus de calcul n'a pris ce calcul en charge : vérifiez que les workers "
        "tournent (flask worker), puis relancez."
    ),
    "queue_unavailable": _l(
        "Le calcul n'a pas pu être confié à la file d'attente (Redis injoignable). "
        "Relancez-le dans un instant."
    ),
}


def worker_label(state: dict) -> str:
    """Which process solves, and how fresh its last sign of life is (from ``solving.job_state``)."""
    if not state.get("worker"):
        return str(_l("En attente d'un processus de calcul.")) if state.get("active") else ""
    if state.get("heartbeat_age") is None:
        return str(_l("Calculé par %(worker)s", worker=state["worker"]))
    return str(
        _l(
            "Calcul par %(worker)s — dernier signe de vie il y a %(seconds)s s",
            worker=state["worker"],
            seconds=numbers.number(state["heartbeat_age"], 1),
        )
    )


def job_message(job: SolveJob) -> str:
    """What the organiser reads of how a solve ended; nothing while it runs or when it ended well."""
    words = JOB_OUTCOMES.get(job.outcome)
    if words is None:
        return ""
    return f"{words} ({job.error})" if job.error else str(words)


ROLE_LABELS = {
    "owner": _l("propriétaire (tout, et l'équipe)"),
    "planner": _l("planification (agenda, génération, verrous, publication, jour J)"),
    "scoring": _l(
        "notation (tableau, verrous de notation, liens des jurés, résultats, retours aux entreprises)"
    ),
    "viewer": _l("lecture seule"),
    "coordinator": _l("coordination du programme (lecture)"),
}


def role_label(code: str | None) -> str:
    return str(ROLE_LABELS.get(code or "", code or "—"))


# TeamError codes -> message (parameters filled in from the error)
TEAM_ERRORS = {
    "unknown_role": _l("Rôle inconnu : %(role)s. Choisissez un rôle dans la liste."),
    "bad_email": _l("« %(email)s » n'est pas une adresse e-mail : vérifiez-la."),
    "already_member": _l("%(email)s fait déjà partie de l'équipe : changez son rôle dans la liste."),
    "last_owner": _l("L'événement doit garder au moins un propriétaire : nommez-en un autre d'abord."),
    "invitation_unknown": _l("Ce lien d'invitation n'existe pas ou a été annulé."),
    "invitation_used": _l("Ce lien d'invitation a déjà servi : connectez-vous avec votre mot de passe."),
    "invitation_expired": _l(
        "Ce lien d'invitation a expiré : demandez-en un nouveau au propriétaire de l'événement."
    ),
    "password_too_short": _l("Le mot de passe doit compter au moins %(min)d caractères."),
    "wrong_password": _l("Mot de passe incorrect pour ce compte."),
    "passwords_differ": _l("Les deux mots de passe ne sont pas identiques."),
}


def team_error(error: TeamError) -> str:
    return str(TEAM_ERRORS[error.code]) % error.params if error.params else str(TEAM_ERRORS[error.code])


# An e-mail's state (OutboundMail.status).
MAIL_STATUSES = {
    "queued": _l("en attente d'envoi"),
    "sending": _l("envoi en cours"),
    "sent": _l("envoyé"),
    "failed": _l("non remis"),
}


def mail_status(code: str) -> str:
    return str(MAIL_STATUSES.get(code, code))
