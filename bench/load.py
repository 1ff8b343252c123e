"""PitchDay under load: jurors scoring, students polling the programme, organisers watching the board.

Run by hand from the repository root (not part of the tests)::

    python bench/load.py                                  # SQLite, 50 then 200 jurors
    DATABASE_URL=postgresql://user@127.0.0.1:5432/pitchday_load python bench/load.py --jurors 200
    python bench/load.py --scenario public --seconds 20   # the programme alone, as fast as it goes

The app runs under gunicorn on loopback (``--workers`` processes of ``--threads`` threads;
server-sent events hold a thread each, so the board streams need threads).  Each juror
sends every mark of their three panels ``--rounds`` times as autosaves, and resends some
earlier submissions with the same client id (a tablet retrying); ``--students`` students
poll the programme and the now/next feed; ``--boards`` organisers keep the live board's
stream open, reconnecting as EventSource does (after the stream's ``retry``, with the last id).  Prints throughput and latency per endpoint, then checks the database: every
acknowledged score stored exactly once, with its audit rows.  THE DATABASE IS EMPTIED.

``--scenario public`` measures the programme page alone: ``--clients`` processes (outside the
server's, so that the client's own Python does not share a GIL with it) of ``--client-threads``
keep-alive connections each ask for it back to back for ``--seconds``, revalidating with the
ETag they got, as students' browsers do (``--fresh`` of the requests without it), and prints
requests per second by status.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import re
import runpy
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `pitchday` and `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import ROUEN
from tests.faults.server import (
    CONNECTION_LOST,
    GunicornServer,
    JurorClient,
    Outcome,
    ScoringDayPlan,
    Submission,
    check_scores,
    planned_submissions,
    seed_scoring_day,
)

ORGANISER_EMAIL = "bench@example.org"
ORGANISER_PASSWORD = "bench-password-2023"
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def percentiles(values: list[float]) -> list[float]:
    """The 1st to 99th percentiles of some values (``[49]`` is the median, ``[98]`` the 99th)."""
    ordered = sorted(values)
    return statistics.quantiles(ordered, n=100) if len(ordered) > 1 else ordered * 99


class Recorder:
    """Latencies and failures per endpoint, from every thread."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.answered_at: dict[str, list[float]] = defaultdict(list)  # seconds since the recorder was made
        self.errors: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.lock = threading.Lock()
        self.started = time.perf_counter()

    def add(self, endpoint: str, outcome: Outcome, ok: bool) -> None:
        with self.lock:
            self.latencies[endpoint].append(outcome.seconds)
            self.answered_at[endpoint].append(time.perf_counter() - self.started)
            if not ok:
                self.errors[endpoint][outcome.status] += 1

    def table(self, wall_seconds: float, after: float = 0.0) -> str:
        """Per endpoint; ``after``: only the requests answered that many seconds after the start."""
        lines = [
            "| endpoint | requests | req/s | errors | p50 ms | p95 ms | p99 ms |",
            "|---|---:|---:|---|---:|---:|---:|",
        ]
        for endpoint, every in sorted(self.latencies.items()):
            values = [
                value for value, at in zip(every, self.answered_at[endpoint], strict=True) if at >= after
            ]
            if not values:
                continue
            cut = percentiles(values)
            errors = (
                ", ".join(
                    f"{count}×{'lost' if status == CONNECTION_LOST else status}"
                    for status, count in sorted(self.errors[endpoint].items())
                )
                or "0"
            )
            lines.append(
                f"| {endpoint} | {len(values)} | {len(values) / wall_seconds:.0f} | {errors} | "
                f"{cut[49] * 1000:.0f} | {cut[94] * 1000:.0f} | {cut[98] * 1000:.0f} |"
            )
        return "\n".join(lines)

    def timeline(self, endpoint: str, window: float = 10.0) -> str:
        """One endpoint's latency per ``window`` seconds of the run: where in the run the slow ones were."""
        windows: dict[int, list[float]] = defaultdict(list)
        for value, at in zip(self.latencies[endpoint], self.answered_at[endpoint], strict=True):
            windows[int(at // window)].append(value)
        lines = [
            f"| {endpoint}, answered in | requests | p50 ms | p99 ms | max ms |",
            "|---|---:|---:|---:|---:|",
        ]
        for number, values in sorted(windows.items()):
            cut = percentiles(values)
            lines.append(
                f"| {number * window:.0f}–{(number + 1) * window:.0f} s | {len(values)} | "
                f"{cut[49] * 1000:.0f} | {cut[98] * 1000:.0f} | {max(values) * 1000:.0f} |"
            )
        return "\n".join(lines)


SERVER_ENDPOINTS = [  # (method, path pattern, the client's name for it)
    ("POST", re.compile(r"^/jury/[^/]+/pitchs/\d+/notes$"), "POST autosave (both)"),
    ("GET", re.compile(r"^/jury/[^/]+/pitchs/\d+$"), "GET juror sheet"),
    ("GET", re.compile(r"^/e/[^/]+/maintenant\.json$"), "GET now.json"),
    ("GET", re.compile(r"^/e/[^/]+$"), "GET programme"),
    ("POST", re.compile(r"^/organisation/connexion$"), "POST login"),
]


def server_table(access_log: Path, after: float = 0.0) -> str:
    """The same endpoints timed inside the worker (gunicorn's access log): without the client's own waiting
    nor the time a request queued for a free thread. ``after``: seconds after the first request."""
    timed: dict[str, list[float]] = defaultdict(list)
    first = None
    for line in access_log.read_text(errors="replace").splitlines():
        match = re.match(r"^\[([^]]+)\] (\S+) (\S+) (\d+) (\d+)$", line)
        if not match:
            continue
        moment = datetime.strptime(match.group(1), "%d/%b/%Y:%H:%M:%S %z").timestamp()
        first = moment if first is None else min(first, moment)
        if moment - first < after:
            continue
        method, path = match.group(2), match.group(3)
        name = next(
            (label for verb, pattern, label in SERVER_ENDPOINTS if verb == method and pattern.match(path)),
            None,
        )
        if name:
            timed[name].append(int(match.group(5)) / 1e6)
    lines = [
        "| endpoint (in the worker) | requests | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, values in sorted(timed.items()):
        cut = percentiles(values)
        lines.append(
            f"| {name} | {len(values)} | {cut[49] * 1000:.0f} | {cut[94] * 1000:.0f} | "
            f"{cut[98] * 1000:.0f} | {max(values) * 1000:.0f} |"
        )
    return "\n".join(lines)


def create_organiser(database_url: str) -> None:
    from config import TestConfig
    from pitchday import create_app
    from pitchday.extensions import db
    from pitchday.models import Event
    from pitchday.services import accounts, teams

    app = create_app(TestConfig(database_url))
    with app.app_context():
        organiser = accounts.create_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD, "Bench")
        for event in db.session.execute(db.select(Event)).scalars():  # the boards need a seat in the team
            teams.make_owner(event, organiser)
        db.session.commit()
        db.engine.dispose()


def juror_tablet(
    base_url: str,
    plan: ScoringDayPlan,
    juror: str,
    queue: list[Submission],
    resend_share: float,
    think_seconds: float,
    recorder: Recorder,
    acknowledged: dict[str, dict],
    rng: random.Random,
    arrive_within: float = 0.0,
) -> None:
    """Send the queue in order; a refused or lost submission is retried with its client id, like the real tablet."""
    time.sleep(rng.uniform(0, arrive_within))
    client = JurorClient(base_url, plan.tokens[juror])
    recorder.add("GET juror sheet", client.open_sheet(queue[0].pitch_id), True)
    sent: list[Submission] = []
    for submission in queue:
        for _attempt in range(10):
            outcome = client.submit(submission)
            ok = outcome.acknowledged
            recorder.add("POST autosave", outcome, ok)
            if ok:
                acknowledged.setdefault(submission.client_id, outcome.body)
                break
            time.sleep(0.2)
        sent.append(submission)
        if rng.random() < resend_share:
            again = rng.choice(sent)
            outcome = client.submit(again)
            recorder.add(
                "POST autosave (resent id)", outcome, outcome.status == 200 and outcome.body.get("replayed")
            )
        time.sleep(rng.uniform(0, 2 * think_seconds))


def student_phone(
    base_url: str,
    slug: str,
    stop: threading.Event,
    poll_seconds: float,
    recorder: Recorder,
    rng: random.Random,
) -> None:
    """A student's phone: the programme now and then, the now/next feed with its validators."""
    client = JurorClient(base_url, "")
    time.sleep(rng.uniform(0, poll_seconds))
    while not stop.is_set():
        path, label = rng.choice(
            [(f"/e/{slug}", "GET programme"), (f"/e/{slug}/maintenant.json", "GET now.json")]
        )
        outcome = client.request(path)
        recorder.add(label, outcome, outcome.status in (200, 304))
        stop.wait(rng.uniform(0.5, 1.5) * poll_seconds)


def organiser_board(
    base_url: str,
    slug: str,
    stop: threading.Event,
    recorder: Recorder,
    updates: list[int],
    arrive_within: float = 0.0,
) -> None:
    """An organiser's board: log in, then read the live stream until the jurors are done."""
    time.sleep(random.uniform(0, arrive_within))
    client = JurorClient(base_url, "")
    page = client.request("/organisation/connexion")
    token = CSRF_INPUT.search(page.body.get("html", ""))
    request = urllib.request.Request(
        base_url + "/organisation/connexion",
        method="POST",
        data=urllib.parse.urlencode(
            {
                "csrf_token": token.group(1) if token else "",
                "email": ORGANISER_EMAIL,
                "password": ORGANISER_PASSWORD,
            }
        ).encode(),
    )
    started = time.perf_counter()
    with client.opener.open(request, timeout=30) as response:
        recorder.add("POST login", Outcome(response.status, seconds=time.perf_counter() - started), True)
    received = 0
    retry_seconds = 3.0
    last_id = ""
    while not stop.is_set():
        started = time.perf_counter()
        try:
            request = urllib.request.Request(
                base_url + f"/organisation/notes/{slug}/flux",
                headers={"Last-Event-ID": last_id} if last_id else {},
            )
            with client.opener.open(request, timeout=20) as stream:
                recorder.add(
                    "GET board stream (first byte)",
                    Outcome(stream.status, seconds=time.perf_counter() - started),
                    True,
                )
                for line in stream:
                    if line.startswith(b"event: board"):
                        received += 1
                    elif line.startswith(b"id: "):
                        last_id = line[4:].strip().decode()
                    elif line.startswith(b"retry: "):
                        retry_seconds = int(line[7:]) / 1000
                    if stop.is_set():
                        break
        except OSError:
            if not stop.is_set():  # a read timeout: no byte (not even a heartbeat) for 20 s
                recorder.add("GET board stream (first byte)", Outcome(CONNECTION_LOST), False)
        stop.wait(retry_seconds)  # as EventSource does before it reconnects
    updates.append(received)


def run(
    database_url: str,
    jurors: int,
    students: int,
    boards: int,
    rounds: int,
    workers: int,
    threads: int,
    think_seconds: float,
    poll_seconds: float,
    seed: int,
    warmup: float = 0.0,
    arrival: float = 0.0,
) -> bool:
    plan = seed_scoring_day(database_url, ROUEN, jurors)
    create_organiser(database_url)
    planned = planned_submissions(plan, rounds)
    total = sum(len(queue) for queue in planned.values())
    recorder = Recorder()
    acknowledged: dict[str, dict] = {}
    stop = threading.Event()
    updates: list[int] = []
    log_file = Path(tempfile.mkdtemp()) / "gunicorn.log"
    access_log = log_file.with_name("access.log")
    server = GunicornServer(database_url, log_file, workers=workers, threads=threads, access_log=access_log)
    server.start()
    recorder.started = time.perf_counter()
    try:
        background = ThreadPoolExecutor(students + boards)
        for number in range(students):
            background.submit(
                student_phone,
                server.url,
                plan.slug,
                stop,
                poll_seconds,
                recorder,
                random.Random(seed + number),
            )
        for _ in range(boards):
            background.submit(organiser_board, server.url, plan.slug, stop, recorder, updates, arrival)
        started = time.perf_counter()
        with ThreadPoolExecutor(jurors) as tablets:
            for number, (juror, queue) in enumerate(planned.items()):
                tablets.submit(
                    juror_tablet,
                    server.url,
                    plan,
                    juror,
                    queue,
                    0.1,
                    think_seconds,
                    recorder,
                    acknowledged,
                    random.Random(seed * 1000 + number),
                    arrival,
                )
        wall = time.perf_counter() - started
        stop.set()
        background.shutdown(wait=False, cancel_futures=True)
    finally:
        server.stop()
    check = check_scores(database_url, planned, acknowledged)
    requests = sum(len(values) for values in recorder.latencies.values())
    print(
        f"\n### {jurors} jurors, {students} students, {boards} boards — {database_url.split(':')[0]}, "
        f"gunicorn {workers} workers × {threads} threads, think {think_seconds:g} s, "
        + (f"arriving within {arrival:g} s\n" if arrival else "all arriving at once\n")
    )
    print(recorder.table(wall))
    if warmup > 0:
        print(
            f"\nAfter the first {warmup:.0f} s (the tablets opening their pages, the organisers' "
            f"logins), errors counted over the whole run:\n"
        )
        print(recorder.table(wall - warmup, after=warmup))
    print("\nAutosaves through the run:\n")
    print(recorder.timeline("POST autosave"))
    print(
        "\nThe same requests timed by the server, from the worker's first byte read to its last byte "
        "written" + (f" (after the first {warmup:.0f} s)" if warmup > 0 else "") + ":\n"
    )
    print(server_table(access_log, after=warmup))
    print(
        f"\n{requests} requests in {wall:.1f} s ({requests / wall:.0f} req/s); "
        f"{len(acknowledged)}/{total} autosaves acknowledged; board updates received per stream: "
        f"{min(updates, default=0)}–{max(updates, default=0)}; load average {os.getloadavg()[0]:.1f}"
    )
    failures = Counter(
        line.split(": ")[0]
        for line in log_file.read_text(errors="replace").splitlines()
        if re.match(r"^[A-Za-z_.]*(Error|Exception)\b", line)
    )
    print(f"server errors logged: {dict(failures) or 'none'} (log: {log_file})")
    print(
        f"database: {check.submissions_stored} submissions stored, {check.audit_rows} audit rows, "
        f"{len(check.problems)} problems {list(check.problems[:5])}"
    )
    return not check.problems and len(acknowledged) == total


def programme_client(
    port: int,
    path: str,
    threads: int,
    seconds: float,
    fresh_share: float,
    seed: int,
    results: multiprocessing.Queue,
) -> None:
    """One client process: ``threads`` keep-alive connections asking for the programme back to back."""
    latencies: dict[int, list[float]] = defaultdict(list)
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def connection(rng: random.Random) -> None:
        link = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        etag = ""
        while time.perf_counter() < deadline:
            headers = {"Accept-Language": "fr"}
            if etag and rng.random() >= fresh_share:
                headers["If-None-Match"] = etag
            started = time.perf_counter()
            try:
                link.request("GET", path, headers=headers)
                response = link.getresponse()
                response.read()
                status = response.status
                etag = response.getheader("ETag") or etag
                if response.getheader("Connection", "").lower() == "close":
                    link.close()
            except (OSError, http.client.HTTPException):
                status = CONNECTION_LOST
                link.close()
            with lock:
                latencies[status].append(time.perf_counter() - started)

    workers = [
        threading.Thread(target=connection, args=(random.Random(seed * 100 + n),)) for n in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put(dict(latencies))


def run_public(
    database_url: str,
    clients: int,
    client_threads: int,
    seconds: float,
    fresh_share: float,
    workers: int,
    threads: int,
) -> bool:
    """The programme page alone, as many requests a second as the server answers."""
    plan = seed_scoring_day(database_url, ROUEN, 50)
    log_file = Path(tempfile.mkdtemp()) / "gunicorn.log"
    server = GunicornServer(database_url, log_file, workers=workers, threads=threads)
    server.start()
    path = f"/e/{plan.slug}"
    try:
        results: multiprocessing.Queue = multiprocessing.Queue()
        processes = [
            multiprocessing.Process(
                target=programme_client,
                args=(server.port, path, client_threads, seconds, fresh_share, number, results),
            )
            for number in range(clients)
        ]
        for process in processes:
            process.start()
        merged: dict[int, list[float]] = defaultdict(list)
        for _ in processes:
            for status, values in results.get(timeout=seconds + 120).items():
                merged[status].extend(values)
        for process in processes:
            process.join()
    finally:
        server.stop()
    total = sum(len(values) for values in merged.values())
    cut = percentiles([value for values in merged.values() for value in values])
    by_status = ", ".join(
        f"{'lost' if status == CONNECTION_LOST else status}: {len(values)}"
        for status, values in sorted(merged.items())
    )
    print(
        f"\n### programme only — {database_url.split(':')[0]}, gunicorn {workers} workers × {threads} threads, "
        f"{clients} client processes × {client_threads} connections, {fresh_share:.0%} without ETag\n"
    )
    print(
        f"{total} requests in {seconds:.0f} s: {total / seconds:.0f} req/s ({by_status}); "
        f"p50 {cut[49] * 1000:.1f} ms, p95 {cut[94] * 1000:.1f} ms, p99 {cut[98] * 1000:.1f} ms; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    return set(merged) <= {200, 304}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jurors", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--boards", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2, help="times each juror sets each mark")
    parser.add_argument("--workers", type=int, help="gunicorn processes (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, help="threads per process (default: gunicorn.conf.py's)")
    parser.add_argument("--think", type=float, default=0.2, help="mean seconds between a juror's autosaves")
    parser.add_argument("--poll", type=float, default=10.0, help="mean seconds between a student's requests")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--arrival",
        type=float,
        default=0.0,
        help="jurors and organisers arrive at random within this many seconds (0: all at once)",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=0.0,
        help="also print the latencies of the requests answered after this many seconds",
    )
    parser.add_argument(
        "--scenario",
        choices=["day", "public"],
        default="day",
        help="day: jurors, students and boards together; public: the programme alone",
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="public: how long to ask")
    parser.add_argument("--clients", type=int, default=2, help="public: client processes")
    parser.add_argument(
        "--client-threads", type=int, default=8, help="public: connections per client process"
    )
    parser.add_argument("--fresh", type=float, default=0.1, help="public: share of requests without the ETag")
    args = parser.parse_args(argv)
    production = runpy.run_path(str(Path(__file__).resolve().parents[1] / "gunicorn.conf.py"))
    args.workers = args.workers or production["workers"]
    args.threads = args.threads or production["threads"]
    # A SIGTERM (``timeout``, a closed terminal) still stops gunicorn through the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/load.db"
    if args.scenario == "public":
        return (
            0
            if run_public(
                database_url,
                args.clients,
                args.client_threads,
                args.seconds,
                args.fresh,
                args.workers,
                args.threads,
            )
            else 1
        )
    good = True
    for jurors in args.jurors:
        good &= run(
            database_url,
            jurors,
            args.students,
            args.boards,
            args.rounds,
            args.workers,
            args.threads,
            args.think,
            args.poll,
            args.seed,
            args.warmup,
            args.arrival,
        )
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
