"""A student opens the demo event on a phone."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_public_page_shows_the_seven_pitches(live_server, phone, demo_event):
    phone.goto(f"{live_server}/e/{demo_event}")

    assert phone.locator("h1").inner_text().startswith("Accélérateur Relocalisation")
    companies = phone.locator(".pitch .company").all_inner_texts()
    assert len(companies) == 7
    assert {"Mijuin-Malaunay", "Aurthus et Paole", "Touroul-Chevalerie"} <= set(companies)


def test_language_switch_to_english_and_back(live_server, phone, demo_event):
    phone.goto(f"{live_server}/e/{demo_event}")
    assert phone.locator("html").get_attribute("lang") == "fr"

    phone.get_by_role("link", name="English").click()
    assert phone.locator("html").get_attribute("lang") == "en"

    phone.get_by_role("link", name="Français").click()
    assert phone.locator("html").get_attribute("lang") == "fr"


def test_agenda_filters_by_sector_at_once_and_keeps_the_address(live_server, phone, demo_event):
    phone.goto(f"{live_server}/e/{demo_event}")
    phone.evaluate("window.sameDocument = true")

    phone.get_by_label("Secteur").select_option("textile")

    visible = phone.locator(".agenda .pitch:visible .company").all_inner_texts()
    assert sorted(visible) == ["Aurthus et Paole", "Mijuin-Malaunay", "Touroul-Chevalerie"]
    assert phone.url.endswith("?secteur=textile")
    assert phone.evaluate("window.sameDocument") is True  # filtered without loading a page
    assert phone.locator(".agenda-break:visible").count() >= 1  # breaks stay in everyone's day
    assert phone.get_by_role("status").inner_text() == "3 pitchs affichés"  # said to screen readers


def test_agenda_filter_works_without_javascript(live_server, browser, demo_event):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fr-FR", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{live_server}/e/{demo_event}")

    page.get_by_label("Secteur").select_option("industrie")
    page.get_by_role("button", name="Filtrer").click()

    assert "secteur=industrie" in page.url
    assert page.locator(".agenda .pitch:visible").count() == 4
    context.close()


def test_the_sector_filter_is_not_cut_on_a_phone(live_server, phone, demo_event):
    """Item 8 of issue 13: each filter shows its whole choice (« Tous les secteurs ») on a 390 px phone."""
    phone.goto(f"{live_server}/e/{demo_event}")

    widths = phone.evaluate(
        """() => [...document.querySelectorAll('.agenda-filter select')].map(select => {
          const natural = select.cloneNode(true);  // as wide as its longest choice needs
          natural.style.width = 'auto';
          natural.style.position = 'absolute';
          document.body.appendChild(natural);
          const needed = natural.getBoundingClientRect().width;
          natural.remove();
          return [select.id, select.getBoundingClientRect().width, needed];
        })"""
    )
    assert len(widths) == 2
    for name, width, needed in widths:
        assert width >= needed, f"{name}: {width} px shown, {needed} px needed"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # and no sideways scrolling
