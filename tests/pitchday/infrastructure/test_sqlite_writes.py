"""The SQLite write queue: one writer at a time, the next one let in as soon as the first commits."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from pitchday.infrastructure.sqlite_writes import QueuedWritesConnection, is_write


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "queue.db"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE marks (id INTEGER PRIMARY KEY, value INTEGER)")
    return path


def connect(path, **options) -> QueuedWritesConnection:
    return sqlite3.connect(path, factory=QueuedWritesConnection, check_same_thread=False, **options)


def write_in_thread(path, value: int, done: list[int]) -> threading.Thread:
    def write() -> None:
        connection = connect(path)
        connection.cursor().execute("INSERT INTO marks (value) VALUES (?)", (value,))
        connection.commit()
        done.append(value)
        connection.close()

    thread = threading.Thread(target=write)
    thread.start()
    return thread


@pytest.mark.parametrize(
    "statement, writes",
    [
        ("INSERT INTO marks VALUES (1, 2)", True),
        ("  update marks SET value = 1", True),
        ("DELETE FROM marks", True),
        ("REPLACE INTO marks VALUES (1, 2)", True),
        ("SELECT * FROM marks", False),
        ("PRAGMA journal_mode=WAL", False),
    ],
)
def test_only_writes_join_the_queue(statement, writes):
    assert is_write(statement) is writes


@pytest.mark.parametrize("finish", ["commit", "rollback", "close"])
def test_a_second_writer_waits_until_the_first_transaction_ends(database, finish):
    first = connect(database)
    first.cursor().execute("INSERT INTO marks (value) VALUES (1)")
    done: list[int] = []
    second = write_in_thread(database, 2, done)
    second.join(timeout=0.3)
    assert second.is_alive() and done == []  # queued behind the open transaction

    getattr(first, finish)()
    second.join(timeout=10)
    assert done == [2]
    with sqlite3.connect(database) as check:
        stored = [value for (value,) in check.execute("SELECT value FROM marks ORDER BY id")]
    assert stored == ([1, 2] if finish == "commit" else [2])


def test_readers_do_not_wait_for_the_writer(database):
    writer = connect(database)
    writer.cursor().execute("INSERT INTO marks (value) VALUES (1)")
    reader = connect(database)
    assert reader.cursor().execute("SELECT count(*) FROM marks").fetchone() == (0,)
    writer.commit()
    assert reader.cursor().execute("SELECT count(*) FROM marks").fetchone() == (1,)


def test_an_autocommitted_write_leaves_the_queue_at_once(database):
    autocommit = connect(database, isolation_level=None)
    autocommit.cursor().execute("INSERT INTO marks (value) VALUES (1)")
    done: list[int] = []
    write_in_thread(database, 2, done).join(timeout=5)
    assert done == [2]


def test_a_failed_write_is_let_go_with_its_rollback(database):
    first = connect(database)
    with pytest.raises(sqlite3.IntegrityError):
        first.cursor().execute("INSERT INTO marks (id, value) VALUES (1, 1), (1, 2)")
    first.rollback()
    done: list[int] = []
    write_in_thread(database, 3, done).join(timeout=10)
    assert done == [3]


def test_the_app_queues_its_writers_on_a_file_database(app):
    from pitchday.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL queues writers row by row itself")
        connection = db.engine.raw_connection()
        try:
            assert isinstance(connection.driver_connection, QueuedWritesConnection)
        finally:
            connection.close()


def test_a_lock_file_that_cannot_be_opened_fails_the_write_but_not_the_next_writers(database, monkeypatch):
    import pitchday.infrastructure.sqlite_writes as queue

    monkeypatch.setattr(queue, "WAIT_SECONDS", 60.0)  # a writer left waiting would outlast the join below
    broken = connect(database)
    real_open = queue.os.open
    monkeypatch.setattr(
        queue.os, "open", lambda *args, **kwargs: (_ for _ in ()).throw(PermissionError("denied"))
    )
    with pytest.raises(PermissionError):
        broken.cursor().execute("INSERT INTO marks (value) VALUES (1)")
    monkeypatch.setattr(queue.os, "open", real_open)

    done: list[int] = []
    write_in_thread(database, 2, done).join(timeout=5)
    assert done == [2]
