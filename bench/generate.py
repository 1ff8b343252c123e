"""Realistic pitch-day events, feasible by construction, for benchmarks and tests.

The events look like the CCI relocalisation accelerator (sectors, topics, the partner
organisations that send experts, two days with breaks).  Each one is built around a hidden
schedule, the *witness*: the rooms and days are cut into synchronised slots, pitches are
dropped into slots, panels are filled greedily, and only then are availability windows,
load limits, conflicts of interest and locks derived so that the witness satisfies them.

Run ``python bench/generate.py -o DIR`` to write the benchmark sizes as event files.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `scheduler` and `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scheduler.data import (
    Break,
    Day,
    Event,
    EventInfo,
    Expert,
    Lock,
    Organisation,
    PanelLock,
    PanelRules,
    Pitch,
    PitchDefaults,
    Room,
    Session,
    SlotLock,
    Window,
)

# (pitches, rooms, experts) of the benchmark; the first is the size of the Rouen 2023 seed.
BENCH_SIZES: tuple[tuple[int, int, int], ...] = (
    (7, 2, 9),
    (26, 3, 24),
    (60, 4, 24),
    (150, 6, 45),
    (300, 10, 90),
)
# Sizes on which the re-plan scenario (an expert called away on day 2) is run.
REPLAN_SIZES: tuple[tuple[int, int, int], ...] = ((60, 4, 24), (150, 6, 45))

FIRST_DATE = date(2024, 11, 28)


def hm(text: str) -> int:
    """'09:30' -> 570 minutes after midnight."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


# ---------------------------------------------------------------------------
# Realistic vocabulary
# ---------------------------------------------------------------------------

ORGANISATIONS: tuple[tuple[str, str], ...] = (
    ("uimm", "UIMM"),
    ("cetim", "CETIM"),
    ("arts-et-metiers", "Arts et Métiers"),
    ("cna", "Conseil National des Achats"),
    ("cci-normandie", "CCI Normandie"),
    ("cci-paris-idf", "CCI Paris Île-de-France"),
    ("bpifrance", "Bpifrance"),
    ("ademe", "ADEME"),
    ("region-normandie", "Région Normandie"),
    ("ad-normandie", "AD Normandie"),
)

