"""Action sheets (fiches action): one per retained solution, for a board or a whole programme."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..domain.model import REMARK_KINDS, SHEET_FIELDS, BoardState, Sheet, Solution
from . import write_docx, write_md, write_odt, write_pdf
from .document import Block, Bullets, Document, Fields, Heading, PageBreak, Para
from .labels import REMARK_KINDS as REMARK_LABELS
from .labels import SHEET_LABELS, axis_title, credits, date_text, held_ms, lang_of, origin, word


@dataclass(frozen=True)
class Retained:
    rank: int
    solution: Solution
    sheet: Sheet
    votes: int

    def title(self) -> str:
        name = self.sheet.fields.get("name")
        return name.text.strip() if name and name.text.strip() else self.solution.title


def retained(state: BoardState) -> list[Retained]:
    """The retained solutions with a sheet, most dots first (then in the order they were retained)."""
    tallies = state.tallies()
    found = [
        (solution, state.sheets[solution.sheet_id], tallies.get(solution.source_id, 0))
        for solution in state.solutions.values()
        if solution.sheet_id in state.sheets
    ]
    ordered = sorted(enumerate(found), key=lambda pair: (-pair[1][2], pair[0]))
    return [Retained(rank, solution, sheet, votes) for rank, (_, (solution, sheet, votes)) in enumerate(ordered, 1)]


def sheet_blocks(
    state: BoardState, item: Retained, lang: str, level: int = 1, number: int | None = None
) -> list[Block]:
    """One sheet: the workshop it comes from, its eight labelled fields, the notes it came from and
    the remarks it received. `number` numbers it across a programme (its rank in its board if None)."""
    lang = lang_of(lang)
    labels = SHEET_LABELS[lang]
    pairs = []
    for name in SHEET_FIELDS:
        field = item.sheet.fields.get(name)
        text = field.text.strip() if field else ""
        pairs.append((labels[name], text or word(lang, "to_complete")))
    blocks: list[Block] = [
        Heading(level, word(lang, "sheet", rank=item.rank if number is None else number, title=item.title())),
        # A sheet travels alone (printed, forwarded): it says which workshop it comes from.
        Para(origin(state, lang), muted=True),
        Fields(tuple(pairs)),
    ]
    sources = [state.notes[nid].text for nid in item.sheet.source_note_ids if nid in state.notes]
    if sources:
        blocks += [Heading(level + 1, word(lang, "sources")), Bullets(tuple(sources))]
    remarks = sorted(
        (r for r in state.remarks.values() if r.sheet_id == item.sheet.id), key=lambda r: (r.created_ms, r.id)
    )
    blocks.append(Heading(level + 1, word(lang, "remarks")))
    if not remarks:
        blocks.append(Para(word(lang, "no_remarks"), muted=True))
    for kind in REMARK_KINDS:
        texts = tuple(r.text for r in remarks if r.kind == kind)
        if texts:
            blocks += [Heading(level + 2, REMARK_LABELS[lang][kind]), Bullets(texts)]
    return blocks


def _board_sheets(state: BoardState, lang: str, level: int, first: int = 1) -> list[Block]:
    items = retained(state)
    if not items:
        return [Para(word(lang, "no_sheets"), muted=True)]
    blocks: list[Block] = []
    for i, item in enumerate(items):
        if i:
            blocks.append(PageBreak())
        blocks += sheet_blocks(state, item, lang, level, first + i)
    return blocks


def workshop_lines(state: BoardState, lang: str) -> list[Block]:
    """The first block of a workshop's document: axis, date and code (the title is the document's)."""
    lang = lang_of(lang)
    blocks: list[Block] = []
    axis = axis_title(state, lang)
    if axis:
        blocks.append(Para(word(lang, "axis_line", axis=axis)))
    held = held_ms(state)
    if held is not None:
        blocks.append(Para(word(lang, "held", date=date_text(held, lang))))
    blocks.append(Para(word(lang, "code", code=state.code)))
    return blocks


def workshop_document(state: BoardState, kind: str, lang: str, now_ms: int) -> Document:
    """A document about one workshop, `kind` its nature ("Fiches action"), with its header and metadata."""
    lang = lang_of(lang)
    doc = Document(
        f"{kind} — {state.title}",
        lang,
        footer=credits(state, lang),
        header=f"{kind} — {origin(state, lang)}",
        created_ms=now_ms,
        subject=axis_title(state, lang) or "",
    )
    doc.add(*workshop_lines(state, lang))
    return doc


def sheets_document(state: BoardState, lang: str, now_ms: int) -> Document:
    lang = lang_of(lang)
    doc = workshop_document(state, word(lang, "sheets"), lang, now_ms)
    doc.add(Para(word(lang, "generated", date=date_text(now_ms, lang)), muted=True))
    doc.add(*_board_sheets(state, lang, 1))
    return doc


def programme_document(title: str, states: list[BoardState], lang: str, now_ms: int) -> Document:
    """Every sheet of every workshop of a programme, grouped by workshop, numbered once throughout."""
    lang = lang_of(lang)
    footer: list[str] = []
    for state in states:
        footer += [line for line in credits(state, lang) if line not in footer]
    kind = word(lang, "sheets")
    doc = Document(f"{kind} — {title}", lang, footer=footer, header=f"{kind} — {title}", created_ms=now_ms)
    doc.add(Para(word(lang, "generated", date=date_text(now_ms, lang)), muted=True))
    first = 1
    for i, state in enumerate(states):
        if i:
            doc.add(PageBreak())
        doc.add(Heading(1, f"{word(lang, 'workshop')} {i + 1} — {state.title}"))
        doc.add(*workshop_lines(state, lang))
        doc.add(*_board_sheets(state, lang, 2, first))
        first += len(retained(state))
    return doc


Writer = Callable[[Document], bytes]


def _writer(render: Writer) -> Callable[[BoardState, str, int], bytes]:
    def write(state: BoardState, lang: str, now_ms: int) -> bytes:
        return render(sheets_document(state, lang, now_ms))

    return write


def _programme_writer(render: Writer) -> Callable[[str, list[BoardState], str, int], bytes]:
    def write(title: str, states: list[BoardState], lang: str, now_ms: int) -> bytes:
        return render(programme_document(title, states, lang, now_ms))

    return write


sheets_md = _writer(write_md.render)
sheets_odt = _writer(write_odt.render)
sheets_docx = _writer(write_docx.render)
sheets_pdf = _writer(write_pdf.render)
programme_md = _programme_writer(write_md.render)
programme_odt = _programme_writer(write_odt.render)
programme_docx = _programme_writer(write_docx.render)
programme_pdf = _programme_writer(write_pdf.render)
