"""axe-core finds no serious or critical accessibility violation on the public pages, at a phone's size."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pitchday.extensions import db
from tests.builders import import_event, publish_by_hand

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core from the repository's package.json (`npm install`); CI must have it, a laptop may skip."""
    if not AXE.exists():
        message = f"axe-core missing at {AXE}: run `npm install --no-audit --no-fund` at the repository root"
        if os.environ.get("PITCHDAY_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def slugs(app, rouen) -> dict[str, str]:
    """One event with its agenda and results published, one with nothing published yet."""
    with app.app_context():
        published = import_event(rouen)
        publish_by_hand(published)
        published.results_published = True
        rouen["event"]["name"] = "Journée à venir"
        upcoming = import_event(rouen)
        db.session.commit()
        return {"published": published.slug, "upcoming": upcoming.slug}


def serious_violations(page, axe_source: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    violations = page.evaluate("""async () => {
        const result = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")
    return [
        f"{v['id']} ({v['impact']}): {v['nodes']}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


PUBLIC_PAGES = [
    "/",
    "/e/{published}",
    "/e/{published}?secteur=textile",
    "/e/{upcoming}",
    "/e/{published}/maintenant?now=2023-11-30T10:02",
    "/e/{published}/maintenant?now=2023-11-30T13:00",
    "/e/{published}/salle/amphi?now=2023-11-30T09:45",
    "/e/{published}/resultats",
    "/e/{upcoming}/resultats",
    "/e/nulle-part",
]


def test_public_pages_have_no_serious_violation(live_server, browser, slugs, axe_source):
    # axe is injected as an inline script, which the Content-Security-Policy rightly refuses.
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True, bypass_csp=True
    )
    page = context.new_page()
    page.add_init_script("window.pitchdayPollSeconds = 3600;")  # axe checks a still page
    found = {}
    for path in PUBLIC_PAGES:
        page.goto(live_server + path.format(**slugs))
        found[path] = serious_violations(page, axe_source)
    context.close()

    assert found == {path: [] for path in PUBLIC_PAGES}
