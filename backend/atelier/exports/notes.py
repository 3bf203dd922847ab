"""Every note as a spreadsheet: CSV that French spreadsheet software opens as is, and XLSX that sorts,
filters and prints (A4 landscape) without rework."""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from ..domain.model import BoardState
from .document import safe
from .labels import COLOURS, author_name, lang_of, local_time, origin, phase_name, word

# Human columns first, in the order one reads a note; the id, for tools, last.
HEADERS = {
    "fr": ("phase", "question", "texte", "couleur", "groupe", "gommettes", "auteur", "pour", "présentée",
           "créée le", "id"),
    "en": ("phase", "question", "text", "colour", "group", "dots", "author", "for", "presented", "created", "id"),
}  # fmt: skip
WIDTHS = (14, 24, 48, 9, 16, 13, 14, 12, 12, 16, 22)
CREATED = 9
PRINTED = 10  # the id column is left out of the printed page
DATE_FORMATS = {"fr": "dd/mm/yyyy hh:mm", "en": "yyyy-mm-dd hh:mm"}
LINE_HEIGHT = 15.0  # points per line of 11 pt text, Excel's and LibreOffice's default row height
# A CSV cell starting with one of these is run as a formula by spreadsheet software (CSV injection);
# a leading apostrophe makes it plain text. XLSX cells are typed as text instead: no apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | datetime


def neutralise(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_START) else value


def rows(state: BoardState, lang: str) -> list[list[Cell]]:
    """One row per note, oldest first, text cleaned; created as a Paris wall-clock date-time."""
    lang = lang_of(lang)
    tallies = state.tallies()
    out: list[list[Cell]] = []
    for note in sorted(state.notes.values(), key=lambda n: (n.created_ms, n.id)):
        group = state.groups.get(note.group) if note.group else None
        values: list[Cell] = [
            phase_name(note.phase, lang),
            note.question,
            note.text,
            COLOURS[lang].get(note.color, note.color),
            group.title if group else "",
            tallies.get(note.id, 0),
            # "for" is shown, as on the board: a facilitator typed it openly.
            author_name(state, note, lang),
            note.for_ or "",
            word(lang, "yes" if note.presented else "no"),
            # Spreadsheets have no time zones: the time as the room's clocks showed it.
            local_time(note.created_ms).replace(tzinfo=None, microsecond=0),
            note.id,
        ]
        out.append([safe(v) if isinstance(v, str) else v for v in values])
    return out


def notes_csv(state: BoardState, lang: str, now_ms: int) -> bytes:
    """UTF-8 with a BOM (how Excel recognises UTF-8), `;` between cells (the decimal comma takes
    `,` in French locales) and CRLF line ends, as spreadsheet software expects. Dates are ISO 8601,
    which every spreadsheet reads as a date-time whatever its locale."""
    lang = lang_of(lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADERS[lang])
    for row in rows(state, lang):
        cells = [v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else v for v in row]
        writer.writerow([neutralise(v) if isinstance(v, str) else v for v in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _lines(text: str, width: float) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide (a slight over-estimate:
    a line cut short costs white space, one too few hides text on paper)."""
    per_line = max(1, int(width) - 1)
    return sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))


def notes_xlsx(state: BoardState, lang: str, now_ms: int) -> bytes:
    lang = lang_of(lang)
    book = Workbook()
    sheet = book.active
    sheet.title = word(lang, "notes")[:31]
    headers = HEADERS[lang]
    sheet.append(list(headers))
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font, cell.alignment = bold, wrap
    for r, values in enumerate(rows(state, lang), 2):
        lines = 1
        for c, value in enumerate(values):
            cell = sheet.cell(row=r, column=c + 1, value=value)
            if isinstance(value, str):
                # openpyxl would store a value starting with "=" as a formula: text stays text.
                cell.data_type = "s"
                if c < PRINTED:  # the id is not printed: it sets no height
                    lines = max(lines, _lines(value, WIDTHS[c]))
            elif c == CREATED:
                cell.number_format = DATE_FORMATS[lang]
            cell.alignment = wrap
        # Neither Excel nor LibreOffice grows a row for wrapped text it did not lay out itself:
        # without a written height every row prints 15 pt high and wrapped lines overprint.
        sheet.row_dimensions[r].height = LINE_HEIGHT * lines + 2
    for c, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    last = max(sheet.max_row, 1)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"
    # Printed: A4 landscape, as wide as the page, the header row on every page, numbered pages.
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"
    sheet.print_area = f"A1:{get_column_letter(PRINTED)}{last}"
    margin = 2 / 2.54  # 2 cm, in inches
    sheet.page_margins.left = sheet.page_margins.right = margin
    sheet.page_margins.top = sheet.page_margins.bottom = margin
    sheet.page_margins.header = sheet.page_margins.footer = 0.8 / 2.54
    sheet.oddHeader.left.text = _header_text(f"{word(lang, 'notes')} — {origin(state, lang)}")
    sheet.oddHeader.left.size = 9
    sheet.oddFooter.center.text = word(lang, "page", page="&P", pages="&N")
    sheet.oddFooter.center.size = 9
    book.properties.creator = book.properties.lastModifiedBy = "Atelier"
    book.properties.title = safe(f"{word(lang, 'notes')} — {state.title}")
    book.properties.language = "en-GB" if lang == "en" else "fr-FR"
    created = datetime.fromtimestamp(now_ms / 1000, tz=UTC).replace(tzinfo=None)
    book.properties.created = book.properties.modified = created
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header_text(text: str) -> str:
    # "&" starts a code in a header; it is doubled to print as itself.
    return safe(text).replace("\n", " ").replace("&", "&&")[:200]
