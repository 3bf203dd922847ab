"""notes.csv and notes.xlsx: what a French spreadsheet opens, with no formula ever run and anonymity kept."""

from __future__ import annotations

import csv
import io

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


def test_csv_is_utf8_with_bom_semicolons_and_crlf_and_round_trips() -> None:
    w = workshop()
    data = notes_csv(w.state, "fr", w.now)
    parsed = parse_csv(data)
    assert parsed[0] == list(HEADERS["fr"])
    assert parsed[1:] == [[str(cell) for cell in row] for row in rows(w.state, "fr")]
    # Every record ends with CRLF; the newline inside the mixed note stays inside its quoted cell.
    assert data.decode("utf-8").count("\r\n") == len(parsed)
    texts = [row[1] for row in parsed[1:]]
    assert MIXED_NOTE in texts
    assert [t for t in texts if t.startswith("'")] == ["'" + t for t in FORMULA_NOTES]


def test_csv_never_starts_a_cell_with_a_formula_character() -> None:
    w = workshop()
    w.do(FAC, "group.create", {"title": "=cmd|' /C calc'!A0", "note_ids": [next(iter(w.state.notes))]})
    for row in parse_csv(notes_csv(w.state, "fr", w.now))[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert any(row[7] == "'=cmd|' /C calc'!A0" for row in parse_csv(notes_csv(w.state, "fr", w.now)))


def test_notes_written_anonymously_keep_their_author_hidden() -> None:
    hidden = {row[1]: row for row in parse_csv(notes_csv(workshop().state, "fr", 0))[1:]}
    assert {row[5] for text, row in hidden.items() if text != "Un numéro vert"} == {""}
    # A facilitator's note is never anonymous, on the board or in the export; "for" is shown as on the board.
    assert hidden["Un numéro vert"][5:7] == ["Claire", "Mme Martin"]
    shown = {row[1]: row for row in parse_csv(notes_csv(workshop(anonymous=False).state, "fr", 0))[1:]}
    assert shown[MIXED_NOTE][5] == "Léa"


def test_lifting_anonymity_later_names_the_authors_in_the_export_too() -> None:
    w = workshop()
    w.do(FAC, "board.configure", {"settings": {"anonymous": False}})
    rows_ = {row[1]: row for row in parse_csv(notes_csv(w.state, "fr", 0))[1:]}
    assert rows_[MIXED_NOTE][5] == "Léa" and rows_["'=SUM(A1)"][5] == "Jean"


def test_columns_hold_translated_values_and_a_french_date() -> None:
    w = workshop()
    by_text = {row[1]: row for row in parse_csv(notes_csv(w.state, "fr", w.now))[1:]}
    mixed = by_text[MIXED_NOTE]
    assert mixed[2:4] == ["bleu", "Divergence"]
    assert mixed[4] == "Comment aller vers les publics ?"
    assert mixed[8:10] == ["3", "oui"]
    assert by_text["Des permanences en mairie"][7] == "Permanences"
    assert by_text["'=SUM(A1)"][10] == "28 novembre 2025 à 15:44"
    english = parse_csv(notes_csv(w.state, "en", w.now))
    assert english[0] == list(HEADERS["en"])
    assert {row[1]: row for row in english[1:]}[MIXED_NOTE][2:4] == ["blue", "Divergence"]
    assert {row[1]: row for row in english[1:]}["'=SUM(A1)"][10] == "November 28, 2025 at 3:44\u202fPM"


def test_xlsx_holds_the_csv_cells_as_typed_cells() -> None:
    w = workshop()
    book = openpyxl.load_workbook(io.BytesIO(notes_xlsx(w.state, "fr", w.now)))
    sheet = book.active
    assert sheet.title == "Post-its"
    cells = [["" if c.value is None else str(c.value) for c in row] for row in sheet.iter_rows()]
    assert cells == parse_csv(notes_csv(w.state, "fr", w.now))
    assert all(cell.font.bold for cell in sheet[1])
    for row in sheet.iter_rows(min_row=2):
        assert row[1].data_type == "s"  # neutralised and stored as text, never as a formula
        assert isinstance(row[8].value, int)  # votes stay numbers a spreadsheet can sum
    assert sheet.freeze_panes == "A2"


def test_characters_xml_cannot_hold_are_dropped_rather_than_failing_the_export() -> None:
    w = workshop()
    # Group titles are not cleaned on input like note texts: a stray control character can reach them.
    w.do(FAC, "group.create", {"title": "Bel\x07le idée", "note_ids": [next(iter(w.state.notes))]})
    sheet = openpyxl.load_workbook(io.BytesIO(notes_xlsx(w.state, "fr", w.now))).active
    assert "Belle idée" in [row[7].value for row in sheet.iter_rows(min_row=2)]
