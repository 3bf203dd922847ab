"""notes.csv and notes.xlsx: what a French spreadsheet opens, with no formula ever run and anonymity kept."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl
import pytest

from atelier.exports.notes import HEADERS, neutralise, notes_csv, notes_xlsx, rows
from tests.unit.exports_workshop import FAC, FORMULA_NOTES, MIXED_NOTE, workshop


@pytest.mark.parametrize("text", ["=1+1", "+33 6", "-1", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\")"])
def test_a_formula_like_cell_gets_a_leading_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["", "a=b", "1+1", "é", "'déjà cité", " =x"])
def test_other_cells_are_left_alone(text: str) -> None:
    assert neutralise(text) == text


def parse_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8")[1:]
    assert text.endswith("\r\n")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


# Columns: phase, question, text, colour, group, dots, author, for, presented, created, id.
PHASE, QUESTION, TEXT, COLOUR, GROUP, DOTS, AUTHOR, FOR, PRESENTED, CREATED, ID = range(11)


def _csv_cell(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return neutralise(value) if isinstance(value, str) else str(value)


def test_csv_is_utf8_with_bom_semicolons_and_crlf_and_round_trips() -> None:
    w = workshop()
    data = notes_csv(w.state, "fr", w.now)
    parsed = parse_csv(data)
    assert parsed[0] == list(HEADERS["fr"])
    assert parsed[1:] == [[_csv_cell(cell) for cell in row] for row in rows(w.state, "fr")]
    # Every record ends with CRLF; the newline inside the mixed note stays inside its quoted cell.
    assert data.decode("utf-8").count("\r\n") == len(parsed)
    texts = [row[TEXT] for row in parsed[1:]]
    assert MIXED_NOTE in texts
    assert [t for t in texts if t.startswith("'")] == ["'" + t for t in FORMULA_NOTES]


def test_csv_never_starts_a_cell_with_a_formula_character() -> None:
    w = workshop()
    w.do(FAC, "group.create", {"title": "=cmd|' /C calc'!A0", "note_ids": [next(iter(w.state.notes))]})
    for row in parse_csv(notes_csv(w.state, "fr", w.now))[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert any(row[GROUP] == "'=cmd|' /C calc'!A0" for row in parse_csv(notes_csv(w.state, "fr", w.now)))


def test_notes_written_anonymously_keep_their_author_hidden() -> None:
    hidden = {row[TEXT]: row for row in parse_csv(notes_csv(workshop().state, "fr", 0))[1:]}
    assert {row[AUTHOR] for text, row in hidden.items() if text != "Un numéro vert"} == {"Anonyme"}
    # A facilitator's note is never anonymous, on the board or in the export; "for" is shown as on the board.
    assert hidden["Un numéro vert"][AUTHOR : FOR + 1] == ["Claire", "Mme Martin"]
    shown = {row[TEXT]: row for row in parse_csv(notes_csv(workshop(anonymous=False).state, "fr", 0))[1:]}
    assert shown[MIXED_NOTE][AUTHOR] == "Léa"
    english = {row[TEXT]: row for row in parse_csv(notes_csv(workshop().state, "en", 0))[1:]}
    assert english[MIXED_NOTE][AUTHOR] == "Anonymous"


def test_lifting_anonymity_later_names_the_authors_in_the_export_too() -> None:
    w = workshop()
    w.do(FAC, "board.configure", {"settings": {"anonymous": False}})
    rows_ = {row[TEXT]: row for row in parse_csv(notes_csv(w.state, "fr", 0))[1:]}
    assert rows_[MIXED_NOTE][AUTHOR] == "Léa" and rows_["'=SUM(A1)"][AUTHOR] == "Jean"


def test_columns_hold_translated_values_and_a_paris_date_time() -> None:
    w = workshop()
    by_text = {row[TEXT]: row for row in parse_csv(notes_csv(w.state, "fr", w.now))[1:]}
    mixed = by_text[MIXED_NOTE]
    assert [mixed[PHASE], mixed[COLOUR]] == ["Divergence", "bleu"]
    assert mixed[QUESTION] == "Comment aller vers les publics ?"
    assert [mixed[DOTS], mixed[PRESENTED]] == ["3", "oui"]
    assert by_text["Des permanences en mairie"][GROUP] == "Permanences"
    assert by_text["'=SUM(A1)"][CREATED] == "2025-11-28 15:44"  # 14:44 UTC, in Paris time
    english = parse_csv(notes_csv(w.state, "en", w.now))
    assert english[0] == list(HEADERS["en"])
    assert {row[TEXT]: row for row in english[1:]}[MIXED_NOTE][COLOUR] == "blue"


def test_xlsx_holds_the_csv_cells_as_typed_cells_without_the_apostrophe() -> None:
    w = workshop()
    book = openpyxl.load_workbook(io.BytesIO(notes_xlsx(w.state, "fr", w.now)))
    sheet = book.active
    assert sheet.title == "Post-its"
    cells = [[_csv_cell(c.value) if c.value is not None else "" for c in row] for row in sheet.iter_rows()]
    assert cells == parse_csv(notes_csv(w.state, "fr", w.now))
    assert all(cell.font.bold for cell in sheet[1])
    for row in sheet.iter_rows(min_row=2):
        assert row[TEXT].data_type == "s" and not row[TEXT].value.startswith("'")  # text, never a formula
        assert isinstance(row[DOTS].value, int)  # dots stay numbers a spreadsheet can sum
        assert isinstance(row[CREATED].value, datetime)  # a date-time a spreadsheet can sort
    assert sheet.freeze_panes == "A2"


def test_characters_xml_cannot_hold_are_dropped_rather_than_failing_the_export() -> None:
    w = workshop()
    # Group titles are not cleaned on input like note texts: a stray control character can reach them.
    w.do(FAC, "group.create", {"title": "Bel\x07le idée", "note_ids": [next(iter(w.state.notes))]})
    sheet = openpyxl.load_workbook(io.BytesIO(notes_xlsx(w.state, "fr", w.now))).active
    assert "Belle idée" in [row[GROUP].value for row in sheet.iter_rows(min_row=2)]
