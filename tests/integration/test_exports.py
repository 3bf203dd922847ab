"""Exports, board.json import and programmes over a real server, on a workshop played by real WebSocket clients."""

from __future__ import annotations

import asyncio
import copy
import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import docx
import httpx
import openpyxl
import orjson
import pypdf
import pytest
from babel.dates import format_datetime
from odfdo import Document as OdfDocument

from atelier.exports.write_html import style_hash
from atelier.settings import async_database_url
from atelier.store import EventStore
from atelier.store.db import make_engine
from atelier.store.migrate import migrate
from atelier.store.programmes import Programme, create_programme, programme_for
from atelier.store.repository import hash_token
from tests.support.client import Participant, fetch_state, join_board

LABELS_FR = (
    "Nom de l'action",
    "Objectifs",
    "Description",
    "Pilote",
    "Partenaires impliqués",
    "Cibles",
    "Moyens financiers et humains",
    "Indicateurs de réussite",
)
LABELS_EN = (
    "Action name",
    "Objectives",
    "Description",
    "Lead",
    "Partners involved",
    "Targets",
    "Financial and human means",
    "Success indicators",
)
FORMULA_NOTES = ("=SUM(A1)", "@cmd", "+33 6 12 34 56 78", "-1")
MIXED_NOTE = "Un bus; numérique\nitinérant « é à ç »"
SHEET_TEXT = {
    "name": "Permanences itinérantes",
    "objectives": "Toucher les publics éloignés",
    "description": "Une permanence par semaine\ndans chaque commune",
    "lead": "CCAS de la ville",
    "partners": "Médiathèque ; France Services",
    "targets": "Seniors isolés",
    "means": "2 ETP, 15 000 €",
    "indicators": "=100 personnes reçues",
}
SECOND_SHEET_NAME = "Bus numérique"
REMARKS = {"for": "Très utile pour les seniors", "against": "Coût élevé", "suggestion": "Mutualiser avec la CAF"}
CLOSING = {"feeling": "Motivée et confiante", "learning": "Le rôle des autres structures"}
NEXT_STEPS = "Rédiger les fiches avant le 15 décembre"


@dataclass
class Played:
    """A workshop played to its end: what each client typed, and their tokens."""

    code: str
    board_id: str
    facilitator: str
    co_facilitator: str
    participant: str
    state: dict[str, Any]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def event_data(client: Participant, seq: int, name: str) -> dict[str, Any]:
    await client.wait_seq(seq)
    event = next(e for e in client.events if e["seq"] == seq)
    assert event["name"] == name, event
    return event["data"]


