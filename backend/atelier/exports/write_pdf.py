"""The PDF writer (reportlab's platypus): what goes to partners and elected officials as it is.

reportlab is pure Python with wheels for every platform (`pip install .` and nothing else), lays out
flowing text with page templates, and writes outlines, document language and metadata. Its tagged-PDF
structure is not available in the open-source edition: the document is made navigable by its outline
(one bookmark per heading, so per sheet), its title shown in the viewer's title bar and its language.

The fonts are DejaVu Sans (regular and bold) shipped under `fonts/`, cut down to the Latin, Greek and
Cyrillic alphabets, punctuation and the common symbols (see fonts/README.md): reportlab's own
standard fonts cover only Latin-1-ish encodings, and a name such as « Łukasz Nguyễn » must print.
"""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer, TableStyle
from reportlab.platypus import PageBreak as PdfPageBreak
from reportlab.platypus import Table as PdfTable

from .document import Bullets, Document, Fields, Heading, PageBreak, Para, Table, column_shares, safe
from .labels import page_parts

FONTS = Path(__file__).parent / "fonts"
REGULAR, BOLD = "AtelierSans", "AtelierSans-Bold"
MARGIN = 2 * cm
TEXT_WIDTH = A4[0] - 2 * MARGIN
FRAME_HEIGHT = A4[1] - 2 * MARGIN
LABEL_WIDTH = TEXT_WIDTH / 3
MUTED = colors.HexColor("#4a4a4a")
RULE = colors.HexColor("#808080")
SURFACE = colors.HexColor("#f0f0ec")
PADDING = 4
TOTAL = "AtelierPageCount"


@cache
def _fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


@cache
def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13.5, spaceAfter=5)
    # Each heading level its own size, kept with what follows it.
    sizes = {0: 18, 1: 15, 2: 12.5, 3: 11, 4: 10.5}
    styles = {
        f"h{level}": ParagraphStyle(
            f"h{level}",
            parent=body,
            fontName=BOLD,
            fontSize=size,
            leading=size * 1.25,
            spaceBefore=size * 0.9 if level else 0,
            spaceAfter=size * 0.45,
            keepWithNext=1,
        )
        for level, size in sizes.items()
    }
    styles["body"] = body
    styles["muted"] = ParagraphStyle("muted", parent=body, textColor=MUTED)
    # A note under a heading (a sheet's origin) stays with what follows, as the heading does.
    styles["kept"] = ParagraphStyle("kept", parent=styles["muted"], keepWithNext=1)
    styles["bullet"] = ParagraphStyle("bullet", parent=body, leftIndent=14, bulletIndent=3, spaceAfter=4)
    styles["cell"] = ParagraphStyle("cell", parent=body, spaceAfter=4)
    styles["label"] = ParagraphStyle("label", parent=styles["cell"], fontName=BOLD)
    styles["small"] = ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=MUTED, spaceAfter=0)
    styles["footer"] = ParagraphStyle("footer", parent=styles["small"], alignment=TA_CENTER)
    return styles


def _markup(text: str) -> str:
    """Someone's text as reportlab's paragraph markup: escaped, each newline a line break."""
    return "<br/>".join(escape(line) for line in safe(text).split("\n"))


def _paragraphs(text: str, style: ParagraphStyle) -> list[Paragraph]:
    """One Paragraph per paragraph of the text (blank lines apart), so a long cell can be cut between them."""
    chunks = [chunk.strip("\n") for chunk in safe(text).split("\n\n")]
    return [Paragraph(_markup(chunk), style) for chunk in chunks if chunk.strip()] or [Paragraph("", style)]


class _Heading(Paragraph):
    """A heading that leaves a bookmark: the outline lists every section and every sheet."""

    def __init__(self, text: str, level: int, style: ParagraphStyle) -> None:
        super().__init__(_markup(text), style)
        self.outline_text = safe(text).replace("\n", " ")
        self.outline_level = level


def _fit(cells: list[list[Paragraph]], widths: list[float], limit: float) -> list[list[list[Paragraph]]]:
    """The row as it is, or cut into rows no taller than `limit` when it is taller than a page.

    Rows never split across pages (the table moves them whole); only a row that could not fit on any
    page is cut, line by line, so that nothing is lost and the export never fails."""

    def height(flowables: list[Paragraph], width: float) -> float:
        return sum(f.wrap(width - 2 * PADDING, 1e6)[1] + f.getSpaceAfter() for f in flowables) + 2 * PADDING

    if max(height(c, w) for c, w in zip(cells, widths, strict=True)) <= limit:
        return [cells]
    queues = [list(c) for c in cells]
    rows: list[list[list[Paragraph]]] = []
    while any(queues):
        row: list[list[Paragraph]] = []
        for queue, width in zip(queues, widths, strict=True):
            taken: list[Paragraph] = []
            room = limit - 2 * PADDING
            while queue:
                first = queue[0]
                need = first.wrap(width - 2 * PADDING, 1e6)[1]
                if need <= room:
                    taken.append(queue.pop(0))
                    room -= need + first.getSpaceAfter()
                    continue
                parts = first.split(width - 2 * PADDING, room)
                if len(parts) == 2 and room > 0:
                    taken.append(parts[0])
                    queue[0] = parts[1]
                elif not taken:  # not even one line fits: should not happen with a page-sized limit
                    taken.append(queue.pop(0))
                break
            row.append(taken or [Paragraph("", _styles()["cell"])])
        rows.append(row)
    return rows


