"""The report and the action sheets, as Markdown, ODT, DOCX and printable HTML, from a folded workshop."""

from __future__ import annotations

import io

import docx
from odfdo import Document as OdfDocument

from atelier.domain import model
from atelier.domain.model import SHEET_FIELDS
from atelier.exports import EXPORTS
from atelier.exports.document import Document, Fields
from atelier.exports.labels import COLOURS, ORGANISATIONS, REMARK_KINDS, SHEET_LABELS, WORDS, date_text
from atelier.exports.report import agenda_rows, report_document, report_html, report_md, report_odt
from atelier.exports.sheets import (
    programme_docx,
    programme_md,
    programme_odt,
    retained,
    sheets_document,
    sheets_docx,
    sheets_md,
    sheets_odt,
)
from tests.unit.exports_workshop import AWA, FAC, MIXED_NOTE, START, Workshop, workshop

GUIDE_FR = "D'après le guide France Numérique Ensemble"


def odt_text(data: bytes) -> str:
    doc = OdfDocument(io.BytesIO(data))
    return "\n".join(e.text_recursive for e in doc.body.xpath("descendant::text:h | descendant::text:p"))


def odt_footer(data: bytes) -> str:
    master = OdfDocument(io.BytesIO(data)).get_style("master-page", "Standard")
    assert master is not None
    return "\n".join(p.text_recursive for p in master.get_page_footer().get_paragraphs())


def docx_parts(data: bytes) -> tuple[str, list[list[list[str]]], str]:
    doc = docx.Document(io.BytesIO(data))
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables]
    footer = "\n".join(p.text for p in doc.sections[0].footer.paragraphs)
    return "\n".join(p.text for p in doc.paragraphs), tables, footer


def test_every_word_exists_in_both_languages() -> None:
    for table in (WORDS, SHEET_LABELS, COLOURS, ORGANISATIONS, REMARK_KINDS):
        assert table["fr"].keys() == table["en"].keys()
    assert set(SHEET_LABELS["fr"]) == set(SHEET_FIELDS)
    assert set(ORGANISATIONS["fr"]) == set(model.ORGANISATION_KINDS)
    assert set(COLOURS["fr"]) == set(model.COLORS)


# --- dates and the agenda as run ---------------------------------------------------------------------


def test_dates_are_written_the_french_way_in_paris_time() -> None:
    assert date_text(START, "fr") == "28 novembre 2025 à 15:26"
    assert date_text(START, "en") == "November 28, 2025 at 3:26\u202fPM"


def test_the_agenda_compares_planned_and_actual_minutes() -> None:
    assert agenda_rows(workshop().state, "fr") == [
        ("Introduction", "5", "6", ""),
        ("Présentation", "10", "—", "phase sautée"),
        ("Inspiration", "15", "19", ""),
        ("Divergence", "30", "36", ""),
        ("Convergence", "40", "62", ""),
        ("Partage", "15", "18", ""),
        ("Conclusion", "5", "—", "en cours"),
    ]


def test_going_back_to_a_phase_adds_up_its_time() -> None:
    w = Workshop()
    w.do(FAC, "participant.join", {"name": "Claire", "role": "facilitator"})
    w.do(FAC, "phase.set", {"phase": "divergence"})
    w.do(FAC, "phase.set", {"phase": "convergence"}, minutes=10)
    w.do(FAC, "phase.set", {"phase": "divergence"}, minutes=5)
    w.do(FAC, "phase.set", {"phase": "convergence"}, minutes=3)
    rows = {row[0]: row for row in agenda_rows(w.state, "en")}
    assert rows["Divergence"] == ("Divergence", "30", "13", "")
    assert rows["Convergence"] == ("Convergence", "40", "5", "in progress")


# --- the report ----------------------------------------------------------------------------------------


