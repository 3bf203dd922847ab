"""A whole workshop folded from the domain's own events, for the export writers' tests (no server)."""

from __future__ import annotations

import itertools
from typing import Any

from atelier import protocol
from atelier.domain import BoardState, Command, Context, apply, create_board, decide, initial
from atelier.service import axis_setup, persona_ids

# 2025-11-28 14:26:40 UTC, 15:26 in Paris.
START = 1_764_340_000_000
MINUTE = 60_000

FAC, COF, AWA, JEAN, LEA, MARC = "p_fac", "p_cof", "p_awa", "p_jean", "p_lea", "p_marc"

# Texts a spreadsheet would run as formulas, and texts that stress separators and accents.
FORMULA_NOTES = ("=SUM(A1)", "@cmd", "+33 6 12 34 56 78", "-1")
MIXED_NOTE = "Un bus; numérique\nitinérant « é à ç »"
GROUP_NOTE = "Des permanences en mairie"


class Workshop:
    """Drives the domain as the service does: parse the args (protocol), decide, fold; one minute per step."""

    def __init__(self, *, language: str = "fr", code: str = "ABCDEF", title: str = "Atelier « aller vers »") -> None:
        self.now = START
        self._ids = itertools.count(1)
        self.state: BoardState = initial(create_board(code, title, language)[0].data)
        self.events: list[Any] = []

    def _context(self) -> Context:
        return Context(now_ms=self.now, new_id=lambda prefix: f"{prefix}_{next(self._ids)}", personas=persona_ids())

    def do(self, actor: str, name: str, args: dict[str, Any] | None = None, *, minutes: int = 1) -> list[Any]:
        self.now += minutes * MINUTE
        if name == "participant.join":
            parsed = dict(args or {})
        else:
            parsed = protocol.parse_args(protocol.Cmd(type="cmd", cid="c", name=name, args=args or {}))
        events = decide(self.state, actor, Command(name, parsed), self._context())
        for event in events:
            apply(self.state, event)
        self.events += events
        return events

    def note(self, actor: str, text: str, **args: Any) -> str:
        return self.do(actor, "note.add", {"text": text, **args})[0].data["note"]["id"]


def workshop(
    *, language: str = "fr", anonymous: bool = True, anonymous_closing: bool = False, axis: str | None = "reach-out"
) -> Workshop:
    """Every phase of the method, with notes, votes, a group, two retained solutions and their sheets,
    remarks, closing answers and next steps."""
    w = Workshop(language=language)
    w.do(FAC, "participant.join", {"name": "Claire", "role": "facilitator"})
    w.do(COF, "participant.join", {"name": "Malik"})
    w.do(FAC, "participant.role", {"id": COF, "role": "co_facilitator"})
    w.do(AWA, "participant.join", {"name": "Awa", "organisation": "ccas"})
    w.do(JEAN, "participant.join", {"name": "Jean", "organisation": "commune"})
    w.do(LEA, "participant.join", {"name": "Léa", "organisation": "ccas"})
    w.do(MARC, "participant.join", {"name": "Marc"})
    setup = axis_setup(axis, language) if axis else {}
    w.do(
        FAC,
        "board.configure",
        {
            **setup,
            "context": "Diagnostic 2025 : 18 % des habitants sans accès.",
            "links": [{"url": "https://example.org/diagnostic", "title": "Diagnostic"}],
            "settings": {"anonymous": anonymous, "anonymous_closing": anonymous_closing},
        },
    )
    phases = [
        {"id": p, "minutes": m, "skipped": p == "presentation"}
        for p, m in (
            ("intro", 5),
            ("presentation", 10),
            ("inspiration", 15),
            ("divergence", 30),
            ("convergence", 40),
            ("sharing", 15),
            ("conclusion", 5),
        )
    ]
    w.do(FAC, "agenda.set", {"phases": phases})
    w.do(FAC, "phase.set", {"phase": "intro"})
    w.do(FAC, "phase.set", {"phase": "inspiration"}, minutes=6)
    w.do(FAC, "question.set", {"text": "Qui passe à côté des accompagnements ?"})
    formula = [w.note(AWA if i % 2 else JEAN, text) for i, text in enumerate(FORMULA_NOTES)]
    w.do(FAC, "phase.set", {"phase": "divergence"}, minutes=14)
    w.do(FAC, "question.set", {"text": "Comment aller vers les publics ?"})
    mixed = w.note(LEA, MIXED_NOTE, color="blue")
    grouped = w.note(AWA, GROUP_NOTE, color="green")
    other = w.note(JEAN, "Des ateliers au marché", color="pink")
    paper = w.note(FAC, "Un numéro vert", **{"for": "Mme Martin"})
    w.do(FAC, "notes.reveal")
    w.do(FAC, "phase.set", {"phase": "convergence"}, minutes=30)
    w.do(LEA, "note.present", {"id": mixed})
    group = w.do(FAC, "group.create", {"title": "Permanences", "note_ids": [grouped, other]})[0].data["group"]["id"]
    for voter, target in ((AWA, mixed), (JEAN, mixed), (LEA, mixed), (MARC, formula[0]), (AWA, paper)):
        w.do(voter, "vote.add", {"note_id": target})
    w.do(JEAN, "vote.add", {"group_id": group})
    w.do(MARC, "vote.add", {"group_id": group})
    first = w.do(FAC, "solution.retain", {"group_id": group})[0].data["sheet_id"]
    second = w.do(FAC, "solution.retain", {"note_id": mixed})[0].data["sheet_id"]
    w.do(FAC, "sheet.link", {"sheet_id": first, "note_id": paper})
    fields = {
        first: {
            "name": "Permanences itinérantes",
            "objectives": "Toucher les publics éloignés",
            "description": "Une permanence par semaine\ndans chaque commune",
            "lead": "CCAS",
            "partners": "Médiathèque ; France Services",
            "targets": "Seniors isolés",
            "means": "2 ETP, 15 000 €",
            "indicators": "=100 personnes reçues",
        },
        second: {"name": "Bus numérique", "objectives": "Aller vers les villages"},
    }
    for sheet_id, values in fields.items():
        for name, text in values.items():
            w.do(AWA, "sheet.edit", {"sheet_id": sheet_id, "field": name, "text": text, "base_version": 0})
    w.do(FAC, "phase.set", {"phase": "sharing"}, minutes=40)
    w.do(JEAN, "remark.add", {"sheet_id": first, "kind": "for", "text": "Très utile pour les seniors"})
    w.do(LEA, "remark.add", {"sheet_id": first, "kind": "against", "text": "Coût élevé"})
    w.do(MARC, "remark.add", {"sheet_id": first, "kind": "suggestion", "text": "Mutualiser avec la CAF"})
    w.do(FAC, "phase.set", {"phase": "conclusion"}, minutes=15)
    w.do(AWA, "closing.answer", {"question": "feeling", "text": "Motivée"})
    w.do(JEAN, "closing.answer", {"question": "feeling", "text": "Content"})
    w.do(LEA, "closing.answer", {"question": "learning", "text": "Les autres structures"})
    w.do(FAC, "next_steps.set", {"text": "Rédiger les fiches avant le 15 décembre"})
    return w
