"""``python -m pitchday schedule ...``: the same as the ``pitchday`` command."""

from scheduler.cli import main

raise SystemExit(main())
