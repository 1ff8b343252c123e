"""``pitchday schedule`` and ``pitchday check``: exit codes, files written, messages for organisers."""

import copy
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import scheduler.model
from scheduler.cli import main
from scheduler.data import Conflict, Progress, Result, ScoreTerms, Session, Status
from scheduler.io import load_schedule, parse_event, result_to_dict
from scheduler.validate import check_schedule

REPO = Path(__file__).resolve().parents[2]
ROUEN_CANDIDATES = (
    REPO / "pitchday" / "demo" / "rouen-2023.json",
    Path("/work/shared/examples/rouen-2023.json"),
)
ROUEN_PATH = next((path for path in ROUEN_CANDIDATES if path.exists()), ROUEN_CANDIDATES[0])


def tiny_event() -> dict:
    """Two pitches, two experts: solved in a blink."""
    return {
        "format": "pitchday-event/1",
        "event": {"name": "Tiny", "venue": "Here", "timezone": "Europe/Paris"},
        "days": [{"date": "2024-03-01", "start": "09:00", "end": "10:00", "breaks": []}],
        "rooms": [{"id": "r1", "name": "Room 1"}],
        "organisations": [{"id": "o1", "name": "Org 1"}],
        "pitch_defaults": {"duration_min": 20, "changeover_min": 5},
        "panel": {"size": 1, "required_organisations": ["o1"]},
        "pitches": [
            {"id": "p1", "company": "C1", "title": "T1", "sector": "a", "city": "X", "topics": ["x"]},
            {"id": "p2", "company": "C2", "title": "T2", "sector": "b", "city": "X", "topics": ["y"]},
        ],
        "experts": [
            {"id": "e1", "name": "E1", "organisation": "o1", "topics": ["x"]},
            {"id": "e2", "name": "E2", "organisation": "o1", "topics": ["y"]},
        ],
    }


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def only_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


@pytest.fixture
def fake_solve(monkeypatch):
    """Replace the solver by one that returns ``result`` after reporting ``progress``."""
    calls = []

    def install(result: Result, progress: tuple[Progress, ...] = ()):
        def solve(event, *, time_limit, workers, on_progress):
            calls.append({"event": event, "time_limit": time_limit, "workers": workers})
            for step in progress:
                on_progress(step)
            return result

        monkeypatch.setattr(scheduler.model, "solve", solve)
        return calls

    return install


# --- pitchday schedule with the real solver ------------------------------------------------------


def test_schedule_tiny_event(tmp_path, capsys):
    event_path = write(tmp_path / "event.json", tiny_event())
    out = tmp_path / "schedule.json"
    assert (
        main(["schedule", str(event_path), "-o", str(out), "--time-limit", "5", "--workers", "1", "--check"])
        == 0
    )
    result = load_schedule(out)
    assert result.status is Status.OPTIMAL
    assert check_schedule(parse_event(tiny_event()), result.sessions) == []
    assert "optimal (proved best)" in capsys.readouterr().err


def test_infeasible_event_writes_the_file_and_exits_2(tmp_path, capsys):
    too_short = tiny_event()
    too_short["days"][0]["end"] = "09:40"  # two 20-minute pitches and a 5-minute changeover need 45
    event_path = write(tmp_path / "event.json", too_short)
    out = tmp_path / "schedule.json"
    assert main(["schedule", str(event_path), "-o", str(out), "--time-limit", "5", "--workers", "1"]) == 2
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["status"] == "infeasible" and data["sessions"] == [] and data["score"] is None
    assert "infeasible: no schedule can keep every rule" in capsys.readouterr().err


def test_python_dash_m_pitchday_schedules_rouen(tmp_path):
    out = tmp_path / "rouen-schedule.json"
    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "pitchday",
            "schedule",
            str(ROUEN_PATH),
            "-o",
            str(out),
            "--time-limit",
            "3",
            "--workers",
            "2",
            "--check",
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout == ""
    assert "Traceback" not in finished.stderr
    result = load_schedule(out)
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert len(result.sessions) == 7