async def play(url: str, ws_url: str, *, title: str = "Atelier « aller vers »", axis: str = "reach-out") -> Played:
    async with httpx.AsyncClient(base_url=url) as http:
        created = (await http.post("/api/boards", json={"title": title, "language": "fr", "axis": axis})).json()
    code = created["code"]
    people = {
        name: await join_board(url, code, name, org)
        for name, org in (("Malik", None), ("Awa", "ccas"), ("Jean", "commune"), ("Léa", "ccas"), ("Marc", None))
    }
    fac = await Participant(ws_url, code, created["facilitator_token"]).connect()
    await fac.ok("participant.role", {"id": people["Malik"]["participant_id"], "role": "co_facilitator"})
    clients = {name: await Participant(ws_url, code, p["token"]).connect() for name, p in people.items()}
    awa, jean, lea, marc = clients["Awa"], clients["Jean"], clients["Léa"], clients["Marc"]
    try:
        phases = [
            {"id": phase, "minutes": minutes, "skipped": phase == "presentation"}
            for phase, minutes in (
                ("intro", 5),
                ("presentation", 10),
                ("inspiration", 15),
                ("divergence", 30),
                ("convergence", 40),
                ("sharing", 15),
                ("conclusion", 5),
            )
        ]
        await fac.ok("agenda.set", {"phases": phases})
        await fac.ok("phase.set", {"phase": "intro"})
        await fac.ok("phase.set", {"phase": "inspiration"})
        await fac.ok("question.set", {"text": "Qui passe à côté des accompagnements ?"})
        for i, text in enumerate(FORMULA_NOTES):
            await (awa if i % 2 else jean).ok("note.add", {"text": text})
        await fac.ok("phase.set", {"phase": "divergence"})
        mixed_seq = await lea.ok("note.add", {"text": MIXED_NOTE, "color": "blue"})
        grouped_seq = await awa.ok("note.add", {"text": "Des permanences en mairie", "color": "green"})
        other_seq = await jean.ok("note.add", {"text": "Des ateliers au marché", "color": "pink"})
        mixed = (await event_data(lea, mixed_seq, "note.added"))["note"]["id"]
        grouped = (await event_data(awa, grouped_seq, "note.added"))["note"]["id"]
        other = (await event_data(jean, other_seq, "note.added"))["note"]["id"]
        # Divergence notes stay private to their authors until the facilitator reveals them.
        await fac.ok("notes.reveal", {})
        await fac.ok("phase.set", {"phase": "convergence"})
        await lea.ok("note.present", {"id": mixed})
        group_seq = await fac.ok("group.create", {"title": "Permanences", "note_ids": [grouped, other]})
        group = (await event_data(fac, group_seq, "group.created"))["group"]["id"]
        for voter, target in ((awa, mixed), (jean, mixed), (lea, mixed)):
            await voter.ok("vote.add", {"note_id": target})
        for voter in (jean, marc):
            await voter.ok("vote.add", {"group_id": group})
        first_seq = await fac.ok("solution.retain", {"group_id": group})
        second_seq = await fac.ok("solution.retain", {"note_id": mixed})
        first = (await event_data(fac, first_seq, "solution.retained"))["sheet_id"]
        second = (await event_data(fac, second_seq, "solution.retained"))["sheet_id"]
        for field, text in SHEET_TEXT.items():
            await awa.ok("sheet.edit", {"sheet_id": first, "field": field, "text": text, "base_version": 0})
        await lea.ok("sheet.edit", {"sheet_id": second, "field": "name", "text": SECOND_SHEET_NAME, "base_version": 0})
        await fac.ok("phase.set", {"phase": "sharing"})
        for client, (kind, text) in zip((jean, lea, marc), REMARKS.items(), strict=True):
            await client.ok("remark.add", {"sheet_id": first, "kind": kind, "text": text})
        await fac.ok("phase.set", {"phase": "conclusion"})
        await awa.ok("closing.answer", {"question": "feeling", "text": CLOSING["feeling"]})
        await jean.ok("closing.answer", {"question": "learning", "text": CLOSING["learning"]})
        await fac.ok("next_steps.set", {"text": NEXT_STEPS})
    finally:
        for client in (fac, *clients.values()):
            await client.close()
    fetched = await fetch_state(url, code, created["facilitator_token"])
    return Played(
        code,
        created["board_id"],
        created["facilitator_token"],
        people["Malik"]["token"],
        people["Awa"]["token"],
        fetched["state"],
    )


@pytest.fixture(scope="module")
def played(shared_server: Any) -> Played:
    """One workshop for the module: playing it takes a few hundred commands, the tests only read it."""
    return asyncio.run(play(shared_server.url, shared_server.ws_url))


async def download(url: str, code: str, name: str, token: str | None, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url) as http:
        sent = {**(auth(token) if token else {}), **headers}
        return await http.get(f"/api/boards/{code}/export/{name}", headers=sent)


def odt_text(data: bytes) -> str:
    doc = OdfDocument(io.BytesIO(data))
    return "\n".join(e.text_recursive for e in doc.body.xpath("descendant::text:h | descendant::text:p"))


def odt_footer(data: bytes) -> str:
    master = OdfDocument(io.BytesIO(data)).get_style("master-page", "Standard")
    assert master is not None
    return "\n".join(p.text_recursive for p in master.get_page_footer().get_paragraphs())


