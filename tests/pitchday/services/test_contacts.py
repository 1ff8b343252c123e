"""Contact addresses: read from the event file, the CSVs and the forms in one way, written back for organisers."""

from __future__ import annotations

import pytest

from pitchday.extensions import db
from pitchday.services import contacts, csv_import, editing, event_io
from scheduler.io import EventFormatError
from tests.builders import import_event


def with_contacts(rouen: dict) -> dict:
    rouen["pitches"][0]["contact_email"] = "  Direction@Filature-Normande.fr "
    rouen["experts"][0]["email"] = "expert.uimm@example.org"
    return rouen


def test_the_event_file_brings_the_addresses_and_the_export_gives_them_back(ctx, rouen):
    event = import_event(with_contacts(rouen))

    pitch, expert = event.pitches[0], event.experts[0]
    assert (
        pitch.contact_email == "Direction@filature-normande.fr"
    )  # the domain normalised, the local part kept
    assert expert.email == "expert.uimm@example.org"
    assert event.pitches[1].contact_email is None and event.experts[1].email is None
    exported = event_io.export_event(event)
    assert exported["pitches"][0]["contact_email"] == "Direction@filature-normande.fr"
    assert exported["experts"][0]["email"] == "expert.uimm@example.org"
    assert "contact_email" not in exported["pitches"][1] and "email" not in exported["experts"][1]
    again = event_io.import_event(exported)  # the export is itself a valid event file
    assert again.pitches[0].contact_email == pitch.contact_email


@pytest.mark.parametrize("value", ["pas une adresse", "a@b", "x" * 300 + "@example.org", 42, ["a@b.fr"]])
def test_a_bad_address_in_the_file_is_refused_with_its_field(ctx, rouen, value):
    rouen["experts"][2]["email"] = value

    with pytest.raises(EventFormatError) as refused:
        event_io.import_event(rouen)

    assert refused.value.path == "experts[2].email"
    assert "expected an e-mail address" in str(refused.value)


def test_an_empty_address_means_nobody(ctx, rouen):
    rouen["pitches"][0]["contact_email"] = ""
    assert import_event(rouen).pitches[0].contact_email is None


def test_csv_columns_bring_addresses_and_refuse_bad_ones(ctx, rouen):
    event = import_event(rouen)
    key = event.pitches[0].key
    good = (
        f"id;entreprise;titre;secteur;email_contact\n{key};Filature;Relocaliser;Textile;contact@filature.fr\n"
    ).encode()
    csv_import.import_pitches(event, good)
    db.session.commit()
    assert event.pitches[0].contact_email == "contact@filature.fr"

    bad = f"id;entreprise;titre;secteur;email_contact\n{key};Filature;Relocaliser;Textile;contact(at)x\n".encode()
    with pytest.raises(csv_import.CsvImportError) as refused:
        csv_import.import_pitches(event, bad)
    assert refused.value.problems[0].column == "email_contact"
    db.session.rollback()
    assert event.pitches[0].contact_email == "contact@filature.fr"  # nothing of the refused file kept


def test_the_expert_form_checks_the_address(ctx, rouen):
    event = import_event(rouen)
    expert = event.experts[0]
    values = editing.ExpertInput(
        key=expert.key,
        name=expert.name,
        organisation=expert.organisation.key,
        topics="",
        min_pitches=None,
        max_pitches=None,
        conflicts=[],
        windows="",
        email="pas-une-adresse",
    )
    with pytest.raises(editing.EditError, match="adresse e-mail"):
        editing.save_expert(event, expert, values)
    db.session.rollback()


def test_who_will_not_be_reached(ctx, rouen):
    event = import_event(with_contacts(rouen))

    missing = contacts.unreachable(event)

    assert event.experts[0] not in missing.experts and event.experts[1] in missing.experts
    assert event.pitches[0] not in missing.pitches and len(missing.pitches) == len(event.pitches) - 1
