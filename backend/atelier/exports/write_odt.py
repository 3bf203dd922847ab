"""The OpenDocument text writer (odfdo): what LibreOffice and most French administrations open."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from odfdo import Document as OdfDocument
from odfdo import Element, Paragraph, Style

from .document import Bullets, Document, Fields, Heading, PageBreak, Para, Table, column_shares, safe
from .labels import page_parts

STRONG = "AtelierStrong"
MUTED = "AtelierMuted"
BREAK = "AtelierBreak"
CELL = "AtelierCell"
TABLE = "AtelierTable"
LABEL_COLUMN = "AtelierLabelColumn"
TEXT_COLUMN = "AtelierTextColumn"
BULLETS = "AtelierBullets"
FOOTER = "AtelierFooter"
HEADER = "AtelierHeader"
ROW = "AtelierRow"
# The template's headings 2 and 3 are both 14 pt: each level gets its own size (title first).
HEADING_SIZES = {1: "20pt", 2: "16pt", 3: "13pt", 4: "11.5pt", 5: "11pt", 6: "11pt"}
# A table row is read as a whole: it moves to the next page rather than split (LibreOffice still
# splits a row taller than a page, which is the only way to show it).
_ROW = (
    f'<style:style style:name="{ROW}" style:family="table-row">'
    '<style:table-row-properties fo:keep-together="always"/></style:style>'
)

_BULLETS = (
    f'<text:list-style style:name="{BULLETS}"><text:list-level-style-bullet text:level="1" text:bullet-char="•">'
    '<style:list-level-properties text:list-level-position-and-space-mode="label-alignment">'
    '<style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.635cm" '
    'fo:text-indent="-0.635cm" fo:margin-left="0.635cm"/></style:list-level-properties>'
    "</text:list-level-style-bullet></text:list-style>"
)


def _styles(doc: OdfDocument) -> None:
    # Paragraph and list styles are common ones: the page footer lives in styles.xml and may only use
    # those. Table styles are automatic (in content.xml), the only place LibreOffice reads them from.
    footer = Style("paragraph", name=FOOTER, area="text", color="#4a4a4a", size="9pt")
    footer.set_properties(area="paragraph", properties={"fo:text-align": "center"})
    header = Style("paragraph", name=HEADER, area="text", color="#4a4a4a", size="9pt")
    header.set_properties(
        area="paragraph",
        properties={"fo:border-bottom": "0.5pt solid #808080", "fo:padding-bottom": "0.1cm"},
    )
    for style in (
        header,
        Style("paragraph", name=STRONG, area="text", bold=True),
        Style("paragraph", name=MUTED, area="text", italic=True, color="#4a4a4a"),
        Style("paragraph", name=BREAK, break_before="page"),
        footer,
        Element.from_tag(_BULLETS),
    ):
        doc.insert_style(style, automatic=False)
    for style in (
        Style("table", name=TABLE, width="17cm", align="margins"),
        Style("table-cell", name=CELL, border="0.5pt solid #808080", padding="0.1cm"),
        Style("table-column", name=LABEL_COLUMN, width="5cm"),
        Style("table-column", name=TEXT_COLUMN, width="12cm"),
        Element.from_tag(_ROW),
    ):
        doc.insert_style(style, automatic=True)
    for level in range(2, 7):
        broken = Style("paragraph", name=f"{BREAK}H{level}", parent_style=f"Heading_20_{level}", break_before="page")
        doc.insert_style(broken, automatic=True)
    for level, size in HEADING_SIZES.items():
        heading = doc.get_style("paragraph", f"Heading_20_{level}")
        if heading is not None:
            heading.set_properties(area="text", properties={
                "fo:font-size": size, "style:font-size-asian": size, "style:font-size-complex": size,
                "fo:font-style": "normal", "style:font-style-asian": "normal", "style:font-style-complex": "normal",
            })  # fmt: skip
    # Room between the running header and the text, and above the footer.
    layout = doc.get_style("page-layout", "Mpm1")
    if layout is not None:
        for kind, side in (("header", "bottom"), ("footer", "top")):
            area = layout.get_element(f"style:{kind}-style")
            if area is None:
                area = Element.from_tag(f"<style:{kind}-style/>")
                layout.append(area)
            area.clear()
            area.append(Element.from_tag(f'<style:header-footer-properties fo:margin-{side}="0.4cm"/>'))
    # The template numbers headings (1., 1.1., ...): a report reads better without.
    outline = doc.styles.get_element("//text:outline-style")
    if outline is not None:
        for level in outline.get_elements("text:outline-level-style"):
            level.set_attribute("style:num-format", "")
            for name in ("style:num-suffix", "loext:num-list-format"):
                if level.get_attribute(name) is not None:
                    level.del_attribute(name)


# --- inline text ------------------------------------------------------------------------------------
# The body's XML is written here as text (see _with_body); odfdo makes the styles, footer and metadata.

_SPACES = re.compile(r"^ +|(?<= ) +")


def _spaces(text: str) -> str:
    """ODF collapses runs of spaces and drops leading ones: keep them as <text:s/>."""
    return _SPACES.sub(lambda m: f'<text:s text:c="{len(m.group())}"/>', text)


def _inline(text: str) -> str:
    lines = []
    for line in safe(text).split("\n"):
        lines.append("<text:tab/>".join(_spaces(escape(chunk)) for chunk in line.split("\t")))
    return "<text:line-break/>".join(lines)


def _p(text: str, style: str | None = None) -> str:
    styled = f' text:style-name="{style}"' if style else ""
    return f"<text:p{styled}>{_inline(text)}</text:p>"


def _table(name: str, columns: str, header: tuple[str, ...] | None, rows: list[tuple[str, ...]]) -> str:
    def row(values: tuple[str, ...], strong: bool) -> str:
        cells = "".join(
            f'<table:table-cell table:style-name="{CELL}" office:value-type="string">'
            # In a labelled table (no header) the first column names the field: set it in bold.
            f"{_p(text, STRONG if strong or (header is None and i == 0) else None)}</table:table-cell>"
            for i, text in enumerate(values)
        )
        return f'<table:table-row table:style-name="{ROW}">{cells}</table:table-row>'

    # Header rows repeat at the top of each page a table runs onto.
    head = f"<table:table-header-rows>{row(header, True)}</table:table-header-rows>" if header else ""
    body = "".join(row(values, False) for values in rows)
    return f'<table:table table:name="{name}" table:style-name="{TABLE}">{columns}{head}{body}</table:table>'


def _column_style(number: int, i: int) -> str:
    return f"AtelierCol{number}_{i}"


def _block(block: Heading | Para | Bullets | Table | Fields, number: int, *, page_break: bool = False) -> str:
    match block:
        case Heading(level, text):
            level = min(level + 1, 6)
            # A heading after a page break carries the break itself: no empty line opens the page.
            style = f"{BREAK}H{level}" if page_break else f"Heading_20_{level}"
            return f'<text:h text:outline-level="{level}" text:style-name="{style}">{_inline(text)}</text:h>'
        case Para(text, muted):
            return _p(text, MUTED if muted else None)
        case Bullets(items):
            entries = "".join(f"<text:list-item>{_p(item)}</text:list-item>" for item in items)
            return f'<text:list text:style-name="{BULLETS}">{entries}</text:list>'
        case Table(header, rows):
            columns = "".join(
                f'<table:table-column table:style-name="{_column_style(number, i)}"/>' for i in range(len(header))
            )
            return _table(f"Table{number}", columns, header, list(rows))
        case Fields(pairs):
            columns = (
                f'<table:table-column table:style-name="{LABEL_COLUMN}"/>'
                f'<table:table-column table:style-name="{TEXT_COLUMN}"/>'
            )
            return _table(f"Table{number}", columns, None, list(pairs))
    raise TypeError(type(block).__name__)


_OFFICE_TEXT = re.compile(r"<office:text\b[^>]*/>|<office:text\b[^>]*>.*?</office:text>", re.DOTALL)


def _with_body(package: bytes, body: str) -> bytes:
    """The package with `body` as the text of content.xml.

    Moving elements into odfdo's tree one by one costs time that grows faster than the document
    (a 5000-note report took minutes): the body is written as one string into the saved package
    instead, every other part as odfdo made it. The mimetype entry stays first and uncompressed."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "content.xml":
                content, found = _OFFICE_TEXT.subn(lambda _: f"<office:text>{body}</office:text>", data.decode(), 1)
                if found != 1:
                    raise RuntimeError("content.xml has no office:text")
                data = content.encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


