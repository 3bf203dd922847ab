"""Every note as a spreadsheet: CSV that French spreadsheet software opens as is, and XLSX."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..domain.model import BoardState
from .document import safe
from .labels import COLOURS, date_text, lang_of, participant_name, phase_name, word

HEADERS = {
    "fr": ("id", "texte", "couleur", "phase", "question", "auteur", "pour", "groupe", "votes", "présentée", "créée le"),
    "en": ("id", "text", "colour", "phase", "question", "author", "for", "group", "votes", "presented", "created"),
}
WIDTHS = (24, 60, 10, 14, 40, 20, 20, 30, 8, 10, 26)
WRAPPED = (1, 4)  # the note and its question: long texts, shown on several lines

# A cell starting with one of these is run as a formula by spreadsheet software (CSV injection);
# a leading apostrophe makes it plain text, which is what every spreadsheet shows it as anyway.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int


def neutralise(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_START) else value


def rows(state: BoardState, lang: str) -> list[list[Cell]]:
    """One row per note, oldest first, every text cell cleaned and neutralised."""
    lang = lang_of(lang)
    tallies = state.tallies()
    out: list[list[Cell]] = []
    for note in sorted(state.notes.values(), key=lambda n: (n.created_ms, n.id)):
        group = state.groups.get(note.group) if note.group else None
        values: list[Cell] = [
            note.id,
            note.text,
            COLOURS[lang].get(note.color, note.color),
            phase_name(note.phase, lang),
            note.question,
            # The anonymity promised to participants holds in exports too: a note written anonymously
            # keeps its author hidden. "for" is shown, as on the board: a facilitator typed it openly.
            "" if note.anonymous else participant_name(state, note.author),
            note.for_ or "",
            group.title if group else "",
            tallies.get(note.id, 0),
            word(lang, "yes" if note.presented else "no"),
            date_text(note.created_ms, lang),
        ]
        out.append([neutralise(safe(v)) if isinstance(v, str) else v for v in values])
    return out


def notes_csv(state: BoardState, lang: str, now_ms: int) -> bytes:
    """UTF-8 with a BOM (how Excel recognises UTF-8), `;` between cells (the decimal comma takes
    `,` in French locales) and CRLF line ends, as spreadsheet software expects."""
    lang = lang_of(lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADERS[lang])
    writer.writerows(rows(state, lang))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def notes_xlsx(state: BoardState, lang: str, now_ms: int) -> bytes:
    lang = lang_of(lang)
    # Write-only: rows stream out instead of building a grid of cell objects (a 5000-note board).
    book = Workbook(write_only=True)
    sheet = book.create_sheet(word(lang, "notes"))
    for col, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in HEADERS[lang]:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    for values in rows(state, lang):
        cells: list[object] = []
        for col, value in enumerate(values):
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                # openpyxl would store a value starting with "=" as a formula: text stays text.
                cell.data_type = "s"
                if col in WRAPPED:
                    cell.alignment = wrap
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
