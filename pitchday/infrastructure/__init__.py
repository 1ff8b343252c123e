"""The machinery under the business services, which knows nothing of pitches, jurors or scores:
the live stream's shared state (live), rate limits (ratelimit), the SQLite write queue
(sqlite_writes) and the hand-over of work after the commit to a worker (tasks)."""