def test_report_md_holds_every_part_of_the_workshop() -> None:
    w = workshop()
    text = report_md(w.state, "fr", w.now).decode("utf-8")
    assert text.startswith("# Compte rendu d'atelier — Atelier « aller vers »\n")
    assert f"Atelier du {date_text(w.state.phase_log[0]['started_ms'], 'fr')}" in text
    assert "Atelier du 28 novembre 2025 à 15:36" in text
    assert "Aller vers les publics et les amener jusqu'aux accompagnements" in text
    assert "Diagnostic 2025 : 18 % des habitants sans accès." in text
    assert "| Présentation | 10 | — | phase sautée |" in text
    assert "- Qui passe à côté des accompagnements ?\n- Comment aller vers les publics ?" in text
    # A line break is a hard break (two spaces); a note says only what happened to it, never "(s)".
    assert "- Un bus; numérique  \n  itinérant « é à ç »  \n  (3 gommettes, présentée)" in text
    assert "- =SUM(A1)  \n  (1 gommette)" in text and "0 gommette" not in text and "(s)" not in text
    assert "bleu" not in text  # the colour is a tool of the wall, left to the spreadsheet
    assert "- Permanences — 2 gommettes, 2 post-its" in text
    assert "groupe « Permanences »" in text
    # Ranked by dots, in a table rather than a bulleted numbered list.
    assert "| Rang | Solution | Gommettes |" in text and "• 1." not in text
    assert text.index("| 1 | Un bus; numérique itinérant « é à ç » | 3 |") < text.index("| 2 | Permanences | 2 |")
    assert "### Fiche action 1 : Bus numérique" in text and "### Fiche action 2 : Permanences itinérantes" in text
    assert "**Indicateurs de réussite**\n\n=100 personnes reçues" in text
    assert "Atelier « aller vers » — 28 novembre 2025 — code ABCDEF" in text  # each sheet's origin
    assert "##### Pour\n\n- Très utile pour les seniors" in text
    assert "##### Contre\n\n- Coût élevé" in text
    assert "##### Suggestions d'amélioration\n\n- Mutualiser avec la CAF" in text
    # The board's notes are anonymous: so are its closing answers.
    assert "### Ressenti" in text and "- Motivée\n- Content\n" in text
    assert "- Les autres structures\n" in text and "Les autres structures — Léa" not in text
    assert "## Prochaines étapes\n\nRédiger les fiches avant le 15 décembre" in text
    assert "4 participants" in text and "- CCAS ou CIAS : 2\n- Commune ou intercommunalité : 1" in text
    guide = f"*{GUIDE_FR} — Conseils méthodologiques — Ateliers de co-construction (ANCT, mars 2024)*"
    assert text.rstrip().endswith(guide)


def test_anonymity_holds_in_the_report() -> None:
    hidden = report_md(workshop().state, "fr", 0).decode()
    assert "par Léa" not in hidden and "par Awa" not in hidden and "par Jean" not in hidden
    assert "par Claire, pour Mme Martin" in hidden  # a facilitator's own note is never anonymous
    shown = report_md(workshop(anonymous=False).state, "fr", 0).decode()
    assert "(3 gommettes, par Léa, présentée)" in shown and "par Claire, pour Mme Martin" in shown
    assert "- Motivée — Awa\n- Content — Jean" in shown  # closing answers follow the notes' anonymity
    closing = report_md(workshop(anonymous_closing=True).state, "fr", 0).decode()
    assert "- Motivée\n- Content" in closing and "Awa" not in closing


def test_report_in_english() -> None:
    w = workshop(language="en")
    text = report_md(w.state, "en", w.now).decode()
    assert text.startswith("# Workshop report — ")
    assert "## Agenda as run" in text and "| Context | 10 | — | phase skipped |" in text
    assert "Workshop of November 28, 2025 at 3:36\u202fPM" in text
    assert "**Success indicators**" in text and "Reach out to people" in text
    assert "*Generated by Atelier*" in text and "Based on the guide" in text


def test_user_text_never_becomes_markup() -> None:
    w = Workshop()
    w.do(FAC, "participant.join", {"name": "Claire", "role": "facilitator"})
    w.do(FAC, "phase.set", {"phase": "divergence"})
    w.note(FAC, "<script>alert(1)</script> [clic](javascript:alert(1)) **gras**")
    w.note(FAC, "# Titre\n===")
    md = report_md(w.state, "fr", w.now).decode()
    assert "\\<script>alert(1)\\</script> \\[clic](javascript:alert(1)) \\*\\*gras\\*\\*" in md
    assert "\\# Titre  \n  \\===" in md
    page = report_html(w.state, "fr", w.now).decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page
    # Self-contained: its one stylesheet inside, A4 pages; no inline style attribute anywhere.
    assert "style=" not in page and page.count("<style>") == 1 and "<link" not in page
    assert "size: A4" in page and 'counter(page) " / " counter(pages)' in page
    assert '<html lang="fr">' in page


def test_report_odt_opens_and_credits_the_guide() -> None:
    w = workshop()
    data = report_odt(w.state, "fr", w.now)
    text = odt_text(data)
    assert text.startswith("Compte rendu d'atelier — Atelier « aller vers »")
    for expected in ("Déroulé", "phase sautée", MIXED_NOTE, "Coût élevé", "Motivée"):
        assert expected in text
    assert all(label in text for label in SHEET_LABELS["fr"].values())
    footer = odt_footer(data)
    assert footer.startswith("page 1 / 1\nGénéré par Atelier\n") and GUIDE_FR in footer
    odf = OdfDocument(io.BytesIO(data))
    assert odf.get_language() == "fr-FR"
    # Headings are not numbered (the template's outline numbering is switched off).
    levels = odf.styles.get_element("//text:outline-style").get_elements("text:outline-level-style")
    assert levels and all(level.get_attribute("style:num-format") == "" for level in levels)
    assert odf.body.get_tables()[0].get_attribute("table:style-name") == "AtelierTable"


def test_a_board_without_an_axis_credits_only_the_tool() -> None:
    w = workshop(axis=None)
    assert odt_footer(sheets_odt(w.state, "fr", w.now)) == "page 1 / 1\nGénéré par Atelier"
    assert docx_parts(sheets_docx(w.state, "fr", w.now))[2] == "page 1 / 1\nGénéré par Atelier"
    assert "D'après le guide" not in report_md(w.state, "fr", w.now).decode()


