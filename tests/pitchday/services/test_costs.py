"""What a schedule costs: the score the version page shows is the sum of its table, re-plans and delays included."""

from __future__ import annotations

import pytest

import scheduler
from pitchday.extensions import db
from pitchday.services import costs, moves, solving, versions
from pitchday.services.wording import TERM_LABELS
from scheduler.validate import score_terms
from tests.builders import import_event, solved_draft


@pytest.fixture
def published(ctx, rouen):
    event = import_event(rouen)
    version = versions.publish(versions.save_result(event, solving.solve_now(event, time_limit=5)))
    db.session.commit()
    return version


def table(event, version) -> dict[str, tuple[int, int, int]]:
    """term -> (value, weight, points) of the version page's score table."""
    rows = costs.terms_table(event, version)
    return {term: row[1:] for term, row in zip(TERM_LABELS, rows, strict=True)}


def test_after_an_absent_juror_the_score_is_the_sum_of_its_table(published):
    """Defect 1 of issue 13: the header said 177, the table summed to 217, its changes row read 0."""
    event = published.event
    last = published.sessions[-1]
    # Not a UIMM expert: the other UIMM experts are away on Friday, and UIMM sits on every panel.
    expert = next(seat.expert for seat in last.seats if seat.expert.organisation.key != "uimm")
    moves.mark_absent(expert, day=last.date, from_min=last.start_min)
    spec = moves.replan_spec(event, published, frozen_before=(last.date, last.start_min))
    result = scheduler.solve(spec, time_limit=5)
    assert result.sessions, result.status
    replaced = versions.save_result(event, result)

    rows = table(event, replaced)
    assert sum(points for _value, _weight, points in rows.values()) == replaced.score
    changes, weight, points = rows["changes_from_previous"]
    assert changes >= 1  # the absent juror's seat at least
    assert points == -changes * weight
    # The row counts what the scheduler's own objective counted, as the validator recounts it.
    assert (
        changes
        == score_terms(spec, result.sessions).changes_from_previous
        == result.terms.changes_from_previous
    )


def test_a_delay_counts_the_pitches_it_moves_in_the_score_and_its_table(published):
    event = published.event
    first = published.sessions[0]
    shifted = [s for s in published.sessions if s.date == first.date]
    delayed = moves.delay(published, day=first.date, after=first.start_min, minutes=15)

    rows = table(event, delayed)
    assert rows["changes_from_previous"][0] == len(shifted)
    assert sum(points for _value, _weight, points in rows.values()) == delayed.score


def test_the_version_page_header_is_the_sum_of_its_table(client, published):
    from tests.builders import create_organiser, login

    create_organiser()
    login(client)
    event = published.event
    first = published.sessions[0]
    delayed = moves.delay(published, day=first.date, after=first.start_min, minutes=15)
    db.session.commit()

    page = client.get(f"/organisation/evenements/{event.slug}/versions/{delayed.id}").get_data(as_text=True)
    header = page.split('id="version-score">', 1)[1].split("<", 1)[0]
    assert header.replace("\u202f", "").replace("\xa0", "").replace("−", "-") == str(delayed.score)
    assert "Changements par rapport au planning publié" in page


@pytest.fixture
def draft(ctx, rouen):
    return solved_draft(import_event(rouen))


def test_soft_breakdown_costs_add_up_to_the_penalties(draft):
    event = draft.event
    items = costs.soft_breakdown(event, draft)
    terms = {label: points for label, _value, _weight, points in costs.terms_table(event, draft)}
    penalties = sum(points for label, points in terms.items() if label != TERM_LABELS["topic_match"])
    assert -penalties == sum(item.cost for item in items if item.term != "topic_match")
    assert sum(terms.values()) == draft.score


def test_experts_who_can_never_sit_are_named(ctx, rouen):
    # Available only during the lunch break: no pitch can ever have them on its panel.
    rouen["experts"][6]["available"] = [{"date": "2023-11-30", "start": "12:30", "end": "14:00"}]
    # Conflicts with every pitch.
    rouen["experts"][8]["conflicts"] = [pitch["id"] for pitch in rouen["pitches"]]
    event = import_event(rouen)

    assert [expert.key for expert in costs.experts_who_cannot_sit(event)] == ["cna-1", "cci-p-1"]


def test_rouen_has_no_idle_expert(ctx, rouen):
    assert costs.experts_who_cannot_sit(import_event(rouen)) == []
