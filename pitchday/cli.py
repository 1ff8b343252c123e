"""``flask`` commands: import/export event files, organiser accounts, juror links, the demo."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app, url_for
from flask.cli import with_appcontext

from pitchday.access import event_by_slug
from pitchday.extensions import db
from pitchday.models import Event, OutboundMail
from pitchday.services import accounts, event_io, teams
from scheduler import io as sio

DEMO_ORGANISER_EMAIL = "organisation@pitchday.local"
DEMO_ORGANISER_PASSWORD = "rouen-2023-demo"
DEMO_PROGRAMME_SLUG = "accelerateur-2023"
DEMO_PROGRAMME_NAME = "Accélérateur Relocalisation-Réindustrialisation 2023"


def register_commands(app: Flask) -> None:
    from pitchday.worker import worker_command

    for command in (
        import_event_command,
        export_event_command,
        create_organiser_command,
        juror_links_command,
        demo_command,
        worker_command,
        send_test_mail_command,
        grant_owner_command,
        programme_command,
        programme_event_command,
        coordinator_command,
    ):
        app.cli.add_command(command)


def _fail(message: str) -> None:
    """Stop with one line for the user, no traceback."""
    db.session.rollback()
    click.echo(f"Erreur : {message}", err=True)
    sys.exit(1)


def _read_event_file(path: Path) -> dict:
    """The decoded event file, read as the web import reads it (scheduler.io.read_json)."""
    try:
        return sio.read_json(path.read_bytes(), source=str(path))
    except OSError as error:
        _fail(f"impossible de lire {path} : {error.strerror or error}")
    except event_io.EventFormatError as error:
        _fail(f"{path} refusé, rien n'a été importé : {event_io.describe_refusal(error)}")
    raise AssertionError("unreachable")


def _event_or_fail(slug: str) -> Event:
    event = event_by_slug(slug)
    if event is None:
        _fail(f"aucun événement « {slug} ».")
    return event


@click.command("import-event")
@with_appcontext
@click.argument("path", type=click.Path(path_type=Path))
def import_event_command(path: Path) -> None:
    """Import an event file (pitchday-event/1)."""
    try:
        event = event_io.import_event(_read_event_file(path))
    except event_io.EventFormatError as error:
        _fail(f"{path} refusé, rien n'a été importé : {event_io.describe_refusal(error)}")
    db.session.commit()
    click.echo(
        f"Importé : {event.name} ({len(event.pitches)} pitchs, {len(event.experts)} experts) "
        f"sous l'identifiant « {event.slug} »."
    )


@click.command("export-event")
@with_appcontext
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout).")
def export_event_command(slug: str, output: Path | None) -> None:
    """Export an event as an event file."""
    text = json.dumps(event_io.export_event(_event_or_fail(slug)), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@click.command("create-organiser")
@with_appcontext
@click.argument("email")
@click.option("--name", default="")
@click.password_option(help="At least 10 characters; asked for when not given.")
def create_organiser_command(email: str, name: str, password: str) -> None:
    """Create an organiser account."""
    try:
        accounts.create_organiser(email, password, name)
    except accounts.AccountError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"Compte organisateur créé : {email}")


@click.command("juror-links")
@with_appcontext
@click.argument("slug")
def juror_links_command(slug: str) -> None:
    """Print each juror's personal link."""
    event = _event_or_fail(slug)
    _print_juror_links(event)
    db.session.commit()


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the Rouen 2023 demo event once, and print the logins (keeps existing data)."""
    path = Path(current_app.config["DEMO_EVENT_FILE"])
    data = _read_event_file(path)
    event = db.session.execute(db.select(Event).filter_by(name=data["event"]["name"])).scalars().first()
    if event is None:
        event = event_io.import_event(data)
        click.echo(f"Événement de démonstration chargé : {event.name}")
    password = os.environ.get("PITCHDAY_DEMO_PASSWORD", DEMO_ORGANISER_PASSWORD)
    with contextlib.suppress(accounts.AccountError):  # already there from an earlier run: keep it as it is
        accounts.create_organiser(DEMO_ORGANISER_EMAIL, password, "Organisation (démo)")
    organiser = accounts.organiser_by_email(DEMO_ORGANISER_EMAIL)
    if teams.membership(organiser, event) is None:
        teams.make_owner(event, organiser)
    programme = teams.ensure_programme(DEMO_PROGRAMME_SLUG, DEMO_PROGRAMME_NAME)
    if event.programme_id is None:
        teams.attach(event, programme)
    teams.make_coordinator(programme, organiser)
    from pitchday.services import demo

    demo.prepare(event)
    db.session.commit()
    base = current_app.config["BASE_URL"]
    click.echo("")
    click.echo(f"  Programme public : {base}/e/{event.slug}")
    click.echo(f"  {programme.name} : {base}/programme/{programme.slug}")
    click.echo(
        f"  Espace organisation : {base}/organisation/  "
        f"(identifiant {DEMO_ORGANISER_EMAIL}, mot de passe {password})"
    )
    _print_juror_links(event, base)
    db.session.commit()


def _organiser_or_fail(email: str):
    organiser = accounts.organiser_by_email(email)
    if organiser is None:
        _fail(f"aucun compte organisateur « {email} » (créez-le avec flask create-organiser).")
    return organiser


def _programme_or_fail(slug: str):
    programme = teams.programme_by_slug(slug)
    if programme is None:
        _fail(f"aucun programme « {slug} » (créez-le avec flask programme).")
    return programme


@click.command("grant-owner")
@with_appcontext
@click.argument("email")
@click.argument("slug")
def grant_owner_command(email: str, slug: str) -> None:
    """Make an organiser account an owner of an event (the first owner; owners invite the others)."""
    event, organiser = _event_or_fail(slug), _organiser_or_fail(email)
    teams.make_owner(event, organiser)
    db.session.commit()
    click.echo(f"{organiser.email} est propriétaire de « {event.name} ».")


@click.command("programme")
@with_appcontext
@click.argument("slug")
@click.argument("name")
def programme_command(slug: str, name: str) -> None:
    """Create a programme grouping events (e.g. accelerateur-2023 "Accélérateur … 2023")."""
    if teams.programme_by_slug(slug) is not None:
        _fail(f"le programme « {slug} » existe déjà.")
    teams.create_programme(slug, name)
    db.session.commit()
    click.echo(f"Programme créé : {name} ({slug})")


@click.command("programme-event")
@with_appcontext
@click.argument("programme_slug")
@click.argument("event_slug")
@click.option(
    "--city", default="", help="The city the event is listed under (default: the venue's last part)."
)
def programme_event_command(programme_slug: str, event_slug: str, city: str) -> None:
    """Put an event in a programme (an event belongs to at most one: it leaves any other)."""
    programme, event = _programme_or_fail(programme_slug), _event_or_fail(event_slug)
    teams.attach(event, programme, city)
    db.session.commit()
    click.echo(f"« {event.name} » ({event.city}) fait partie de {programme.name}.")


@click.command("grant-coordinator")
@with_appcontext
@click.argument("email")
@click.argument("programme_slug")
def coordinator_command(email: str, programme_slug: str) -> None:
    """Let an organiser read every event of a programme and its programme view."""
    programme, organiser = _programme_or_fail(programme_slug), _organiser_or_fail(email)
    teams.make_coordinator(programme, organiser)
    db.session.commit()
    click.echo(f"{organiser.email} coordonne {programme.name}.")


def _print_juror_links(event: Event, base: str | None = None) -> None:
    base = base or current_app.config["BASE_URL"]
    click.echo("  Liens personnels des jurés :")
    for access in accounts.ensure_juror_links(event):
        with current_app.test_request_context():
            path = url_for("juror.day", token=access.token)
        click.echo(f"    {access.expert.name:<40} {base}{path}")


@click.command("send-test-mail")
@click.argument("address")
@with_appcontext
def send_test_mail_command(address: str) -> None:
    """Send a test message through the configured mail server (checks MAIL_* settings)."""
    from pitchday.services import mail

    message = mail.queue_message(
        address,
        "PitchDay : message d'essai / test message",
        "Ce message vérifie la configuration de l'envoi.\nThis message checks the mail settings.\n",
        kind="test",
    )
    db.session.commit()
    click.echo(f"Message {message.id} confié à l'envoi.")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        db.session.rollback()  # a new read transaction, to see the worker's commit
        state = db.session.get(OutboundMail, message.id, populate_existing=True)
        if state.status == "sent" or state.attempts:
            break
        time.sleep(0.5)
    if state.status == "sent":
        click.echo("Envoyé.")
    else:
        click.echo(
            f"Pas encore envoyé ({state.status}, {state.attempts} essai(s)) : {state.last_error}", err=True
        )
        sys.exit(1)