def test_an_empty_board_exports_in_every_format() -> None:
    w = Workshop()
    w.do(FAC, "participant.join", {"name": "Claire", "role": "facilitator"})
    for name, export in EXPORTS.items():
        assert export.write(w.state, "fr", w.now), name
    text = report_md(w.state, "fr", w.now).decode()
    assert "*Aucun post-it.*" in text and "*Aucune solution retenue.*" in text and "*Aucune réponse.*" in text
    assert "Aucune fiche action." in sheets_md(w.state, "fr", w.now).decode()


# --- action sheets ---------------------------------------------------------------------------------------


def test_sheets_are_ranked_by_dots() -> None:
    items = retained(workshop().state)
    assert [(i.rank, i.title(), i.votes) for i in items] == [(1, "Bus numérique", 3), (2, "Permanences itinérantes", 2)]


def test_sheets_docx_has_a_table_of_the_eight_labelled_fields_per_sheet() -> None:
    w = workshop()
    text, tables, footer = docx_parts(sheets_docx(w.state, "fr", w.now))
    assert "Fiche action 1 : Bus numérique" in text and "Fiche action 2 : Permanences itinérantes" in text
    first, second = tables
    assert [row[0] for row in first] == [SHEET_LABELS["fr"][f] for f in SHEET_FIELDS]
    assert first[1] == ["Objectifs", "Aller vers les villages"]
    assert first[2] == ["Description", "(à compléter)"]
    assert dict(second) == {
        "Nom de l'action": "Permanences itinérantes",
        "Objectifs": "Toucher les publics éloignés",
        "Description": "Une permanence par semaine\ndans chaque commune",
        "Pilote": "CCAS",
        "Partenaires impliqués": "Médiathèque ; France Services",
        "Cibles": "Seniors isolés",
        "Moyens financiers et humains": "2 ETP, 15 000 €",
        "Indicateurs de réussite": "=100 personnes reçues",
    }
    assert "Un numéro vert" in text  # a note linked to the sheet after it was retained
    assert "Mutualiser avec la CAF" in text
    assert footer.startswith("page 1 / 1\nGénéré par Atelier\n") and GUIDE_FR in footer  # fields, filled in by Word


def test_sheets_odt_and_md_in_english() -> None:
    w = workshop()
    odt = odt_text(sheets_odt(w.state, "en", w.now))
    md = sheets_md(w.state, "en", w.now).decode()
    for label in SHEET_LABELS["en"].values():
        assert label in odt and f"**{label}**" in md
    assert "Action sheet 2: Permanences itinérantes" in odt and "(to be completed)" in md
    assert "Suggestions for improvement" in odt


def test_a_programme_groups_sheets_by_workshop() -> None:
    first = workshop()
    second = Workshop(title="Atelier former", code="GHJKLM")
    second.do(FAC, "participant.join", {"name": "Claire", "role": "facilitator"})
    second.do(FAC, "board.configure", {"axis": "train-mediators"})
    second.do(FAC, "phase.set", {"phase": "convergence"})
    retained_note = second.note(FAC, "Former les agents d'accueil")
    sheet = second.do(FAC, "solution.retain", {"note_id": retained_note})[0].data["sheet_id"]
    second.do(AWA, "participant.join", {"name": "Awa"})
    second.do(AWA, "sheet.edit", {"sheet_id": sheet, "field": "lead", "text": "Département", "base_version": 0})
    states = [first.state, second.state]
    md = programme_md("Feuille de route", states, "fr", second.now).decode()
    assert md.startswith("# Fiches action — Feuille de route\n")
    order = [
        "## Atelier 1 — Atelier « aller vers »",
        "Axe de travail : Aller vers les publics",
        "Fiche action 1 : Bus numérique",
        "Fiche action 2 : Permanences itinérantes",
        "## Atelier 2 — Atelier former",
        "Axe de travail : Former les professionnels",
        "Fiche action 3 : Former les agents d'accueil",  # one numbering throughout the programme
        "Département",
    ]
    positions = [md.index(part) for part in order]
    assert positions == sorted(positions)
    # Both boards follow an axis of the same guide: it is credited once.
    assert md.count(GUIDE_FR) == 1
    text, tables, _ = docx_parts(programme_docx("Feuille de route", states, "fr", second.now))
    assert len(tables) == 3 and "Atelier 2 — Atelier former" in text
    assert "Former les agents d'accueil" in odt_text(programme_odt("Feuille de route", states, "fr", second.now))


def test_the_report_holds_the_same_sheets_as_the_sheets_export() -> None:
    w = workshop()

    def sheets_of(doc: Document) -> list[Fields]:
        return [block for block in doc.blocks if isinstance(block, Fields)]

    in_report = sheets_of(report_document(w.state, "fr", w.now))
    assert len(in_report) == 2
    assert in_report == sheets_of(sheets_document(w.state, "fr", w.now))
