"""Ranking maths on cases computed by hand."""

from __future__ import annotations

import math

import pytest

from pitchday.services.ranking import (
    CriterionSpec,
    Mark,
    corrected_totals,
    juror_totals,
    rank_pitches,
)

TEN = (0, 10)
CRITERIA = [CriterionSpec(1, 3.0, *TEN), CriterionSpec(2, 1.0, *TEN)]


def marks_for(totals: dict[tuple[int, int], int]) -> list[Mark]:
    """Marks that give each (pitch, juror) the total wanted, with one criterion of weight 1 on 0-100."""
    return [Mark(pitch, juror, 9, value) for (pitch, juror), value in totals.items()]


ONE_CRITERION = [CriterionSpec(9, 1.0, 0, 100)]


def test_total_is_the_weighted_mean_on_a_0_to_100_scale():
    marks = [Mark(1, 10, 1, 8), Mark(1, 10, 2, 4)]

    # (3 × 0.8 + 1 × 0.4) / 4 = 0.7
    assert juror_totals(CRITERIA, marks) == {(1, 10): pytest.approx(70.0)}


def test_each_criterion_is_read_on_its_own_scale():
    criteria = [CriterionSpec(1, 1.0, 1, 5), CriterionSpec(2, 1.0, 0, 10)]

    # (3 - 1) / 4 = 0.5 and 10 / 10 = 1 -> 75
    assert juror_totals(criteria, [Mark(1, 10, 1, 3), Mark(1, 10, 2, 10)]) == {(1, 10): pytest.approx(75.0)}


def test_an_incomplete_set_of_marks_makes_no_total():
    assert juror_totals(CRITERIA, [Mark(1, 10, 1, 8)]) == {}


def test_bias_correction_removes_a_harsh_jurors_offset():
    # Juror 1 gives 40, 50, 60; juror 2 (lenient) gives 70, 80, 90 on the same three pitches.
    totals = {(1, 1): 40.0, (2, 1): 50.0, (3, 1): 60.0, (1, 2): 70.0, (2, 2): 80.0, (3, 2): 90.0}

    corrected = corrected_totals(totals, min_pitches=3)

    # Overall mean 65, sd sqrt(1750/6); each juror's z-scores are -sqrt(1.5), 0, sqrt(1.5).
    low = 65 - math.sqrt(1.5) * math.sqrt(1750 / 6)
    assert corrected[(1, 1)] == pytest.approx(low) == pytest.approx(44.0835, abs=1e-4)
    assert corrected[(1, 2)] == pytest.approx(low)
    assert corrected[(2, 1)] == pytest.approx(65.0) == pytest.approx(corrected[(2, 2)])


def test_jurors_with_too_few_pitches_or_no_spread_keep_their_raw_totals():
    totals = {(1, 1): 40.0, (2, 1): 50.0, (1, 2): 70.0, (2, 2): 70.0, (3, 2): 70.0}

    # Juror 1 scored 2 pitches (< 3); juror 2 gave 70 everywhere (zero spread).
    assert corrected_totals(totals, min_pitches=3) == totals


def test_ranking_gives_raw_mean_median_and_disagreement():
    results = rank_pitches({1: "Alpha"}, ONE_CRITERION, marks_for({(1, 1): 10, (1, 2): 20, (1, 3): 90}))

    (alpha,) = results
    assert alpha.raw == pytest.approx(40.0)
    assert alpha.median == pytest.approx(20.0)
    # Population sd of 10, 20, 90 is sqrt(3800 / 3) ≈ 35.6 > 15 points.
    assert alpha.spread == pytest.approx(math.sqrt(3800 / 3))
    assert alpha.disagreement is True
    assert alpha.rank == 1


def test_close_totals_are_not_a_disagreement():
    (result,) = rank_pitches({1: "Alpha"}, ONE_CRITERION, marks_for({(1, 1): 60, (1, 2): 70}))

    assert result.spread == pytest.approx(5.0)
    assert result.disagreement is False


def test_tie_break_higher_median_then_more_jurors_then_company_name():
    pitches = {1: "Delta", 2: "Charlie", 3: "beta", 4: "Alpha", 5: "Sans note"}
    marks = marks_for(
        {
            # Delta and Charlie both average 60; Charlie's median (70) beats Delta's (50).
            (1, 1): 50,
            (1, 2): 50,
            (1, 3): 80,
            (2, 1): 40,
            (2, 2): 70,
            (2, 3): 70,
            # beta and Alpha both average 55 with median 55; beta has three jurors, Alpha two.
            (3, 1): 55,
            (3, 2): 55,
            (3, 3): 55,
            (4, 1): 55,
            (4, 2): 55,
        }
    )

    results = rank_pitches(pitches, ONE_CRITERION, marks, min_pitches=99)

    assert [pitches[r.pitch] for r in results] == ["Charlie", "Delta", "beta", "Alpha", "Sans note"]
    assert [r.rank for r in results] == [1, 2, 3, 4, None]


def test_company_name_breaks_a_complete_tie_case_insensitively():
    pitches = {1: "zèbre", 2: "Abeille"}

    results = rank_pitches(pitches, ONE_CRITERION, marks_for({(1, 1): 60, (2, 1): 60}), min_pitches=99)

    assert [pitches[r.pitch] for r in results] == ["Abeille", "zèbre"]
