"""Configuration from the environment."""

from __future__ import annotations

import pytest

from config import Config, ProductionConfig, config_from_environment, normalise_database_url


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PITCHDAY_ENV", "production")

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config_from_environment()


def test_production_with_a_secret_key_uses_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "0123456789abcdef" * 4)

    config = ProductionConfig()

    assert config.SESSION_COOKIE_SECURE is True
    assert config.SECRET_KEY == "0123456789abcdef" * 4


def test_database_url_from_the_environment_uses_psycopg3(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1/pd")

    assert Config().SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@127.0.0.1/pd"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_default_is_embedded_sqlite(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)

    assert Config().SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")


def test_pool_is_sized_for_threaded_workers(monkeypatch):
    monkeypatch.setenv("PITCHDAY_DB_POOL", "24")

    options = Config().SQLALCHEMY_ENGINE_OPTIONS

    assert (options["pool_size"], options["max_overflow"]) == (24, 12)


def test_a_quarter_of_the_threads_may_hold_board_streams(monkeypatch):
    monkeypatch.delenv("PITCHDAY_BOARD_STREAMS", raising=False)
    monkeypatch.delenv("PITCHDAY_THREADS", raising=False)
    assert Config().SCOREBOARD_LONG_STREAMS == 4

    monkeypatch.setenv("PITCHDAY_THREADS", "32")
    assert Config().SCOREBOARD_LONG_STREAMS == 8

    monkeypatch.setenv("PITCHDAY_BOARD_STREAMS", "12")
    assert Config().SCOREBOARD_LONG_STREAMS == 12
