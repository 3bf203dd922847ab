"""The Word writer (python-docx), for partners who complete the action sheets in Microsoft Word."""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, RGBColor

from .document import Bullets, Document, Fields, Heading, PageBreak, Para, Table, safe

MUTED = RGBColor(0x4A, 0x4A, 0x4A)


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
        cells = table.add_row().cells
        for cell, text in zip(cells, header, strict=True):
            cell.paragraphs[0].add_run(safe(text)).bold = True
    for values in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            # python-docx turns "\n" in a run into a line break.
            cell.paragraphs[0].add_run(safe(text)).bold = header is None and i == 0
    if header is None:
        for row in table.rows:
            row.cells[0].width = Cm(4.5)
            row.cells[1].width = Cm(12.5)
    word.add_paragraph()


def render(doc: Document) -> bytes:
    word = new_docx()
    _language(word, doc.lang)
    word.core_properties.title = safe(doc.title)
    word.core_properties.language = doc.lang
    word.add_heading(safe(doc.title), level=0)
    pending_break = False
    for block in doc.blocks:
        if isinstance(block, PageBreak):
            pending_break = True
            continue
        if pending_break:
            word.add_page_break()
            pending_break = False
        match block:
            case Heading(level, text):
                word.add_heading(safe(text), level=min(level, 9))
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
    footer = word.sections[0].footer
    first = True
    for line in doc.footer:
        paragraph = footer.paragraphs[0] if first else footer.add_paragraph()
        first = False
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(safe(line))
        run.font.color.rgb = MUTED
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
