"""A real PitchDay under gunicorn on loopback, jurors that talk to it over HTTP, and the database check.

Shared by the fault tests (tests/faults) and the load benchmark (bench/load.py).
"""

from __future__ import annotations

import copy
import http.client
import http.cookiejar
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from config import TestConfig
from pitchday import create_app
from pitchday.extensions import db

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GUNICORN = PROJECT_ROOT / ".venv" / "bin" / "gunicorn"
SECRET_KEY = "fault-test-secret-key-not-for-production"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
PANEL_SIZE = 3
CONNECTION_LOST = -1  # status of a request whose answer never came


# --- the event -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoringDayPlan:
    """A published day where each juror sits on three panels and scoring is open."""

    slug: str
    tokens: dict[str, str]  # expert key -> link token
    panels: dict[str, list[int]]  # expert key -> pitch ids they score
    criteria: list[int]


def scoring_event_file(rouen: dict, jurors: int) -> dict:
    """The Rouen file with ``jurors`` experts and as many pitches (copies of the seven real ones)."""
    data = copy.deepcopy(rouen)
    organisations = [org["id"] for org in data["organisations"]]
    templates = data["pitches"]
    data["pitches"] = [
        dict(templates[i % len(templates)], id=f"pitch-{i:04d}", company=f"Projet {i}") for i in range(jurors)
    ]
    data["experts"] = [
        {
            "id": f"juror-{i:04d}",
            "name": f"Juré {i}",
            "organisation": organisations[i % len(organisations)],
            "topics": [],
        }
        for i in range(jurors)
    ]
    for key in ("locks", "previous"):
        data.pop(key, None)
    return data


def seed_scoring_day(database_url: str, rouen: dict, jurors: int) -> ScoringDayPlan:
    """Empty the database, create the schema, publish hand-made panels, reopen scoring (2023 is over)."""
    from pitchday.models import PanelSeat, ScheduledSession, ScheduleVersion
    from pitchday.services import accounts, event_io, rubric, scoring, versions
    from tests.conftest import drop_everything

    app = create_app(TestConfig(database_url))
    with app.app_context():
        drop_everything()
        db.create_all()
        event = event_io.import_event(scoring_event_file(rouen, jurors))
        rubric.ensure_default_rubric(event)
        version = ScheduleVersion(event=event, status="feasible", note="load test")
        room = event.rooms[0]
        panels: dict[str, list[int]] = defaultdict(list)
        for number, pitch in enumerate(event.pitches):
            panel = [event.experts[(number + offset) % jurors] for offset in range(PANEL_SIZE)]
            start = 8 * 60 + (number % 40) * 15
            version.sessions.append(
                ScheduledSession(
                    pitch=pitch,
                    room=room,
                    date=date(2023, 11, 30),
                    start_min=start,
                    end_min=start + 15,
                    seats=[PanelSeat(expert=expert, position=i) for i, expert in enumerate(panel)],
                )
            )
        db.session.add(version)
        db.session.flush()
        versions.publish(version)
        for session in version.sessions:
            scoring.set_lock(session.pitch, False, "orga@example.org")
            for seat in session.seats:
                panels[seat.expert.key].append(session.pitch_id)
        tokens = {access.expert.key: access.token for access in accounts.ensure_juror_links(event)}
        criteria = [criterion.id for criterion in rubric.criteria_of(event)]
        plan = ScoringDayPlan(event.slug, tokens, dict(panels), criteria)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return plan


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class GunicornServer:
    """``gunicorn pitchday:create_app()`` in its own process group, so that a SIGKILL takes every worker."""

    def __init__(
        self,
        database_url: str,
        log_file: Path,
        workers: int | None = 2,
        threads: int | None = 1,
        access_log: Path | None = None,
    ) -> None:
        """``workers``/``threads`` None: as gunicorn.conf.py says (the production settings)."""
        self.database_url = database_url
        self.log_file = log_file
        self.access_log = access_log  # per request: time, method, path, status, microseconds in the worker
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_within: float = 60) -> None:
        environment = dict(os.environ, DATABASE_URL=self.database_url, SECRET_KEY=SECRET_KEY)
        environment.pop("PITCHDAY_ENV", None)
        sizing = [
            *(["--workers", str(self.workers)] if self.workers else []),
            *(["--threads", str(self.threads)] if self.threads else []),
        ]
        access = (
            []
            if self.access_log is None
            else [
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                "%(t)s %(m)s %(U)s %(s)s %(D)s",
            ]
        )
        with open(self.log_file, "ab") as log:
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    *sizing,
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--timeout",
                    "60",
                    "--graceful-timeout",
                    "3",
                    *access,
                    "pitchday:create_app()",
                ],
                cwd=PROJECT_ROOT,
                env=environment,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_file}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {ready_within} s; see {self.log_file}")

    def crash(self) -> None:
        """SIGKILL the master and every worker at once: no graceful shutdown, requests cut mid-way."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.crash()


# --- jurors over HTTP ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    """One autosave: one juror sets one mark, identified by a client-made id."""

    juror: str
    pitch_id: int
    criterion_id: int
    value: int
    client_id: str
    send_twice: bool = False  # the same id sent twice at once, as a flaky network may do


@dataclass
class Outcome:
    status: int
    body: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def acknowledged(self) -> bool:
        return self.status == 200 and self.body.get("status") == "saved"


class JurorClient:
    """A juror's tablet: a cookie jar, the CSRF token of its session, and plain HTTP."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.token = token
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.csrf: str | None = None

    def request(self, path: str, body: dict | None = None, timeout: float = 30) -> Outcome:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers |= {"Content-Type": "application/json", "X-CSRFToken": self.csrf or ""}
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=timeout) as response:
                text = response.read().decode("utf-8")
                status = response.status
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            status = error.code
        except (OSError, http.client.HTTPException):
            return Outcome(CONNECTION_LOST, seconds=time.perf_counter() - started)
        elapsed = time.perf_counter() - started
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = {"html": text}
        return Outcome(status, parsed if isinstance(parsed, dict) else {}, elapsed)

    def open_sheet(self, pitch_id: int) -> Outcome:
        """Load the scoring page (as the tablet does first): it sets the session and its CSRF token."""
        outcome = self.request(f"/jury/{self.token}/pitchs/{pitch_id}")
        found = CSRF_META.search(outcome.body.get("html", ""))
        if found:
            self.csrf = found.group(1)
        return outcome

    def submit(self, submission: Submission) -> Outcome:
        return self.request(
            f"/jury/{self.token}/pitchs/{submission.pitch_id}/notes",
            {"client_id": submission.client_id, "scores": {str(submission.criterion_id): submission.value}},
        )


