"""The organiser's stop button inside a running CP-SAT search (``solve(..., should_stop=...)``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ortools.sat.python import cp_model

# How often a running search asks ``should_stop``: the stop button answers within this.
STOP_POLL_SECONDS = 0.2


@contextmanager
def stopped_when_asked(
    solver: cp_model.CpSolver, should_stop: Callable[[], bool] | None, stage: str
) -> Iterator[None]:
    """While the block runs, a watcher ends the solver's search when ``should_stop`` says so: a
    search may go on for long without a new solution to report."""
    done = threading.Event()
    if should_stop is not None:

        def watch() -> None:
            while not done.wait(STOP_POLL_SECONDS):
                if should_stop():
                    solver.stop_search()
                    return

        threading.Thread(target=watch, name=f"stop watcher: {stage}", daemon=True).start()
    try:
        yield
    finally:
        done.set()
