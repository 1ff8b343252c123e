"""The application's own wiring: one commit per request, whatever the service did inside it."""

from __future__ import annotations

from sqlalchemy import text

from pitchday.extensions import db


def test_a_savepoint_that_is_a_transaction_s_first_write_is_undone_by_the_request_s_rollback(app):
    """A service may open a savepoint before anything else (csv_import, solving): on SQLite, releasing a
    savepoint that started the transaction itself used to commit it, and a failed request kept its work."""
    with app.app_context():
        db.session.execute(text("CREATE TABLE kept (x INTEGER)"))
        db.session.commit()
        db.session.execute(text("SELECT 1"))  # reads first, as a request does: no transaction yet on SQLite
        with db.session.begin_nested():
            db.session.execute(text("INSERT INTO kept VALUES (1)"))
        db.session.execute(text("INSERT INTO kept VALUES (2)"))
        db.session.rollback()  # the request failed

        assert db.session.execute(text("SELECT count(*) FROM kept")).scalar_one() == 0
        db.session.execute(text("DROP TABLE kept"))
        db.session.commit()


def test_a_savepoint_rolled_back_alone_keeps_the_rest_of_the_request(app):
    with app.app_context():
        db.session.execute(text("CREATE TABLE kept (x INTEGER)"))
        db.session.commit()
        db.session.execute(text("INSERT INTO kept VALUES (1)"))
        savepoint = db.session.begin_nested()
        db.session.execute(text("INSERT INTO kept VALUES (2)"))
        savepoint.rollback()
        db.session.commit()

        assert db.session.execute(text("SELECT x FROM kept")).scalars().all() == [1]
        db.session.execute(text("DROP TABLE kept"))
        db.session.commit()
