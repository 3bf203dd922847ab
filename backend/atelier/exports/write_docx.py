"""The Word writer (python-docx), for partners who complete the action sheets in Microsoft Word."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document as new_docx
from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph

from .document import Bullets, Document, Fields, Heading, PageBreak, Para, Table, column_shares, safe
from .labels import page_parts

MUTED = RGBColor(0x4A, 0x4A, 0x4A)
# A4 with 2 cm margins: the text area is 17 cm wide. python-docx's template is US Letter.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Cm(21), Cm(29.7), Cm(2)
TEXT_WIDTH = Cm(17)
LABEL_WIDTH = Cm(5.5)  # about a third: the eight labels fit on one or two lines
HEADING_SIZES = {0: Pt(20), 1: Pt(16), 2: Pt(13), 3: Pt(11.5)}


def _page(word: WordDocument) -> None:
    for section in word.sections:
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN
        section.header_distance = section.footer_distance = Cm(1)
    for level, size in HEADING_SIZES.items():
        style = word.styles["Title" if level == 0 else f"Heading {level}"]
        style.font.size = size
    for name in ("Header", "Footer"):
        word.styles[name].font.size = Pt(9)
        word.styles[name].font.color.rgb = MUTED


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A field Word and LibreOffice fill in when they lay the page out (PAGE, NUMPAGES)."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _page_number(paragraph: Paragraph, lang: str) -> None:
    before, middle, after = page_parts(lang)
    paragraph.add_run(before)
    _field(paragraph, "PAGE")
    paragraph.add_run(middle)
    _field(paragraph, "NUMPAGES")
    paragraph.add_run(after)
    for run in paragraph.runs:
        run.font.color.rgb = MUTED
        run.font.size = Pt(9)


def _widths(header: tuple[str, ...] | None, rows: list[tuple[str, ...]]) -> list[int]:
    """Column widths in EMU adding up to the text area: a label column a third wide for fields."""
    if header is None:
        return [LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH]
    widths = [int(TEXT_WIDTH * share) for share in column_shares(header, rows)]
    widths[-1] += TEXT_WIDTH - sum(widths)
    return widths


def _fix_width(table: WordTable, widths: list[int]) -> None:
    """Fixed layout, the grid and every cell the same widths: Word and LibreOffice then agree."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    tbl_pr = table._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tbl_pr.append(width)
    width.set(qn("w:w"), str(int(sum(widths) / 635)))  # EMU to twentieths of a point
    width.set(qn("w:type"), "dxa")
    # Room between the text and the cell's borders (the template's grid has none above and below).
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 57), ("left", 85), ("bottom", 57), ("right", 85)):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(twips))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    tbl_pr.append(margins)
    for column, value in zip(table.columns, widths, strict=True):
        column.width = value
    for row in table.rows:
        for cell, value in zip(row.cells, widths, strict=True):
            cell.width = value


def _row_properties(row: object, *, header: bool) -> None:
    """A row never splits across pages; a header row repeats on each page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _language(word: WordDocument, lang: str) -> None:
    """Spell-checking and hyphenation follow the document's language, set on the default style."""
    rpr = word.styles["Normal"].element.get_or_add_rPr()
    tag = rpr.find(qn("w:lang"))
    if tag is None:
        tag = rpr.makeelement(qn("w:lang"), {})
        rpr.append(tag)
    tag.set(qn("w:val"), "en-GB" if lang == "en" else "fr-FR")


def _table(word: WordDocument, header: tuple[str, ...] | None, rows: list[tuple[str, ...]]) -> None:
    columns = len(header) if header else 2
    table = word.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    if header:
        row = table.add_row()
        _row_properties(row, header=True)
        for cell, text in zip(row.cells, header, strict=True):
            cell.paragraphs[0].add_run(safe(text)).bold = True
    for values in rows:
        row = table.add_row()
        _row_properties(row, header=False)
        for i, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            # python-docx turns "\n" in a run into a line break.
            cell.paragraphs[0].add_run(safe(text)).bold = header is None and i == 0
    _fix_width(table, _widths(header, rows))
    word.add_paragraph()


def _metadata(word: WordDocument, doc: Document) -> None:
    """By Atelier, titled, dated when made (the template says "python-docx", 2013)."""
    created = datetime.fromtimestamp(doc.created_ms / 1000, tz=UTC).replace(tzinfo=None)
    props = word.core_properties
    props.title = safe(doc.title)
    props.subject = safe(doc.subject or doc.title)
    props.language = "en-GB" if doc.lang == "en" else "fr-FR"
    props.author = props.last_modified_by = "Atelier"
    props.comments = ""
    props.keywords = ""
    props.created = props.modified = created
    props.last_printed = created
    props.revision = 1


def render(doc: Document) -> bytes:
    word = new_docx()
    _language(word, doc.lang)
    _page(word)
    _metadata(word, doc)
    word.add_heading(safe(doc.title), level=0)
    pending_break = False
    for block in doc.blocks:
        if isinstance(block, PageBreak):
            pending_break = True
            continue
        if pending_break and not isinstance(block, Heading):
            word.add_page_break()
            pending_break = False
        match block:
            case Heading(level, text):
                heading = word.add_heading(safe(text), level=min(level, 9))
                # The break belongs to the heading: a paragraph holding only a break, falling at the
                # foot of a full page, would leave a blank page behind.
                heading.paragraph_format.page_break_before = pending_break
                pending_break = False
            case Para(text, muted):
                run = word.add_paragraph().add_run(safe(text))
                if muted:
                    run.italic = True
                    run.font.color.rgb = MUTED
            case Bullets(items):
                for item in items:
                    word.add_paragraph(style="List Bullet").add_run(safe(item))
            case Table(header, rows):
                _table(word, header, list(rows))
            case Fields(pairs):
                _table(word, None, list(pairs))
    if doc.header:
        run = word.sections[0].header.paragraphs[0].add_run(safe(doc.header))
        run.font.color.rgb = MUTED
        run.font.size = Pt(9)
    footer = word.sections[0].footer
    numbers = footer.paragraphs[0]
    numbers.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(numbers, doc.lang)
    for line in doc.footer:
        paragraph = footer.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(safe(line))
        run.font.color.rgb = MUTED
        run.font.size = Pt(9)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
