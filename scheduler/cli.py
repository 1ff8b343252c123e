"""``pitchday schedule`` and ``pitchday check``: the scheduler from the command line.

Exit codes follow ``shared/event-format.md``: 0 a schedule (optimal or
feasible), 1 an input that is not valid (one line on standard error, never a
traceback), 2 infeasible (the file still written, with its conflicts), 3 no
schedule found in the time allowed.  Human messages go to standard error so
that ``-o -`` can write the schedule to standard output.

Flask is never imported here, and the solver module only by ``schedule``, so
the command starts fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from scheduler.data import Event, Progress, Result, ScoreTerms, Session, Status
from scheduler.io import EventFormatError, load_event, load_schedule, result_to_dict
from scheduler.validate import Violation, check_schedule, score_terms

EXIT_SCHEDULED = 0
EXIT_INVALID_INPUT = 1
EXIT_INFEASIBLE = 2
EXIT_UNKNOWN = 3
EXIT_INTERRUPTED = 130
STANDARD_OUTPUT = "-"
_TERM_NAMES = ("topic_match", "load_spread", "room_changes", "sector_clash", "changes_from_previous")


class _UsageError(Exception):
    """A command line argparse rejects; reported with exit code 1, not argparse's 2 (which means infeasible)."""


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise _UsageError(f"{self.prog}: error: {message}")


def _positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds > 0 or seconds == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return seconds


