"""The company's feedback page, reached by a private link: what the organisers released, and its PDF."""

from __future__ import annotations

import re
from contextlib import contextmanager

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from pitchday import numbers
from pitchday.company import charts
from pitchday.downloads import download
from pitchday.models import Pitch
from pitchday.security import pitch_of_company_link
from pitchday.services import feedback

bp = Blueprint("company", __name__)


@contextmanager
def _language():
    """``?lang=fr`` or ``?lang=en`` chooses the language (a link to share in either); else the visitor's."""
    lang = request.args.get("lang", "")
    if lang in ("fr", "en"):
        with force_locale(lang):
            yield lang
    else:
        yield str(get_locale() or "fr")


def pitch_or_404(link_token: str) -> Pitch:
    """The pitch of a valid link; an unknown or revoked link gets a 404 that says what to do."""
    pitch = pitch_of_company_link(link_token)
    if pitch is None:
        _not_found(
            _("Ce lien de retour n'est pas (ou plus) valable. Demandez un nouveau lien à l'organisation.")
        )
    return pitch


def _not_found(reason: str):
    # The app's 404 page says "no such page" whatever the reason: here the visitor needs to know why.
    abort(Response(render_template("company/not_found.html", reason=reason), status=404))


@bp.route("/<link_token>")
def report(link_token: str) -> ResponseReturnValue:
    """The company's feedback: its marks beside the event's, the released texts, who offers follow-up."""
    with _language() as lang:
        pitch = pitch_or_404(link_token)
        return render_template("company/report.html", **_report_context(pitch, link_token, lang))


@bp.route("/<link_token>/retour.pdf")
def report_pdf(link_token: str) -> ResponseReturnValue:
    """The same feedback as an A4 PDF (in the page's language, or ``?lang=``)."""
    from pitchday.company.pdf import render_pdf  # WeasyPrint loads Pango: only for the PDF

    with _language() as lang:
        pitch = pitch_or_404(link_token)
        context = _report_context(pitch, link_token, lang)
        if not context["report"].released:
            _not_found(
                _("Le retour du jury n'est pas encore disponible : l'organisation le publiera bientôt.")
            )
        body = render_pdf(render_template("company/report_pdf.html", **context))
    name = re.sub(r"[^A-Za-z0-9-]+", "-", pitch.key).strip("-") or "pitch"
    return download(body, f"retour-{name}.pdf", inline=True)


def mean_in_locale(value: float) -> str:
    """A mean with one decimal in the reader's locale: 6,5 in French, 6.5 in English."""
    return numbers.number(value, 1)


def _report_context(pitch: Pitch, link_token: str, lang: str) -> dict:
    report = feedback.company_report(pitch)
    chart = (
        charts.criteria_chart(
            report.criteria,
            title=_("Vos notes moyennes par critère, comparées à la moyenne de l'événement"),
            pitch_label=_("Votre moyenne"),
            event_label=_("Moyenne de l'événement"),
            number=mean_in_locale,
        )
        if report.released
        else None
    )
    return {
        "report": report,
        "chart": chart,
        "mean": mean_in_locale,
        "lang": lang,
        "token": link_token,
        "pdf_url": url_for("company.report_pdf", link_token=link_token, lang=lang),
        "other_lang": "en" if lang == "fr" else "fr",
    }
