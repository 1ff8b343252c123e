"""The company's feedback as an A4 PDF (WeasyPrint), with the fonts shipped in pitchday/static/fonts.

Nothing is fetched from the network or from the system: the only files the document may load are the
app's own fonts, so the PDF looks the same on every server.
"""

from __future__ import annotations

from pathlib import Path

from weasyprint import CSS, HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcherResponse

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"

# The page of the PDF: A4, the shipped DejaVu Sans (licence beside the files), nothing else.
PDF_STYLESHEET = """
@font-face { font-family: "PitchDay Sans"; font-weight: normal; src: url("DejaVuSans.ttf"); }
@font-face { font-family: "PitchDay Sans"; font-weight: bold; src: url("DejaVuSans-Bold.ttf"); }
@page { size: A4; margin: 18mm 16mm 20mm;
        @bottom-center { content: counter(page) " / " counter(pages); font-family: "PitchDay Sans";
                         font-size: 8pt; color: #555; } }
html { font-family: "PitchDay Sans"; font-size: 10pt; color: #1f2430; line-height: 1.4; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 7mm 0 2mm; border-bottom: 0.4pt solid #c9cfdb; padding-bottom: 1mm; }
p.muted, .muted { color: #555; }
ul { padding-left: 5mm; }
li { margin-bottom: 1.5mm; white-space: pre-line; }
.criteria-chart { width: 120mm; height: auto; }
table.criteria { border-collapse: collapse; margin-top: 3mm; }
table.criteria th, table.criteria td { border-bottom: 0.4pt solid #c9cfdb; padding: 1mm 3mm 1mm 0; text-align: left; }
table.criteria td.number { text-align: right; }
table.criteria .scale { display: block; font-size: 8pt; color: #555; font-weight: normal; }
.rank { font-size: 12pt; font-weight: bold; }
.visually-hidden { display: none; }
"""


class OnlyShippedFonts(URLFetcher):
    """Fetches the app's font files and refuses everything else (no network, no other local file)."""

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if not url.startswith("file://"):
            raise ValueError(f"not fetched for a PDF: {url[:80]}")
        path = Path(url.removeprefix("file://").split("?")[0]).resolve()
        if path.parent != FONT_DIR or path.suffix != ".ttf":
            raise ValueError(f"not fetched for a PDF: {url[:80]}")
        return super().fetch(url, headers)


def render_pdf(html: str) -> bytes:
    """The document's bytes, from the HTML of the PDF template."""
    fonts = FontConfiguration()
    fetcher = OnlyShippedFonts(allowed_protocols=["file"])
    base = FONT_DIR.as_uri() + "/"
    stylesheet = CSS(string=PDF_STYLESHEET, base_url=base, font_config=fonts, url_fetcher=fetcher)
    return HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf(
        stylesheets=[stylesheet], font_config=fonts
    )
