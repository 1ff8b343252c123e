"""Kill the server in the middle of a burst of scores: nothing acknowledged is lost, nothing is doubled."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import database_url
from tests.faults.server import (
    GunicornServer,
    JurorClient,
    Outcome,
    ScoringDayPlan,
    Submission,
    check_scores,
    planned_submissions,
    seed_scoring_day,
)

pytestmark = pytest.mark.slow

JURORS = 8
ROUNDS = 2
RETRIES = 20


class Burst:
    """Jurors' tablets sending their queues in parallel; what the server acknowledged is remembered."""

    def __init__(self, plan: ScoringDayPlan, planned: dict[str, list[Submission]]) -> None:
        self.plan = plan
        self.planned = planned
        self.acknowledged: dict[str, dict] = {}
        self.pending: dict[str, list[Submission]] = {}
        self.statuses: dict[int, int] = {}
        self.lock = threading.Lock()
        self.enough = threading.Event()

    def record(self, submission: Submission, outcome: Outcome) -> None:
        with self.lock:
            self.statuses[outcome.status] = self.statuses.get(outcome.status, 0) + 1
            if outcome.acknowledged:
                self.acknowledged.setdefault(submission.client_id, outcome.body)

    def send(self, client: JurorClient, submission: Submission) -> Outcome:
        if not submission.send_twice:
            outcome = client.submit(submission)
        else:
            with ThreadPoolExecutor(2) as pair:
                first, second = pair.map(client.submit, [submission, submission])
            if first.acknowledged and second.acknowledged:
                assert first.body["scores"] == second.body["scores"]
            self.record(submission, second)
            outcome = first if first.acknowledged else second
        self.record(submission, outcome)
        return outcome

    @staticmethod
    def open_sheet(client: JurorClient, pitch_id: int, attempts: int) -> bool:
        """Load the scoring page until it gives the session's CSRF token (the server may be down)."""
        for _attempt in range(attempts):
            client.open_sheet(pitch_id)
            if client.csrf:
                return True
            time.sleep(0.2)
        return False

    def run_queue(
        self,
        base_url: str,
        juror: str,
        queue: list[Submission],
        stop_at_first_loss: bool,
        kill_after: int = 0,
    ) -> None:
        client = JurorClient(base_url, self.plan.tokens[juror])
        if not self.open_sheet(client, queue[0].pitch_id, 1 if stop_at_first_loss else RETRIES):
            self.pending[juror] = queue
            return
        for index, submission in enumerate(queue):
            for _attempt in range(1 if stop_at_first_loss else RETRIES):
                outcome = self.send(client, submission)
                if outcome.acknowledged:
                    break
                assert outcome.status in (-1, 500, 502, 503), (outcome.status, outcome.body)
                if stop_at_first_loss:
                    self.pending[juror] = queue[index:]
                    return
                self.open_sheet(client, submission.pitch_id, RETRIES)
            else:
                raise AssertionError(f"{submission.client_id} never acknowledged")
            if kill_after and len(self.acknowledged) >= kill_after:
                self.enough.set()


def run_crash_scenario(tmp_path, rouen, workers: int) -> tuple[Burst, object]:
    url = database_url(tmp_path)
    plan = seed_scoring_day(url, rouen, JURORS)
    planned = planned_submissions(plan, ROUNDS, twice_every=7)
    total = sum(len(queue) for queue in planned.values())
    burst = Burst(plan, planned)
    server = GunicornServer(url, tmp_path / "gunicorn.log", workers=workers)
    server.start()
    try:
        killer = threading.Thread(target=lambda: (burst.enough.wait(60), server.crash()))
        killer.start()
        with ThreadPoolExecutor(JURORS) as tablets:
            list(
                tablets.map(
                    lambda item: burst.run_queue(server.url, item[0], item[1], True, total // 3),
                    planned.items(),
                )
            )
        killer.join()
        lost = sum(len(queue) for queue in burst.pending.values())
        assert 0 < lost < total, "the crash must land in the middle of the burst"

        server.start()
        with ThreadPoolExecutor(JURORS) as tablets:
            list(
                tablets.map(
                    lambda item: burst.run_queue(server.url, item[0], item[1], False), burst.pending.items()
                )
            )
    finally:
        server.stop()
    return burst, check_scores(url, planned, burst.acknowledged)


def test_a_crash_mid_burst_loses_no_acknowledged_score_and_retries_apply_once(tmp_path, rouen):
    burst, check = run_crash_scenario(tmp_path, rouen, workers=2)
    total = sum(len(queue) for queue in burst.planned.values())

    assert check.problems == ()
    assert len(burst.acknowledged) == total
    assert check.submissions_stored == total
    assert check.audit_rows == total


def terminate_other_backends(url: str) -> int:
    """Cut every other connection to the database, as a PostgreSQL restart or failover would."""
    import psycopg

    with psycopg.connect(
        url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as connection:
        rows = connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


@pytest.mark.skipif(
    not database_url(Path("/")).startswith("postgres"), reason="needs DATABASE_URL on PostgreSQL"
)
def test_database_connections_cut_mid_burst_lose_nothing_and_double_nothing(tmp_path, rouen):
    url = database_url(tmp_path)
    plan = seed_scoring_day(url, rouen, JURORS)
    planned = planned_submissions(plan, ROUNDS, twice_every=7)
    total = sum(len(queue) for queue in planned.values())
    burst = Burst(plan, planned)
    server = GunicornServer(url, tmp_path / "gunicorn.log", workers=2)
    server.start()
    cuts = []
    try:

        def cut_connections() -> None:
            while not burst.enough.is_set():
                cuts.append(terminate_other_backends(url))
                burst.enough.wait(0.3)

        cutter = threading.Thread(target=cut_connections)
        cutter.start()
        with ThreadPoolExecutor(JURORS) as tablets:
            list(
                tablets.map(
                    lambda item: burst.run_queue(server.url, item[0], item[1], False), planned.items()
                )
            )
        burst.enough.set()
        cutter.join()
    finally:
        server.stop()
    check = check_scores(url, planned, burst.acknowledged)

    assert sum(cuts) > 0
    assert check.problems == ()
    assert len(burst.acknowledged) == check.submissions_stored == check.audit_rows == total
