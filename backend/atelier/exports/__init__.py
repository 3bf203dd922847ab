"""Exports of a board (report, action sheets, notes, board.json): pure functions from state to bytes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..domain.model import BoardState
from .board import board_json
from .notes import notes_csv, notes_xlsx
from .report import report_html, report_md, report_odt, report_pdf
from .sheets import (
    programme_docx,
    programme_md,
    programme_odt,
    programme_pdf,
    sheets_docx,
    sheets_md,
    sheets_odt,
    sheets_pdf,
)

ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MARKDOWN = "text/markdown; charset=utf-8"
PDF = "application/pdf"


@dataclass(frozen=True)
class Export:
    media_type: str
    write: Callable[[BoardState, str, int], bytes]
    inline: bool = False  # shown in the browser (the printable report) rather than downloaded


EXPORTS: dict[str, Export] = {
    "report.pdf": Export(PDF, report_pdf),
    "report.md": Export(MARKDOWN, report_md),
    "report.odt": Export(ODT, report_odt),
    "report.html": Export("text/html; charset=utf-8", report_html, inline=True),
    "sheets.pdf": Export(PDF, sheets_pdf),
    "sheets.odt": Export(ODT, sheets_odt),
    "sheets.docx": Export(DOCX, sheets_docx),
    "sheets.md": Export(MARKDOWN, sheets_md),
    "notes.csv": Export("text/csv; charset=utf-8", notes_csv),
    "notes.xlsx": Export(XLSX, notes_xlsx),
    "board.json": Export("application/json", board_json),
}


@dataclass(frozen=True)
class ProgrammeExport:
    media_type: str
    write: Callable[[str, list[BoardState], str, int], bytes]


PROGRAMME_EXPORTS: dict[str, ProgrammeExport] = {
    "sheets.pdf": ProgrammeExport(PDF, programme_pdf),
    "sheets.odt": ProgrammeExport(ODT, programme_odt),
    "sheets.docx": ProgrammeExport(DOCX, programme_docx),
    "sheets.md": ProgrammeExport(MARKDOWN, programme_md),
}

__all__ = ["EXPORTS", "PROGRAMME_EXPORTS", "Export", "ProgrammeExport"]