def docx_footer(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).sections[0].footer.paragraphs)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    doc = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


# --- action sheets --------------------------------------------------------------------------------


async def test_sheets_odt_and_docx_hold_the_eight_fields_and_their_text(shared_server: Any, played: Played) -> None:
    for name, read, media in (
        ("sheets.odt", odt_text, "application/vnd.oasis.opendocument.text"),
        ("sheets.docx", docx_text, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("sheets.pdf", pdf_text, "application/pdf"),
    ):
        response = await download(shared_server.url, played.code, name, played.facilitator)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == media
        assert response.headers["content-disposition"] == f'attachment; filename="atelier-{played.code}-{name}"'
        # Compared as words: a PDF wraps a label or a line of text where its column ends.
        text = " ".join(read(response.content).split())
        for label in LABELS_FR:
            assert label in text, (name, label)
        for value in SHEET_TEXT.values():
            assert " ".join(value.split()) in text, (name, value)
        assert SECOND_SHEET_NAME in text
        for remark in REMARKS.values():
            assert remark in text
        assert "Des permanences en mairie" in text  # a source note of the group's sheet
        footers = {"sheets.odt": odt_footer, "sheets.docx": docx_footer, "sheets.pdf": pdf_text}
        footer = " ".join(footers[name](response.content).split())
        assert "Généré par Atelier" in footer and "D'après le guide" in footer


async def test_sheets_md_and_the_english_labels(shared_server: Any, played: Played) -> None:
    response = await download(shared_server.url, played.code, "sheets.md", played.facilitator, **{
        "Accept-Language": "en-GB,en;q=0.8"
    })
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    text = response.text
    for label in LABELS_EN:
        assert f"**{label}**" in text
    assert "Permanences itinérantes" in text
    assert "Generated by Atelier" in text
    assert "Based on the guide" in text  # the board follows an axis: the guide is credited


# --- notes ----------------------------------------------------------------------------------------


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM"
    text = data[3:].decode("utf-8")
    assert "\r\n" in text and text.endswith("\r\n")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


async def test_notes_csv_opens_in_a_french_spreadsheet_and_runs_no_formula(shared_server: Any, played: Played) -> None:
    response = await download(shared_server.url, played.code, "notes.csv", played.facilitator)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response.content)
    header, body = rows[0], rows[1:]
    assert header == [
        "phase", "question", "texte", "couleur", "groupe", "gommettes", "auteur", "pour", "présentée", "créée le", "id"
    ]
    assert len(body) == len(played.state["notes"])
    by_text = {row[2]: row for row in body}
    for text in FORMULA_NOTES:
        assert f"'{text}" in by_text, f"{text!r} not neutralised"
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    mixed = by_text[MIXED_NOTE]  # the ; and the newline survived inside one quoted cell
    assert mixed[3] == "bleu" and mixed[0] == "Divergence" and mixed[5] == "3" and mixed[8] == "oui"
    # ISO 8601, which a spreadsheet reads as a date-time (sortable) whatever its locale.
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", mixed[9]), mixed[9]
    assert mixed[10] in played.state["notes"]
    assert by_text["Des permanences en mairie"][4] == "Permanences"
    # The board is anonymous (the default): exports keep the promise made to participants.
    assert {row[6] for row in body} == {"Anonyme"}
    assert by_text["'=SUM(A1)"][1] == "Qui passe à côté des accompagnements ?"


async def test_notes_xlsx_holds_the_same_cells(shared_server: Any, played: Played) -> None:
    rows = csv_rows((await download(shared_server.url, played.code, "notes.csv", played.facilitator)).content)
    response = await download(shared_server.url, played.code, "notes.xlsx", played.facilitator)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active

    def shown(value: object) -> str:
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        return "" if value is None else str(value)

    cells = [[shown(c.value) for c in row] for row in sheet.iter_rows()]
    # The same cells, but typed: text stays text without the CSV's apostrophe, dates are dates.
    unguarded = [[c[1:] if c.startswith("'") else c for c in row] for row in rows]
    assert cells == unguarded
    assert all(c.font.bold for c in sheet[1])
    for row in sheet.iter_rows(min_row=2):
        assert row[2].data_type == "s"  # a text, never a formula
        assert isinstance(row[9].value, datetime)


