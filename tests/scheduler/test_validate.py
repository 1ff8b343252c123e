"""The solver-independent validator: each hard rule, and each objective term on hand-computed cases."""

import copy
import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from scheduler.data import Change, PanelLock, ScoreTerms, Session, SlotLock, Weights
from scheduler.io import parse_clock, parse_event
from scheduler.validate import Violation, changes, check_schedule, score, score_terms

REPO = Path(__file__).resolve().parents[2]
ROUEN_CANDIDATES = (
    REPO / "pitchday" / "demo" / "rouen-2023.json",
    Path("/work/shared/examples/rouen-2023.json"),
)
ROUEN_PATH = next((path for path in ROUEN_CANDIDATES if path.exists()), ROUEN_CANDIDATES[0])

THU, FRI = date(2023, 11, 30), date(2023, 12, 1)


def at(day: date, start: str, room: str, panel: tuple[str, ...], pitch: str, length: int = 30) -> Session:
    begin = parse_clock(start)
    return Session(pitch=pitch, date=day, start=begin, end=begin + length, room=room, panel=panel)


@pytest.fixture(scope="module")
def rouen():
    return parse_event(json.loads(ROUEN_PATH.read_text(encoding="utf-8")))


# A valid Rouen schedule worked out by hand: one expert from UIMM, CETIM and Arts et Métiers on each
# panel plus one other, nobody above max_pitches, the CCI experts kept off their conflicts.
ROUEN_SCHEDULE = (
    at(THU, "09:30", "amphi", ("uimm-1", "cetim-1", "am-1", "cna-1"), "mijuin-malaunay"),
    at(THU, "10:05", "amphi", ("uimm-2", "cetim-1", "am-2", "cna-1"), "aurthus-et-paole"),
    at(THU, "10:40", "amphi", ("uimm-1", "cetim-1", "am-1", "cci-n-1"), "projet-4"),
    at(THU, "14:00", "amphi", ("uimm-2", "cetim-2", "am-2", "cna-1"), "touroul-chevalerie"),
    at(THU, "14:35", "amphi", ("uimm-1", "cetim-2", "am-1", "cci-p-1"), "projet-5"),
    at(THU, "15:10", "amphi", ("uimm-2", "cetim-2", "am-2", "cci-p-1"), "projet-6"),
    at(FRI, "09:00", "salle-b", ("uimm-1", "cetim-1", "am-2", "cci-n-1"), "projet-7"),
)
# Experts with a pitch to spare who are all free on Thursday afternoon, for one more session there.
SPARE_PANEL = ("uimm-2", "cetim-2", "am-1", "cna-1")


def with_session(schedule, pitch: str, **changes_to_make) -> tuple[Session, ...]:
    return tuple(dataclasses.replace(s, **changes_to_make) if s.pitch == pitch else s for s in schedule)


def rules(violations: list[Violation]) -> set[str]:
    return {violation.rule for violation in violations}


def test_hand_built_rouen_schedule_is_valid(rouen):
    assert check_schedule(rouen, ROUEN_SCHEDULE) == []


def test_valid_schedule_with_locks_that_hold(rouen):
    locked = dataclasses.replace(
        rouen,
        locks=(
            SlotLock("projet-7", date=FRI, room="salle-b"),
            SlotLock("projet-4", start=parse_clock("10:40")),
            PanelLock("projet-5", "cci-p-1"),
        ),
    )
    assert check_schedule(locked, ROUEN_SCHEDULE) == []


# --- one broken rule at a time ----------------------------------------------------------------


def test_missing_pitch(rouen):
    violations = check_schedule(rouen, ROUEN_SCHEDULE[1:])
    assert rules(violations) == {"pitch_missing"}
    assert violations[0].involves == ("mijuin-malaunay",)


def test_pitch_scheduled_twice(rouen):
    again = at(THU, "15:45", "amphi", SPARE_PANEL, "mijuin-malaunay")
    assert rules(check_schedule(rouen, ROUEN_SCHEDULE + (again,))) == {"pitch_duplicate"}


def test_unknown_pitch(rouen):
    stranger = at(THU, "15:45", "amphi", SPARE_PANEL, "stranger")
    assert rules(check_schedule(rouen, ROUEN_SCHEDULE + (stranger,))) == {"pitch_unknown"}


def test_not_an_event_day(rouen):
    schedule = with_session(ROUEN_SCHEDULE, "projet-4", date=date(2023, 12, 2))
    assert rules(check_schedule(rouen, schedule)) == {"event_day"}


def test_outside_the_day_hours(rouen):
    schedule = with_session(ROUEN_SCHEDULE, "projet-4", start=parse_clock("17:10"), end=parse_clock("17:40"))
    assert rules(check_schedule(rouen, schedule)) == {"day_hours"}


