"""gunicorn's settings for PitchDay, read from the working directory: ``gunicorn 'pitchday:create_app()'``.

Options given on the command line win over these. Measured with bench/load.py (README, "Proof under load").
"""

import gc
import multiprocessing
import os
import sys

# Threaded workers: an organiser's live board holds a thread for its server-sent events.
worker_class = "gthread"
# Two processes per core: each Python process runs one thread at a time (the GIL), so a second
# process per core takes the requests that would otherwise queue behind a busy one.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count())
threads = int(os.environ.get("PITCHDAY_THREADS") or 16)
timeout = 60
# Juror tokens are in URLs: the access and error logs keep their first 4 characters only.
logger_class = "pitchday.logs.RedactingGunicornLogger"
graceful_timeout = 10
keepalive = 5

# A thread coming back from the database waits for the GIL while another thread runs Python;
# Python hands the GIL over every 5 ms by default, so each of an autosave's queries could wait
# that long. 1 ms keeps those waits short for a little more switching.
GIL_SWITCH_SECONDS = 0.001


def post_fork(_server, _worker) -> None:
    sys.setswitchinterval(GIL_SWITCH_SECONDS)


def post_worker_init(_worker) -> None:
    # The app, its libraries and its compiled templates are loaded now and live as long as the
    # process: out of the collector's sight, a full collection no longer walks them all. Under
    # bench/load.py (200 jurors) full collections stopped each process for 135 ms on average
    # (up to 375 ms), the main cause of the autosaves' 99th percentile; after freezing, 38 ms.
    gc.freeze()
