"""The whole workshop report: agenda as run, notes and votes, solutions, sheets, remarks, closing round."""

from __future__ import annotations

from .. import templates
from ..domain.model import BoardState, Note, Role
from . import write_html, write_md, write_odt, write_pdf
from .document import Block, Bullets, Document, Heading, Para, Table
from .labels import (
    ORGANISATIONS,
    author_name,
    closing_label,
    date_text,
    lang_of,
    phase_name,
    word,
)
from .sheets import retained, sheet_blocks, workshop_document


def _minutes(ms: int) -> str:
    return str(round(ms / 60_000))


def agenda_rows(state: BoardState, lang: str) -> list[tuple[str, str, str, str]]:
    """(phase, planned minutes, actual minutes, remark) per phase of the agenda.

    Actual time is the sum of the phase's finished stretches in the log (a facilitator may go back
    to a phase). The phase still open has no end yet: it is marked in progress rather than timed
    up to whenever the report happens to be generated."""
    spent: dict[str, int] = {}
    running: str | None = None
    for entry in state.phase_log:
        started, ended = entry.get("started_ms"), entry.get("ended_ms")
        if ended is None:
            running = entry["phase"]
            continue
        spent[entry["phase"]] = spent.get(entry["phase"], 0) + max(0, ended - started)
    rows = []
    for phase in state.phases:
        pid = phase["id"]
        remarks = []
        if phase.get("skipped"):
            remarks.append(word(lang, "skipped"))
        if pid == running:
            remarks.append(word(lang, "in_progress"))
        actual = _minutes(spent[pid]) if pid in spent else "—"
        rows.append((phase_name(pid, lang), str(phase["minutes"]), actual, ", ".join(remarks)))
    return rows


def questions_asked(state: BoardState) -> list[str]:
    """The prompts notes were written under, in the order first used, then the current one."""
    asked: list[str] = []
    for note in sorted(state.notes.values(), key=lambda n: (n.created_ms, n.id)):
        if note.question and note.question not in asked:
            asked.append(note.question)
    if state.question and state.question not in asked:
        asked.append(state.question)
    return asked


def _note_line(state: BoardState, note: Note, votes: int, lang: str) -> str:
    """The note, then on its own line what happened to it; nothing is said of what did not happen
    (no "0 dots"), and the colour, a tool of the wall, is left to the spreadsheet."""
    details = [word(lang, "votes", count=votes)] if votes else []
    group = state.groups.get(note.group) if note.group else None
    if group:
        details.append(word(lang, "group", title=group.title))
    name = author_name(state, note)
    if name:
        details.append(word(lang, "by", name=name))
    if note.for_:
        details.append(word(lang, "for", name=note.for_))
    if note.presented:
        details.append(word(lang, "presented"))
    return f"{note.text}\n({', '.join(details)})" if details else note.text


def _notes(state: BoardState, lang: str) -> list[Block]:
    blocks: list[Block] = [Heading(1, word(lang, "notes"))]
    if not state.notes:
        return [*blocks, Para(word(lang, "no_notes"), muted=True)]
    tallies = state.tallies()
    order = [p["id"] for p in state.phases]
    for phase in order + sorted({n.phase for n in state.notes.values()} - set(order)):
        notes = sorted(
            (n for n in state.notes.values() if n.phase == phase),
            key=lambda n: (-tallies.get(n.id, 0), n.created_ms, n.id),
        )
        if notes:
            blocks.append(Heading(2, phase_name(phase, lang)))
            blocks.append(Bullets(tuple(_note_line(state, n, tallies.get(n.id, 0), lang) for n in notes)))
    return blocks


def _groups(state: BoardState, lang: str) -> list[Block]:
    tallies = state.tallies()
    groups = sorted(state.groups.values(), key=lambda g: -tallies.get(g.id, 0))
    if not groups:
        return [Heading(1, word(lang, "groups")), Para(word(lang, "no_groups"), muted=True)]
    lines = []
    for group in groups:
        votes = word(lang, "votes", count=tallies.get(group.id, 0))
        notes = word(lang, "note_count", count=len(group.note_ids))
        line = word(lang, "group_line", title=group.title, votes=votes, notes=notes)
        texts = [state.notes[nid].text for nid in group.note_ids if nid in state.notes]
        lines.append("\n".join([line, *(f"· {t}" for t in texts)]))
    return [Heading(1, word(lang, "groups")), Bullets(tuple(lines))]


