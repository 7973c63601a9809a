"""The certificate PDF, read back: text, embedded fonts per script, and what poppler makes of it.

What is verified for the five ASEAN scripts: the name is set in the bundled Noto font of its
script (the font's name in the PDF resources, embedded as a subset), every character of it
has a glyph in that font, and pypdf extracts the name back: exactly for Vietnamese, Thai,
Khmer and Lao; for Burmese the bold face substitutes one glyph that fpdf2's ToUnicode map
leaves unmapped, so a stray control character appears among otherwise exact text. Whether
the shaping *looks* right (Burmese vowel sign E drawn before its consonant, Khmer
subscripts, Thai and Lao stacked marks) was checked by eye on pages rendered with
pdftoppm; no test can assert that.
"""

import io
import shutil
import subprocess
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

from lms.services.certificate_pdf import (
    CertificateText,
    _codepoints,
    clean_text,
    font_runs,
    format_date,
    render_certificate_pdf,
)

CODE = "K7QD-2M9X-4RTB-8HNZ"
URL = f"https://learn.example.org/certificates/{CODE}"
TITLE = "Anti-Personnel Mine Ban Convention essentials"

NAMES = {
    "khmer": ("សុខ ចាន់", "NotoSansKhmer-Bold"),
    "thai": ("สมชาย ใจดี", "NotoSansThai-Bold"),
    "lao": ("ສົມພອນ", "NotoSansLao-Bold"),
    "burmese": ("အောင်ဆန်း", "NotoSansMyanmar-Bold"),
    "vietnamese": ("Nguyễn Thị Hương", "NotoSans-Bold"),
}


def certificate(name: str, title: str = TITLE, day: date = date(2025, 3, 7)) -> bytes:
    return render_certificate_pdf(CertificateText(name, title, day, CODE, URL))


def read(pdf: bytes) -> tuple[str, set[str]]:
    """The text of the only page, and the base names of the fonts it uses."""
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    fonts = page["/Resources"]["/Font"]
    names = {str(fonts[key].get_object()["/BaseFont"]) for key in fonts}
    return page.extract_text(), names


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_a_certificate_is_a_pdf_with_every_fact_on_it():
    pdf = certificate("Nguyễn Thị Hương")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    text = lines(read(pdf)[0])
    assert "Certificate of completion" in text
    assert "Nguyễn Thị Hương" in text
    assert TITLE in text
    assert "on 7 March 2025" in text
    assert f"Verification code: {CODE}" in text
    assert URL in text


def test_the_verification_address_is_a_link():
    page = PdfReader(io.BytesIO(certificate("Ana"))).pages[0]
    uris = [annot.get_object()["/A"]["/URI"] for annot in page["/Annots"]]
    assert uris == [URL]


@pytest.mark.parametrize("script", sorted(NAMES))
def test_names_in_asean_scripts_embed_their_font_and_extract_back(script):
    name, font = NAMES[script]
    text, fonts = read(certificate(name))
    # Subset fonts are named "ABCDEF+Family"; fpdf2 names a bold face FamilyBold.
    embedded = {base.split("+", 1)[-1] for base in fonts}
    assert font.replace("-", "") in {f.replace("-", "") for f in embedded}, embedded
    assert all(base.startswith("/") and "+" in base for base in fonts)  # subset, embedded
    if script == "burmese":  # see the module docstring: one shaped glyph maps to no text
        text = "".join(c for c in text if c == "\n" or unicodedata.category(c) != "Cc")
    assert name in lines(text)


@pytest.mark.parametrize("script", sorted(NAMES))
def test_every_character_of_a_name_has_a_glyph_in_its_font(script):
    name, _ = NAMES[script]
    runs = font_runs(name)
    assert "".join(run for _, run in runs) == name
    for family, run in runs:
        assert all(ord(char) in _codepoints(family) for char in run), (family, run)


def test_a_name_in_one_script_stays_in_one_font_across_spaces():
    assert font_runs("สมชาย ใจดี") == [("NotoSansThai", "สมชาย ใจดี")]
    assert font_runs("Mr สมชาย") == [("NotoSans", "Mr "), ("NotoSansThai", "สมชาย")]


@pytest.mark.parametrize(
    "name", ["<script>alert(1)</script>", '=HYPERLINK("http://x","y")', "@SUM(1+1)", "%PDF-1.4"]
)
def test_hostile_names_print_as_plain_text(name):
    pdf = certificate(name)
    assert name in lines(read(pdf)[0])
    assert b"/JavaScript" not in pdf and b"/JS " not in pdf


def test_control_characters_and_runs_of_spaces_do_not_reach_the_page():
    assert clean_text("  Anna\n\tMaria \x00 Lopez ") == "Anna Maria Lopez"
    assert clean_text("Nguye\u0302\u0303n") == "Nguyễn"  # NFC: one precomposed letter


def test_long_names_and_titles_wrap_instead_of_leaving_the_page():
    name = "Maria Theresia Walburga Amalia Christina von Habsburg-Lothringen de Bourbon-Parme"
    title = " ".join(["Victim assistance and the Anti-Personnel Mine Ban Convention"] * 3)
    text = " ".join(lines(read(certificate(name, title))[0]))
    assert name in text and title in text


def test_dates_are_in_english_whatever_the_locale():
    assert format_date(date(2025, 1, 31)) == "31 January 2025"


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdffonts")),
    reason="poppler-utils is not installed (apt-get install -y poppler-utils)",
)
def test_poppler_reads_and_renders_the_pdf_without_complaint(tmp_path):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(certificate("សុខ ចាន់ " + "Nguyễn"))
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True)
    rows = [row.split() for row in fonts.stdout.splitlines()[2:]]
    assert {row[0].split("+")[1] for row in rows} >= {"NotoSans", "NotoSansKhmerBold"}
    assert all(row[-5:-2] == ["yes", "yes", "yes"] for row in rows)  # embedded, subset, unicode
    render = subprocess.run(
        ["pdftoppm", "-png", "-r", "30", "-singlefile", path, tmp_path / "page"],
        capture_output=True,
        text=True,
    )
    assert render.returncode == 0 and render.stderr == "", render.stderr
    assert (tmp_path / "page.png").stat().st_size > 1000