SECTOR_TOPICS: dict[str, tuple[str, ...]] = {
    "textile": ("textile", "lin", "coton", "confection", "tissage"),
    "agroalimentaire": ("agroalimentaire", "conserverie", "emballage", "chaine-du-froid", "circuit-court"),
    "mecanique": ("mecanique", "usinage", "fonderie", "robotique", "maintenance"),
    "chimie": ("chimie", "formulation", "chimie-verte", "reach", "principes-actifs"),
    "electronique": ("electronique", "cartes-electroniques", "composants", "capteurs"),
    "plasturgie": ("plasturgie", "injection", "moules", "plastiques-recycles"),
    "cosmetique": ("cosmetique", "formulation", "ingredients-naturels", "conditionnement"),
    "sante": ("dispositifs-medicaux", "principes-actifs", "sterilisation", "certification"),
    "bois-ameublement": ("ameublement", "menuiserie", "bois-local", "eco-conception"),
}
CROSS_TOPICS: tuple[str, ...] = (
    "achats",
    "approvisionnement",
    "sous-traitance",
    "financement",
    "emploi",
    "formation",
    "industrialisation",
    "r-et-d",
    "production",
    "export",
    "automatisation",
    "numerique",
    "decarbonation",
    "recyclage",
    "foncier",
    "certification",
)
ORGANISATION_TOPICS: dict[str, tuple[str, ...]] = {
    "uimm": ("emploi", "formation", "industrialisation", "automatisation"),
    "cetim": ("production", "usinage", "automatisation", "r-et-d", "maintenance", "fonderie"),
    "arts-et-metiers": ("r-et-d", "industrialisation", "production", "eco-conception", "robotique"),
    "cna": ("achats", "approvisionnement", "sous-traitance"),
    "cci-normandie": ("financement", "export", "foncier", "circuit-court"),
    "cci-paris-idf": ("financement", "export", "numerique"),
    "bpifrance": ("financement", "export", "industrialisation"),
    "ademe": ("decarbonation", "recyclage", "eco-conception", "chimie-verte"),
    "region-normandie": ("financement", "emploi", "foncier"),
    "ad-normandie": ("financement", "foncier", "industrialisation"),
}
CITIES = (
    "Rouen",
    "Le Havre",
    "Évreux",
    "Dieppe",
    "Elbeuf",
    "Louviers",
    "Vernon",
    "Fécamp",
    "Caen",
    "Lisieux",
    "Cherbourg",
    "Alençon",
    "Malaunay",
    "Saint-Denis",
    "Nanterre",
    "Cergy",
    "Évry",
    "Melun",
    "Argenteuil",
    "Montreuil",
)
COMPANY_PREFIXES = {
    "textile": ("Tissage", "Filature", "Atelier", "Manufacture"),
    "agroalimentaire": ("Conserverie", "Biscuiterie", "Laiterie", "Maison"),
    "mecanique": ("Fonderie", "Mécanique", "Usinage", "Forges"),
    "chimie": ("Laboratoires", "Chimie", "Synthèse"),
    "electronique": ("Électronique", "Cartes", "Capteurs"),
    "plasturgie": ("Plastiques", "Moulage", "Injection"),
    "cosmetique": ("Laboratoires", "Savonnerie", "Cosmétiques"),
    "sante": ("Médical", "Biotech", "Santé"),
    "bois-ameublement": ("Menuiserie", "Ébénisterie", "Meubles"),
}
SURNAMES = (
    "Lemaire",
    "Duval",
    "Lefebvre",
    "Marchand",
    "Leroux",
    "Hébert",
    "Lecomte",
    "Delamare",
    "Vasseur",
    "Quesnel",
    "Lesueur",
    "Poulain",
    "Renard",
    "Gosselin",
    "Lebrun",
    "Cauchois",
    "Hamel",
    "Letellier",
    "Maillard",
    "Brunet",
    "Lemonnier",
    "Fouquet",
    "Guérin",
    "Deschamps",
)
FIRST_NAMES = (
    "Claire",
    "Julien",
    "Sophie",
    "Nicolas",
    "Isabelle",
    "Thomas",
    "Nathalie",
    "Pierre",
    "Camille",
    "Antoine",
    "Hélène",
    "Laurent",
    "Émilie",
    "François",
    "Aurélie",
    "Mathieu",
)
TITLES = (
    "Relocaliser la production de {thing} en Normandie",
    "Rapatrier la sous-traitance de {thing} aujourd'hui achetée en Asie",
    "Une nouvelle ligne de {thing} pour les marchés français",
    "Sécuriser les approvisionnements en {thing}",
    "Industrialiser un prototype de {thing}",
)


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# ---------------------------------------------------------------------------
# Size profiles: how long pitches last and how long days are, so that the pitches fit
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DayPlan:
    start: str
    end: str
    breaks: tuple[tuple[str, str, str], ...]


ROUEN_DAYS = (
    DayPlan("09:30", "17:30", (("12:30", "14:00", "Déjeuner"),)),
    DayPlan("09:00", "12:30", (("10:30", "10:45", "Pause"),)),
)
STANDARD_DAY = DayPlan(
    "09:00",
    "17:30",
    (("10:30", "10:45", "Pause"), ("12:30", "13:45", "Déjeuner"), ("15:30", "15:45", "Pause")),
)
LONG_DAY = DayPlan(
    "08:30",
    "18:30",
    (("10:15", "10:30", "Pause"), ("12:30", "13:30", "Déjeuner"), ("16:00", "16:15", "Pause")),
)


@dataclass(frozen=True)
class SizeProfile:
    duration_min: int
    qa_min: int
    changeover_min: int
    days: tuple[DayPlan, ...]
    panel_size: int
    required_organisations: tuple[str, ...]

    @property
    def slot_length(self) -> int:
        return self.duration_min + self.qa_min + self.changeover_min


def profile_for(n_pitches: int) -> SizeProfile:
    """Pitch lengths and days an organiser would choose for that many pitches."""
    three_required = ("uimm", "cetim", "arts-et-metiers")
    if n_pitches <= 12:
        return SizeProfile(15, 15, 5, ROUEN_DAYS, 4, three_required)
    if n_pitches <= 40:
        return SizeProfile(15, 10, 5, (STANDARD_DAY, ROUEN_DAYS[1]), 4, three_required)
    if n_pitches <= 90:
        return SizeProfile(15, 10, 5, (STANDARD_DAY, STANDARD_DAY), 3, ("uimm", "cetim"))
    if n_pitches <= 200:
        # 10 + 10 min (the same slot as 12 + 8): every length on the event format's 5-minute grid.
        return SizeProfile(10, 10, 5, (LONG_DAY, LONG_DAY), 3, ("uimm", "cetim"))
    return SizeProfile(10, 5, 5, (LONG_DAY, LONG_DAY), 3, ("uimm", "cetim"))