def _solutions(state: BoardState, lang: str) -> list[Block]:
    items = retained(state)
    blocks: list[Block] = [Heading(1, word(lang, "solutions"))]
    if not items:
        return [*blocks, Para(word(lang, "no_solutions"), muted=True)]
    header = (word(lang, "rank"), word(lang, "solution"), word(lang, "dots"))
    blocks.append(Table(header, tuple((str(i.rank), i.solution.title, str(i.votes)) for i in items)))
    blocks.append(Heading(1, word(lang, "sheets")))
    for item in items:
        blocks += sheet_blocks(state, item, lang, level=2)
    return blocks


def _closing(state: BoardState, lang: str) -> list[Block]:
    blocks: list[Block] = [Heading(1, word(lang, "closing"))]
    if not state.closing:
        return [*blocks, Para(word(lang, "no_closing"), muted=True)]
    known = [q.id for q in templates.closing_questions()]
    asked = {a.question for a in state.closing.values()}
    for question in known + sorted(asked - set(known)):
        # In the order they were given: the fold keeps a dict in insertion order.
        answers = [a for a in state.closing.values() if a.question == question]
        if not answers:
            continue
        label, text = closing_label(question, lang)
        blocks.append(Heading(2, label))
        if text:
            blocks.append(Para(text, muted=True))
        lines = []
        for answer in answers:
            name = author_name(state, answer)
            lines.append(f"{answer.text} — {name}" if name else answer.text)
        blocks.append(Bullets(tuple(lines)))
    return blocks


def _organisations(state: BoardState, lang: str) -> list[Block]:
    people = sum(1 for p in state.participants.values() if p.role == Role.PARTICIPANT)
    counts: dict[str, int] = {}
    for participant in state.participants.values():
        if participant.organisation:
            counts[participant.organisation] = counts.get(participant.organisation, 0) + 1
    blocks: list[Block] = [Heading(1, word(lang, "organisations")), Para(word(lang, "participants", count=people))]
    if not counts:
        return [*blocks, Para(word(lang, "no_organisations"), muted=True)]
    names = ORGANISATIONS[lang]
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], names.get(kv[0], kv[0])))
    lines = tuple(word(lang, "organisation_count", name=names.get(kind, kind), count=n) for kind, n in ordered)
    return [*blocks, Bullets(lines)]


def report_document(state: BoardState, lang: str, now_ms: int) -> Document:
    lang = lang_of(lang)
    doc = workshop_document(state, word(lang, "report"), lang, now_ms)
    doc.add(Para(word(lang, "generated", date=date_text(now_ms, lang)), muted=True))

    if state.goal or state.context or state.links:
        # The axis itself is in the first block; this section says what it is about.
        doc.add(Heading(1, word(lang, "axis")))
        if state.goal:
            doc.add(Heading(2, word(lang, "goal")), Para(state.goal))
        if state.context:
            doc.add(Heading(2, word(lang, "context")), Para(state.context))
        if state.links:
            links = tuple(f"{link.get('title') or link['url']} — {link['url']}" for link in state.links)
            doc.add(Heading(2, word(lang, "links")), Bullets(links))

    header = (word(lang, "phase"), word(lang, "planned"), word(lang, "actual"), word(lang, "status"))
    doc.add(Heading(1, word(lang, "agenda")), Table(header, tuple(agenda_rows(state, lang))))

    asked = questions_asked(state)
    if asked:
        doc.add(Heading(1, word(lang, "questions")), Bullets(tuple(asked)))

    doc.add(*_notes(state, lang))
    doc.add(*_groups(state, lang))
    doc.add(*_solutions(state, lang))
    doc.add(*_closing(state, lang))
    doc.add(Heading(1, word(lang, "next_steps")))
    doc.add(Para(state.next_steps) if state.next_steps.strip() else Para(word(lang, "no_next_steps"), muted=True))
    doc.add(*_organisations(state, lang))
    return doc


def report_md(state: BoardState, lang: str, now_ms: int) -> bytes:
    return write_md.render(report_document(state, lang, now_ms))


def report_odt(state: BoardState, lang: str, now_ms: int) -> bytes:
    return write_odt.render(report_document(state, lang, now_ms))


def report_html(state: BoardState, lang: str, now_ms: int) -> bytes:
    return write_html.render(report_document(state, lang, now_ms))


def report_pdf(state: BoardState, lang: str, now_ms: int) -> bytes:
    return write_pdf.render(report_document(state, lang, now_ms))
