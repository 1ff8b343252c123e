"""The scoring rubric of an event."""

from __future__ import annotations

from sqlalchemy import bindparam

from pitchday.extensions import db
from pitchday.models import Criterion, Event

# A rubric fit for a relocalisation accelerator; organisers can change it.
DEFAULT_RUBRIC = (
    ("Potentiel de relocalisation", "Volume, emplois et valeur rapatriés en France", 3.0),
    ("Faisabilité industrielle", "Procédés, sous-traitants, compétences disponibles", 3.0),
    ("Modèle économique", "Coûts, prix, marché, financement", 2.0),
    ("Qualité du pitch", "Clarté, réponses aux questions", 1.0),
)


# Built once: each autosave checks its marks against the rubric.
_CRITERIA_OF_EVENT = (
    db.select(Criterion).where(Criterion.event_id == bindparam("event_id")).order_by(Criterion.position)
)


def criteria_of(event: Event) -> list[Criterion]:
    return list(db.session.execute(_CRITERIA_OF_EVENT, {"event_id": event.id}).scalars())


def ensure_default_rubric(event: Event) -> list[Criterion]:
    """Give the event the default rubric if it has none yet."""
    existing = criteria_of(event)
    if existing:
        return existing
    created = [
        Criterion(
            event=event,
            position=i,
            label=label,
            description=description,
            weight=weight,
            scale_min=0,
            scale_max=10,
        )
        for i, (label, description, weight) in enumerate(DEFAULT_RUBRIC)
    ]
    db.session.add_all(created)
    db.session.flush()
    return created