# --- the report -----------------------------------------------------------------------------------


async def test_report_md_tells_the_whole_workshop(shared_server: Any, played: Played) -> None:
    response = await download(shared_server.url, played.code, "report.md", played.facilitator)
    assert response.status_code == 200
    text = response.text
    assert "Atelier « aller vers »" in text
    started = played.state["board"]["phase_log"][0]["started_ms"]
    moment = datetime.fromtimestamp(started / 1000, tz=UTC)
    paris = moment.astimezone(ZoneInfo("Europe/Paris"))
    day = "d'er'" if paris.day == 1 else "d"  # « 1er décembre »
    held = format_datetime(moment, f"{day} MMMM y 'à' HH:mm", tzinfo=ZoneInfo("Europe/Paris"), locale="fr_FR")
    assert f"Atelier du {held}" in text
    assert "Aller vers les publics et les amener jusqu'aux accompagnements" in text  # the axis
    assert "phase sautée" in text and "en cours" in text  # presentation skipped, conclusion running
    assert "Qui passe à côté des accompagnements ?" in text
    assert "Des ateliers au marché" in text
    assert "- =SUM(A1)" in text  # no escaping CommonMark does not need
    assert "(3 gommettes, présentée)" in text  # the mixed note's dots
    assert "Permanences — 2 gommettes, 2 post-its" in text
    # Ranked by dots, not by the order they were retained in (the group was retained first).
    assert text.index("| 1 | Un bus; numérique itinérant") < text.index("| 2 | Permanences | 2 |")
    for label in LABELS_FR:
        assert f"**{label}**" in text
    assert "Toucher les publics éloignés" in text
    for kind, remark in zip(("Pour", "Contre", "Suggestions d'amélioration"), REMARKS.values(), strict=True):
        assert kind in text and remark in text
    # The board is anonymous (the default): so are the closing answers.
    assert f"- {CLOSING['feeling']}\n" in text and f"- {CLOSING['learning']}\n" in text
    assert f"{CLOSING['feeling']} — Awa" not in text
    assert NEXT_STEPS in text
    assert "CCAS ou CIAS : 2" in text and "Commune ou intercommunalité : 1" in text
    assert "Généré par Atelier" in text


async def test_report_odt_and_printable_html(shared_server: Any, played: Played) -> None:
    odt = await download(shared_server.url, played.code, "report.odt", played.facilitator)
    assert odt.status_code == 200
    text = odt_text(odt.content)
    assert "Compte rendu d'atelier" in text and NEXT_STEPS in text and "Toucher les publics éloignés" in text
    page = await download(shared_server.url, played.code, "report.html", played.facilitator)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["content-disposition"] == f'inline; filename="atelier-{played.code}-report.html"'
    assert "script-src 'self'" in page.headers["content-security-policy"]
    html = page.text
    # Self-contained (its stylesheet inside, allowed by its hash in the CSP), A4 when printed.
    assert "<link" not in html and html.count("<style>") == 1 and "size: A4" in html
    assert style_hash() in page.headers["content-security-policy"]
    assert "<script" not in html and "style=" not in html
    assert "itinérant « é à ç »" in html and "Un bus; numérique<br>" in html


# --- authorisation ----------------------------------------------------------------------------------