def test_overlapping_a_break(rouen):
    schedule = with_session(ROUEN_SCHEDULE, "projet-4", start=parse_clock("12:10"), end=parse_clock("12:40"))
    violations = check_schedule(rouen, schedule)
    assert rules(violations) == {"break_overlap"}
    assert "Déjeuner" in violations[0].message


def test_touching_a_break_is_fine(rouen):
    schedule = with_session(ROUEN_SCHEDULE, "projet-4", start=parse_clock("12:00"), end=parse_clock("12:30"))
    assert check_schedule(rouen, schedule) == []


def test_outside_the_pitch_availability(rouen):
    later = (dataclasses.replace(rouen.pitches[2].available[0], start=parse_clock("14:30")),)
    event = dataclasses.replace(
        rouen,
        pitches=rouen.pitches[:2]
        + (dataclasses.replace(rouen.pitches[2], available=later),)
        + rouen.pitches[3:],
    )
    assert rules(check_schedule(event, ROUEN_SCHEDULE)) == {"pitch_availability"}


def test_touching_windows_are_not_merged(rouen):
    split = (
        dataclasses.replace(
            rouen.pitches[3],
            available=(
                dataclasses.replace(
                    rouen.pitches[2].available[0], start=parse_clock("09:30"), end=parse_clock("11:00")
                ),
                dataclasses.replace(
                    rouen.pitches[2].available[0], start=parse_clock("11:00"), end=parse_clock("12:30")
                ),
            ),
        ),
    )
    event = dataclasses.replace(rouen, pitches=rouen.pitches[:3] + split + rouen.pitches[4:])
    inside_one = with_session(
        ROUEN_SCHEDULE, "projet-4", start=parse_clock("11:00"), end=parse_clock("11:30")
    )
    across_both = with_session(
        ROUEN_SCHEDULE, "projet-4", start=parse_clock("10:40"), end=parse_clock("11:10")
    )
    assert check_schedule(event, inside_one) == []
    assert rules(check_schedule(event, across_both)) == {"pitch_availability"}


def test_room_not_allowed_and_unknown_room(rouen):
    amphi_only = dataclasses.replace(rouen.pitches[6], rooms=("amphi",))
    event = dataclasses.replace(rouen, pitches=rouen.pitches[:6] + (amphi_only,))
    assert rules(check_schedule(event, ROUEN_SCHEDULE)) == {"room_allowed"}
    schedule = with_session(ROUEN_SCHEDULE, "projet-7", room="salle-z")
    assert rules(check_schedule(rouen, schedule)) == {"room_unknown"}


def test_pitch_length(rouen):
    schedule = with_session(ROUEN_SCHEDULE, "projet-6", end=parse_clock("15:35"))
    assert rules(check_schedule(rouen, schedule)) == {"pitch_length"}


def test_off_the_grid(rouen):
    schedule = with_session(ROUEN_SCHEDULE, "projet-6", start=parse_clock("15:12"), end=parse_clock("15:42"))
    assert rules(check_schedule(rouen, schedule)) == {"time_grid"}


def test_panel_size(rouen):
    schedule = with_session(ROUEN_SCHEDULE, "projet-6", panel=("uimm-2", "cetim-2", "am-2"))
    assert rules(check_schedule(rouen, schedule)) == {"panel_size"}


def test_panel_missing_a_required_organisation(rouen):
    schedule = with_session(ROUEN_SCHEDULE, "projet-6", panel=("uimm-2", "cna-1", "am-2", "cci-p-1"))
    violations = check_schedule(rouen, schedule)
    assert rules(violations) == {"panel_organisations"}
    assert violations[0].involves == ("projet-6", "cetim")


def test_panel_too_many_from_one_organisation(rouen):
    schedule = with_session(ROUEN_SCHEDULE, "projet-6", panel=("uimm-2", "cetim-2", "am-2", "am-1"))
    assert rules(check_schedule(rouen, schedule)) == {"panel_max_per_organisation"}


def test_unknown_and_duplicate_experts(rouen):
    schedule = with_session(ROUEN_SCHEDULE, "projet-6", panel=("uimm-2", "cetim-2", "am-2", "ghost"))
    assert rules(check_schedule(rouen, schedule)) == {"expert_unknown"}
    schedule = with_session(
        ROUEN_SCHEDULE, "projet-6", panel=("uimm-2", "cetim-2", "am-2", "cci-p-1", "am-2")
    )
    assert rules(check_schedule(rouen, schedule)) == {"expert_duplicate"}


def test_expert_availability(rouen):
    schedule = with_session(ROUEN_SCHEDULE, "projet-7", panel=("uimm-2", "cetim-1", "am-2", "cci-n-1"))
    violations = check_schedule(rouen, schedule)
    assert rules(violations) == {"expert_availability"}
    assert violations[0].involves == ("projet-7", "uimm-2")