def _page_number(doc: Document) -> Element:
    """« page N / M » with the page number and count as fields, filled in by the reader."""
    before, middle, after = page_parts(doc.lang)
    return Element.from_tag(
        f'<text:p text:style-name="{FOOTER}">{escape(before)}'
        f'<text:page-number text:select-page="current">1</text:page-number>{escape(middle)}'
        f"<text:page-count>1</text:page-count>{escape(after)}</text:p>"
    )


def _metadata(odf: OdfDocument, doc: Document) -> None:
    """What a file manager and a document management system show: by Atelier, titled, dated now."""
    created = datetime.fromtimestamp(doc.created_ms / 1000, tz=UTC)  # written with its "Z"
    meta = odf.meta
    meta.set_title(safe(doc.title))
    meta.set_subject(safe(doc.subject or doc.title))
    meta.set_language("en-GB" if doc.lang == "en" else "fr-FR")
    meta.set_initial_creator("Atelier")
    meta.set_creator("Atelier")
    meta.set_generator("Atelier")
    meta.set_creation_date(created)
    meta.set_modification_date(created)
    meta.set_editing_cycles(1)


def render(doc: Document) -> bytes:
    odf = OdfDocument("text")
    odf.body.clear()
    _styles(odf)
    master = odf.get_style("master-page", "Standard")
    if master is not None:
        if doc.header:
            master.set_page_header([Paragraph(safe(doc.header), style=HEADER)])
        master.set_page_footer([_page_number(doc), *(Paragraph(safe(line), style=FOOTER) for line in doc.footer)])
    odf.set_language("en-GB" if doc.lang == "en" else "fr-FR")
    _metadata(odf, doc)
    for number, block in enumerate(doc.blocks, 1):
        if isinstance(block, Table):
            for i, share in enumerate(column_shares(block.header, block.rows)):
                width = f"{17 * share:.2f}cm"  # the text area of A4 with 2 cm margins
                odf.insert_style(Style("table-column", name=_column_style(number, i), width=width), automatic=True)
    parts = [_block(Heading(0, doc.title), 0)]
    pending_break = False
    for number, block in enumerate(doc.blocks, 1):
        if isinstance(block, PageBreak):
            pending_break = True
            continue
        if pending_break and not isinstance(block, Heading):
            # A page break is a property of the next paragraph: carry it by an empty one before it.
            parts.append(f'<text:p text:style-name="{BREAK}"/>')
            pending_break = False
        parts.append(_block(block, number, page_break=pending_break))
        pending_break = False
    out = io.BytesIO()
    odf.save(out)
    return _with_body(out.getvalue(), "".join(parts))
