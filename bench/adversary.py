"""Events the project's generator does not make, feasible by construction, with no slack at all.

``bench/generate.py`` cuts days into slots shared by every room and fills them with pitches of one
length; the solver's stages were tuned on what it makes.  This generator is written apart from it
(it shares no code with it, and writes the public file format, read back by ``scheduler.io``), to
find what those events hide:

* pitches of different lengths (their own ``duration_min``/``qa_min``), rooms whose pitches do not
  start together, 1 to 3 days, a grid of 5, 10 or 15 minutes, 0 to 2 breaks a day, changeovers of
  0 to 2 grid steps;
* panels of 1 to 5, 0 to 3 required organisations, ``max_per_organisation`` from 1 to the size;
* and, for each of its parts with the profile's probability, the witness schedule's own values as
  the limits: an expert there only for their pitches (one window per pitch, touching windows not
  merged, or one around them), ``min_pitches`` and ``max_pitches`` both at the witness load, a pitch
  allowed only its witness time or room, conflicts of interest with every expert who is not on its
  panel but one, locks of time, room or panel seats.

Each event comes with its witness, which ``scheduler.validate`` accepts.  ``python bench/adversary.py``
solves them at the goal times (1 s up to 60 pitches, 3 s at 150, 10 s at 300) and prints, per size
and profile, how many got a valid schedule, the slowest first one, and every failure with its seed.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `scheduler` and `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scheduler.data import Event, Session
from scheduler.io import parse_event, sessions_from_dicts

FIRST_DATE = date(2025, 3, 10)
ORGANISATIONS = ("uimm", "cetim", "arts-et-metiers", "cna", "bpifrance", "ademe")
TOPICS = tuple(
    [
        "textile",
        "lin",
        "metallurgie",
        "usinage",
        "plasturgie",
        "bois",
        "chimie",
        "electronique",
        "logistique",
        "achats",
        "financement",
        "emploi",
        "formation",
        "automatisation",
        "robotique",
        "energie",
        "recyclage",
        "design",
    ]
)
# The pitch defaults (talk, questions) on each grid.
DEFAULT_LENGTHS = {5: (15, 10), 10: (20, 10), 15: (15, 15)}
SECTORS = ("textile", "metallurgie", "agroalimentaire", "bois", "electronique")


@dataclass(frozen=True)
class Profile:
    """How often each part of the event is held to the witness's own values (0: never, 1: always)."""

    name: str
    part_time: float  # experts there only around their witness pitches
    exact_loads: float  # min_pitches and max_pitches both at the witness load
    pitch_windows: float  # pitches allowed only their witness time (or its stretch)
    pitch_rooms: float  # pitches allowed only their witness room
    conflicts: float  # pitches whose panel is forced by conflicts of interest (all but one outsider)
    locks: float  # pitches with a time, room or seat lock
    own_lengths: float = 0.5  # pitches with their own duration and questions
    gaps: float = 0.1  # how often a room stays empty a while between two pitches


PROFILES = {
    "mixed": Profile("mixed", 0.3, 0.3, 0.2, 0.2, 0.1, 0.1),
    "exact": Profile("exact", 0.7, 0.8, 0.5, 0.5, 0.2, 0.05),
    "tied": Profile("tied", 1.0, 1.0, 0.0, 0.0, 0.0, 0.0),
    # The mixed profile with one length, then with room time to spare: which part makes it hard.
    "one-length": Profile("one-length", 0.3, 0.3, 0.2, 0.2, 0.1, 0.1, own_lengths=0.0),
    "spare-rooms": Profile("spare-rooms", 0.3, 0.3, 0.2, 0.2, 0.1, 0.1, gaps=0.5),
    "free-experts": Profile("free-experts", 0.0, 0.0, 0.2, 0.2, 0.1, 0.1),
}
# Goal times of the issue: a valid schedule within these (seconds) at up to this many pitches.
GOALS = ((60, 1.0), (150, 3.0), (300, 10.0))