def test_cli_does_not_load_flask():
    probe = (
        "import sys; import scheduler.cli; "
        "print(sorted(m for m in ('flask', 'sqlalchemy') if m in sys.modules))"
    )
    finished = subprocess.run(
        [sys.executable, "-c", probe], check=False, capture_output=True, text=True, timeout=60
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "[]"


# --- pitchday schedule: exit codes and messages ---------------------------------------------------


def test_invalid_event_exits_1_with_one_line(tmp_path, capsys, fake_solve):
    calls = fake_solve(Result(Status.UNKNOWN))
    data = json.loads(ROUEN_PATH.read_text(encoding="utf-8"))
    data["pitches"][3]["duration_min"] = -5
    event_path = write(tmp_path / "event.json", data)
    assert main(["schedule", str(event_path), "-o", str(tmp_path / "s.json")]) == 1
    line = only_line(capsys.readouterr().err)
    assert line == (
        f"pitchday: error: {event_path}: pitches[3].duration_min: -5 is not valid: expected a "
        "positive number of minutes that is a multiple of grid_min (5)"
    )
    assert calls == [] and not (tmp_path / "s.json").exists()


@pytest.mark.parametrize(
    "content, fragment",
    [
        (None, "no such file"),
        ('{"format": ', "line 1, column 12: not valid JSON"),
        (b"\xff\xfe{}", "is not UTF-8 text"),
    ],
)
def test_unreadable_event_exits_1_with_one_line(tmp_path, capsys, fake_solve, content, fragment):
    fake_solve(Result(Status.UNKNOWN))
    event_path = tmp_path / "event.json"
    if isinstance(content, str):
        event_path.write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        event_path.write_bytes(content)
    assert main(["schedule", str(event_path), "-o", str(tmp_path / "s.json")]) == 1
    assert fragment in only_line(capsys.readouterr().err)


def test_unwritable_output_is_refused_before_solving(tmp_path, capsys, fake_solve):
    calls = fake_solve(Result(Status.UNKNOWN))
    event_path = write(tmp_path / "event.json", tiny_event())
    assert main(["schedule", str(event_path), "-o", str(tmp_path / "no-such-folder" / "s.json")]) == 1
    assert "no-such-folder does not exist" in only_line(capsys.readouterr().err)
    assert main(["schedule", str(event_path), "-o", str(tmp_path)]) == 1
    assert "is a directory" in only_line(capsys.readouterr().err)
    assert calls == []


def test_write_failure_after_solving_is_one_line(tmp_path, capsys, fake_solve, monkeypatch):
    fake_solve(Result(Status.UNKNOWN))
    event_path = write(tmp_path / "event.json", tiny_event())

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "write_text", refuse)
    assert main(["schedule", str(event_path), "-o", str(tmp_path / "s.json")]) == 1
    assert "cannot be written: Permission denied" in only_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["schedule", "event.json"],
        ["schedule", "event.json", "-o", "s.json", "--time-limit", "-3"],
        ["schedule", "event.json", "-o", "s.json", "--time-limit", "nan"],
        ["schedule", "event.json", "-o", "s.json", "--workers", "0"],
        ["plan", "event.json"],
    ],
)
def test_bad_command_lines_exit_1_without_traceback(argv, capsys):
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


def test_options_reach_the_solver(tmp_path, fake_solve):
    calls = fake_solve(Result(Status.UNKNOWN))
    event_path = write(tmp_path / "event.json", tiny_event())
    main(
        ["schedule", str(event_path), "-o", str(tmp_path / "s.json"), "--time-limit", "2.5", "--workers", "3"]
    )
    assert calls[0]["time_limit"] == 2.5 and calls[0]["workers"] == 3
    assert calls[0]["event"] == parse_event(tiny_event())


def test_unknown_exits_3_and_still_writes_the_file(tmp_path, capsys, fake_solve):
    fake_solve(Result(Status.UNKNOWN, solve_seconds=2.0))
    event_path = write(tmp_path / "event.json", tiny_event())
    out = tmp_path / "s.json"
    assert main(["schedule", str(event_path), "-o", str(out)]) == 3
    assert load_schedule(out).status is Status.UNKNOWN
    assert "try a longer --time-limit" in capsys.readouterr().err


def test_infeasible_prints_the_conflicts_in_words(tmp_path, capsys, fake_solve):
    conflict = Conflict("panel_organisations", 'No expert of "o2" can sit on pitch "p1".', ("o2", "p1"))
    fake_solve(Result(Status.INFEASIBLE, conflicts=(conflict,)))
    event_path = write(tmp_path / "event.json", tiny_event())
    out = tmp_path / "s.json"
    assert main(["schedule", str(event_path), "-o", str(out)]) == 2
    assert load_schedule(out).conflicts == (conflict,)
    assert 'No expert of "o2" can sit on pitch "p1". [panel_organisations]' in capsys.readouterr().err


