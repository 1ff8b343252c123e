"""Words for the status codes an organiser sees; the codes themselves stay in the data and the JSON."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

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
