"""Figures in the visitor's locale: pitchday.numbers, and the pages that show them."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from pitchday import numbers
from pitchday.extensions import db
from pitchday.models import SolveJob
from tests.builders import create_organiser, import_event, login

NARROW_SPACE = "\u202f"  # Babel's French thousands separator
SPACE = "\xa0"  # before the French percent sign


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "fr",
            [
                "60,0",
                "3",
                "1,5",
                f"52{NARROW_SPACE}560{NARROW_SPACE}000",
                f"16,8{SPACE}%",
                f"17{SPACE}%",
                "+12",
                "-3",
            ],
        ),
        ("en", ["60.0", "3", "1.5", "52,560,000", "16.8%", "17%", "+12", "-3"]),
    ],
)
def test_numbers_decimals_and_shares_follow_the_locale(ctx, locale, expected):
    with force_locale(locale):
        written = [
            numbers.number(60, 1),
            numbers.number(3.0),
            numbers.number(1.5),
            numbers.number(52_560_000),
            numbers.percent(0.168, 1),
            numbers.percent(0.168),
            numbers.signed(12),
            numbers.signed(-3),
        ]

    assert written == expected


def test_an_unknown_figure_is_a_dash(ctx):
    assert numbers.number(None) == numbers.percent(None) == numbers.signed(None) == "—"


def workspace_page(client, slug: str, lang: str) -> str:
    client.get(f"/langue/{lang}")
    response = client.get(f"/organisation/evenements/{slug}/planning")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_solve_panel_writes_gap_and_time_in_the_visitors_locale(client, ctx, rouen):
    event = import_event(rouen)
    db.session.add(
        SolveJob(
            event=event,
            status="running",
            time_limit=30.0,
            best_score=832,
            best_bound=1000,  # a gap of 16.8 %
            elapsed=12.5,
        )
    )
    db.session.commit()
    create_organiser()
    login(client)

    french = workspace_page(client, event.slug, "fr")
    english = workspace_page(client, event.slug, "en")

    assert f"16,8{SPACE}%" in french and ">12,5<" in french
    assert "16.8%" in english and ">12.5<" in english
    assert "16,8 %" not in english.replace(SPACE, " ")
