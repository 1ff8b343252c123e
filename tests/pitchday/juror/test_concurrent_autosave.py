"""Many tablets autosaving at once on a file database: every mark stored once, never a 500.

On SQLite in WAL mode a transaction that read, then writes after another writer committed,
fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT); the busy timeout only helps
writers whose reads held no snapshot (see app.py ``_tune_sqlite``).
"""

from __future__ import annotations

import threading
from collections import Counter

import config
from pitchday import create_app
from pitchday.extensions import db
from tests.conftest import ROUEN, database_url, drop_everything
from tests.faults.server import check_scores, planned_submissions, seed_scoring_day

JURORS = 8
RESENT_EVERY = 3  # every third submission is sent again with its client id, like a retrying tablet


def test_simultaneous_autosaves_are_each_stored_once(tmp_path):
    url = database_url(tmp_path)
    plan = seed_scoring_day(url, ROUEN, JURORS)
    planned = planned_submissions(plan, rounds=1)
    app = create_app(config.TestConfig(url))
    statuses: Counter[int] = Counter()
    acknowledged: dict[str, dict] = {}
    lock = threading.Lock()
    start = threading.Barrier(JURORS)

    def tablet(juror: str) -> None:
        client = app.test_client()
        start.wait()
        for number, submission in enumerate(planned[juror]):
            for _ in range(2 if number % RESENT_EVERY == 0 else 1):
                try:
                    response = client.post(
                        f"/jury/{plan.tokens[juror]}/pitchs/{submission.pitch_id}/notes",
                        json={
                            "client_id": submission.client_id,
                            "scores": {str(submission.criterion_id): submission.value},
                        },
                    )
                except Exception:  # noqa: BLE001 (the test client raises what the server would answer 500 to)
                    with lock:
                        statuses[500] += 1
                    return
                with lock:
                    statuses[response.status_code] += 1
                    if response.status_code == 200 and not response.json.get("replayed"):
                        acknowledged[submission.client_id] = response.json

    threads = [threading.Thread(target=tablet, args=(juror,)) for juror in planned]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        db.engine.dispose()

    sent = sum(len(queue) for queue in planned.values())
    assert set(statuses) == {200}, statuses
    assert len(acknowledged) == sent
    check = check_scores(url, planned, acknowledged)
    assert check.problems == ()
    assert check.submissions_stored == sent
    with create_app(config.TestConfig(url)).app_context():
        drop_everything()
        db.engine.dispose()