def test_expert_conflict_of_interest(rouen):
    schedule = with_session(ROUEN_SCHEDULE, "mijuin-malaunay", panel=("uimm-1", "cetim-1", "am-1", "cci-n-1"))
    assert rules(check_schedule(rouen, schedule)) == {"expert_conflict"}


def test_expert_changeover_across_rooms(rouen):
    # projet-6 moves to salle-b and starts as projet-5 ends in the amphitheatre: cetim-2 and cci-p-1,
    # on both panels, get no changeover; the rooms themselves are fine.
    schedule = with_session(
        ROUEN_SCHEDULE, "projet-6", start=parse_clock("15:05"), end=parse_clock("15:35"), room="salle-b"
    )
    violations = check_schedule(rouen, schedule)
    assert rules(violations) == {"expert_changeover"}
    assert {v.involves[0] for v in violations} == {"cetim-2", "cci-p-1"}


def test_expert_min_and_max_pitches(rouen):
    busy = dataclasses.replace(rouen.experts[0], max_pitches=3)
    keen = dataclasses.replace(rouen.experts[7], min_pitches=3)
    event = dataclasses.replace(rouen, experts=(busy,) + rouen.experts[1:7] + (keen,) + rouen.experts[8:])
    violations = check_schedule(event, ROUEN_SCHEDULE)
    assert rules(violations) == {"expert_max_pitches", "expert_min_pitches"}
    assert {v.involves for v in violations} == {("uimm-1",), ("cci-n-1",)}


def test_broken_locks(rouen):
    locked = dataclasses.replace(
        rouen,
        locks=(
            SlotLock("projet-7", room="amphi"),
            SlotLock("projet-4", date=THU, start=parse_clock("10:45")),
            PanelLock("projet-5", "cna-1"),
        ),
    )
    violations = check_schedule(locked, ROUEN_SCHEDULE)
    assert [v.rule for v in violations] == ["lock_slot", "lock_slot", "lock_panel"]
    assert (
        "start 10:45" in violations[1].message and "date" not in violations[1].message.split("scheduled")[0]
    )


# --- objective terms on a small hand-computed event ----------------------------------------------


def small_event(**extra) -> dict:
    return {
        "format": "pitchday-event/1",
        "event": {"name": "Small", "venue": "Here", "timezone": "Europe/Paris"},
        "days": [
            {"date": "2024-03-01", "start": "09:00", "end": "12:00", "breaks": []},
            {"date": "2024-03-02", "start": "09:00", "end": "12:00", "breaks": []},
        ],
        "rooms": [{"id": "r1", "name": "Room 1"}, {"id": "r2", "name": "Room 2"}],
        "organisations": [{"id": "o1", "name": "Org 1"}],
        "pitch_defaults": {"duration_min": 30, "changeover_min": 5},
        "panel": {"size": 1, "required_organisations": []},
        "pitches": [
            {"id": "p1", "company": "C1", "title": "T1", "sector": "a", "city": "X", "topics": ["x", "y"]},
            {"id": "p2", "company": "C2", "title": "T2", "sector": "a", "city": "X", "topics": ["y"]},
            {"id": "p3", "company": "C3", "title": "T3", "sector": "b", "city": "X", "topics": ["z"]},
            {"id": "p4", "company": "C4", "title": "T4", "sector": "a", "city": "X", "topics": ["x", "x"]},
        ],
        "experts": [
            {"id": "e1", "name": "E1", "organisation": "o1", "topics": ["x", "y"]},
            {"id": "e2", "name": "E2", "organisation": "o1", "topics": ["y", "z"]},
            {"id": "e3", "name": "E3", "organisation": "o1", "topics": []},
        ],
        **extra,
    }


MARCH_1 = date(2024, 3, 1)
SMALL_SCHEDULE = (
    at(MARCH_1, "09:00", "r1", ("e1",), "p1"),  # shares x, y: 2
    at(MARCH_1, "09:15", "r2", ("e2",), "p2"),  # shares y: 1; overlaps p1, same sector: 1 clash
    at(MARCH_1, "09:35", "r1", ("e1",), "p3"),  # shares nothing; e1 stays in r1
    at(MARCH_1, "10:10", "r2", ("e1",), "p4"),  # shares x once: 1; e1 moves r1 -> r2
)


def test_small_schedule_is_valid():
    assert check_schedule(parse_event(small_event()), SMALL_SCHEDULE) == []


def test_room_changeover():
    event = parse_event(small_event())
    back_to_back = (
        at(MARCH_1, "09:00", "r1", ("e1",), "p1"),
        at(MARCH_1, "09:30", "r1", ("e2",), "p2"),
        at(MARCH_1, "09:00", "r2", ("e3",), "p3"),
        at(MARCH_1, "09:35", "r2", ("e3",), "p4"),
    )
    violations = check_schedule(event, back_to_back)
    assert rules(violations) == {"room_changeover"}
    assert violations[0].involves == ("p1", "p2", "r1")
    overlapping = (at(MARCH_1, "09:10", "r1", ("e1",), "p1"),) + back_to_back[1:]
    assert rules(check_schedule(event, overlapping)) == {"room_changeover"}


