"""The whole URL map under hostile values: every route, form field, JSON key and URL segment, as visitor,
juror and organiser. No answer is a 5xx or shows a traceback, and a refused request (4xx) changes no row.

The routes, their methods and their URL arguments are read from the app's URL map, and the form
fields from every form class of the app (``pitchday.forms.Form`` and its subclasses), so that a
new page or field is fuzzed without touching this file. First a deterministic pass sends each
route, with each method, as each kind of user, one hostile request; then Hypothesis mixes
routes, segments, fields, values and body formats. Runs on SQLite and on PostgreSQL (CI runs the
suite on both); ``PITCHDAY_FUZZ_EXAMPLES`` raises the number of random requests.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter, Rule

from pitchday.extensions import db
from pitchday.forms import Form
from pitchday.models import ScheduleVersion
from pitchday.services import scoring
from tests.builders import DURING_THE_DAY, create_organiser, published_scoring_day
from tests.security.support import app_rules, log_in_as, strict_app, table_row_counts

EXAMPLES = int(os.environ.get("PITCHDAY_FUZZ_EXAMPLES", "100"))

# Values that broke something once, or that break parsers in general (issue 11): numbers too large,
# NaN, clocks and dates out of range, control characters, texts too long, formulas, markup.
HOSTILE = [
    "",
    "\x00",
    "a\x00b",
    "\r\n",
    "\x1b",
    "²",
    "--5",
    "٣",
    "9" * 5000,
    "9" * 25,
    str(2**63),
    "1e30",
    "5e20",
    "sNaN",
    "NaN",
    "Infinity",
    "24:00",
    "24:30",
    "²:30",
    "9999-12-31",
    "2023-02-30",
    "9999-12-31T23:59:00-12:00",
    "0001-01-01T00:00:00+14:00",
    "x" * 300,
    "y" * 3000,
    '=HYPERLINK("http://evil.example")',
    "<script>alert(1)</script>",
    "//evil.example",
    "/\t/evil.example",
    "%00",
    "null",
]
SEGMENTS = [
    "\x00",
    "x" * 1001,
    "²",
    "-1",
    "0",
    str(2**31),
    str(2**63),
    "9" * 25,
    "..",
    "%2F",
    "é",
    " ",
    "\x7f",
]
# The JSON bodies the app reads beyond its forms (the juror's autosave and status calls).
JSON_KEYS = ["client_id", "scores", "comment", "changed_at", "device_id", "pending", "email", "password"]
ROLES = ("visitor", "juror", "organiser")
# The query arguments the app reads (request.args), and one that it ignores.
QUERY_ARGUMENTS = ("now", "next", "comparer", "secteur", "salle", "v", "other")
# The live board's stream is answered within this (a real one stays open for minutes).
STREAM_SECONDS = 0.05

hostile_text = st.sampled_from(HOSTILE) | st.text(max_size=40)
hostile_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | hostile_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(hostile_text, children, max_size=3),
    max_leaves=8,
)


def form_fields() -> list[str]:
    """Every field name of every form of the app."""
    names: set[str] = set()
    pending = [Form]
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        names.update(
            name for name, value in vars(form_class).items() if hasattr(value, "field_class")
        )  # an unbound WTForms field
    return sorted(names | {"csrf_token"})


class Site:
    """The app with a published scoring day: the real values each URL argument can take."""

    def __init__(self, app, day, organiser_id: int) -> None:
        self.app, self.day, self.organiser_id = app, day, organiser_id
        self.fields = form_fields()  # once the app has imported every form module
        with app.app_context():
            version_id = db.session.execute(db.select(ScheduleVersion.id)).scalar()
            counts = table_row_counts()
        self.real = {
            "slug": day.slug,
            "token": day.tokens["uimm-1"],
            "pitch_id": day.pitches["aurthus-et-paole"],
            "version_id": version_id,
            "room_key": "amphi",
            "sector": "Industrie",
            "expert_key": "uimm-1",
            "lang": "en",
            "kind": "pitchs",
            "item_id": day.criteria[0],
            "access_id": 1,
            "job_id": 1,
            "session_id": 1,
            "lock_id": 1,
            "member_id": 1,
            "invitation_key": "x",
            "programme_slug": "x",
        }
        assert counts  # every table is counted before and after each refusal

    def url(self, rule: Rule, overrides: dict[str, str]) -> str | None:
        values = {}
        for name in rule.arguments:
            converter = rule._converters[name]
            if name in overrides:
                values[name] = overrides[name]
            elif isinstance(converter, IntegerConverter):
                values[name] = int(self.real.get(name, 1))
            else:
                values[name] = str(self.real.get(name, "x"))
        try:
            return rule.build(values, append_unknown=False)[1]
        except (ValueError, TypeError):  # a hostile value the converter cannot even write: no such URL
            return None


def row_counts() -> tuple[int, ...]:
    """The rows of every table, in one statement (table_row_counts makes one query per table)."""
    counts = [
        select(func.count()).select_from(table).scalar_subquery() for table in db.metadata.sorted_tables
    ]
    return tuple(db.session.execute(select(*counts)).one())


def _client(site: Site, role: str):
    client = site.app.test_client()
    if role == "organiser":
        log_in_as(client, site.organiser_id)
    return client


def _body(fields: dict[str, object], body_format: str) -> dict:
    if body_format == "json":
        return {"json": fields}
    if body_format == "multipart":
        data = {
            key: (io.BytesIO(str(value).encode("utf-8", "surrogatepass")), "f.txt")
            if key.endswith("file")
            else str(value)
            for key, value in fields.items()
        }
        return {"data": data, "content_type": "multipart/form-data"}
    return {"data": {key: str(value) for key, value in fields.items()}}


def send(
    site: Site,
    rule: Rule,
    method: str,
    role: str,
    overrides: dict[str, str],
    fields: dict[str, object],
    body_format: str,
    query: dict[str, str],
) -> None:
    """One request; assert what every answer must hold."""
    url = site.url(rule, overrides)
    if url is None:
        return
    if role == "visitor" and "token" in rule.arguments and "token" not in overrides:
        url = url.replace(site.real["token"], "not-a-token-" + "q" * 30)
    with site.app.app_context():
        before = row_counts()
    client = _client(site, role)
    kwargs = _body(fields, body_format) if method in ("POST", "PUT", "PATCH", "DELETE") else {}
    response = client.open(url, method=method, query_string=query, **kwargs)
    body = response.get_data(as_text=True)
    response.close()  # a file sent as it is (the service worker) is closed here

    assert response.status_code < 500, (method, url, role, fields, response.status_code, body[:500])
    assert "Traceback" not in body and 'File "/' not in body, (method, url)
    if response.status_code >= 400:
        with site.app.app_context():
            assert row_counts() == before, (method, url, role, fields, response.status_code)


class KeptTasks:
    """A task backend that keeps what it is handed (the fuzz checks the answers, not the solves)."""

    def __init__(self, worker) -> None:
        self.worker = worker
        self.kept: list = []

    def dispatch(self, tasks: list) -> None:
        self.kept.extend(tasks)


@pytest.fixture(scope="module")
def site():
    """One app for the whole module (building the scoring day for each example would take minutes)."""
    with (
        tempfile.TemporaryDirectory() as directory,
        strict_app(
            Path(directory),
            PROPAGATE_EXCEPTIONS=False,
            SCOREBOARD_STREAM_SECONDS=STREAM_SECONDS,
            SCOREBOARD_HEARTBEAT_SECONDS=0.02,
        ) as app,
    ):
        # Background work (a solve the fuzz started) is kept, not run: finishing later, it would save a
        # version during another request and look like a refused request's change. Solves are tested
        # on their own (tests/pitchday/test_worker.py, services/test_solving.py).
        app.extensions["pitchday_tasks"] = KeptTasks(app.extensions["pitchday_tasks"].worker)
        original = scoring.now_utc
        scoring.now_utc = lambda: DURING_THE_DAY
        try:
            with app.app_context():
                from tests.conftest import ROUEN

                day = published_scoring_day(json.loads(json.dumps(ROUEN)))
                organiser_id = create_organiser().id
            yield Site(app, day, organiser_id)
        finally:
            scoring.now_utc = original


def _routes(app) -> list[tuple[Rule, str]]:
    return [
        (rule, method) for rule in app_rules(app) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def test_the_map_has_routes_and_forms_to_fuzz(site):
    routes = _routes(site.app)
    assert len(routes) > 40
    assert {
        "email",
        "password",
        "time_limit",
        "weight",
        "scale_max",
        "start",
        "csv_file",
        "event_file",
    } <= set(site.fields)


def test_every_route_method_and_role_survives_a_hostile_request(site):
    """The deterministic pass: each route and method gets every hostile value in every field and query
    argument, the roles and body formats taking turns; then each URL segment hostile, as each role."""
    for number, (rule, method) in enumerate(_routes(site.app)):
        for turn, value in enumerate(HOSTILE):
            role = ROLES[(number + turn) % len(ROLES)]
            fields = dict.fromkeys(site.fields + JSON_KEYS, value)
            body_format = ("form", "json", "multipart")[turn % 3] if method != "GET" else "form"
            send(site, rule, method, role, {}, fields, body_format, dict.fromkeys(QUERY_ARGUMENTS, value))
        for turn, segment in enumerate(SEGMENTS if rule.arguments else []):
            send(
                site,
                rule,
                method,
                ROLES[turn % len(ROLES)],
                dict.fromkeys(rule.arguments, segment),
                {},
                "form",
                {},
            )


@st.composite
def requests(draw, routes, field_names):
    rule, method = draw(st.sampled_from(routes))
    role = draw(st.sampled_from(ROLES))
    hostile_segments = (
        draw(st.lists(st.sampled_from(sorted(rule.arguments)), unique=True)) if rule.arguments else []
    )
    overrides = {name: draw(st.sampled_from(SEGMENTS) | hostile_text) for name in hostile_segments}
    fields = draw(st.dictionaries(st.sampled_from(field_names), hostile_json, max_size=6))
    body_format = draw(st.sampled_from(["form", "multipart", "json"]))
    query = draw(st.dictionaries(st.sampled_from(QUERY_ARGUMENTS), hostile_text, max_size=2))
    return rule, method, role, overrides, fields, body_format, query


def test_random_hostile_requests_over_the_whole_map(site):
    routes = _routes(site.app)

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(requests(routes, site.fields + JSON_KEYS))
    def one(request):
        send(site, *request)

    one()
