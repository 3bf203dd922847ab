"""Every export as an officer files it: downloaded from a real server, opened by LibreOffice (converted to
PDF, headless) or read as the server's own PDF, then checked with a PDF reader: A4, page numbers, the
guide's eight fields with their whole text, the workshop's code and date, no escaping left in the text,
and spreadsheet rows tall enough for their wrapped text."""

from __future__ import annotations

import asyncio
import io
import itertools
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pypdf
import pytest

from atelier.exports.labels import date_text
from tests.integration.test_exports import event_data, play_small
from tests.support.client import Participant, fetch_state, join_board
from tests.support.server import ServerProcess

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
# Long fields, several paragraphs and line breaks, accents and the characters people type.
FIELDS = {
    "name": "Permanences numériques itinérantes",
    "objectives": "Toucher les publics éloignés du numérique.\nRéduire le non-recours aux droits de 20 %.",
    "description": (
        "Une permanence par semaine dans chaque commune de moins de 2 000 habitants, le mardi matin en mairie "
        "et le jeudi après-midi à la médiathèque.\n"
        "Les rendez-vous se prennent par téléphone ou au guichet.\n\n"
        "Deuxième temps : un bus numérique « aller vers » qui passe dans les hameaux, équipé de quatre postes, "
        "d'une imprimante et d'une connexion 4G ; l'équipe est formée à l'accueil des personnes en fragilité "
        "numérique et oriente vers France Services quand la démarche l'exige.\n\n"
        "Troisième temps : un bilan trimestriel partagé avec les partenaires, œuvre commune du CCAS et du "
        "Département, pour ajuster les horaires et les lieux."
    ),
    "lead": "CCAS de la ville — Mme Łukasz Nguyễn",
    "partners": "Médiathèque ; France Services ; Emmaüs Connect ; CAF ; CPAM ; La Poste",
    "targets": "Seniors isolés, allocataires du RSA, personnes allophones",
    "means": (
        "2 ETP de conseillers numériques\n15 000 € d'investissement (bus, postes)\n3 000 € par an de fonctionnement"
    ),
    "indicators": "+ de 400 personnes reçues la première année\n- 30 % de dossiers incomplets à la CAF",
}
LONG_NOTE = " ".join(f"mot{i:03d}" for i in range(1, 72)) + " fin"  # 500 characters, 72 words
assert len(LONG_NOTE) == 500
AFTER_LONG = "Note écrite juste après"
DASH_NOTE = "- portage de matériel à domicile"
PLUS_NOTE = "+ de permanences le samedi"
PROGRAMME_TITLE = "Feuille de route 2026"


@dataclass
class Converted:
    name: str
    data: bytes
    pdf: Path  # the server's own PDF, or LibreOffice's conversion


