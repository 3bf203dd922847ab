"""How the exported files are laid out: DOCX page and table widths, ODT and DOCX metadata, spreadsheets'
columns, types, filter and print setup, the Markdown round trip, French ordinals and plurals."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime

import docx
import openpyxl
import pypdf
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm
from markdown_it import MarkdownIt
from odfdo import Document as OdfDocument

from atelier.exports import write_pdf
from atelier.exports.document import Bullets, Document, Fields, Para
from atelier.exports.labels import SHEET_LABELS, date_text, word
from atelier.exports.notes import notes_csv, notes_xlsx
from atelier.exports.sheets import sheets_docx, sheets_odt, sheets_pdf
from atelier.exports.write_md import render as render_md
from tests.unit.exports_workshop import FORMULA_NOTES, MIXED_NOTE, workshop

# 2026-12-01 09:00 in Paris.
FIRST_OF_DECEMBER = 1_796_112_000_000


def test_french_ordinals_and_plurals() -> None:
    assert date_text(FIRST_OF_DECEMBER, "fr") == "1er décembre 2026 à 09:00"
    assert date_text(FIRST_OF_DECEMBER, "fr", time=False) == "1er décembre 2026"
    assert date_text(FIRST_OF_DECEMBER + 86_400_000, "fr", time=False) == "2 décembre 2026"
    assert date_text(FIRST_OF_DECEMBER, "en", time=False) == "December 1, 2026"
    # CLDR's rules: in French 0 and 1 take the singular, in English only 1.
    assert [word("fr", "votes", count=n) for n in (0, 1, 2)] == ["0 gommette", "1 gommette", "2 gommettes"]
    assert [word("en", "votes", count=n) for n in (0, 1, 2)] == ["0 dots", "1 dot", "2 dots"]


# --- DOCX -------------------------------------------------------------------------------------------


def test_docx_is_a4_with_2_cm_margins_and_a_field_table_that_fits() -> None:
    w = workshop()
    doc = docx.Document(io.BytesIO(sheets_docx(w.state, "fr", w.now)))
    section = doc.sections[0]
    # Word stores lengths in twentieths of a point: equal to a few EMU.
    assert abs(section.page_width - Cm(21)) < Cm(0.01) and abs(section.page_height - Cm(29.7)) < Cm(0.01)
    for margin in (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin):
        assert abs(margin - Cm(2)) < Cm(0.01)
    text_area = section.page_width - section.left_margin - section.right_margin
    for table in doc.tables:
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert abs(sum(grid) - text_area / 635) <= 2, "the grid adds up to the text area (twips)"
        assert 0.3 <= grid[0] / sum(grid) <= 0.36, "the label column is about a third"
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        for row in table.rows:
            label, text = (cell.width for cell in row.cells)
            assert abs(label - Cm(5.5)) < Cm(0.01) and abs(text - Cm(11.5)) < Cm(0.01)
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None, "rows never split across pages"
    # A header naming the workshop, page N / M as fields.
    header = section.header.paragraphs[0].text
    assert header == "Fiches action — Atelier « aller vers » — 28 novembre 2025 — code ABCDEF"
    instructions = [t.text.strip() for t in section.footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]


def test_docx_and_odt_metadata_say_atelier_the_title_the_language_and_the_time() -> None:
    w = workshop()
    made = datetime.fromtimestamp(w.now / 1000, tz=UTC).replace(tzinfo=None)  # stored as UTC
    props = docx.Document(io.BytesIO(sheets_docx(w.state, "fr", w.now))).core_properties
    assert props.author == "Atelier" and props.last_modified_by == "Atelier"
    assert props.title == "Fiches action — Atelier « aller vers »" and props.language == "fr-FR"
    assert abs((props.created.replace(tzinfo=None) - made).total_seconds()) < 1
    odf = OdfDocument(io.BytesIO(sheets_odt(w.state, "fr", w.now)))
    meta = odf.meta
    assert meta.get_title() == "Fiches action — Atelier « aller vers »"
    assert meta.get_initial_creator() == "Atelier" and meta.get_language() == "fr-FR"
    assert abs((meta.get_creation_date().replace(tzinfo=None) - made).total_seconds()) < 1
    assert "Atelier" in (meta.get_generator() or "")


# --- spreadsheets ---------------------------------------------------------------------------------------


def test_xlsx_columns_types_filter_and_print_setup() -> None:
    w = workshop()
    book = openpyxl.load_workbook(io.BytesIO(notes_xlsx(w.state, "fr", w.now)))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header == ["phase", "question", "texte", "couleur", "groupe", "gommettes", "auteur", "pour", "présentée",
                      "créée le", "id"]  # fmt: skip
    rows = {row[2].value: row for row in sheet.iter_rows(min_row=2)}
    for text in FORMULA_NOTES:
        cell = rows[text][2]  # the text as typed: no apostrophe, stored as a string
        assert cell.value == text and cell.data_type == "s"
    mixed = rows[MIXED_NOTE]
    assert mixed[3].value == "bleu" and mixed[5].value == 3 and mixed[6].value == "Anonyme"
    assert isinstance(mixed[9].value, datetime) and mixed[9].number_format == "dd/mm/yyyy hh:mm"
    assert mixed[9].value.strftime("%H:%M") == date_text(w.state.notes[mixed[10].value].created_ms, "fr")[-5:]
    assert mixed[10].value.startswith("n_")
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:K{sheet.max_row}"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    assert "page &P / &N" in sheet.oddFooter.center.text
    # Every row has a height for its wrapped lines (a line per line break at least; the LibreOffice
    # test in tests/integration/test_documents.py checks that a long note prints whole).
    for row in sheet.iter_rows(min_row=2):
        lines = max(len(str(cell.value or "").split("\n")) for cell in row[:10])
        assert sheet.row_dimensions[row[0].row].height >= 15 * lines
    assert all(cell.alignment.wrap_text for cell in mixed)
    assert book.properties.creator == "Atelier"


def test_csv_keeps_the_formula_guard_and_iso_dates() -> None:
    w = workshop()
    text = notes_csv(w.state, "fr", w.now).decode("utf-8-sig")
    header = text.split("\r\n")[0].split(";")
    assert header[:3] == ["phase", "question", "texte"] and header[-2:] == ["créée le", "id"]
    for formula in FORMULA_NOTES:
        assert f";'{formula};" in text
    assert re.search(r";\d{4}-\d{2}-\d{2} \d{2}:\d{2};n_", text)


# --- Markdown -------------------------------------------------------------------------------------------

TRICKY = (
    "- portage à domicile",
    "+ de permanences le samedi",
    "1. premier point",
    "# pas un titre",
    "*étoiles* et _soulignés_ et snake_case",
    "<b>gras</b> a < b & c &amp; d",
    "[lien](https://example.org) ![image](x.png)",
    "chemin C:\\dossier\\ et \\*",
    "ligne 1\nligne 2\n\nun second paragraphe",
    "---",
    "===",
    "`code` et ~~~",
    "Un bus; numérique! (oui) — 50 % ?",
)


def _plain(rendered: str) -> list[str]:
    """The text of each paragraph of the rendered HTML, line breaks as newlines."""
    blocks = re.findall(r"<p>(.*?)</p>", rendered, flags=re.DOTALL)
    return [html.unescape(re.sub(r"<br />\n", "\n", b)) for b in blocks]


@pytest.mark.parametrize("layout", ["paragraphs", "bullets", "fields"])
def test_markdown_renders_back_to_the_same_text(layout: str) -> None:
    doc = Document("Titre", "fr")
    if layout == "paragraphs":
        doc.add(*(Para(t) for t in TRICKY))
    elif layout == "bullets":
        doc.add(Bullets(TRICKY))
    else:
        doc.add(Fields(tuple((f"Champ {i}", t) for i, t in enumerate(TRICKY))))
    md = render_md(doc).decode()
    rendered = MarkdownIt("commonmark").render(md)
    assert "<li>\n<ul>" not in rendered and "<h2>" not in rendered and "<a " not in rendered
    assert "<em>" not in rendered and "<code>" not in rendered and "<b>" not in rendered
    # Each text comes back whole (the fields' bold labels aside), its paragraphs and line breaks kept.
    paragraphs = [p for p in _plain(rendered) if not p.startswith("<strong>")]
    assert paragraphs == [part for text in TRICKY for part in text.split("\n\n")]


def test_markdown_escapes_only_what_commonmark_needs() -> None:
    md = render_md(Document("T", "fr").add(Para("Un bus; numérique! C'est-à-dire (oui) — 50 % ? a_b"))).decode()
    assert "Un bus; numérique! C'est-à-dire (oui) — 50 % ? a_b" in md
    assert "\\" not in md
    broken = render_md(Document("T", "fr").add(Para("une ligne\nune autre"))).decode()
    assert "une ligne  \nune autre" in broken  # a hard break that shows nothing raw


# --- the server's PDF -----------------------------------------------------------------------------------


def _pdf_words(data: bytes) -> list[str]:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages).split()


def test_pdf_in_english_has_the_english_labels_and_page_numbers() -> None:
    w = workshop(language="en")
    data = sheets_pdf(w.state, "en", w.now)
    text = " ".join(_pdf_words(data))
    for label in SHEET_LABELS["en"].values():
        assert label in text, label
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert f"page 1 / {len(reader.pages)}" in text


def test_a_field_taller_than_a_page_is_continued_not_lost() -> None:
    """Rows move whole to the next page; only one that no page could hold is cut, every word kept."""
    long = "\n\n".join(" ".join(f"p{p}w{i}" for i in range(60)) for p in range(14))
    doc = Document("Fiche", "fr", created_ms=FIRST_OF_DECEMBER)
    doc.add(Fields((("Description", long), ("Pilote", "CCAS"))))
    data = write_pdf.render(doc)
    words = _pdf_words(data)
    assert [w for w in long.split() if w not in words] == []
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) >= 2
    assert "CCAS" in words