async def test_exports_are_for_facilitators_only(shared_server: Any, played: Played) -> None:
    url = shared_server.url
    assert (await download(url, played.code, "report.md", None)).status_code == 401
    other = await play_small(url, shared_server.ws_url)
    foreign = await download(url, played.code, "report.md", other["facilitator_token"])
    assert foreign.status_code == 401
    assert foreign.json()["error"]["code"] == "unauthorized"
    refused = await download(url, played.code, "notes.csv", played.participant)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert (await download(url, played.code, "board.json", played.co_facilitator)).status_code == 200
    unknown = await download(url, played.code, "secrets.txt", played.facilitator)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    assert (await download(url, "ZZZZZZ", "report.md", played.facilitator)).status_code == 404


async def play_small(url: str, ws_url: str, *, title: str = "Atelier former", axis: str = "train-mediators") -> dict:
    """A second, short workshop: one note retained as a solution, its sheet named."""
    async with httpx.AsyncClient(base_url=url) as http:
        created = (await http.post("/api/boards", json={"title": title, "language": "fr", "axis": axis})).json()
    fac = await Participant(ws_url, created["code"], created["facilitator_token"]).connect()
    try:
        await fac.ok("phase.set", {"phase": "convergence"})
        note_seq = await fac.ok("note.add", {"text": "Former les agents d'accueil"})
        note = (await event_data(fac, note_seq, "note.added"))["note"]["id"]
        retained = await fac.ok("solution.retain", {"note_id": note})
        sheet = (await event_data(fac, retained, "solution.retained"))["sheet_id"]
        named = {"sheet_id": sheet, "field": "name", "text": "Formation des agents", "base_version": 0}
        await fac.ok("sheet.edit", named)
    finally:
        await fac.close()
    return created


# --- board.json and import ----------------------------------------------------------------------------


async def post_import(url: str, body: bytes, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url) as http:
        sent = {"Content-Type": "application/json", **headers}
        return await http.post("/api/boards/import", content=body, headers=sent)


def less_authors(state: dict[str, Any]) -> dict[str, Any]:
    """A facilitator's view of a board without the authors of what was written anonymously: what an
    export leaves with unless a full backup is asked for (issue: exports keep the anonymity given)."""
    state = copy.deepcopy(state)
    for note in state["notes"].values():
        if note["anonymous"]:
            note["author"] = None
    for answer in state["closing"].values():
        if answer["anonymous"]:
            answer["author"] = None
    if state["board"]["settings"]["anonymous"]:
        for remark in state["remarks"].values():
            remark["author"] = None
        for sheet in state["sheets"].values():
            for field in sheet["fields"].values():
                field["by"] = None
    return state


@pytest.mark.parametrize("authors", [False, True], ids=["anonymous", "full-backup"])
async def test_board_json_imports_as_an_equal_board(shared_server: Any, played: Played, authors: bool) -> None:
    url = shared_server.url
    exported = await download(url, played.code, "board.json" + ("?authors=1" if authors else ""), played.facilitator)
    assert exported.status_code == 200 and exported.headers["content-type"] == "application/json"
    document = orjson.loads(exported.content)
    assert document["format"] == "atelier.board" and document["version"] == 1
    assert isinstance(document["exported_ms"], int)
    hidden = [n for n in played.state["notes"].values() if n["anonymous"]]
    assert hidden, "the workshop has anonymous notes"
    for note in hidden:
        assert document["state"]["notes"][note["id"]]["author"] == (note["author"] if authors else None)

    response = await post_import(url, exported.content)
    assert response.status_code == 201, response.text
    created = response.json()
    assert set(created) == {"code", "board_id", "participant_id", "facilitator_token", "title", "language"}
    assert (created["title"], created["language"]) == ("Atelier « aller vers »", "fr")
    assert created["code"] != played.code and created["board_id"] != played.board_id
    assert created["participant_id"] not in played.state["participants"]

    original = played.state if authors else less_authors(played.state)
    copy_ = (await fetch_state(url, created["code"], created["facilitator_token"]))["state"]
    assert copy_["board"] == original["board"] | {"code": created["code"]}
    new = copy_["participants"].pop(created["participant_id"])
    assert new["role"] == "facilitator"
    assert copy_["participants"] == original["participants"]
    for key in set(original) - {"board", "participants"}:
        assert copy_[key] == original[key], key

    # The imported board lives: its facilitator connects and acts on it like on any other.
    fac = await Participant(shared_server.ws_url, created["code"], created["facilitator_token"]).connect()
    try:
        assert fac.state is not None and fac.state["notes"] == original["notes"]
        await fac.ok("next_steps.set", {"text": "Suite : réunion de programme"})
    finally:
        await fac.close()
    # ... and the original is untouched.
    again = (await fetch_state(url, played.code, played.facilitator))["state"]
    assert again["board"]["next_steps"] == NEXT_STEPS