def planned_submissions(
    plan: ScoringDayPlan, rounds: int, twice_every: int = 0
) -> dict[str, list[Submission]]:
    """Per juror, in the order their tablet sends them: ``rounds`` successive marks on every cell.

    Successive values of one cell always differ, so every submission changes a mark exactly once.
    """
    planned: dict[str, list[Submission]] = {}
    counter = 0
    for juror, pitch_ids in plan.panels.items():
        queue = []
        for round_number in range(rounds):
            for pitch_id in pitch_ids:
                for criterion_id in plan.criteria:
                    counter += 1
                    queue.append(
                        Submission(
                            juror,
                            pitch_id,
                            criterion_id,
                            value=(3 * round_number + criterion_id) % 11,
                            client_id=f"{juror}-{pitch_id}-{criterion_id}-{round_number}-{counter:06d}",
                            send_twice=bool(twice_every) and counter % twice_every == 0,
                        )
                    )
        planned[juror] = queue
    return planned


# --- the check -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatabaseCheck:
    submissions_stored: int
    audit_rows: int
    problems: tuple[str, ...]


def check_scores(
    database_url: str, planned: dict[str, list[Submission]], acknowledged: dict[str, dict]
) -> DatabaseCheck:
    """Every acknowledged submission stored once, its audit rows there, every mark equal to its last value."""
    from pitchday.models import Expert, Score, ScoreAudit, ScoreSubmission

    app = create_app(TestConfig(database_url))
    problems: list[str] = []
    with app.app_context():
        stored = {row.client_id: row for row in db.session.execute(db.select(ScoreSubmission)).scalars()}
        audit = list(
            db.session.execute(
                db.select(ScoreAudit).where(ScoreAudit.expert_id.is_not(None)).order_by(ScoreAudit.id)
            ).scalars()
        )
        keys = dict(db.session.execute(db.select(Expert.id, Expert.key)).all())
        marks = {
            (keys[s.expert_id], s.pitch_id, s.criterion_id): s.value
            for s in db.session.execute(db.select(Score)).scalars()
        }
        by_submission: dict[str, list] = defaultdict(list)
        by_cell: dict[tuple, list] = defaultdict(list)
        for row in audit:
            by_submission[row.submission_id].append(row)
            by_cell[(keys[row.expert_id], row.pitch_id, row.criterion_id)].append(row)
        for client_id, response in acknowledged.items():
            if client_id not in stored:
                problems.append(f"acknowledged {client_id} is not stored")
            if len(by_submission[client_id]) != response.get("changed"):
                problems.append(
                    f"{client_id}: {len(by_submission[client_id])} audit rows, "
                    f"{response.get('changed')} changes acknowledged"
                )
        for submissions in planned.values():
            last: dict[tuple, int] = {}
            count: dict[tuple, int] = defaultdict(int)
            for submission in submissions:
                cell = (submission.juror, submission.pitch_id, submission.criterion_id)
                last[cell] = submission.value
                count[cell] += 1
            for cell, value in last.items():
                if marks.get(cell) != value:
                    problems.append(f"{cell}: mark {marks.get(cell)}, last value sent {value}")
                chain = by_cell[cell]
                if len(chain) != count[cell]:
                    problems.append(
                        f"{cell}: {len(chain)} audit rows for {count[cell]} changes (duplicates?)"
                    )
                for earlier, later in itertools.pairwise(chain):
                    if earlier.after != later.before:
                        problems.append(f"{cell}: audit chain broken at row {later.id}")
        db.session.remove()
        db.engine.dispose()
    return DatabaseCheck(len(stored), len(audit), tuple(problems))
