"""``python -m pitchday schedule ...``: the same as the ``pitchday`` command."""

from pitchday.schedule_cli import main

raise SystemExit(main())