@dataclass(frozen=True)
class Tightness:
    """How little room the event leaves: the knob of the benchmark's hard events.

    ``capacity_slack``: each organisation's experts (the "other partners" counted as one pool) may
    judge, in all, this much more than the seats the organisation fills in the witness (0.03: 3 %);
    ``None`` keeps the loose limits (three experts in four get a maximum of their witness load plus
    0-3).  ``part_time_share``: experts present only part of the event.  ``narrow_window_share``:
    pitches that may run only in the break-free stretch of their witness slot.
    ``room_limit_share``: pitches limited to one or two rooms.  ``other_experts_per_room``: with a
    value, panels of 4 = UIMM + CETIM + Arts et Métiers + one expert of the other partners, who are
    that many per room (the issue's 150 × 6 × 45 event: 9 others for 6 rooms).
    """

    name: str
    capacity_slack: float | None
    part_time_share: float
    narrow_window_share: float
    room_limit_share: float
    other_experts_per_room: float | None = None


# Today's events, seed for seed (the tests and the earlier benchmarks use them); its shares are
# those of its own rules (15 % of pitches get windows, half of them narrow; 10 % two rooms).
LOOSE = Tightness("loose", None, 0.2, 0.075, 0.1)
# The hard events: 0-5 % slack per organisation, a third of the experts part-time,
# narrow windows and room limits on a third of the pitches, panels of 4 with a small pool of others.
TIGHT = Tightness("tight", 0.05, 0.3, 0.3, 0.3, 1.5)
TIGHTNESS: dict[str, Tightness] = {t.name: t for t in (LOOSE, TIGHT)}


def tight_profile(profile: SizeProfile) -> SizeProfile:
    """Panels of 4: the three historical partners and one expert of another partner."""
    return replace(profile, panel_size=4, required_organisations=("uimm", "cetim", "arts-et-metiers"))


@dataclass(frozen=True)
class Slot:
    """A start time shared by all rooms; ``segment`` is the break-free stretch holding it."""

    date: date
    start: int
    segment: tuple[int, int]


def build_days(profile: SizeProfile) -> tuple[Day, ...]:
    return tuple(
        Day(
            FIRST_DATE + timedelta(days=index),
            hm(plan.start),
            hm(plan.end),
            tuple(Break(hm(a), hm(b), label) for a, b, label in plan.breaks),
        )
        for index, plan in enumerate(profile.days)
    )


def day_segments(day: Day) -> list[tuple[int, int]]:
    """The break-free stretches of a day, in order."""
    segments, cursor = [], day.start
    for pause in sorted(day.breaks, key=lambda b: b.start):
        if pause.start > cursor:
            segments.append((cursor, pause.start))
        cursor = max(cursor, pause.end)
    if cursor < day.end:
        segments.append((cursor, day.end))
    return segments


def build_slots(days: tuple[Day, ...], profile: SizeProfile) -> list[Slot]:
    length = profile.duration_min + profile.qa_min
    slots = []
    for day in days:
        for segment in day_segments(day):
            start = segment[0]
            while start + length <= segment[1]:
                slots.append(Slot(day.date, start, segment))
                start += profile.slot_length
    return slots


# ---------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GeneratedEvent:
    """An event and the hidden schedule (the witness) that proves it feasible."""

    event: Event
    witness: tuple[Session, ...]


def organisation_counts(
    n_experts: int, n_rooms: int, profile: SizeProfile, other_experts_per_room: float | None = None
) -> dict[str, int]:
    """How many experts each organisation sends: enough of each required one for every room.

    With ``other_experts_per_room`` the other partners send only that many per room in all (at
    least one more than the panel seats they fill at once), the required ones share the rest.
    """
    required = profile.required_organisations
    others = [org for org, _ in ORGANISATIONS if org not in required]
    if other_experts_per_room is not None:
        extra_seats = profile.panel_size - len(required)
        n_others = max(extra_seats * n_rooms + 1, math.ceil(other_experts_per_room * n_rooms))
        per_required, remainder = divmod(n_experts - n_others, len(required))
        if per_required < n_rooms:
            raise ValueError(
                f"{n_experts} experts are too few for {n_rooms} rooms with panels of "
                f"{profile.panel_size} and {n_others} experts of other partners"
            )
        counts = {org: per_required + (index < remainder) for index, org in enumerate(required)}
        for index in range(n_others):
            counts[others[index % len(others)]] = counts.get(others[index % len(others)], 0) + 1
        return counts
    # As in Rouen, the required organisations send about two thirds of the experts (half when
    # two are required), and never fewer each than there are rooms running at once.
    share = 0.66 if len(required) == 3 else 0.5
    per_required = max(n_rooms, math.ceil(n_experts * share / len(required)))
    if per_required * len(required) + (profile.panel_size - len(required)) * n_rooms > n_experts:
        raise ValueError(
            f"{n_experts} experts are too few for {n_rooms} rooms with panels of {profile.panel_size}"
        )
    counts = {org: per_required for org in required}
    for index in range(n_experts - per_required * len(required)):
        counts[others[index % len(others)]] = counts.get(others[index % len(others)], 0) + 1
    return counts


