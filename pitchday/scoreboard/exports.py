"""The board's CSV exports (written by pitchday.services.spreadsheets, formulas neutralised)."""

from __future__ import annotations

from flask_babel import gettext as _

from pitchday.extensions import db
from pitchday.models import Event, JurorComment, Score
from pitchday.services import ranking, rubric
from pitchday.services.spreadsheets import spreadsheet_csv


def scores_csv(event: Event) -> str:
    """One line per juror and pitch: each criterion's mark, the total out of 100, the comment."""
    criteria = rubric.criteria_of(event)
    experts = {expert.id: expert for expert in event.experts}
    pitches = {pitch.id: pitch for pitch in event.pitches}
    marks: dict[tuple[int, int], dict[int, int]] = {}
    for score in db.session.execute(db.select(Score).where(Score.pitch_id.in_(pitches))).scalars():
        marks.setdefault((score.pitch_id, score.expert_id), {})[score.criterion_id] = score.value
    comments = {
        (c.pitch_id, c.expert_id): c.text
        for c in db.session.execute(
            db.select(JurorComment).where(JurorComment.pitch_id.in_(pitches))
        ).scalars()
    }
    totals = ranking.juror_totals(ranking.criteria_specs(event), ranking.marks_of(event.id))
    rows = []
    for pitch_id, expert_id in sorted(
        set(marks) | set(comments), key=lambda key: (pitches[key[0]].position, experts[key[1]].position)
    ):
        values = marks.get((pitch_id, expert_id), {})
        rows.append(
            [
                pitches[pitch_id].company,
                experts[expert_id].name,
                experts[expert_id].organisation.name,
                *[values.get(criterion.id) for criterion in criteria],
                totals.get((pitch_id, expert_id)),
                comments.get((pitch_id, expert_id), ""),
            ]
        )
    return spreadsheet_csv(
        [
            _("Projet"),
            _("Juré"),
            _("Organisation"),
            *[c.label for c in criteria],
            _("Total /100"),
            _("Commentaire"),
        ],
        rows,
    )


def ranking_csv(event: Event) -> str:
    """The ranking as the board shows it."""
    names = {pitch.id: pitch.company for pitch in event.pitches}
    rows = [
        [
            result.rank,
            names[result.pitch],
            result.corrected,
            result.raw,
            result.median,
            result.spread,
            result.jurors,
            _("oui") if result.disagreement else _("non"),
        ]
        for result in ranking.event_ranking(event)
    ]
    return spreadsheet_csv(
        [
            _("Rang"),
            _("Projet"),
            _("Score corrigé /100"),
            _("Moyenne brute /100"),
            _("Médiane /100"),
            _("Écart-type"),
            _("Jurés"),
            _("Désaccord"),
        ],
        rows,
    )