def _positive_count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(prog="pitchday", description="Schedule a pitch day, or check a schedule.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    schedule = commands.add_parser(
        "schedule",
        help="turn an event file into a schedule file",
        description="Turn an event file into a schedule file with CP-SAT.",
    )
    schedule.add_argument("event", metavar="EVENT.json", help="the event file")
    schedule.add_argument(
        "-o",
        "--output",
        metavar="SCHEDULE.json",
        required=True,
        help="where to write the schedule file ('-' for standard output)",
    )
    schedule.add_argument(
        "--time-limit",
        metavar="S",
        type=_positive_seconds,
        default=30.0,
        help="seconds the solver may search (default 30)",
    )
    schedule.add_argument(
        "--workers",
        metavar="N",
        type=_positive_count,
        default=os.cpu_count() or 1,
        help="solver threads (default: one per CPU)",
    )
    schedule.add_argument(
        "--check", action="store_true", help="re-check the schedule with the solver-independent validator"
    )
    schedule.set_defaults(run=_schedule)

    check = commands.add_parser(
        "check",
        help="check a schedule file against its event and show its score",
        description="Check every hard rule of a schedule file and show its score terms.",
    )
    check.add_argument("event", metavar="EVENT.json", help="the event file")
    check.add_argument("schedule", metavar="SCHEDULE.json", help="the schedule file")
    check.set_defaults(run=_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``pitchday schedule`` or ``pitchday check``; return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        return args.run(args)
    except _UsageError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID_INPUT
    except KeyboardInterrupt:
        print("pitchday: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _fail(message: object) -> int:
    print(f"pitchday: error: {message}", file=sys.stderr)
    return EXIT_INVALID_INPUT


# --- pitchday schedule ---------------------------------------------------------------------


def _schedule(args: argparse.Namespace) -> int:
    try:
        event = load_event(args.event)
    except EventFormatError as error:
        return _fail(error)
    # Refuse a hopeless output before spending the whole time limit.
    problem = _unwritable(args.output)
    if problem:
        return _fail(f"{args.output}: {problem}")

    from scheduler.model import solve  # the solver is only needed here, not by ``check``

    progress = _ProgressLine(sys.stderr)
    try:
        result = solve(event, time_limit=args.time_limit, workers=args.workers, on_progress=progress)
    finally:
        progress.finish()

    try:
        _write_schedule(args.output, result)
    except OSError as error:
        return _fail(f"{args.output}: cannot be written: {error.strerror or error}")
    print(_summary(result, args), file=sys.stderr)

    if args.check and result.status.has_schedule:
        problems = _self_check(event, result)
        if problems:
            print(
                f"pitchday: error: the solver's schedule fails its check ({len(problems)} problems); "
                "this is a bug, please report it:",
                file=sys.stderr,
            )
            for problem_line in problems:
                print(f"  - {problem_line}", file=sys.stderr)
            return EXIT_INVALID_INPUT
    if result.status is Status.INFEASIBLE:
        for conflict in result.conflicts:
            print(f"  - {conflict.message} [{conflict.rule}]", file=sys.stderr)
        return EXIT_INFEASIBLE
    if result.status is Status.UNKNOWN:
        return EXIT_UNKNOWN
    return EXIT_SCHEDULED


def _unwritable(output: str) -> str | None:
    """Why the schedule file cannot be written there, or None if it looks fine."""
    if output == STANDARD_OUTPUT:
        return None
    path = Path(output)
    if path.is_dir():
        return "is a directory, not a file"
    folder = path.parent
    if not folder.is_dir():
        return f"the folder {folder} does not exist"
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return "cannot be written: permission denied"
    return None


def _write_schedule(output: str, result: Result) -> None:
    text = json.dumps(result_to_dict(result), ensure_ascii=False, indent=2) + "\n"
    if output == STANDARD_OUTPUT:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        Path(output).write_text(text, encoding="utf-8")


class _ProgressLine:
    """Shows each better schedule: one line rewritten in place on a terminal, plain lines otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.in_place = bool(getattr(stream, "isatty", lambda: False)())
        self.pending_newline = False

    def __call__(self, progress: Progress) -> None:
        line = (
            f"score {progress.score}  bound {progress.bound}  gap {progress.gap:.1%}  "
            f"{progress.elapsed:.1f} s"
        )
        if self.in_place:
            # \x1b[K clears what a longer previous line left behind.
            self.stream.write(f"\r{line}\x1b[K")
            self.pending_newline = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.pending_newline:
            self.stream.write("\n")
            self.stream.flush()
            self.pending_newline = False


def _summary(result: Result, args: argparse.Namespace) -> str:
    where = "standard output" if args.output == STANDARD_OUTPUT else args.output
    seconds = f"{result.solve_seconds:.1f} s"
    if result.status is Status.OPTIMAL:
        return f"optimal (proved best): score {result.score} in {seconds}; written to {where}"
    if result.status is Status.FEASIBLE:
        return (
            f"feasible (not proved best): score {result.score}, no schedule beats {result.best_bound}, "
            f"in {seconds}; written to {where}"
        )
    if result.status is Status.INFEASIBLE:
        because = ", because:" if result.conflicts else " (no explanation found)"
        return f"infeasible: no schedule can keep every rule ({seconds}); written to {where}{because}"
    return f"unknown: no schedule found in {seconds}; try a longer --time-limit (status written to {where})"


def _self_check(event: Event, result: Result) -> list[str]:
    """The solver's schedule and score against the solver-independent validator."""
    problems = [_describe(violation) for violation in check_schedule(event, result.sessions)]
    terms = score_terms(event, result.sessions)
    if terms != result.terms:
        problems.append(
            f"the solver's score terms {_terms_text(result.terms)} differ from the recomputed "
            f"{_terms_text(terms)}"
        )
    recomputed = terms.total(event.objective_weights)
    if recomputed != result.score:
        problems.append(f"the solver's score {result.score} differs from the recomputed {recomputed}")
    return problems


def _describe(violation: Violation) -> str:
    return f"{violation.message} [{violation.rule}]"


def _terms_text(terms: ScoreTerms | None) -> str:
    if terms is None:
        return "(none)"
    return ", ".join(f"{name} {getattr(terms, name)}" for name in _TERM_NAMES)


# --- pitchday check ----------------------------------------------------------------------


def _check(args: argparse.Namespace) -> int:
    try:
        event = load_event(args.event)
        result = load_schedule(args.schedule)
    except EventFormatError as error:
        return _fail(error)
    if not result.status.has_schedule and not result.sessions:
        return _fail(f"{args.schedule}: holds no schedule to check (status {result.status.value})")

    violations = check_schedule(event, result.sessions)
    print(_score_table(event, result.sessions))
    if result.score is not None and result.score != score_terms(event, result.sessions).total(
        event.objective_weights
    ):
        print(f"note: the file gives the score {result.score}, which differs from the one above")
    if violations:
        print(f"{args.schedule}: NOT valid, {len(violations)} broken rules:")
        for violation in violations:
            print(f"  - {_describe(violation)}")
        return EXIT_INVALID_INPUT
    print(f"{args.schedule}: valid, every hard rule holds.")
    return EXIT_SCHEDULED


def _score_table(event: Event, sessions: Sequence[Session]) -> str:
    """The score terms, their weights and the total, as aligned text."""
    terms = score_terms(event, sessions)
    weights = event.objective_weights
    lines = []
    for name in _TERM_NAMES:
        value, weight = getattr(terms, name), getattr(weights, name)
        sign = "+" if name == "topic_match" else "-"
        lines.append(f"{name:<22} {value:>6} x {weight:>3} = {sign + str(value * weight):>8}")
    lines.append(f"{'score':<22} {terms.total(weights):>23}")
    return "\n".join(lines)