async def test_an_imported_board_survives_a_restart(server: Any, shared_server: Any, played: Played) -> None:
    exported = (await download(shared_server.url, played.code, "board.json", played.facilitator)).content
    created = (await post_import(server.url, exported)).json()
    before = await fetch_state(server.url, created["code"], created["facilitator_token"])
    await asyncio.to_thread(server.restart)
    after = await fetch_state(server.url, created["code"], created["facilitator_token"])
    assert after == before
    assert after["state"]["sheets"] == less_authors(played.state)["sheets"]


def _first_note(state: dict[str, Any]) -> dict[str, Any]:
    return next(iter(state["notes"].values()))


BAD_FILES = {
    "invalid colour": (lambda d: _first_note(d["state"]).update(color="red"), "color"),
    "x out of range": (lambda d: _first_note(d["state"]).update(x=1e9), "x"),
    "script as a colour": (lambda d: _first_note(d["state"]).update(color="<script>alert(1)</script>"), "color"),
    "extra key at the top": (lambda d: d.update(extra=True), None),
    "extra key in the state": (lambda d: d["state"].update(theme="dark"), "state"),
    "extra key in a note": (lambda d: _first_note(d["state"]).update(rotation="45deg"), None),
    "extra sheet field": (
        lambda d: next(iter(d["state"]["sheets"].values()))["fields"].update(budget=dict(text="", version=0, by=None)),
        "fields",
    ),
    "unknown remark kind": (lambda d: next(iter(d["state"]["remarks"].values())).update(kind="maybe"), "kind"),
    "bad id": (lambda d: d["state"]["notes"].update({"<img src=x>": _first_note(d["state"])}), "notes"),
    "string as a coordinate": (lambda d: _first_note(d["state"]).update(y="100"), "y"),
    "unknown phase": (lambda d: d["state"].update(phase="party"), "phase"),
    "too many dots": (lambda d: d["state"].update(vote_budget=1000), "vote_budget"),
    "wrong format": (lambda d: d.update(format="trello"), "format"),
    "a note of a missing author": (lambda d: _first_note(d["state"]).update(author="p_ghost"), "author"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
async def test_a_bad_board_json_is_refused_with_a_coded_error(shared_server: Any, played: Played, case: str) -> None:
    exported = (await download(shared_server.url, played.code, "board.json", played.facilitator)).content
    document = orjson.loads(exported)
    spoil, field = BAD_FILES[case]
    spoiled = copy.deepcopy(document)
    spoil(spoiled)
    response = await post_import(shared_server.url, orjson.dumps(spoiled))
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "bad_request"
    if field is not None:
        assert error["field"] == field
    assert error["message"]


async def test_import_errors_speak_the_callers_language(shared_server: Any) -> None:
    french = await post_import(shared_server.url, b"{not json")
    english = await post_import(shared_server.url, b"[]", **{"Accept-Language": "en"})
    assert french.status_code == english.status_code == 400
    assert french.json()["error"]["code"] == english.json()["error"]["code"] == "bad_request"
    assert french.json()["error"]["message"] != english.json()["error"]["message"]
    assert "champ" in french.json()["error"]["message"]


# --- programmes -----------------------------------------------------------------------------------


async def test_a_programme_exports_every_sheet_grouped_by_workshop(shared_server: Any, played: Played) -> None:
    url, ws_url = shared_server.url, shared_server.ws_url
    second = await play_small(url, ws_url)
    boards = [
        {"code": played.code, "token": played.facilitator},
        {"code": second["code"].lower(), "token": second["facilitator_token"]},
    ]
    async with httpx.AsyncClient(base_url=url) as http:
        made = await http.post("/api/programmes", json={"title": "Feuille de route 2026", "boards": boards})
        assert made.status_code == 201, made.text
        programme = made.json()
        assert {"programme_id", "token"} <= set(programme)
        base = f"/api/programmes/{programme['programme_id']}/export"
        md = await http.get(f"{base}/sheets.md", headers=auth(programme["token"]))
        assert md.status_code == 200, md.text
        assert md.headers["content-disposition"] == 'attachment; filename="atelier-feuille-de-route-2026-sheets.md"'
        text = md.text
        first_at = text.index("Atelier 1 — Atelier « aller vers »")
        second_at = text.index("Atelier 2 — Atelier former")
        assert first_at < text.index("Permanences itinérantes") < second_at < text.index("Formation des agents")
        assert "Aller vers les publics" in text and "Former les professionnels" in text  # each workshop's axis
        for name, read in (("sheets.odt", odt_text), ("sheets.docx", docx_text), ("sheets.pdf", pdf_text)):
            response = await http.get(f"{base}/{name}", headers=auth(programme["token"]))
            assert response.status_code == 200
            content = " ".join(read(response.content).split())
            assert "Permanences itinérantes" in content and "Formation des agents" in content
            assert all(label in content for label in LABELS_FR)

        assert (await http.get(f"{base}/sheets.md")).status_code == 401
        assert (await http.get(f"{base}/sheets.md", headers=auth(played.facilitator))).status_code == 401
        assert (await http.get(f"{base}/report.md", headers=auth(programme["token"]))).status_code == 404
        elsewhere = "/api/programmes/prog_0000000000000000/export/sheets.md"
        assert (await http.get(elsewhere, headers=auth(programme["token"]))).status_code == 401

        participant = [boards[0], {"code": played.code, "token": played.participant}]
        refused = await http.post("/api/programmes", json={"title": "X", "boards": participant})
        assert refused.status_code == 403
        alone = await http.post("/api/programmes", json={"title": "X", "boards": boards[:1]})
        assert alone.status_code == 400
        twice = await http.post("/api/programmes", json={"title": "X", "boards": [boards[0], boards[0]]})
        assert twice.status_code == 400
        mismatched = [boards[0], {"code": second["code"], "token": played.facilitator}]
        assert (await http.post("/api/programmes", json={"title": "X", "boards": mismatched})).status_code == 401


async def check_programme_store(url: str) -> None:
    await asyncio.to_thread(migrate, url)
    store = EventStore(make_engine(url))
    try:
        made = {"programme_id": "prog_1", "title": "Feuille de route", "board_ids": ["b_2", "b_1"], "created_ms": 7}
        await create_programme(store, token="s3cret", **made)
        assert await programme_for(store, programme_id="prog_1", token="s3cret") == Programme(
            "prog_1", "Feuille de route", ["b_2", "b_1"], 7
        )
        assert await programme_for(store, programme_id="prog_1", token="s3cret-not") is None
        assert await programme_for(store, programme_id="prog_2", token="s3cret") is None
        async with store.engine.connect() as conn:
            stored = (await conn.exec_driver_sql("SELECT token_hash FROM programme")).scalar_one()
        assert stored == hash_token("s3cret")  # only the token's SHA-256 is kept
    finally:
        await store.close()


async def test_programmes_are_stored_on_sqlite(tmp_path: Any) -> None:
    await check_programme_store(async_database_url(f"sqlite:///{tmp_path / 'programmes.db'}"))


async def test_programmes_are_stored_on_postgresql(pg_url: str) -> None:
    await check_programme_store(async_database_url(pg_url))
