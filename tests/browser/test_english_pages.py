"""An English-speaking visitor: the texts that JavaScript writes into the page come in English too."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_agenda_filter_speaks_english(live_server, phone, demo_event):
    phone.goto(f"{live_server}/e/{demo_event}")
    phone.get_by_role("link", name="English").click()

    phone.get_by_label("Sector").select_option("textile")

    assert phone.get_by_role("status").inner_text() == "3 pitches shown"  # said to screen readers
    assert phone.get_by_text("Add to my calendar").is_visible()