def _table(
    header: tuple[str, ...] | None, rows: list[tuple[str, ...]], widths: list[float]
) -> PdfTable:
    styles = _styles()
    data: list[list[Any]] = []
    limit = FRAME_HEIGHT * 0.85
    if header:
        data.append([[Paragraph(_markup(h), styles["label"])] for h in header])
    for values in rows:
        cells = [
            _paragraphs(text, styles["label"] if header is None and i == 0 else styles["cell"])
            for i, text in enumerate(values)
        ]
        data += _fit(cells, widths, limit)
    table = PdfTable(data, colWidths=widths, repeatRows=1 if header else 0, splitByRow=1, splitInRow=0)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *((name, (0, 0), (-1, -1), PADDING) for name in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING")),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PADDING + 1),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SURFACE))
    else:
        commands.append(("BACKGROUND", (0, 0), (0, -1), SURFACE))
    table.setStyle(TableStyle(commands))
    table.spaceAfter = 8
    return table


def _widths(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[float]:
    return [TEXT_WIDTH * share for share in column_shares(header, rows)]


def _flowables(doc: Document) -> list[Flowable]:
    styles = _styles()
    out: list[Flowable] = [_Heading(doc.title, 0, styles["h0"])]
    for block in doc.blocks:
        match block:
            case Heading(level, text):
                out.append(_Heading(text, level, styles[f"h{min(level, 4)}"]))
            case Para(text, muted):
                after_heading = muted and isinstance(out[-1], _Heading)
                out += _paragraphs(text, styles["kept" if after_heading else "muted" if muted else "body"])
            case Bullets(items):
                for item in items:
                    first, *rest = _paragraphs(item, styles["bullet"])
                    out.append(Paragraph(first.text, styles["bullet"], bulletText="•"))
                    out += rest
            case Table(header, rows):
                out.append(_table(header, list(rows), _widths(header, list(rows))))
            case Fields(pairs):
                out.append(_table(None, list(pairs), [LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH]))
            case PageBreak():
                out.append(PdfPageBreak())
    if doc.footer:
        out.append(Spacer(1, 12))
        out += [Paragraph(_markup(line), styles["small"]) for line in doc.footer]
    return out


class _Template(BaseDocTemplate):
    """A4, 2 cm margins, the running header on every page; bookmarks left by the headings."""

    def __init__(self, out: io.BytesIO, doc: Document) -> None:
        super().__init__(
            out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
            title=safe(doc.title), author="Atelier", subject=safe(doc.subject or doc.title), creator="Atelier",
            lang="en-GB" if doc.lang == "en" else "fr-FR", displayDocTitle=1,
        )  # fmt: skip
        self.source = doc
        self._outline_levels: list[int] = []
        frame = Frame(MARGIN, MARGIN, TEXT_WIDTH, FRAME_HEIGHT, id="text", leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0)  # fmt: skip
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._header)])

    def _header(self, canvas: Canvas, _doc: object) -> None:
        styles = _styles()
        canvas.saveState()
        if self.source.header:
            header = Paragraph(_markup(self.source.header), styles["small"])
            _, height = header.wrap(TEXT_WIDTH, MARGIN)
            top = A4[1] - MARGIN * 0.5
            header.drawOn(canvas, MARGIN, top - height)
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.5)
            canvas.line(MARGIN, top - height - 3, A4[0] - MARGIN, top - height - 3)
        # « page N / M »: M is a form drawn once the last page is known (see _canvas_maker), so the
        # document is laid out once.
        before, middle, _ = page_parts(self.source.lang)
        canvas.setFont(REGULAR, 8)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(A4[0] / 2, MARGIN * 0.5, f"{before}{canvas.getPageNumber()}{middle}")
        canvas.saveState()
        canvas.translate(A4[0] / 2, MARGIN * 0.5)
        canvas.doForm(TOTAL)
        canvas.restoreState()
        canvas.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, _Heading):
            return
        # An outline level may go at most one deeper than the one before it.
        level = flowable.outline_level
        previous = self._outline_levels[-1] if self._outline_levels else -1
        level = min(level, previous + 1)
        self._outline_levels.append(level)
        key = f"h{len(self._outline_levels)}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(flowable.outline_text, key, level=level, closed=level > 1)


def _canvas_maker(doc: Document) -> type[Canvas]:
    created = doc.created_ms / 1000 if doc.created_ms else time.time()
    after = page_parts(doc.lang)[2]

    class DatedCanvas(Canvas):
        """Dated when the export was asked for (the server's clock), bookmarks shown on opening, the
        page count written last (a form every page refers to)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            stamp = self._doc._timeStamp
            moment = datetime.fromtimestamp(created, tz=UTC)
            stamp.t, stamp.lt = created, moment.timetuple()
            stamp.YMDhms = moment.timetuple()[:6]
            stamp.dhh = stamp.dmm = 0
            self.showOutline()
            self.pages = 0

        def showPage(self) -> None:
            self.pages += 1
            super().showPage()

        def save(self) -> None:
            self.beginForm(TOTAL)
            self.setFont(REGULAR, 8)
            self.setFillColor(MUTED)
            self.drawString(0, 0, f"{self.pages}{after}")
            self.endForm()
            super().save()

    return DatedCanvas


def render(doc: Document) -> bytes:
    out = io.BytesIO()
    _Template(out, doc).build(_flowables(doc), canvasmaker=_canvas_maker(doc))
    return out.getvalue()