def _comes(expert: Expert, window: Window, windows: dict[str, list[Window]]) -> bool:
    """Whether the expert's (planned) availability covers the window."""
    spans = windows.get(expert.id)
    return spans is None or any(w.contains(window.date, window.start, window.end) for w in spans)


class _Builder:
    """Builds one event around its witness; one instance per call, driven by one seeded RNG."""

    def __init__(self, n_pitches: int, n_rooms: int, n_experts: int, seed: int, tightness: Tightness = LOOSE):
        seeded = f"{n_pitches}-{n_rooms}-{n_experts}-{seed}"
        self.rng = random.Random(seeded if tightness is LOOSE else f"{seeded}-{tightness.name}")
        self.n_pitches, self.n_rooms, self.n_experts = n_pitches, n_rooms, n_experts
        self.tightness = tightness
        self.profile = profile_for(n_pitches)
        if tightness.other_experts_per_room is not None:
            self.profile = tight_profile(self.profile)
        self.days = build_days(self.profile)
        self.slots = build_slots(self.days, self.profile)
        if len(self.slots) * n_rooms < n_pitches:
            raise ValueError(
                f"{n_pitches} pitches do not fit in {n_rooms} rooms "
                f"({len(self.slots)} slots of {self.profile.slot_length} min each)"
            )
        self.day_by_date = {day.date: day for day in self.days}

    # -- pitches and their places ------------------------------------------------------

    def rooms(self) -> tuple[Room, ...]:
        names = ["Amphithéâtre"] + [f"Salle {chr(ord('A') + i)}" for i in range(self.n_rooms - 1)]
        return tuple(
            Room(slugify(name), name, 180 if i == 0 else self.rng.choice((30, 40, 60)))
            for i, name in enumerate(names)
        )

    def pitches(self) -> list[Pitch]:
        sectors = list(SECTOR_TOPICS)
        pitches, used_ids = [], set()
        for _ in range(self.n_pitches):
            sector = self.rng.choice(sectors)
            company = f"{self.rng.choice(COMPANY_PREFIXES[sector])} {self.rng.choice(SURNAMES)}"
            pitch_id = slugify(company)
            suffix = 2
            while pitch_id in used_ids:
                pitch_id, suffix = f"{slugify(company)}-{suffix}", suffix + 1
            used_ids.add(pitch_id)
            sector_topics = SECTOR_TOPICS[sector]
            topics = [sector_topics[0]] + self.rng.sample(sector_topics[1:], 1 + self.rng.randrange(2))
            topics += self.rng.sample(CROSS_TOPICS, 1 + self.rng.randrange(2))
            thing = self.rng.choice(sector_topics[1:]).replace("-", " ")
            # A few pitches are shorter (questions cut short), so they still fit their slot.
            qa_min = None
            if self.n_pitches > 12 and self.rng.random() < 0.1 and self.profile.qa_min > 5:
                qa_min = self.profile.qa_min - 5
            pitches.append(
                Pitch(
                    id=pitch_id,
                    company=company,
                    title=self.rng.choice(TITLES).format(thing=thing),
                    sector=sector,
                    city=self.rng.choice(CITIES),
                    topics=tuple(dict.fromkeys(topics)),
                    qa_min=qa_min,
                )
            )
        return pitches

    def place(self, pitches: list[Pitch], rooms: tuple[Room, ...]) -> dict[str, tuple[Slot, Room]]:
        cells = [(slot, room) for slot in self.slots for room in rooms]
        chosen = self.rng.sample(range(len(cells)), len(pitches))
        return {pitch.id: cells[index] for pitch, index in zip(pitches, sorted(chosen), strict=True)}

    # -- experts and panels -----------------------------------------------------------

    def experts(self) -> list[Expert]:
        counts = organisation_counts(
            self.n_experts, self.n_rooms, self.profile, self.tightness.other_experts_per_room
        )
        experts, used_names = [], set()
        for org, count in counts.items():
            for index in range(1, count + 1):
                name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"
                while name in used_names:
                    name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"
                used_names.add(name)
                org_topics = ORGANISATION_TOPICS[org]
                topics = self.rng.sample(org_topics, min(len(org_topics), 2 + self.rng.randrange(2)))
                sector = self.rng.choice(list(SECTOR_TOPICS))
                topics += self.rng.sample(SECTOR_TOPICS[sector], 1 + self.rng.randrange(2))
                experts.append(
                    Expert(
                        id=f"{org}-{index}", name=name, organisation=org, topics=tuple(dict.fromkeys(topics))
                    )
                )
        return experts

    def availability_profiles(self, experts: list[Expert]) -> dict[str, list[Window]]:
        """Some experts (one in five for loose events) come only part of the event."""
        first, last = self.days[0], self.days[-1]
        first_segments = day_segments(first)
        afternoon_start = first_segments[len(first_segments) // 2][0]
        choices = [
            [Window(first.date, first.start, first.end)],
            [Window(last.date, last.start, last.end)],
            [Window(first.date, afternoon_start, first.end), Window(last.date, last.start, last.end)],
            [Window(first.date, first.start, afternoon_start)],
        ]
        return {
            expert.id: list(self.rng.choice(choices))
            for expert in experts
            if self.rng.random() < self.tightness.part_time_share
        }

    def fill_panels(
        self,
        pitches: list[Pitch],
        experts: list[Expert],
        places: dict[str, tuple[Slot, Room]],
        windows: dict[str, list[Window]],
        lengths: dict[str, int],
    ) -> dict[str, tuple[str, ...]]:
        """Greedy panels, slot by slot; an expert taken outside their windows gets one more."""
        load: Counter[str] = Counter()
        panels: dict[str, tuple[str, ...]] = {}
        by_slot: dict[Slot, list[Pitch]] = defaultdict(list)
        for pitch in pitches:
            by_slot[places[pitch.id][0]].append(pitch)
        for slot in self.slots:
            busy: set[str] = set()
            for pitch in by_slot.get(slot, []):
                window = Window(slot.date, slot.start, slot.start + lengths[pitch.id])
                panel = self.choose_panel(pitch, window, experts, busy, load, windows)
                for expert in panel:
                    busy.add(expert.id)
                    load[expert.id] += 1
                    if not _comes(expert, window, windows):
                        windows[expert.id].append(Window(slot.date, *slot.segment))
                panels[pitch.id] = tuple(sorted(e.id for e in panel))
        return panels

    def choose_panel(
        self,
        pitch: Pitch,
        window: Window,
        experts: list[Expert],
        busy: set[str],
        load: Counter[str],
        windows: dict[str, list[Window]],
    ) -> list[Expert]:
        """One expert per required organisation, then others; available, least loaded, on topic first."""

        def rank(expert: Expert) -> tuple:
            shared = len(set(expert.topics) & set(pitch.topics))
            return (not _comes(expert, window, windows), load[expert.id] - shared, self.rng.random())

        panel: list[Expert] = []
        for org in self.profile.required_organisations:
            panel.append(min((e for e in experts if e.organisation == org and e.id not in busy), key=rank))
        while len(panel) < self.profile.panel_size:
            taken = {e.id for e in panel} | busy
            orgs = {e.organisation for e in panel}
            panel.append(
                min((e for e in experts if e.id not in taken and e.organisation not in orgs), key=rank)
            )
        return panel

    # -- data derived from the witness ------------------------------------------------

    def pitch_constraints(self, pitch: Pitch, slot: Slot, room: Room, rooms: tuple[Room, ...]) -> Pitch:
        """Some pitches come only part of the event, some need a given room; the witness fits."""
        if self.tightness is not LOOSE:
            return self.tight_pitch_constraints(pitch, slot, room, rooms)
        available = None
        if self.rng.random() < 0.15:
            day = self.day_by_date[slot.date]
            if self.rng.random() < 0.5:
                available = (Window(slot.date, *slot.segment),)
            else:
                available = (Window(slot.date, day.start, day.end),)
            if self.rng.random() < 0.3:
                other = self.rng.choice([d for d in self.days if d.date != slot.date] or [day])
                if other.date != slot.date:
                    available = tuple(
                        sorted(
                            available + (Window(other.date, other.start, other.end),),
                            key=lambda w: (w.date, w.start),
                        )
                    )
        allowed = None
        if len(rooms) > 1 and self.rng.random() < 0.1:
            others = [r.id for r in rooms if r.id != room.id]
            allowed = tuple(sorted({room.id, self.rng.choice(others)}))
        return replace(pitch, available=available, rooms=allowed)

    def tight_pitch_constraints(self, pitch: Pitch, slot: Slot, room: Room, rooms: tuple[Room, ...]) -> Pitch:
        """Narrow windows (the witness slot's break-free stretch) and one or two rooms, on shares of the pitches."""
        available = None
        if self.rng.random() < self.tightness.narrow_window_share:
            available = (Window(slot.date, *slot.segment),)
        allowed = None
        if len(rooms) > 1 and self.rng.random() < self.tightness.room_limit_share:
            others = [r.id for r in rooms if r.id != room.id]
            allowed = tuple(
                sorted({room.id} | ({self.rng.choice(others)} if self.rng.random() < 0.5 else set()))
            )
        return replace(pitch, available=available, rooms=allowed)

    def tight_maxima(self, experts: list[Expert], load: Counter[str]) -> dict[str, int]:
        """Every expert's ``max_pitches``: their witness load, plus a share of their organisation's slack.

        The slack of an organisation (the other partners pooled) is ``capacity_slack`` of the seats
        it fills in the witness, handed out one pitch at a time to random experts of it.
        """
        required = set(self.profile.required_organisations)
        groups: dict[str, list[Expert]] = defaultdict(list)
        for expert in experts:
            groups[expert.organisation if expert.organisation in required else "others"].append(expert)
        maxima = {expert.id: load[expert.id] for expert in experts}
        for members in groups.values():
            seats = sum(load[e.id] for e in members)
            for _ in range(round(self.rng.uniform(0, self.tightness.capacity_slack) * seats)):
                maxima[self.rng.choice(members).id] += 1
        return {expert_id: max(1, most) for expert_id, most in maxima.items()}

    def expert_constraints(
        self,
        expert: Expert,
        windows: dict[str, list[Window]],
        load: int,
        pitch_ids: list[str],
        judged: set[str],
        tight_maximum: int | None = None,
    ) -> Expert:
        available = None
        if expert.id in windows:
            available = tuple(sorted(set(windows[expert.id]), key=lambda w: (w.date, w.start, w.end)))
        max_pitches = None
        if tight_maximum is not None:
            max_pitches = tight_maximum
        elif self.rng.random() < 0.75:
            max_pitches = max(1, load + self.rng.choice((0, 1, 1, 2, 3)))
        min_pitches = None
        if load >= 2 and self.rng.random() < 0.1:
            min_pitches = max(1, load - self.rng.choice((1, 2, 3)))
        conflicts = None
        if self.rng.random() < 0.3:
            candidates = [p for p in pitch_ids if p not in judged]
            if candidates:
                conflicts = tuple(
                    sorted(self.rng.sample(candidates, min(len(candidates), 1 + self.rng.randrange(2))))
                )
        return replace(
            expert, available=available, max_pitches=max_pitches, min_pitches=min_pitches, conflicts=conflicts
        )

    def locks(self, witness: tuple[Session, ...]) -> tuple[Lock, ...] | None:
        """The organiser pinned the opening pitch in the amphitheatre, a room and a juror."""
        if self.n_pitches < 20:
            return None
        ordered = sorted(witness, key=lambda s: (s.date, s.start, s.room))
        opening, pinned_room, pinned_panel = ordered[0], self.rng.choice(ordered), self.rng.choice(ordered)
        locks: list[Lock] = [SlotLock(opening.pitch, opening.date, opening.start, opening.room)]
        if pinned_room.pitch != opening.pitch:
            locks.append(SlotLock(pinned_room.pitch, room=pinned_room.room))
        locks.append(PanelLock(pinned_panel.pitch, self.rng.choice(pinned_panel.panel)))
        return tuple(locks)

    def build(self, with_previous: bool) -> GeneratedEvent:
        rooms = self.rooms()
        pitches = self.pitches()
        experts = self.experts()
        places = self.place(pitches, rooms)
        pitch_defaults = PitchDefaults(
            self.profile.duration_min, self.profile.qa_min, self.profile.changeover_min
        )
        lengths = {
            p.id: pitch_defaults.duration_min + (p.qa_min if p.qa_min is not None else pitch_defaults.qa)
            for p in pitches
        }
        windows = self.availability_profiles(experts)
        panels = self.fill_panels(pitches, experts, places, windows, lengths)
        witness = tuple(
            sorted(
                (
                    Session(
                        p.id,
                        places[p.id][0].date,
                        places[p.id][0].start,
                        places[p.id][0].start + lengths[p.id],
                        places[p.id][1].id,
                        panels[p.id],
                    )
                    for p in pitches
                ),
                key=lambda s: (s.date, s.start, s.room),
            )
        )
        load = Counter(e for s in witness for e in s.panel)
        judged: dict[str, set[str]] = defaultdict(set)
        for session in witness:
            for expert_id in session.panel:
                judged[expert_id].add(session.pitch)
        pitch_ids = [p.id for p in pitches]
        maxima = (
            self.tight_maxima(experts, load)
            if self.tightness.capacity_slack is not None
            else dict.fromkeys(load)
        )
        event = Event(
            info=EventInfo(
                f"Accélérateur Relocalisation-Réindustrialisation — {self.n_pitches} projets",
                "NEOMA Business School, Rouen",
                "Europe/Paris",
            ),
            days=self.days,
            rooms=rooms,
            organisations=tuple(
                Organisation(org, name)
                for org, name in ORGANISATIONS
                if any(e.organisation == org for e in experts)
            ),
            pitch_defaults=pitch_defaults,
            panel=PanelRules(self.profile.panel_size, self.profile.required_organisations, 1),
            pitches=tuple(self.pitch_constraints(p, *places[p.id], rooms) for p in pitches),
            experts=tuple(
                self.expert_constraints(e, windows, load[e.id], pitch_ids, judged[e.id], maxima.get(e.id))
                for e in experts
            ),
            grid_min=5,
            locks=self.locks(witness),
            previous=witness if with_previous else None,
        )
        return GeneratedEvent(event, witness)


def generate(
    n_pitches: int,
    n_rooms: int,
    n_experts: int,
    *,
    seed: int = 0,
    with_previous: bool = False,
    tightness: Tightness | str = LOOSE,
) -> GeneratedEvent:
    """An event of that size and the witness schedule that proves it feasible."""
    if isinstance(tightness, str):
        tightness = TIGHTNESS[tightness]
    return _Builder(n_pitches, n_rooms, n_experts, seed, tightness).build(with_previous)


def generate_event(
    n_pitches: int,
    n_rooms: int,
    n_experts: int,
    *,
    seed: int = 0,
    with_previous: bool = False,
    tightness: Tightness | str = LOOSE,
) -> Event:
    """A realistic event of that size, feasible by construction."""
    return generate(
        n_pitches, n_rooms, n_experts, seed=seed, with_previous=with_previous, tightness=tightness
    ).event


# ---------------------------------------------------------------------------
# The re-plan scenario: an expert is called away on day 2
# ---------------------------------------------------------------------------


def _is_free(expert_id: str, session: Session, schedule: list[Session], changeover: int) -> bool:
    return all(
        other.date != session.date
        or other.end + changeover <= session.start
        or session.end + changeover <= other.start
        for other in schedule
        if expert_id in other.panel and other.pitch != session.pitch
    )


def _can_attend(expert: Expert, session: Session) -> bool:
    return session.pitch not in expert.conflict_set and (
        expert.available is None
        or any(w.contains(session.date, session.start, session.end) for w in expert.available)
    )


def _replace_on_panel(
    event: Event, schedule: list[Session], session: Session, leaving: Expert
) -> Session | None:
    """The session with ``leaving`` swapped for a free expert keeping the panel rules, or None."""
    experts = event.expert_by_id()
    per_org = Counter(experts[e].organisation for e in session.panel)
    load = Counter(e for s in schedule for e in s.panel)
    for candidate in sorted(
        event.experts, key=lambda e: (e.organisation != leaving.organisation, load[e.id], e.id)
    ):
        if candidate.id in session.panel or not _can_attend(candidate, session):
            continue
        if candidate.max_pitches is not None and load[candidate.id] >= candidate.max_pitches:
            continue
        if candidate.organisation != leaving.organisation:
            if per_org[candidate.organisation] + 1 > event.panel.max_per_org:
                continue
            if (
                leaving.organisation in event.panel.required_organisations
                and per_org[leaving.organisation] == 1
            ):
                continue
        if not _is_free(candidate.id, session, schedule, event.changeover):
            continue
        panel = tuple(sorted((set(session.panel) - {leaving.id}) | {candidate.id}))
        return replace(session, panel=panel)
    return None


def replan_scenario(event: Event, schedule: tuple[Session, ...]) -> GeneratedEvent:
    """``schedule`` published, then one expert is busy on day 2 from mid-morning; with a repaired witness.

    The expert chosen is the one with the most seats to give up for whom every seat can be
    handed to a colleague, so the new event stays feasible (the repaired schedule proves it).
    """
    last_day = event.days[-1]
    lunch = max(last_day.breaks, key=lambda b: b.end - b.start, default=None)
    morning_end = lunch.start if lunch is not None else last_day.end
    cut = last_day.start + (morning_end - last_day.start) // 2 // event.grid * event.grid
    pinned = {(lock.pitch, lock.expert) for lock in event.locks or () if isinstance(lock, PanelLock)}

    def seats_lost(expert: Expert) -> list[Session]:
        return [s for s in schedule if expert.id in s.panel and s.date == last_day.date and s.end > cut]

    candidates = sorted(event.experts, key=lambda e: (-len(seats_lost(e)), e.id))
    for leaving in candidates:
        lost = seats_lost(leaving)
        if not lost or any((s.pitch, leaving.id) in pinned for s in lost):
            continue
        windows = leaving.available or tuple(Window(d.date, d.start, d.end) for d in event.days)
        kept = tuple(w for w in windows if w.date != last_day.date)
        kept += tuple(
            Window(w.date, w.start, min(w.end, cut))
            for w in windows
            if w.date == last_day.date and w.start < cut
        )
        new_load = sum(leaving.id in s.panel for s in schedule) - len(lost)
        min_pitches = leaving.min_pitches
        if min_pitches is not None and min_pitches > new_load:
            min_pitches = new_load or None
        reduced = replace(leaving, available=kept, min_pitches=min_pitches)
        trial = replace(
            event,
            experts=tuple(reduced if e.id == leaving.id else e for e in event.experts),
            previous=tuple(schedule),
        )
        repaired = list(schedule)
        for session in lost:
            index = repaired.index(session)
            fixed = _replace_on_panel(trial, repaired, session, reduced)
            if fixed is None:
                break
            repaired[index] = fixed
        else:
            return GeneratedEvent(trial, tuple(repaired))
    raise ValueError("no expert can leave on day 2 without making the event infeasible")


def drop_expert_mid_day2(event: Event, schedule: tuple[Session, ...]) -> Event:
    """The re-plan event: ``schedule`` is published, then one expert is busy on day 2 from mid-morning."""
    return replan_scenario(event, schedule).event


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def parse_size(text: str) -> tuple[int, int, int]:
    """'60x4x24' -> (60, 4, 24): pitches, rooms, experts."""
    try:
        pitches, rooms, experts = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"size '{text}' must read PITCHESxROOMSxEXPERTS, e.g. 60x4x24"
        ) from None
    return pitches, rooms, experts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write benchmark event files, feasible by construction.")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("bench/events"),
        help="folder for the event files (default bench/events)",
    )
    parser.add_argument(
        "--sizes",
        nargs="+",
        type=parse_size,
        default=list(BENCH_SIZES),
        help="PITCHESxROOMSxEXPERTS (default: the benchmark sizes)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--tightness",
        choices=sorted(TIGHTNESS),
        default="loose",
        help="loose (default): today's events; tight: 0-5 %% slack per organisation, "
        "part-time experts, narrow windows, room limits, panels of 4",
    )
    parser.add_argument(
        "--with-previous", action="store_true", help="put the witness schedule in the event as `previous`"
    )
    args = parser.parse_args(argv)

    from scheduler.io import event_to_dict

    args.output.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        generated = generate(
            *size, seed=args.seed, with_previous=args.with_previous, tightness=args.tightness
        )
        tight = "" if args.tightness == "loose" else f"-{args.tightness}"
        path = args.output / f"event-{size[0]}x{size[1]}x{size[2]}{tight}-s{args.seed}.json"
        path.write_text(
            json.dumps(event_to_dict(generated.event), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print(
            f"{path}: {len(generated.event.pitches)} pitches, {len(generated.event.rooms)} rooms, "
            f"{len(generated.event.experts)} experts"
        )


if __name__ == "__main__":
    main()
