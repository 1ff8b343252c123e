"""Who can be told: the companies' and experts' e-mail addresses, read and checked in one place.

The event file (``contact_email`` of a pitch, ``email`` of an expert), the CSV columns and the
forms all come through ``checked_address``, so that an address is refused or kept the same way
whichever page it arrives by. The scheduler ignores them (``../shared/event-format.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from pitchday.models import Event, Expert, Pitch
from scheduler.io import EventFormatError, expect

MAX_ADDRESS_LENGTH = 254  # RFC 5321's limit, and the columns' length


class InvalidAddress(ValueError):
    """Not an e-mail address; ``value`` is what was given."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


def checked_address(value: object) -> str | None:
    """The address in its normal form, None for an empty one; InvalidAddress otherwise."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidAddress(repr(value))
    text = value.strip()
    if not text:
        return None
    if len(text) > MAX_ADDRESS_LENGTH:
        raise InvalidAddress(text[:60] + "…")
    try:
        # Syntax only: a venue without internet must still be able to import its file.
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidAddress(text) from None


def addresses_in_file(data: dict, section: str, key: str) -> dict[str, str]:
    """``{id: address}`` of a checked event file's pitches or experts; EventFormatError on a bad one."""
    found: dict[str, str] = {}
    for index, record in enumerate(data.get(section) or ()):
        if not isinstance(record, dict) or key not in record:
            continue
        try:
            address = checked_address(record[key])
        except InvalidAddress:
            raise EventFormatError.invalid(
                f"{section}[{index}].{key}", record[key], expect("email")
            ) from None
        if address:
            found[str(record.get("id"))] = address
    return found


def with_addresses(data: dict, event: Event) -> dict:
    """An exported event file with the addresses written back (the organiser's export only)."""
    emails = {pitch.key: pitch.contact_email for pitch in event.pitches if pitch.contact_email}
    for record in data.get("pitches", []):
        if record["id"] in emails:
            record["contact_email"] = emails[record["id"]]
    emails = {expert.key: expert.email for expert in event.experts if expert.email}
    for record in data.get("experts", []):
        if record["id"] in emails:
            record["email"] = emails[record["id"]]
    return data


@dataclass(frozen=True)
class Unreachable:
    """Who will not be told of a change, for want of an address."""

    experts: list[Expert]
    pitches: list[Pitch]

    def __bool__(self) -> bool:
        return bool(self.experts or self.pitches)


def unreachable(event: Event) -> Unreachable:
    return Unreachable(
        experts=[expert for expert in event.experts if not expert.email],
        pitches=[pitch for pitch in event.pitches if not pitch.contact_email],
    )
