"""gunicorn's settings for PitchDay, read from the working directory: ``gunicorn 'pitchday:create_app()'``.

Options given on the command line win over these. Measured with bench/load.py (README, "Proof under load").
"""

import multiprocessing
import os
import sys

# Threaded workers: an organiser's live board holds a thread for its server-sent events.
worker_class = "gthread"
# Two processes per core: each Python process runs one thread at a time (the GIL), so a second
# process per core takes the requests that would otherwise queue behind a busy one. With 200
# jurors on 2 cores, 4 × 16 answered autosaves with a third of the 99th percentile of 2 × 32.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("PITCHDAY_THREADS", 16))
timeout = 60
graceful_timeout = 10
keepalive = 5

# A thread coming back from the database waits for the GIL while another thread runs Python;
# Python hands the GIL over every 5 ms by default, so an autosave's eight queries could each wait
# that long. 1 ms keeps those waits short for a little more switching.
GIL_SWITCH_SECONDS = 0.001


def post_fork(_server, _worker) -> None:
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
