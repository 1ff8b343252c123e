"""Many seeds per size and tightness: the share of events scheduled within the goal, the worst
time to a first valid schedule, and the gap at the limit, for the real model and the plain one.

Run by hand from the repository root (never in CI)::

    python bench/sweep.py --seeds 20                      # goal times: 1 s up to 60 pitches, 3 s at 150, 10 s at 300
    python bench/sweep.py --sizes 26x3x24 --time-limit 10 --seeds 3   # gap at a longer limit

Every event is feasible by construction (its witness is checked first); every schedule either
model returns goes through ``scheduler.validate`` and only the validator's score is used.
Prints one line per solve as it goes, then a Markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `scheduler` and `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.baseline import solve_baseline
from bench.generate import BENCH_SIZES, TIGHTNESS, generate, parse_size
from scheduler import solve
from scheduler.data import Event, Progress, Result
from scheduler.validate import check_schedule, score

# The goals: a valid schedule within this many seconds, for every feasible event.
GOAL_SECONDS = {7: 1.0, 26: 1.0, 60: 1.0, 150: 3.0, 300: 10.0}


def goal_for(size: tuple[int, int, int]) -> float:
    return next((seconds for pitches, seconds in sorted(GOAL_SECONDS.items()) if size[0] <= pitches), 10.0)


@dataclass(frozen=True)
class Run:
    """One solve of one event by one model."""

    model: str
    first_valid: float | None  # seconds to the first valid schedule, None if none
    valid: bool  # the final schedule passes the validator
    score: int | None
    bound: int | None
    optimal: bool
    seconds: float
    built: bool = True

    @property
    def gap(self) -> float | None:
        if self.score is None or self.bound is None:
            return None
        return Progress(self.score, self.bound, 0.0).gap


def _summarise(
    model: str, event: Event, result: Result, progress: list[Progress], seconds: float, built: bool = True
) -> Run:
    if not result.status.has_schedule:
        return Run(model, None, False, None, None, False, seconds, built)
    valid = check_schedule(event, result.sessions) == []
    first = progress[0].elapsed if progress else result.solve_seconds
    true_score = score(event, result.sessions)
    return Run(
        model,
        first if valid else None,
        valid,
        true_score,
        result.best_bound,
        result.status.value == "optimal"
        and result.best_bound is not None
        and true_score >= result.best_bound,
        seconds,
        built,
    )


def run_real(event: Event, limit: float, workers: int) -> Run:
    progress: list[Progress] = []
    began = time.perf_counter()
    result = solve(event, time_limit=limit, workers=workers, on_progress=progress.append)
    return _summarise("real", event, result, progress, time.perf_counter() - began)


def run_plain(event: Event, limit: float, workers: int) -> Run:
    began = time.perf_counter()
    run = solve_baseline(event, time_limit=limit, workers=workers)
    return _summarise("plain", event, run.result, list(run.progress), time.perf_counter() - began, run.built)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def table_row(label: str, tightness: str, model: str, runs: list[Run], goal: float) -> str:
    if not any(run.built for run in runs):
        return f"| {label} | {tightness} | {model} | {len(runs)} | too large to build | — | — | — | — |"
    within = sum(1 for run in runs if run.first_valid is not None and run.first_valid <= goal)
    firsts = [run.first_valid for run in runs if run.first_valid is not None]
    worst = (
        f"{max(firsts):.2f} s"
        if len(firsts) == len(runs)
        else (f"{max(firsts):.2f} s ({len(runs) - len(firsts)} none)" if firsts else "none")
    )
    gaps = [run.gap for run in runs if run.gap is not None]
    optimal = sum(run.optimal for run in runs)
    median_gap = _percent(statistics.median(gaps)) if gaps else "—"
    worst_gap = _percent(max(gaps)) if gaps else "—"
    return (
        f"| {label} | {tightness} | {model} | {len(runs)} | {within}/{len(runs)} | {worst} | "
        f"{median_gap} | {worst_gap} | {optimal}/{len(runs)} |"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Real and plain models over many seeds per size and tightness."
    )
    parser.add_argument("--sizes", nargs="+", type=parse_size, default=list(BENCH_SIZES))
    parser.add_argument("--tightness", nargs="+", choices=sorted(TIGHTNESS), default=["loose", "tight"])
    parser.add_argument("--seeds", type=int, default=20, help="seeds 0..N-1 per size and tightness")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="seconds per solve (default: the goal of each size, 1 / 3 / 10 s)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--plain-seeds",
        type=int,
        default=None,
        help="run the plain model on the first N seeds only (its build alone takes ~30 s at 60 "
        "pitches); default: every seed",
    )
    parser.add_argument("--no-plain", action="store_true", help="skip the plain model")
    args = parser.parse_args(argv)

    started = time.monotonic()
    rows = []
    for size in args.sizes:
        label = "×".join(map(str, size))
        goal = goal_for(size)
        limit = args.time_limit if args.time_limit is not None else goal
        for tightness in args.tightness:
            real_runs, plain_runs = [], []
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                generated = generate(*size, seed=seed, tightness=tightness)
                if check_schedule(generated.event, generated.witness):
                    raise SystemExit(f"{label} {tightness} seed {seed}: the witness is not valid")
                real_runs.append(run_real(generated.event, limit, args.workers))
                with_plain = not args.no_plain and (
                    args.plain_seeds is None or seed < args.first_seed + args.plain_seeds
                )
                if with_plain:
                    plain_runs.append(run_plain(generated.event, limit, args.workers))
                for run in (real_runs[-1], *(plain_runs[-1:] if with_plain else ())):
                    print(
                        f"# {label} {tightness} seed {seed} {run.model}: first valid "
                        f"{'none' if run.first_valid is None else f'{run.first_valid:.2f} s'}, "
                        f"score {run.score}, bound {run.bound}, gap {_percent(run.gap)}, "
                        f"{'optimal' if run.optimal else ''} ({run.seconds:.1f} s)"
                        f"{'' if run.built else ' not built'}",
                        file=sys.stderr,
                        flush=True,
                    )
            rows.append(table_row(label, tightness, "real", real_runs, goal))
            if plain_runs:
                rows.append(table_row(label, tightness, "plain", plain_runs, goal))
    print(
        f"\ntime limit {'the goal' if args.time_limit is None else f'{args.time_limit:g} s'} per solve, "
        f"{args.workers} workers, seeds {args.first_seed}-{args.first_seed + args.seeds - 1}\n"
    )
    print(
        "| event | tightness | model | seeds | valid within goal | first valid (max) | gap at limit (median) "
        "| gap (max) | proved optimal |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)
    print(f"\ntotal {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
