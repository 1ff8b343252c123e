"""The jurors' tablets and phones as they report themselves, so the organiser knows whose marks are still on one.

The juror app keeps every change in the browser's storage until the server has it (static/js/juror.js).
With each autosave and each check of the sheet it says which device it is (an id it keeps in the
browser's storage) and how many changes still wait in its queue. The organiser's board reads the
last report of each device: when it was heard from, and what it still held then. A device that has
not been heard from for ``offline_after`` seconds (config JUROR_OFFLINE_AFTER_SECONDS) is shown
offline, with what it held.

Operations flush and never commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pitchday.extensions import db
from pitchday.models import Event, Expert, JurorDevice

DEVICE_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
KINDS = ("tablet", "phone", "computer")
MAX_PENDING = 100_000
# A report that changes nothing is written at most this often (and at least three times within the
# board's offline delay, so that a device that is heard is never shown offline): a tablet checks its
# sheet every few seconds, and most checks must stay reads.
REFRESH_SECONDS = 10


@dataclass(frozen=True)
class DeviceReport:
    """What a juror's device says of itself: its id, the changes still in its queue, what kind of device."""

    device_id: str
    pending: int
    kind: str = ""


@dataclass(frozen=True)
class DeviceState:
    """A device as the organiser's board shows it (codes and numbers; worded where it is displayed)."""

    expert_id: int
    juror: str
    device_id: str
    kind: str
    last_seen_at: datetime  # UTC, aware
    silent_seconds: int
    pending: int
    online: bool

    @property
    def short_id(self) -> str:
        """Enough of the id to tell a juror's two devices apart on the board."""
        return self.device_id[:4]


def report_of(body: object) -> DeviceReport | None:
    """The device's report in a request's data, or None when it is missing or malformed.

    A bad report never refuses the request that carries it (an autosave must not be lost for it).
    """
    if not isinstance(body, dict):
        return None
    device_id, pending, kind = body.get("id"), body.get("pending"), body.get("kind", "")
    if isinstance(pending, str) and pending.isdigit():
        pending = int(pending)
    if not isinstance(device_id, str) or not DEVICE_ID.match(device_id):
        return None
    if isinstance(pending, bool) or not isinstance(pending, int) or not 0 <= pending <= MAX_PENDING:
        return None
    return DeviceReport(device_id, pending, kind if kind in KINDS else "")


def heard(
    expert: Expert, report: DeviceReport | None, offline_after: float, now: datetime | None = None
) -> None:
    """Note that the device was heard from now, holding ``report.pending`` changes not yet sent.

    One read; a write only when the count or the kind changed, or the last write is older than
    ``REFRESH_SECONDS`` (or a third of ``offline_after``). Two first reports of one device at once
    cannot clash: the row is upserted.
    """
    if report is None:
        return
    refresh = timedelta(seconds=min(REFRESH_SECONDS, offline_after / 3))
    now = _naive(now or datetime.now(UTC))
    known = db.session.execute(
        db.select(JurorDevice.pending, JurorDevice.kind, JurorDevice.last_seen_at).where(
            JurorDevice.expert_id == expert.id, JurorDevice.device_id == report.device_id
        )
    ).first()
    if (
        known is not None
        and known.pending == report.pending
        and known.kind == (report.kind or known.kind)
        and now - known.last_seen_at < refresh
    ):
        return
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    values = {
        "event_id": expert.event_id,
        "expert_id": expert.id,
        "device_id": report.device_id,
        "kind": report.kind,
        "first_seen_at": now,
        "last_seen_at": now,
        "pending": report.pending,
    }
    changes = {"last_seen_at": now, "pending": report.pending}
    if report.kind:
        changes["kind"] = report.kind
    db.session.execute(
        insert(JurorDevice)
        .values(**values)
        .on_conflict_do_update(index_elements=["expert_id", "device_id"], set_=changes)
    )


def states_of(event: Event, offline_after: int, now: datetime | None = None) -> list[DeviceState]:
    """Every device of the event's jurors, jurors in name order, a juror's latest-heard device first."""
    now = _naive(now or datetime.now(UTC))
    rows = db.session.execute(
        db.select(JurorDevice, Expert.name)
        .join(Expert, Expert.id == JurorDevice.expert_id)
        .where(JurorDevice.event_id == event.id)
        .order_by(Expert.name, JurorDevice.last_seen_at.desc())
    ).all()
    states = []
    for device, name in rows:
        silent = max(0, int((now - device.last_seen_at).total_seconds()))
        states.append(
            DeviceState(
                device.expert_id,
                name,
                device.device_id,
                device.kind,
                device.last_seen_at.replace(tzinfo=UTC),
                silent,
                device.pending,
                online=silent < offline_after,
            )
        )
    return states


def pending_by_juror(event: Event) -> dict[int, int]:
    """Changes still held by each juror's devices (expert id -> count), for the organiser's confirmations."""
    rows = db.session.execute(
        db.select(JurorDevice.expert_id, db.func.sum(JurorDevice.pending))
        .where(JurorDevice.event_id == event.id, JurorDevice.pending > 0)
        .group_by(JurorDevice.expert_id)
    )
    return {expert_id: int(total) for expert_id, total in rows}


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
