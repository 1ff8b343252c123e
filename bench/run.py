"""The real model against the plain baseline, side by side, on generated events.

Run by hand from the repository root::

    python bench/run.py                          # every size, 60 s per solve
    python bench/run.py --sizes 7x2x9 26x3x24 --time-limit 20

Each size is solved by ``scheduler.solve`` and by ``bench.baseline`` with the same time
limit and workers; every schedule found goes through the validator, and the score shown
is the validator's.  Then the re-plan scenario (an expert called away on day 2, the real
model's schedule published) is solved by both.  Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `scheduler` and `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.baseline import solve_baseline
from bench.generate import BENCH_SIZES, REPLAN_SIZES, generate, parse_size, replan_scenario
from scheduler import solve
from scheduler.data import Event, Progress, Result, Session, Status
from scheduler.validate import check_schedule, score, score_terms


@dataclass(frozen=True)
class Row:
    """One solve, as the tables show it."""

    event: str
    model: str
    first_valid: float | None  # seconds to the first valid schedule
    proved: float | None  # seconds to the proof of optimality
    gap: float | None  # relative gap at the time limit when not proved
    score: int | None
    bound: int | None
    violations: int | None
    changes: int | None
    sessions: tuple[Session, ...]
    note: str = ""


def summarise(
    label: str, model: str, event: Event, result: Result, progress: list[Progress], note: str = ""
) -> Row:
    """The row of a solve; its score is the validator's, not the solver's own."""
    if not result.status.has_schedule:
        return Row(label, model, None, None, None, None, None, None, None, (), note or result.status.value)
    violations = len(check_schedule(event, result.sessions))
    first = progress[0].elapsed if progress else result.solve_seconds
    valid_score = score(event, result.sessions)
    proved = result.solve_seconds if result.status.value == "optimal" else None
    bound = result.best_bound
    gap = None if proved is not None or bound is None else Progress(valid_score, bound, 0.0).gap
    changes = score_terms(event, result.sessions).changes_from_previous if event.previous else None
    return Row(
        label, model, first, proved, gap, valid_score, bound, violations, changes, result.sessions, note
    )


def run_real(label: str, event: Event, time_limit: float, workers: int) -> Row:
    progress: list[Progress] = []
    result = solve(event, time_limit=time_limit, workers=workers, on_progress=progress.append)
    return summarise(label, "real", event, result, progress)


def run_baseline(label: str, event: Event, time_limit: float, workers: int) -> Row:
    run = solve_baseline(event, time_limit=time_limit, workers=workers)
    note = "" if run.built else "too large to build"
    return summarise(label, "baseline", event, run.result, list(run.progress), note)


def seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def proof(row: Row) -> str:
    if row.proved is not None:
        return f"optimal {row.proved:.1f} s"
    if row.gap is not None:
        return f"gap {100 * row.gap:.1f} %"
    return "—"


def ratio(baseline: Row, real: Row) -> str:
    """How many times sooner the real model finds its first valid schedule."""
    if real.first_valid is None:
        return "—"
    if baseline.first_valid is None:
        return "baseline found none"
    return f"×{baseline.first_valid / max(real.first_valid, 1e-3):.1f}"


def print_table(rows: list[tuple[Row, ...]], *, replan: bool) -> None:
    """Each group starts with the real model's row and the baseline's, then any reference rows."""
    first_column = "re-plan event" if replan else "event (pitches×rooms×experts)"
    extra = " changes |" if replan else ""
    print(
        f"| {first_column} | model |{extra} first valid (s) | proof / gap at limit | score | best bound | valid |"
        f" first valid: baseline / real |"
    )
    print("|---|---|" + ("---|" if replan else "") + "---|---|---|---|---|---|")
    for group in rows:
        real, baseline = group[:2]
        for row in group:
            valid = (
                "—"
                if row.violations is None
                else ("yes" if row.violations == 0 else f"NO ({row.violations} violations)")
            )
            changes = f" {'—' if row.changes is None else row.changes} |" if replan else ""
            shown_ratio = ratio(baseline, real) if row is real else ""
            note = f" ({row.note})" if row.note else ""
            print(
                f"| {row.event} | {row.model}{note} |{changes} {seconds(row.first_valid)} | {proof(row)} | "
                f"{'—' if row.score is None else row.score} | {'—' if row.bound is None else row.bound} | "
                f"{valid} | {shown_ratio} |"
            )
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The real model against the plain baseline.")
    parser.add_argument(
        "--sizes",
        nargs="+",
        type=parse_size,
        default=list(BENCH_SIZES),
        help="PITCHESxROOMSxEXPERTS (default: 7x2x9 26x3x24 60x4x24 150x6x45 300x10x90)",
    )
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per solve (default 60)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-replan", action="store_true", help="skip the re-plan scenario")
    args = parser.parse_args(argv)

    started = time.monotonic()
    print(f"time limit {args.time_limit:g} s per solve, {args.workers} workers, seed {args.seed}\n")
    rows, replans = [], []
    for size in args.sizes:
        label = "×".join(map(str, size))
        generated = generate(*size, seed=args.seed)
        real = run_real(label, generated.event, args.time_limit, args.workers)
        baseline = run_baseline(label, generated.event, args.time_limit, args.workers)
        rows.append((real, baseline))
        print_table([(real, baseline)], replan=False)
        if size in REPLAN_SIZES and not args.no_replan:
            published = real.sessions if real.violations == 0 else generated.witness
            scenario = replan_scenario(generated.event, published)
            repair = Result(Status.FEASIBLE, sessions=scenario.witness)
            replans.append(
                (
                    run_real(label, scenario.event, args.time_limit, args.workers),
                    run_baseline(label, scenario.event, args.time_limit, args.workers),
                    summarise(label, "greedy repair (reference)", scenario.event, repair, []),
                )
            )
    print("\n## New events\n")
    print_table(rows, replan=False)
    if replans:
        print("\n## Re-plan: an expert is called away on day 2 from mid-morning\n")
        print_table(replans, replan=True)
    print(f"\ntotal {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