def tiny_result() -> Result:
    """The optimal schedule of the tiny event, with its true score."""
    sessions = (
        Session("p1", date(2024, 3, 1), 540, 560, "r1", ("e1",)),
        Session("p2", date(2024, 3, 1), 565, 585, "r1", ("e2",)),
    )
    return Result(Status.OPTIMAL, sessions, score=20, terms=ScoreTerms(topic_match=2), best_bound=20)


def test_progress_is_plain_lines_when_not_a_terminal(tmp_path, capsys, fake_solve):
    fake_solve(tiny_result(), progress=(Progress(10, 30, 0.5), Progress(20, 20, 1.25)))
    event_path = write(tmp_path / "event.json", tiny_event())
    assert main(["schedule", str(event_path), "-o", str(tmp_path / "s.json")]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err
    assert err.splitlines()[:2] == [
        "score 10  bound 30  gap 66.7%  0.5 s",
        "score 20  bound 20  gap 0.0%  1.2 s",
    ]


def test_progress_rewrites_one_line_on_a_terminal(tmp_path, monkeypatch, fake_solve):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    fake_solve(tiny_result(), progress=(Progress(10, 30, 0.5), Progress(20, 20, 1.25)))
    event_path = write(tmp_path / "event.json", tiny_event())
    assert main(["schedule", str(event_path), "-o", str(tmp_path / "s.json")]) == 0
    shown = terminal.getvalue()
    assert shown.startswith(
        "\rscore 10  bound 30  gap 66.7%  0.5 s\x1b[K\rscore 20  bound 20  gap 0.0%  1.2 s\x1b[K\n"
    )
    assert shown.count("\n") == 2  # the progress line, then the summary


def test_dash_writes_the_schedule_to_standard_output(tmp_path, capsys, fake_solve):
    fake_solve(tiny_result())
    event_path = write(tmp_path / "event.json", tiny_event())
    assert main(["schedule", str(event_path), "-o", "-"]) == 0
    assert json.loads(capsys.readouterr().out) == result_to_dict(tiny_result())


def test_check_flag_catches_a_wrong_solver(tmp_path, capsys, fake_solve):
    wrong = tiny_result()
    broken = Result(wrong.status, (wrong.sessions[0],), score=99, terms=wrong.terms, best_bound=99)
    fake_solve(broken)
    event_path = write(tmp_path / "event.json", tiny_event())
    assert main(["schedule", str(event_path), "-o", str(tmp_path / "s.json"), "--check"]) == 1
    err = capsys.readouterr().err
    assert "[pitch_missing]" in err and "differs from the recomputed" in err
    assert "Traceback" not in err


# --- pitchday check --------------------------------------------------------------------------


def test_check_a_valid_schedule_prints_the_score_terms(tmp_path, capsys):
    event_path = write(tmp_path / "event.json", tiny_event())
    schedule_path = write(tmp_path / "s.json", result_to_dict(tiny_result()))
    assert main(["check", str(event_path), str(schedule_path)]) == 0
    out = capsys.readouterr().out
    assert "topic_match" in out and "load_spread" in out and "changes_from_previous" in out
    assert out.splitlines()[5].split() == ["score", "20"]
    assert "valid, every hard rule holds" in out


def test_check_a_broken_schedule_lists_the_rules(tmp_path, capsys):
    event_path = write(tmp_path / "event.json", tiny_event())
    data = result_to_dict(tiny_result())
    broken = copy.deepcopy(data)
    broken["sessions"][1]["start"], broken["sessions"][1]["end"] = "09:20", "09:40"
    broken["sessions"][1]["panel"] = ["e1"]
    schedule_path = write(tmp_path / "s.json", broken)
    assert main(["check", str(event_path), str(schedule_path)]) == 1
    out = capsys.readouterr().out
    assert "NOT valid" in out and "[room_changeover]" in out and "[expert_changeover]" in out
    assert "note: the file gives the score 20" in out


def test_check_reports_a_bad_schedule_file_in_one_line(tmp_path, capsys):
    event_path = write(tmp_path / "event.json", tiny_event())
    data = result_to_dict(tiny_result())
    data["sessions"][0]["date"] = "01/03/2024"
    schedule_path = write(tmp_path / "s.json", data)
    assert main(["check", str(event_path), str(schedule_path)]) == 1
    assert "sessions[0].date" in only_line(capsys.readouterr().err)