def goal_for(n_pitches: int) -> float:
    return next((seconds for most, seconds in GOALS if n_pitches <= most), GOALS[-1][1])


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class _Witness:
    """Rooms laid out pitch after pitch (each its own length, rooms out of step), panels dealt to
    the experts free at the time, experts created only when none is."""

    def __init__(self, n_pitches: int, seed: int, profile: Profile):
        self.rng = random.Random(seed)
        self.profile = profile
        self.n_pitches = n_pitches
        rng = self.rng
        self.grid = rng.choice((5, 5, 10, 15))
        self.changeover = self.grid * rng.choice((0, 1, 1, 2))
        self.size = rng.choice((1, 2, 3, 3, 4, 4, 5))
        self.organisations = ORGANISATIONS[: rng.randint(max(2, min(self.size, 3)), 6)]
        self.required = tuple(rng.sample(self.organisations, min(self.size, rng.randint(0, 3))))
        self.max_per_org = rng.randint(max(1, math.ceil(self.size / len(self.organisations))), self.size)
        self.days = self._days(rng.choice((1, 2, 2, 3)))
        self.sessions: list[dict] = []  # witness sessions, with "_abs" start and end for layout
        self.experts: list[dict] = []
        self.busy: dict[str, list[tuple[int, int]]] = defaultdict(list)  # expert -> (start, end) absolute
        self.rooms = self._lay_out()
        self._staff()

    def _days(self, n_days: int) -> list[dict]:
        rng, grid, days = self.rng, self.grid, []
        for index in range(n_days):
            start = rng.randrange(8 * 60, 10 * 60 + 1, grid)
            end = rng.randrange(max(start + 3 * 60, 15 * 60), 19 * 60 + 1, grid)
            breaks, cursor = [], start
            for _ in range(rng.choice((0, 1, 1, 2))):
                b_start = rng.randrange(cursor + 60, cursor + 60 + 3 * 60, grid)
                b_end = b_start + grid * rng.randint(1, 60 // grid)
                if b_end + 60 > end:
                    break
                breaks.append({"start": _clock(b_start), "end": _clock(b_end), "label": "Pause"})
                cursor = b_end
            days.append(
                {
                    "date": (FIRST_DATE + timedelta(days=index)).isoformat(),
                    "start": _clock(start),
                    "end": _clock(end),
                    "breaks": breaks,
                    "_stretches": self._stretches(start, end, breaks),
                }
            )
        return days

    @staticmethod
    def _stretches(start: int, end: int, breaks: list[dict]) -> list[tuple[int, int]]:
        stretches, cursor = [], start
        for brk in breaks:
            b_start, b_end = (int(brk[k][:2]) * 60 + int(brk[k][3:]) for k in ("start", "end"))
            stretches.append((cursor, b_start))
            cursor = b_end
        stretches.append((cursor, end))
        return stretches

    def _length(self) -> tuple[int | None, int | None, int]:
        """A pitch's own duration and questions (None: the defaults, 15 + 10), and its length."""
        if self.rng.random() >= self.profile.own_lengths:
            return None, None, sum(DEFAULT_LENGTHS[self.grid])
        duration = self.grid * self.rng.randint(max(1, 10 // self.grid), max(1, 30 // self.grid))
        qa = self.grid * self.rng.randint(0, max(0, 15 // self.grid))
        return duration, qa, duration + qa

    def _lay_out(self) -> list[str]:
        """Pitches back to back in each room and day, from a random offset, sometimes a gap."""
        rng, rooms, placed = self.rng, [], 0
        while placed < self.n_pitches:
            room = f"salle-{len(rooms) + 1}"
            rooms.append(room)
            for day_index, day in enumerate(self.days):
                cursor = 0  # the room is free from here (its last pitch's end plus the changeover)
                for s_start, s_end in day["_stretches"]:
                    cursor = max(cursor, s_start + self.grid * rng.randint(0, 2))
                    while placed < self.n_pitches:
                        duration, qa, length = self._length()
                        if cursor + length > s_end:
                            break
                        pitch_id = f"p{placed + 1:03d}"
                        self.sessions.append(
                            {
                                "pitch": pitch_id,
                                "date": day["date"],
                                "start": _clock(cursor),
                                "end": _clock(cursor + length),
                                "room": room,
                                "panel": [],
                                "_day": day_index,
                                "_abs": (day_index * 1440 + cursor, day_index * 1440 + cursor + length),
                                "_own": (duration, qa),
                            }
                        )
                        placed += 1
                        cursor += length + self.changeover
                        if rng.random() < self.profile.gaps:
                            cursor += self.grid * rng.randint(1, 3)
        return rooms

    def _free(self, expert_id: str, span: tuple[int, int]) -> bool:
        start, end = span
        return all(
            end + self.changeover <= other_start or other_end + self.changeover <= start
            for other_start, other_end in self.busy[expert_id]
        )

    def _expert(self, organisation: str, span: tuple[int, int]) -> str:
        """The busiest free expert of the organisation (few experts, little slack), or a new one."""
        free = [
            e["id"] for e in self.experts if e["organisation"] == organisation and self._free(e["id"], span)
        ]
        if free and self.rng.random() < 0.9:
            return max(free, key=lambda e: len(self.busy[e]))
        expert_id = f"{organisation}-{sum(e['organisation'] == organisation for e in self.experts) + 1}"
        self.experts.append(
            {
                "id": expert_id,
                "name": f"Expert {expert_id}",
                "organisation": organisation,
                "topics": self.rng.sample(TOPICS, self.rng.randint(1, 4)),
            }
        )
        return expert_id

    def _staff(self) -> None:
        for session in sorted(self.sessions, key=lambda s: s["_abs"]):
            span, panel, per_org = session["_abs"], [], defaultdict(int)
            for organisation in self.required:
                panel.append(self._expert(organisation, span))
                per_org[organisation] += 1
            while len(panel) < self.size:
                allowed = [o for o in self.organisations if per_org[o] < self.max_per_org]
                organisation = self.rng.choice(allowed)
                expert_id = self._expert(organisation, span)
                if expert_id in panel:
                    continue
                panel.append(expert_id)
                per_org[organisation] += 1
            for expert_id in panel:
                self.busy[expert_id].append(span)
            session["panel"] = panel

    def event_file(self) -> tuple[dict, list[dict]]:
        """The event (public format) whose limits the witness meets, and the witness's sessions."""
        rng, profile = self.rng, self.profile
        by_expert: dict[str, list[dict]] = defaultdict(list)
        for session in self.sessions:
            for expert_id in session["panel"]:
                by_expert[expert_id].append(session)
        pitches, locks = [], []
        for session in self.sessions:
            duration, qa = session["_own"]
            pitch = {
                "id": session["pitch"],
                "company": f"Entreprise {session['pitch']}",
                "title": "Relocaliser la production",
                "sector": rng.choice(SECTORS),
                "city": "Rouen",
                "topics": rng.sample(TOPICS, rng.randint(1, 4)),
            }
            if duration is not None:
                pitch["duration_min"], pitch["qa_min"] = duration, qa
            if rng.random() < profile.pitch_windows:
                pitch["available"] = [self._pitch_window(session)]
            if rng.random() < profile.pitch_rooms:
                pitch["rooms"] = [session["room"]]
            pitches.append(pitch)
            if rng.random() < profile.locks:
                locks.append(self._lock(session))
        experts = []
        for expert in self.experts:
            record = dict(expert)
            own = by_expert[expert["id"]]
            if rng.random() < profile.part_time:
                record["available"] = self._expert_windows(own)
            if rng.random() < profile.exact_loads:
                record["min_pitches"] = record["max_pitches"] = len(own)
            elif rng.random() < 0.3:
                record["max_pitches"] = len(own) + rng.randint(0, 1)
            experts.append(record)
        outsiders = {e["id"]: e for e in experts}
        for session in self.sessions:
            if rng.random() < profile.conflicts:
                # Every expert but the panel and one other is in conflict with this pitch.
                others = [e for e in outsiders if e not in session["panel"]]
                keep = set(rng.sample(others, min(1, len(others))))
                for expert_id in others:
                    if expert_id not in keep:
                        outsiders[expert_id].setdefault("conflicts", []).append(session["pitch"])
        data = {
            "format": "pitchday-event/1",
            "event": {"name": "Adversaire", "venue": "CCI", "timezone": "Europe/Paris"},
            "grid_min": self.grid,
            "days": [{k: v for k, v in day.items() if not k.startswith("_")} for day in self.days],
            "rooms": [{"id": room, "name": room.title(), "capacity": 30} for room in self.rooms],
            "organisations": [{"id": o, "name": o.upper()} for o in self.organisations],
            "pitch_defaults": {
                "duration_min": DEFAULT_LENGTHS[self.grid][0],
                "qa_min": DEFAULT_LENGTHS[self.grid][1],
                "changeover_min": self.changeover,
            },
            "panel": {
                "size": self.size,
                "required_organisations": list(self.required),
                "max_per_organisation": self.max_per_org,
            },
            "pitches": pitches,
            "experts": experts,
        }
        if locks:
            data["locks"] = locks
        if rng.random() < 0.3:
            data["weights"] = {key: rng.choice((0, 1, 5, 20)) for key in ("w_tm", "w_ls", "w_rc", "w_sc")}
        witness = [{k: v for k, v in s.items() if not k.startswith("_")} for s in self.sessions]
        return data, witness

    def _pitch_window(self, session: dict) -> dict:
        """Exactly the witness time, or the stretch holding it."""
        if self.rng.random() < 0.5:
            return {"date": session["date"], "start": session["start"], "end": session["end"]}
        day = self.days[session["_day"]]
        start = session["_abs"][0] - session["_day"] * 1440
        s_start, s_end = next((a, b) for a, b in day["_stretches"] if a <= start < b)
        return {"date": session["date"], "start": _clock(s_start), "end": _clock(s_end)}

    def _expert_windows(self, own: list[dict]) -> list[dict]:
        """One window per witness pitch (touching ones are not merged), or one around each day's."""
        if not own:
            day = self.rng.choice(self.days)
            return [{"date": day["date"], "start": day["start"], "end": day["end"]}]
        if self.rng.random() < 0.5:
            return [{"date": s["date"], "start": s["start"], "end": s["end"]} for s in own]
        windows = []
        for day in self.days:
            that_day = [s for s in own if s["date"] == day["date"]]
            if that_day:
                start = min(s["_abs"][0] for s in that_day) % 1440
                end = max(s["_abs"][1] for s in that_day) % 1440
                windows.append({"date": day["date"], "start": _clock(start), "end": _clock(end)})
        return windows

    def _lock(self, session: dict) -> dict:
        kind = self.rng.choice(("time", "room", "start", "seat"))
        if kind == "seat":
            return {"pitch": session["pitch"], "expert": self.rng.choice(session["panel"])}
        if kind == "start":
            return {"pitch": session["pitch"], "start": session["start"]}
        if kind == "room":
            return {"pitch": session["pitch"], "room": session["room"]}
        return {
            "pitch": session["pitch"],
            "date": session["date"],
            "start": session["start"],
            "room": session["room"],
        }


def adversarial(n_pitches: int, seed: int, profile: str = "mixed") -> tuple[Event, tuple[Session, ...]]:
    """An event of ``n_pitches`` in the profile's corner and its witness schedule."""
    data, witness = _Witness(n_pitches, seed, PROFILES[profile]).event_file()
    return parse_event(data), sessions_from_dicts(witness, "witness")


def main(argv: list[str] | None = None) -> None:
    from scheduler import solve
    from scheduler.validate import check_schedule

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[7, 26, 60])
    parser.add_argument("--profiles", nargs="+", default=list(PROFILES), choices=list(PROFILES))
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--hash-seeds",
        type=int,
        nargs="+",
        help="run the whole benchmark once per PYTHONHASHSEED, each in a process of its own, and "
        "print the range of the counts (one process alone is one draw: see scheduler/README.md)",
    )
    args = parser.parse_args(argv)
    if args.hash_seeds:
        _run_per_hash_seed(args.hash_seeds, _without_hash_seeds(sys.argv[1:] if argv is None else argv))
        return
    print("| pitches | profile | seeds | valid within goal | first valid (max) | status counts |")
    print("|---|---|---|---|---|---|")
    failures = []
    for n_pitches in args.sizes:
        goal = goal_for(n_pitches)
        for profile in args.profiles:
            firsts, counts, within = [], defaultdict(int), 0
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                event, witness = adversarial(n_pitches, seed, profile)
                assert not check_schedule(event, witness), (n_pitches, profile, seed)
                first: list[float] = []
                began = time.perf_counter()
                try:
                    result = solve(
                        event,
                        time_limit=goal,
                        workers=args.workers,
                        on_progress=lambda progress, heard=first: heard.append(progress.elapsed),
                    )
                except Exception as error:  # a benchmark reports every failure, then goes on
                    failures.append((n_pitches, profile, seed, f"{type(error).__name__}: {error}"))
                    counts["error"] += 1
                    continue
                took = time.perf_counter() - began
                counts[result.status.value] += 1
                broken = check_schedule(event, result.sessions) if result.sessions else ["no schedule"]
                if broken:
                    failures.append((n_pitches, profile, seed, f"{result.status.value}: {broken[:2]}"))
                elif first and first[0] <= goal:
                    within += 1
                    firsts.append(first[0])
                if took > goal + 0.5:
                    failures.append((n_pitches, profile, seed, f"ran {took:.2f} s of {goal} s"))
            slowest = f"{max(firsts):.2f} s" if firsts else "none"
            status = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            print(
                f"| {n_pitches} | {profile} | {args.seeds} | {within}/{args.seeds} | {slowest} | {status} |"
            )
    for failure in failures:
        print("failed:", *failure)


def _without_hash_seeds(argv: list[str]) -> list[str]:
    kept, skipping = [], False
    for arg in argv:
        if arg == "--hash-seeds":
            skipping = True
        elif skipping and arg.isdigit():
            continue
        else:
            skipping = False
            kept.append(arg)
    return kept


def _run_per_hash_seed(hash_seeds: list[int], argv: list[str]) -> None:
    """The same benchmark in one process per hash seed: the order in which Python iterates a set of
    strings changes with it, and so do the models built and what a one-second search finds."""
    import os
    import re
    import subprocess

    # The checkout this script is in comes first: a second worktree sharing the first one's
    # virtualenv would otherwise measure the first one's scheduler (its editable install).
    checkout = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(filter(None, (checkout, os.environ.get("PYTHONPATH"))))
    totals: dict[int, list[str]] = defaultdict(list)
    for hash_seed in hash_seeds:
        run = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), *argv],
            env={**os.environ, "PYTHONHASHSEED": str(hash_seed), "PYTHONPATH": path},
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"PYTHONHASHSEED={hash_seed}")
        print(run.stdout)
        by_size: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for size, valid, of in re.findall(r"^\| (\d+) \| [^|]+ \| \d+ \| (\d+)/(\d+) \|", run.stdout, re.M):
            by_size[int(size)][0] += int(valid)
            by_size[int(size)][1] += int(of)
        for size, (valid, of) in by_size.items():
            totals[size].append(f"{valid}/{of}")
    print("| pitches | valid within goal, per hash seed |")
    print("|---|---|")
    for size, counts in totals.items():
        print(f"| {size} | {', '.join(counts)} |")


if __name__ == "__main__":
    main()
