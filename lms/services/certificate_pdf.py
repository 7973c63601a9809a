"""The certificate as a PDF: fonts picked per script, text shaped by HarfBuzz, no Flask, no DB.

Names print in Latin and Vietnamese (Noto Sans), Thai, Khmer, Lao and Burmese (the Noto Sans
font of each script). Text is cut into runs, each in the first bundled font that has its
characters, and each run is shaped by HarfBuzz (fpdf2's text shaping) so that stacked vowels,
subscript consonants and reordered vowel signs come out right. We pick the font per run
ourselves rather than with fpdf2's fallback fonts: those, combined with shaping, lost the
font selection of later lines in fpdf2 2.8.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"

# Family name (as embedded in the PDF) per font, in the order a character looks for one.
FAMILIES = ("NotoSans", "NotoSansThai", "NotoSansKhmer", "NotoSansLao", "NotoSansMyanmar")
STYLES = {"": "Regular", "B": "Bold"}

MONTHS = (
    "January February March April May June July August September October November December"
).split()

INK = (33, 37, 41)
ACCENT = (14, 76, 117)
MUTED = (90, 98, 106)


@dataclass(frozen=True)
class CertificateText:
    """What a certificate says; values as issued, never recomputed."""

    learner_name: str
    course_title: str
    issued_on: date
    code: str
    verify_url: str


def format_date(day: date | datetime) -> str:
    """'7 March 2025', whatever the server's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def clean_text(text: str) -> str:
    """NFC-normalised text on one line: control characters and runs of spaces become one space."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join(text.split())


@lru_cache(maxsize=len(FAMILIES))
def _codepoints(family: str) -> frozenset[int]:
    """The characters a bundled font has glyphs for."""
    from fontTools.ttLib import TTFont  # with fpdf2, only when a certificate is drawn

    font = TTFont(FONT_DIR / f"{family}-Regular.ttf", lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def _font_for(char: str, current: str | None) -> str:
    """The current font while it has the character (spaces, marks), else the first that has it."""
    code = ord(char)
    if current is not None and code in _codepoints(current):
        return current
    for family in FAMILIES:
        if code in _codepoints(family):
            return family
    return current or FAMILIES[0]  # no bundled font has it: a missing-glyph box, never a crash


def font_runs(text: str) -> list[tuple[str, str]]:
    """The text cut into (family, run) pieces, each printable in one font."""
    runs: list[tuple[str, str]] = []
    family = None
    for char in text:
        chosen = _font_for(char, family)
        if runs and chosen == family:
            runs[-1] = (family, runs[-1][1] + char)
        else:
            runs.append((chosen, char))
        family = chosen
    return runs


def new_document() -> "FPDF":
    """An empty A4 landscape PDF that shapes text; fonts are added as text needs them."""
    # fpdf2 pulls in HarfBuzz, fontTools and Pillow (21 MB in every web worker): imported only
    # when a certificate is drawn, not with the app.
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_text_shaping(True)
    return pdf


def use_font(pdf: "FPDF", family: str, style: str, size: float) -> None:
    """Select a bundled font, loading it on first use: parsing all ten costs time."""
    if f"{family.lower()}{style.upper()}" not in pdf.fonts:
        pdf.add_font(family, style, FONT_DIR / f"{family}-{STYLES[style]}.ttf")
    pdf.set_font(family, style, size)


def text_width(pdf: "FPDF", text: str, size: float, style: str = "") -> float:
    """Width of the text in mm, each run measured in its own font."""
    total = 0.0
    for family, run in font_runs(text):
        use_font(pdf, family, style, size)
        total += pdf.get_string_width(run)
    return total


def wrap(pdf: "FPDF", text: str, size: float, width: float, style: str = "") -> list[str]:
    """Greedy word wrap at spaces; a word longer than the width stays on its own line."""
    lines: list[str] = []
    for word in text.split(" "):
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(pdf, candidate, size, style) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def fit(pdf: "FPDF", text, width, sizes, max_lines=1, style=""):
    """The largest size (and its lines) that fits the width in at most max_lines lines."""
    for size in sizes:
        lines = wrap(pdf, text, size, width, style) if max_lines > 1 else [text]
        fits = all(text_width(pdf, line, size, style) <= width for line in lines)
        if fits and len(lines) <= max_lines:
            return size, lines
    size = sizes[-1]
    return size, (wrap(pdf, text, size, width, style) if max_lines > 1 else [text])


def centred(pdf: "FPDF", y: float, text: str, size: float, style="", colour=INK, leading=1.45):
    """Print one line centred on the page at y (top of the line); return the next y."""
    height = size * 0.3528 * leading  # points to mm, with line spacing
    pdf.set_text_color(*colour)
    runs = font_runs(text)
    widths = []
    for family, run in runs:
        use_font(pdf, family, style, size)
        widths.append(pdf.get_string_width(run))
    pdf.set_xy((pdf.w - sum(widths)) / 2, y)
    for (family, run), run_width in zip(runs, widths, strict=True):
        use_font(pdf, family, style, size)
        pdf.cell(w=run_width, h=height, text=run)
    return y + height


def _frame(pdf: "FPDF") -> None:
    """A double border in the accent colour."""
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)


def render_certificate_pdf(content: CertificateText) -> bytes:
    """The certificate as PDF bytes, with the fonts it needs embedded (subset)."""
    name = clean_text(content.learner_name)
    title = clean_text(content.course_title)
    pdf = new_document()
    pdf.set_title(f"Certificate of completion: {title}")
    pdf.set_author("Mine Action Learning")
    pdf.set_subject(f"{name} completed {title}")
    pdf.set_creator("Mine Action Learning")
    pdf.set_lang("en")
    pdf.set_creation_date(datetime.combine(content.issued_on, datetime.min.time()))
    pdf.add_page()
    _frame(pdf)
    usable = pdf.w - 60

    y = centred(pdf, 30, "MINE ACTION LEARNING", 12, "B", ACCENT)
    y = centred(pdf, y + 6, "Certificate of completion", 30, "B", INK)
    y = centred(pdf, y + 10, "This certifies that", 14, "", MUTED)
    size, lines = fit(pdf, name, usable, (32, 28, 24, 20, 16, 13), max_lines=2, style="B")
    for line in lines:
        y = centred(pdf, y + 2, line, size, "B", INK)
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.2)
    pdf.line(pdf.w / 2 - 70, y + 2, pdf.w / 2 + 70, y + 2)
    y = centred(pdf, y + 8, "has completed the course", 14, "", MUTED)
    size, lines = fit(pdf, title, usable, (22, 19, 16, 13, 11), max_lines=3, style="B")
    for line in lines:
        y = centred(pdf, y + 1, line, size, "B", ACCENT)
    centred(pdf, y + 6, f"on {format_date(content.issued_on)}", 14, "", INK)

    centred(pdf, pdf.h - 52, f"Verification code: {content.code}", 12, "B", INK)
    centred(pdf, pdf.h - 44, "Check that this certificate is valid at", 10, "", MUTED)
    centred(pdf, pdf.h - 38, content.verify_url, 11, "", ACCENT)
    pdf.link(
        (pdf.w - text_width(pdf, content.verify_url, 11)) / 2,
        pdf.h - 38,
        text_width(pdf, content.verify_url, 11),
        6,
        content.verify_url,
    )
    return bytes(pdf.output())