def test_score_terms_by_hand():
    event = parse_event(small_event())
    terms = score_terms(event, SMALL_SCHEDULE)
    # loads: e1 3, e2 1, e3 0 (never sits, still counted) -> spread 3
    assert terms == ScoreTerms(
        topic_match=4, load_spread=3, room_changes=1, sector_clash=1, changes_from_previous=0
    )
    assert score(event, SMALL_SCHEDULE) == 4 * 10 - 3 * 5 - 1 * 2 - 1 * 3


def test_score_uses_the_event_weights():
    event = parse_event(small_event(weights={"w_tm": 1, "w_ls": 0}))
    assert event.objective_weights == Weights(topic_match=1, load_spread=0)
    assert score(event, SMALL_SCHEDULE) == 4 - 1 * 2 - 1 * 3


def test_touching_or_other_day_is_no_sector_clash():
    event = parse_event(small_event())
    touching = (
        at(MARCH_1, "09:00", "r1", ("e1",), "p1"),
        at(MARCH_1, "09:30", "r2", ("e2",), "p2"),
        at(date(2024, 3, 2), "09:00", "r2", ("e3",), "p4"),
    )
    assert score_terms(event, touching).sector_clash == 0
    three_at_once = (
        at(MARCH_1, "09:00", "r1", ("e1",), "p1"),
        at(MARCH_1, "09:05", "r2", ("e2",), "p2"),
        at(MARCH_1, "09:10", "r3", ("e3",), "p4"),
    )
    assert score_terms(event, three_at_once).sector_clash == 3


def test_room_changes_count_per_day_between_consecutive_pitches():
    event = parse_event(small_event())
    schedule = (
        at(MARCH_1, "09:00", "r1", ("e1",), "p1"),
        at(MARCH_1, "10:00", "r2", ("e1",), "p2"),
        at(MARCH_1, "11:00", "r1", ("e1",), "p3"),
        # The next day starts in r2: a new day, not a move.
        at(date(2024, 3, 2), "09:00", "r2", ("e1",), "p4"),
    )
    assert score_terms(event, schedule).room_changes == 2


def test_changes_from_previous():
    previous = [
        {
            "pitch": "p1",
            "date": "2024-03-01",
            "start": "09:00",
            "end": "09:30",
            "room": "r1",
            "panel": ["e1"],
        },
        {
            "pitch": "p2",
            "date": "2024-03-01",
            "start": "09:00",
            "end": "09:30",
            "room": "r2",
            "panel": ["e3"],
        },
        {
            "pitch": "p3",
            "date": "2024-03-01",
            "start": "09:35",
            "end": "10:05",
            "room": "r1",
            "panel": ["e2"],
        },
    ]  # p4 is absent from previous: it counts nothing
    event = parse_event(small_event(previous=previous))
    # p1 unchanged; p2 moved (start) and its expert changed: 1 + 1; p3 only its expert: 1.
    assert score_terms(event, SMALL_SCHEDULE).changes_from_previous == 3
    assert changes(event, SMALL_SCHEDULE) == (
        Change("p2", moved=True, experts_removed=("e3",), experts_added=("e2",)),
        Change("p3", moved=False, experts_removed=("e2",), experts_added=("e1",)),
    )


def test_panels_are_compared_as_sets():
    small = copy.deepcopy(small_event())
    small["panel"]["size"] = 2
    small["previous"] = [
        {
            "pitch": "p1",
            "date": "2024-03-01",
            "start": "09:00",
            "end": "09:30",
            "room": "r1",
            "panel": ["e1", "e2"],
        }
    ]
    event = parse_event(small)
    same_set = (at(MARCH_1, "09:00", "r1", ("e2", "e1"), "p1"),)
    assert score_terms(event, same_set).changes_from_previous == 0
    # Grown panel {e1, e2, e3} against {e1, e2}: max(3, 2) - 2 = 1 seat.
    grown = (at(MARCH_1, "09:00", "r1", ("e1", "e2", "e3"), "p1"),)
    assert score_terms(event, grown).changes_from_previous == 1
    # Moved to r2 and one seat swapped: 1 + (max(2, 2) - 1).
    moved_swapped = (at(MARCH_1, "09:00", "r2", ("e1", "e3"), "p1"),)
    assert score_terms(event, moved_swapped).changes_from_previous == 2


def test_no_previous_means_no_changes():
    event = parse_event(small_event())
    assert changes(event, SMALL_SCHEDULE) == ()
    assert score_terms(event, ()).load_spread == 0
