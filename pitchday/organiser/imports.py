"""Importing pitches and experts from spreadsheets (CSV)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from pitchday.access import event_for
from pitchday.organiser.blueprint import bp
from pitchday.organiser.forms import CsvImportForm
from pitchday.services import csv_import
from pitchday.services.teams import Permission as P

KINDS = {
    "pitchs": (csv_import.import_pitches, csv_import.PITCH_COLUMNS),
    "jures": (csv_import.import_experts, csv_import.EXPERT_COLUMNS),
}


@bp.route("/evenements/<slug>/importer-csv")
@login_required
def csv_page(slug: str) -> ResponseReturnValue:
    """The CSV import forms, with the expected columns."""
    event = event_for(slug, P.EDIT)
    return render_template("organiser/csv_import.html", event=event, form=CsvImportForm(), kinds=KINDS)


@bp.route("/evenements/<slug>/importer-csv/<kind>", methods=["POST"])
@login_required
def csv_upload(slug: str, kind: str) -> ResponseReturnValue:
    """Import a CSV of pitches or experts: all rows or none."""
    event = event_for(slug, P.EDIT)
    if kind not in KINDS:
        return redirect(url_for("organiser.csv_page", slug=slug))
    form = CsvImportForm()
    importer, _columns = KINDS[kind]
    problems: list = []
    if form.validate_on_submit():
        try:
            imported = importer(event, form.csv_file.data.read())
        except csv_import.CsvImportError as error:
            problems = error.problems
        else:
            flash(_("%(count)d lignes importées.", count=len(imported)), "success")
            return redirect(url_for("organiser.event", slug=slug))
    else:
        flash(_("Choisissez un fichier CSV."), "error")
    # 422 makes the request roll back: nothing of a refused file is kept.
    return render_template(
        "organiser/csv_import.html", event=event, form=form, kinds=KINDS, problems=problems, failed_kind=kind
    ), 422