def _norm(text: str) -> str:
    """Words apart by one space; NFKC undoes the ligatures a browser's PDF writes ("ﬁ" for "fi")."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


async def _play(url: str, ws_url: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url) as http:
        created = (await http.post("/api/boards", json={"title": "Atelier « aller vers »", "language": "fr",
                                                         "axis": "reach-out"})).json()  # fmt: skip
    code = created["code"]
    awa = await join_board(url, code, "Awa", "ccas")
    fac = await Participant(ws_url, code, created["facilitator_token"]).connect()
    client = await Participant(ws_url, code, awa["token"]).connect()
    try:
        await fac.ok("phase.set", {"phase": "divergence"})
        ids = {}
        for text in (PLUS_NOTE, DASH_NOTE, LONG_NOTE, AFTER_LONG):
            seq = await client.ok("note.add", {"text": text})
            ids[text] = (await event_data(client, seq, "note.added"))["note"]["id"]
        await fac.ok("notes.reveal", {})
        await fac.ok("phase.set", {"phase": "convergence"})
        retained = await fac.ok("solution.retain", {"note_id": ids[PLUS_NOTE]})
        sheet = (await event_data(fac, retained, "solution.retained"))["sheet_id"]
        for field, text in FIELDS.items():
            await client.ok("sheet.edit", {"sheet_id": sheet, "field": field, "text": text, "base_version": 0})
    finally:
        await client.close()
        await fac.close()
    state = (await fetch_state(url, code, created["facilitator_token"]))["state"]
    return {"code": code, "token": created["facilitator_token"], "state": state}


def _convert(files: list[Path], out: Path, profile: Path, infilter: str | None = None) -> None:
    """One LibreOffice run for many files; a private profile so parallel runs never share one."""
    command = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", "pdf", "--outdir", str(out), *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="session")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Every export of one workshop and of a programme, downloaded once and converted once per session."""
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice (soffice) is needed: .ci/run installs libreoffice-writer-nogui and -calc-nogui")
    root = tmp_path_factory.mktemp("documents")
    server = ServerProcess(root / "data").start(timeout=120)  # a shared, busy machine starts slowly
    try:
        played = asyncio.run(_play(server.url, server.ws_url))
        second = asyncio.run(play_small(server.url, server.ws_url))
        files: dict[str, bytes] = {}
        with httpx.Client(base_url=server.url, timeout=120) as http:
            auth = {"Authorization": f"Bearer {played['token']}"}
            for name in ("report.pdf", "report.odt", "report.md", "report.html", "sheets.pdf", "sheets.odt",
                         "sheets.docx", "sheets.md", "notes.csv", "notes.xlsx"):  # fmt: skip
                response = http.get(f"/api/boards/{played['code']}/export/{name}", headers=auth)
                assert response.status_code == 200, (name, response.text)
                files[name] = response.content
            boards = [{"code": played["code"], "token": played["token"]},
                      {"code": second["code"], "token": second["facilitator_token"]}]  # fmt: skip
            made = http.post("/api/programmes", json={"title": PROGRAMME_TITLE, "boards": boards}).json()
            for name in ("sheets.pdf", "sheets.odt", "sheets.docx", "sheets.md"):
                response = http.get(f"/api/programmes/{made['programme_id']}/export/{name}",
                                    headers={"Authorization": f"Bearer {made['token']}"})  # fmt: skip
                assert response.status_code == 200, (name, response.text)
                assert response.headers["content-disposition"] == (
                    f'attachment; filename="atelier-feuille-de-route-2026-{name}"'
                )
                files[f"programme-{name}"] = response.content
        second_state = asyncio.run(fetch_state(server.url, second["code"], second["facilitator_token"]))["state"]
    finally:
        server.stop()
    sources = root / "sources"
    sources.mkdir()
    # Each file under a name of its own, so the PDFs do not overwrite each other.
    office = {}
    for name, data in files.items():
        stem, ext = name.rsplit(".", 1)
        if ext in ("odt", "docx", "xlsx", "csv"):
            path = sources / f"{stem}-{ext}.{ext}"
            path.write_bytes(data)
            office[name] = path
    pdfs = root / "pdf"
    profile = root / "lo-profile"
    _convert([p for n, p in office.items() if not n.endswith(".csv")], pdfs, profile)
    # The CSV as LibreOffice's import dialog reads it here: ";" between cells, UTF-8, the first line.
    _convert([office["notes.csv"]], pdfs, profile, infilter="CSV:59,34,76,1")
    converted = {name: Converted(name, files[name], pdfs / f"{path.stem}.pdf") for name, path in office.items()}
    for name in ("report.pdf", "sheets.pdf", "programme-sheets.pdf"):
        path = root / f"{name}"
        path.write_bytes(files[name])
        converted[name] = Converted(name, files[name], path)
    converted["report.html"] = Converted("report.html", files["report.html"], _print(files["report.html"], root))
    yield {"played": played, "second": second_state, "converted": converted, "files": files}


def _print(page: bytes, root: Path) -> Path:
    """The printable page printed by Chromium as an officer would (the page's own @page rules)."""
    from playwright.sync_api import sync_playwright

    from tests.support.chromium import ARGS, CHROMIUM

    source, out = root / "report.html", root / "report-html.pdf"
    source.write_bytes(page)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            tab = browser.new_page()
            tab.goto(source.as_uri())
            tab.pdf(path=str(out), prefer_css_page_size=True, display_header_footer=False)
        finally:
            browser.close()
    return out


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


PAGED = ("report.pdf", "report.odt", "report.html", "sheets.pdf", "sheets.odt", "sheets.docx", "programme-sheets.pdf",
         "programme-sheets.odt", "programme-sheets.docx", "notes.xlsx")  # fmt: skip
SHEETS = ("report.pdf", "report.odt", "report.html", "sheets.pdf", "sheets.odt", "sheets.docx", "programme-sheets.pdf",
          "programme-sheets.odt", "programme-sheets.docx")  # fmt: skip


@pytest.mark.parametrize("name", [*PAGED, "notes.csv"])
def test_every_document_is_a4(documents: dict[str, Any], name: str) -> None:
    doc: Converted = documents["converted"][name]
    reader = pypdf.PdfReader(doc.pdf)
    assert reader.pages
    for page in reader.pages:
        size = sorted((round(float(page.mediabox.width)), round(float(page.mediabox.height))))
        assert size == [595, 842], (name, size)  # A4 in points, either way up


@pytest.mark.parametrize("name", PAGED)
def test_every_page_is_numbered(documents: dict[str, Any], name: str) -> None:
    pages = pdf_pages(documents["converted"][name].pdf)
    for number, text in enumerate(pages, 1):
        assert f"page {number} / {len(pages)}" in _norm(text), (name, number, text[-200:])


