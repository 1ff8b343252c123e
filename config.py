"""Configuration, read from the environment when the app is created, never at import."""

from __future__ import annotations

import os
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent / "instance"

# Once the default, and so published: no server signs with it any more (anyone could forge a session).
PUBLISHED_SECRET_KEY = "pitchday-demo-secret-change-me"
# Without SECRET_KEY, a non-production server signs with a random key made once and kept here
# (instance/ is not in the repository), so that sessions survive a restart of the demo.
SECRET_KEY_FILE = "secret_key"


class Config:
    """The embedded default: SQLite in ./instance, French first."""

    TESTING = False
    SECRET_KEY: str | None = None  # None: create_app reads (or makes) instance/secret_key
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'pitchday.db'}"
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024  # uploads: event files and CSVs are small
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None  # a juror's tablet may sit idle for hours between pitches
    DEMO_EVENT_FILE = str(Path(__file__).resolve().parent / "pitchday" / "demo" / "rouen-2023.json")
    # The juror app checks its sheet (locks, another device's marks) and reports its queue this often while
    # a page is shown; the board calls a device offline after this long without news, and asks for the
    # devices' states this often (README, "The juror app offline").
    JUROR_POLL_SECONDS = 5
    JUROR_OFFLINE_AFTER_SECONDS = 30
    BOARD_DEVICES_POLL_SECONDS = 5

    # Background work (pitchday/infrastructure/tasks.py). Without a queue URL, each task runs in a child process of
    # the web server: one host, nothing more to run. With redis://..., `flask worker` processes take them.
    QUEUE_URL: str | None = None
    BASE_URL = "http://127.0.0.1:5000"
    # A solve's worker writes a heartbeat this often; a job silent for longer than the limit is closed
    # as failed by whoever reads it next, and its event freed. The limit is many beats long, so that a
    # loaded machine or a slow commit is not taken for a lost worker.
    SOLVE_HEARTBEAT_INTERVAL = 2.0
    SOLVE_HEARTBEAT_LIMIT = 30.0
    # After a stop request, how long a worker may take to hand back its best schedule.
    SOLVE_STOP_GRACE = 5.0
    # A queued solve that no worker has taken after this long is closed (no worker is running).
    SOLVE_QUEUE_LIMIT = 15 * 60.0
    SOLVE_MAX_TIME_LIMIT = 600.0

    # Mail (Flask-Mailman). With no MAIL_SERVER, messages are printed on the console (development).
    MAIL_BACKEND = "console"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "PitchDay <pitchday@localhost>"
    MAIL_TIMEOUT = 20
    # A message the SMTP server refused is tried again after each of these delays (seconds), then given up.
    MAIL_RETRY_DELAYS: tuple[float, ...] = (10.0, 60.0, 300.0, 900.0)

    def __init__(self) -> None:
        self.SECRET_KEY = os.environ.get("SECRET_KEY", self.SECRET_KEY)
        url = os.environ.get("DATABASE_URL")
        if url:
            self.SQLALCHEMY_DATABASE_URI = normalise_database_url(url)
        # A server thread holds a connection for its whole request, and a live board's stream holds a
        # thread: the pool must be at least as large as a worker's threads, or requests wait for a
        # connection and time out. PITCHDAY_DB_POOL sizes it (gunicorn's --threads plus a margin).
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)
        # Behind one reverse proxy (nginx, Caddy...): trust its X-Forwarded-For/-Proto/-Host, so that
        # rate limits see the visitor's address and redirects keep https. Never without a proxy:
        # anyone could then choose the address the limits see.
        self.PROXY_FIX = os.environ.get("PITCHDAY_PROXY_FIX", "") == "1"
        # Rate-limit counters (Flask-Limiter's storage): memory:// in each process, or
        # redis://host:port/db shared by every process and host (pitchday/infrastructure/ratelimit.py).
        self.RATELIMIT_STORAGE_URI = os.environ.get("PITCHDAY_RATELIMIT_STORAGE") or "memory://"
        # A live board's stream holds a server thread while open: a process keeps at most this many
        # (a quarter of its threads), and polls the boards beyond them (pitchday/infrastructure/live.py).
        threads = int(os.environ.get("PITCHDAY_THREADS") or 16)
        self.SCOREBOARD_LONG_STREAMS = int(os.environ.get("PITCHDAY_BOARD_STREAMS") or max(1, threads // 4))
        self.QUEUE_URL = os.environ.get("PITCHDAY_QUEUE_URL") or None
        # The site's address in links that leave it (e-mails), never taken from a request's Host header.
        self.BASE_URL = os.environ.get("PITCHDAY_BASE_URL") or self.BASE_URL
        for name in (
            "SOLVE_HEARTBEAT_INTERVAL",
            "SOLVE_HEARTBEAT_LIMIT",
            "SOLVE_STOP_GRACE",
            "SOLVE_QUEUE_LIMIT",
        ):
            value = os.environ.get(f"PITCHDAY_{name}")
            if value:
                setattr(self, name, float(value))
        self._mail_from_environment()

    def _mail_from_environment(self) -> None:
        """MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, MAIL_USE_SSL, MAIL_USERNAME, MAIL_PASSWORD, MAIL_DEFAULT_SENDER."""
        server = os.environ.get("MAIL_SERVER")
        if server:
            self.MAIL_SERVER, self.MAIL_BACKEND = server, "smtp"
        self.MAIL_BACKEND = os.environ.get("MAIL_BACKEND", self.MAIL_BACKEND)
        self.MAIL_PORT = int(os.environ.get("MAIL_PORT") or self.MAIL_PORT)
        self.MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") in ("1", "true", "yes")
        self.MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "") in ("1", "true", "yes")
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
        self.MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", self.MAIL_DEFAULT_SENDER)
        delays = os.environ.get("PITCHDAY_MAIL_RETRY_DELAYS")
        if delays:
            self.MAIL_RETRY_DELAYS = tuple(float(delay) for delay in delays.split(","))


class ProductionConfig(Config):
    """Behind a real server: secure cookies, and no start without a real secret key."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    def __init__(self) -> None:
        super().__init__()
        if not os.environ.get("SECRET_KEY") or self.SECRET_KEY == PUBLISHED_SECRET_KEY:
            raise RuntimeError(
                "PITCHDAY_ENV=production needs a SECRET_KEY environment variable "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')"
            )


class TestConfig(Config):
    """For pytest: a throw-away database given by the test fixtures."""

    TESTING = True
    SECRET_KEY = "test-secret"
    WTF_CSRF_ENABLED = False  # tests that check CSRF switch it back on
    MAIL_BACKEND = "locmem"  # tests that need a real SMTP server start one (tests/services.py)

    def __init__(self, database_url: str | None = None) -> None:
        super().__init__()
        self.SECRET_KEY = "test-secret"
        # Each test app counts on its own, even when the counters live in a shared Redis.
        import uuid

        self.RATELIMIT_KEY_PREFIX = f"pitchday-test-{uuid.uuid4().hex}"
        if database_url:
            self.SQLALCHEMY_DATABASE_URI = normalise_database_url(database_url)
            self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options(database_uri: str) -> dict:
    """Connection pool sized for a threaded worker (an in-memory SQLite has a single connection)."""
    if database_uri in ("sqlite://", "sqlite:///:memory:"):
        return {}
    pool = int(os.environ.get("PITCHDAY_DB_POOL", "40"))
    options = {"pool_size": pool, "max_overflow": pool // 2, "pool_timeout": 10}
    if database_uri.startswith("sqlite"):
        from pitchday.infrastructure.sqlite_writes import QueuedWritesConnection

        options["connect_args"] = {"factory": QueuedWritesConnection}  # writers queue instead of polling
    else:
        options["pool_pre_ping"] = (
            True  # a server restart must not fail the next request (a file cannot drop)
        )
    return options


def instance_secret_key(instance_dir: str | os.PathLike) -> str:
    """The random key of this installation, made at the first start and kept in instance/ (owner-only)."""
    path = Path(instance_dir) / SECRET_KEY_FILE
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if len(key) >= 32 and key != PUBLISHED_SECRET_KEY:
        return key
    import secrets

    key = secrets.token_hex(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return key


def config_from_environment() -> Config:
    return ProductionConfig() if os.environ.get("PITCHDAY_ENV") == "production" else Config()
