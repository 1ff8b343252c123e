"""The application factory: extensions bound, blueprints registered, nothing read at import."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, has_request_context, render_template, request, session
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from config import PUBLISHED_SECRET_KEY, Config, config_from_environment, instance_secret_key
from pitchday.extensions import babel, csrf, db, login_manager, mail, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def build_app(config: Config | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder="static",
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    from pitchday.urls import install_converters

    install_converters(app.url_map)
    app.config.from_object(config or config_from_environment())
    Path(app.instance_path).mkdir(exist_ok=True)
    if not app.config.get("SECRET_KEY") or app.config["SECRET_KEY"] == PUBLISHED_SECRET_KEY:
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    from pitchday.urls import RefuseUnreadableHost

    app.wsgi_app = RefuseUnreadableHost(app.wsgi_app)  # inside ProxyFix: it checks the forwarded host too
    if app.config.get("PROXY_FIX"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "organiser.login"
    login_manager.login_message = None
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).resolve().parent / "translations"),
    )
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _tune_sqlite(db.engine)

    from pitchday import models  # noqa: F401  (the models must be known to Alembic and the mapper)
    from pitchday.cli import register_commands
    from pitchday.company.views import bp as company_bp
    from pitchday.juror.views import bp as juror_bp
    from pitchday.organiser import bp as organiser_bp
    from pitchday.public.views import bp as public_bp
    from pitchday.scoreboard import bp as scoreboard_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(organiser_bp, url_prefix="/organisation")
    app.register_blueprint(juror_bp, url_prefix="/jury")
    app.register_blueprint(scoreboard_bp, url_prefix="/organisation/notes")
    app.register_blueprint(company_bp, url_prefix="/retour")
    register_commands(app)
    from pitchday import worker
    from pitchday.infrastructure import tasks

    tasks.init_app(app, worker)  # the entry point of background work, handed down
    _register_error_pages(app)
    from pitchday.security import init_security

    init_security(app)
    app.before_request(_choose_locale_afresh)
    from pitchday import logs

    logs.install(app.logger)
    app.after_request(_commit_request)
    app.context_processor(_template_globals)
    from pitchday.services.agenda import format_clock

    app.jinja_env.filters["clock"] = format_clock
    from pitchday.links import absolute_url

    app.jinja_env.globals["absolute_url"] = absolute_url
    from pitchday import numbers

    numbers.register(app)
    return app


def _choose_locale_afresh() -> None:
    """Each request chooses its language from its own session.

    Flask-Babel keeps the locale it chose on the application context; a request that finds one
    already pushed (a test's, a command's) would otherwise read in the language of an earlier one.
    """
    from flask_babel import refresh

    refresh()


def _commit_request(response):
    """One commit per request: services only flush, and a failed request keeps nothing."""
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


def select_locale() -> str:
    """French unless the visitor switched language (kept in the session) or only reads English."""
    if not has_request_context():
        return "fr"  # the CLI, background solves and service tests: French, the app's first language
    chosen = session.get("lang")
    if chosen in ("fr", "en"):
        return chosen
    return request.accept_languages.best_match(["fr", "en"]) or "fr"


def _template_globals() -> dict:
    from flask_babel import get_locale

    from pitchday.access import can

    return {"current_lang": str(get_locale() or "fr"), "can": can}


def _tune_sqlite(engine: Engine) -> None:
    """WAL lets readers go on while a juror's score is written; the busy timeout makes writers queue.

    The driver opens a transaction only at a request's first INSERT/UPDATE/DELETE: its reads before
    that hold no snapshot, so a writer never meets the immediate "database is locked" of a stale
    snapshot (SQLITE_BUSY_SNAPSHOT), and the write lock is held only from the first write to the
    commit. (Taking it with BEGIN IMMEDIATE at a POST's first statement instead was measured with
    bench/load.py: it holds the lock through all the request's Python work, and 200 jurors then
    queued past the busy timeout.)
    """

    @sa_event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: WAL is synced at every commit, so an acknowledged mark survives a power loss, not only a
        # killed process (NORMAL may lose the last commits then). Its cost, measured with bench/load.py,
        # is in the README ("Durability").
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @sa_event.listens_for(engine, "savepoint")
    def _savepoint_inside_a_transaction(connection, _name) -> None:
        # The driver opens its transaction only at a write (INSERT, UPDATE...), not at a SAVEPOINT: a
        # savepoint that is a request's first write would start the transaction itself, and releasing it
        # would commit, keeping the work of a request that fails later. A plain BEGIN first makes it a
        # savepoint inside the request's transaction, which only the request's commit keeps. (DEFERRED,
        # as the driver's own: the write lock is still taken at the first write, in the write queue.)
        dbapi_connection = connection.connection.dbapi_connection
        if not dbapi_connection.in_transaction:
            dbapi_connection.execute("BEGIN")

    engine.dispose()  # connections opened before the listener must not be reused


def _back_url() -> str | None:
    """Where an error page sends its visitor back to: a juror refused a page goes back to their day."""
    token = (request.view_args or {}).get("token")
    if request.blueprint == "juror" and isinstance(token, str):
        from pitchday.juror.views import home_of
        from pitchday.security import juror_of_link

        if juror_of_link(token) is not None:
            return home_of(token)
    return None


def _register_error_pages(app: Flask) -> None:
    """Every error is a page in the visitor's language, never a stack trace."""

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        if code >= 500:
            db.session.rollback()
        if request.accept_mimetypes.best == "application/json" or request.is_json:
            return {"error": getattr(error, "description", "") or str(code)}, code
        return render_template(
            "error.html", code=code, description=getattr(error, "description", ""), back_url=_back_url()
        ), code

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, render_error)
