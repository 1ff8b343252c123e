"""The organiser's blueprint, alone in its module: every page module of the package adds its pages
to it, and none of them imports another to get it (``pitchday.organiser`` imports them all)."""

from __future__ import annotations

from flask import Blueprint

from pitchday.organiser.labels import job_message, mail_status, status_label
from pitchday.services.wording import origin_words

bp = Blueprint("organiser", __name__)
bp.add_app_template_filter(status_label, "status_label")
bp.add_app_template_filter(job_message, "job_message")
bp.add_app_template_filter(mail_status, "mail_status")
bp.add_app_template_filter(origin_words, "origin")
