"""The live board's shared state: one computation per change for every viewer, a cap on long streams,
nudges after a commit only, and the server-sent events a stream writes."""

from __future__ import annotations

from pitchday.extensions import db
from pitchday.infrastructure import live


class Board:
    """A board whose stamp the test moves, counting how often it is computed."""

    def __init__(self) -> None:
        self.stamp = 1
        self.computed = 0

    def stamp_of(self, _event_id: int) -> int:
        return self.stamp

    def payload_of(self, event_id: int) -> dict:
        self.computed += 1
        return {"event": event_id, "stamp": self.stamp, "ranking": ["é"]}


def test_the_board_is_computed_once_until_its_stamp_moves(ctx):
    feed, board = live.BoardFeed(check_every=0.0, cost_factor=0.0), Board()
    first = feed.current(7, board.stamp_of, board.payload_of)
    again = feed.current(7, board.stamp_of, board.payload_of)
    assert first == again == (1, '{"event": 7, "stamp": 1, "ranking": ["é"]}')
    assert board.computed == 1  # the stamp did not move: the same text for every viewer
    board.stamp = 2
    assert feed.current(7, board.stamp_of, board.payload_of)[0] == 2
    assert board.computed == 2


def test_within_its_interval_the_feed_does_not_even_check_unless_nudged(ctx):
    feed, board = live.BoardFeed(check_every=3600.0, cost_factor=0.0), Board()
    feed.current(7, board.stamp_of, board.payload_of)
    board.stamp = 2
    assert feed.current(7, board.stamp_of, board.payload_of)[0] == 1  # checked a moment ago
    feed.nudge(7)  # a local commit changed marks
    assert feed.current(7, board.stamp_of, board.payload_of)[0] == 2


def test_a_process_keeps_only_its_share_of_long_streams():
    feed = live.BoardFeed()
    assert feed.open_stream(2) and feed.open_stream(2)
    assert not feed.open_stream(2)
    feed.close_stream()
    assert feed.open_stream(2) and feed.open_streams == 2


def test_a_commit_nudges_the_boards_it_changed_and_a_rollback_forgets_them(ctx):
    feed = live.feed()
    live.mark_changed(7)
    db.session.rollback()
    assert 7 not in feed._entries
    live.mark_changed(7)
    db.session.commit()
    assert feed._entries[7].nudged


def test_a_stream_beyond_the_share_sends_the_board_once_and_ends(ctx):
    board = Board()
    feed = live.feed()
    assert feed.open_stream(1)  # the one long stream this process may hold
    try:
        sent = list(live.event_stream(7, board.stamp_of, board.payload_of, max_seconds=60, long_streams=1))
    finally:
        feed.close_stream()
    assert sent[0].startswith(": flux du tableau des notes (interrogé)\nretry: 3000")
    assert sent[1:] == ['id: 1\nevent: board\ndata: {"event": 7, "stamp": 1, "ranking": ["é"]}\n\n']
    # A browser that already has this board gets no second copy of it.
    assert feed.open_stream(1)
    try:
        again = list(
            live.event_stream(
                7, board.stamp_of, board.payload_of, max_seconds=60, long_streams=1, last_seen=1
            )
        )
    finally:
        feed.close_stream()
    assert len(again) == 1


def test_a_long_stream_sends_the_board_then_ends_after_its_time(ctx):
    board = Board()
    sent = list(live.event_stream(7, board.stamp_of, board.payload_of, max_seconds=0, heartbeat_seconds=60))
    assert sent[0] == ": flux du tableau des notes\nretry: 3000\n\n"
    assert sent[1].startswith("id: 1\nevent: board\n")
    assert live.feed().open_streams == 0  # counted out when it ended