def _body(pages: list[str], *repeated: str) -> str:
    """The document's text with what repeats on every page (header, page number, credits) taken out,
    so a field that runs onto the next page reads as one."""
    total = len(pages)
    texts = []
    for number, text in enumerate(pages, 1):
        text = _norm(text).replace(f"page {number} / {total}", " ")
        texts.append(text)
    body = " ".join(texts)
    for text in repeated:
        body = body.replace(text, " ")
    return _norm(body)


@pytest.mark.parametrize("name", SHEETS)
def test_sheets_hold_the_guides_eight_fields_and_their_whole_text(documents: dict[str, Any], name: str) -> None:
    doc: Converted = documents["converted"][name]
    played = documents["played"]
    held = date_text(played["state"]["board"]["phase_log"][0]["started_ms"], "fr", time=False)
    origin = f"Atelier « aller vers » — {held} — code {played['code']}"
    headers = [f"Fiches action — {PROGRAMME_TITLE}"] if name.startswith("programme") else [
        f"{kind} — {origin}" for kind in ("Fiches action", "Compte rendu d'atelier")
    ]
    body = _body(pdf_pages(doc.pdf), *headers)
    for label in LABELS_FR:
        assert label in body, (name, label)
    for field, text in FIELDS.items():
        for line in text.split("\n"):
            if line.strip():
                assert _norm(line) in body, (name, field, line)
    assert origin in body, name  # under the sheet's heading, not only in the page header
    if name.startswith("programme"):
        second = documents["second"]["board"]
        assert f"Atelier former — {date_text(second['phase_log'][0]['started_ms'], 'fr', time=False)}" in body
        # One numbering throughout the programme: the second workshop's sheet is number 2.
        assert "Fiche action 1 : Permanences numériques itinérantes" in body
        assert "Fiche action 2 : Formation des agents" in body and second["code"] in body


@pytest.mark.parametrize("name", [*PAGED, "notes.csv"])
def test_no_escaping_is_left_in_the_text(documents: dict[str, Any], name: str) -> None:
    text = pdftotext(documents["converted"][name].pdf)
    assert "\\-" not in text and "\\!" not in text
    if name == "notes.csv":
        # The CSV keeps its formula guard: a spreadsheet would run "+ de…" as a formula (see README).
        assert f"'{PLUS_NOTE}" in _norm(text)
    else:
        assert "'+" not in text and "'-" not in text, name
    assert "(s)" not in text and "• 1." not in text


def test_the_xlsx_shows_every_line_of_a_wrapped_note(documents: dict[str, Any]) -> None:
    """Row heights are written: the 500-character note prints whole, above the next row, not over it."""
    pdf = documents["converted"]["notes.xlsx"].pdf
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    word = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')
    words = [(m.group(3), float(m.group(1)), float(m.group(2))) for m in word.finditer(bbox)]
    found = [w for w in words if re.fullmatch(r"mot\d{3}|fin", w[0])]
    assert [w[0] for w in found] == LONG_NOTE.split(), "every word of the note, in order"
    lines = sorted({round(w[1]) for w in found})
    assert len(lines) >= 5  # wrapped on several lines...
    gaps = [b - a for a, b in itertools.pairwise(lines)]
    assert min(gaps) >= 6  # ...that do not print over each other
    after = min(w[1] for w in words if w[0] == "juste")
    assert after > max(w[2] for w in found), "the next row starts below the note's last line"


@pytest.mark.parametrize("name", ["report.pdf", "sheets.pdf", "programme-sheets.pdf"])
def test_the_servers_pdf_has_metadata_an_outline_and_the_language(documents: dict[str, Any], name: str) -> None:
    doc: Converted = documents["converted"][name]
    reader = pypdf.PdfReader(io.BytesIO(doc.data))
    assert len(reader.pages) >= 1
    meta = reader.metadata
    assert meta is not None and meta.author == "Atelier" and meta.creator == "Atelier"
    expected = "Feuille de route 2026" if name.startswith("programme") else "Atelier « aller vers »"
    assert meta.title and expected in meta.title
    assert meta.creation_date is not None and meta.creation_date.year >= 2025
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"
    outline = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                outline.append(item.title)

    walk(reader.outline)
    assert any(title.startswith("Fiche action 1") for title in outline), outline
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            descriptor = font.get_object().get("/FontDescriptor")
            if descriptor is not None:
                assert "/FontFile2" in descriptor.get_object(), "fonts embedded"
                fonts.add(font.get_object()["/BaseFont"])
    assert fonts
    assert "Łukasz Nguyễn" in _norm(pdftotext(doc.pdf))
