"""A scripted workshop over real sockets: a facilitator and 12 participants through every phase.

    workshop = await Workshop.start(server.url, server.ws_url)
    for stage in STAGES:
        await workshop.advance(stage)   # the board is now at that stage, every client caught up
        ...                             # look at it (a browser, the state)
    await workshop.close()

Each stage runs the commands of one moment of the method (see `STAGES`); `advance` runs every stage
up to and including the one named, in order. The texts are those of a real workshop on "aller vers"
(reaching the public), of mixed lengths, some at the 500-character limit of a note."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import httpx

from .client import Participant, fetch_state, join_board

STAGES = (
    "joining",  # introduction: people join; goal, context and links are set
    "presentation",
    "inspiration",  # a question, personas dealt, one observation each
    "writing",  # divergence: 60 private notes, half the room says it is done
    "wall",  # the notes revealed
    "speaker",  # convergence: each presents up to 3 ideas; someone has the floor, others queue
    "voting",  # the floor is free again; notes grouped; dots cast, tallies hidden
    "reveal",  # the votes revealed
    "subgroups",  # 3 solutions retained, 3 sub-groups, their sheets filled
    "sharing",  # sharing, no group presenting yet
    "presenting",  # sub-group 1 presents; remarks for, against and suggestions arrive
    "closing",  # conclusion: the four closing questions answered
    "next_steps",
)

NAMES = ("Camille", "Yasmine", "Bertrand", "Sofia", "Mathieu", "Aïcha", "Thomas", "Léa", "Karim",
         "Nathalie", "Julien", "Maëlle")  # fmt: skip
KINDS = ("commune", "ccas", "library", "association", "mediation", "france_services")
FIELDS = ("name", "objectives", "description", "lead", "partners", "targets", "means", "indicators")
CLOSING = ("feeling", "difficulty", "learning", "takeaway")

IDEAS = (
    "Un bus numérique",
    "Former les agents d'accueil",
    "Des permanences en mairie le samedi matin",
    "Un annuaire partagé des lieux de médiation, tenu à jour par le réseau",
    "Aller au marché avec une tablette et un conseiller numérique pour aider sur place",
    "Prêter des ordinateurs reconditionnés",
    "Des ateliers intergénérationnels avec les collégiens du territoire, une fois par mois, "
    "dans les médiathèques et les centres sociaux",
)
LONG = (
    "Créer une équipe mobile de médiation numérique qui se déplace dans les communes rurales sans "
    "France Services : un véhicule aménagé avec connexion, deux postes et une imprimante ; des "
    "tournées annoncées par les mairies, le CCAS et les associations d'aide à domicile ; un accueil "
    "sans rendez-vous pour les démarches de la CAF, de France Travail et de l'assurance retraite ; "
    "un repérage des personnes isolées avec les facteurs et les services de portage de repas ; un "
    "suivi des situations pour ne pas laisser les gens repartir sans solution, ni sans contact."
)[:500]
FIELD_TEXTS = {
    "name": "Équipe mobile de médiation {n}",
    "objectives": "Toucher les habitants éloignés des services en ligne dans les communes sans "
    "France Services ; réduire le non-recours aux droits.",
    "description": "Un véhicule aménagé fait une tournée mensuelle des communes ; deux médiateurs "
    "accueillent sans rendez-vous et orientent vers les partenaires.",
    "lead": "CCAS de la ville-centre ({n})",
    "partners": "Département, CAF, France Travail, La Poste, associations d'aide à domicile",
    "targets": "Personnes âgées isolées, demandeurs d'emploi sans équipement, familles allophones",
    "means": "Un véhicule, deux conseillers numériques, 40 000 € par an, la flotte de tablettes",
    "indicators": "Nombre de passages, démarches abouties, personnes revues à trois mois",
}


class Workshop:
    """The board, the facilitator and the participants' clients (each folds what it may see)."""

    def __init__(self, url: str, ws_url: str, code: str, token: str) -> None:
        self.url, self.ws_url, self.code, self.token = url, ws_url, code, token
        self.fac: Participant | None = None
        self.people: list[Participant] = []
        self.done: list[str] = []
        self.subgroups: list[dict[str, Any]] = []
        self.sheets: list[str] = []  # sheet ids, sub-group 1's first

    @classmethod
    async def start(cls, url: str, ws_url: str, *, title: str = "Aller vers les publics éloignés",
                    participants: int = 12) -> Workshop:  # fmt: skip
        async with httpx.AsyncClient(base_url=url) as http:
            created = (await http.post("/api/boards", json={"title": title, "axis": "reach-out"})).json()
        self = cls(url, ws_url, created["code"], created["facilitator_token"])
        self.fac = await Participant(ws_url, self.code, self.token).connect()
        self._participants = participants
        return self

    @property
    def everyone(self) -> list[Participant]:
        return [c for c in (self.fac, *self.people) if c is not None]

    @property
    def state(self) -> dict[str, Any]:
        """The board as the facilitator sees it (everything)."""
        assert self.fac is not None and self.fac.state is not None
        return self.fac.state

    async def settle(self) -> None:
        """Wait until every client holds every committed event."""
        head = (await fetch_state(self.url, self.code, self.token))["seq"]
        await asyncio.gather(*(c.wait_seq(head, timeout=30) for c in self.everyone))

    async def projector_link(self) -> str:
        """A projector link's path (`/b/{CODE}/projector#k=…`), made by the facilitator."""
        async with httpx.AsyncClient(base_url=self.url, headers={"Authorization": f"Bearer {self.token}"}) as http:
            response = await http.post(f"/api/boards/{self.code}/projector-link")
        response.raise_for_status()
        return response.json()["url"]

    async def advance(self, stage: str) -> None:
        """Run every stage not run yet, up to and including `stage`, then wait for every client."""
        wanted = STAGES.index(stage)
        while len(self.done) <= wanted:
            name = STAGES[len(self.done)]
            await getattr(self, f"_{name}")()
            self.done.append(name)
        await self.settle()

    async def close(self) -> None:
        for client in self.everyone:
            await client.close()

    # --- the stages ---------------------------------------------------------------------------

    async def _cmd(self, client: Participant, name: str, args: dict[str, Any] | None = None) -> None:
        await client.wait_seq(await client.ok(name, args))

    async def _joining(self) -> None:
        fac = self.fac
        assert fac is not None
        await self._cmd(fac, "board.configure", {
            "goal": "Repérer ensemble les personnes éloignées du numérique et imaginer comment aller vers elles.",
            "context": "Le diagnostic territorial compte 18 000 personnes sans accès autonome aux démarches en "
                       "ligne, surtout dans les communes rurales du nord.\n\nTrois France Services couvrent le "
                       "territoire ; aucune ne se déplace.",
            "links": [{"url": "https://example.org/diagnostic", "title": "Diagnostic territorial 2026"}],
            # Named notes: the room hears who presents which idea (the projector says it too).
            "settings": {"anonymous": False},
        })  # fmt: skip
        await self._cmd(fac, "phase.set", {"phase": "intro"})
        joined = [
            await join_board(self.url, self.code, NAMES[i % len(NAMES)], KINDS[i % len(KINDS)])
            for i in range(self._participants)
        ]
        self.people = [await Participant(self.ws_url, self.code, j["token"]).connect() for j in joined]

    async def _presentation(self) -> None:
        await self._cmd(self.fac, "phase.set", {"phase": "presentation"})

    async def _inspiration(self) -> None:
        fac = self.fac
        await self._cmd(fac, "phase.set", {"phase": "inspiration"})
        await self._cmd(fac, "question.set", {"text": "Qu'observez-vous sur le terrain ?"})
        await self._cmd(fac, "personas.deal")
        await asyncio.gather(*(
            self._cmd(p, "note.add", {"text": f"Constat : {IDEAS[i % len(IDEAS)].lower()}, cela manque ({i})"})
            for i, p in enumerate(self.people)
        ))  # fmt: skip

    async def _writing(self) -> None:
        fac = self.fac
        await self._cmd(fac, "phase.set", {"phase": "divergence"})
        await self._cmd(
            fac, "question.set", {"text": "Comment pourrions-nous aller vers les publics éloignés du numérique ?"}
        )
        await self._cmd(fac, "timer.start", {"seconds": 1500})
        texts = (*IDEAS, LONG)

        async def write(i: int, person: Participant) -> None:
            for k in range(5):
                text = texts[(i * 5 + k) % len(texts)]
                await self._cmd(person, "note.add", {"text": text if len(text) >= 500 else f"{text} ({i}-{k})"})
            if i < len(self.people) // 2:
                await self._cmd(person, "participant.done", {"done": True})

        await asyncio.gather(*(write(i, p) for i, p in enumerate(self.people)))

    async def _wall(self) -> None:
        await self._cmd(self.fac, "notes.reveal")

    def _mine(self, person: Participant) -> list[str]:
        return [
            n["id"]
            for n in self.state["notes"].values()
            if n["author"] == person.you["id"] and n["phase"] == "divergence"
        ]

    async def _speaker(self) -> None:
        fac = self.fac
        await self._cmd(fac, "phase.set", {"phase": "convergence"})
        await self.settle()

        async def present(person: Participant) -> None:
            for note_id in self._mine(person)[:3]:
                await self._cmd(person, "note.present", {"id": note_id})

        await asyncio.gather(*(present(p) for p in self.people))
        for person in self.people[:4]:
            await self._cmd(person, "queue.join")
        await self._cmd(fac, "queue.next", {"seconds": 120})

    async def _voting(self) -> None:
        fac = self.fac
        while self.state["queue"]["speaker"] is not None:  # everyone has spoken: the floor is free
            await self._cmd(fac, "queue.next")
        notes = [n for n in self.state["notes"].values() if n["phase"] == "divergence"]
        outreach = [n["id"] for n in notes if "bus" in n["text"] or "marché" in n["text"]][:6]
        await self._cmd(fac, "group.create", {"title": "Aller au-devant des habitants", "note_ids": outreach})
        await self.settle()
        ungrouped = [n["id"] for n in self.state["notes"].values() if n["phase"] == "divergence" and not n.get("group")]
        group_id = next(iter(self.state["groups"]))
        targets = [("group_id", group_id), *(("note_id", nid) for nid in ungrouped[:8])]

        async def vote(i: int, person: Participant) -> None:
            # Distinct tallies (12, 8, 7, 4, 3, 2): a ranking with no tie to argue about.
            picks = (0, 1 if i < 8 else 2, 3 if i < 7 else 4 if i < 10 else 5)
            for pick in picks:
                key, target = targets[pick]
                await self._cmd(person, "vote.add", {key: target})

        await asyncio.gather(*(vote(i, p) for i, p in enumerate(self.people)))

    async def _reveal(self) -> None:
        await self._cmd(self.fac, "votes.reveal", {})

    async def _subgroups(self) -> None:
        fac = self.fac
        tallies = self.state["votes"]
        top = sorted(tallies, key=lambda target: -tallies[target])[:3]
        for target in top:
            key = "group_id" if target in self.state["groups"] else "note_id"
            await self._cmd(fac, "solution.retain", {key: target})
        await self._cmd(fac, "subgroups.split", {"count": 3, "mode": "random"})
        await self.settle()
        self.subgroups = sorted(self.state["subgroups"].values(), key=lambda g: g["name"])
        by_id = {p.you["id"]: p for p in self.people}
        self.sheets = []
        for n, group in enumerate(self.subgroups, start=1):
            sheet_id = self.state["solutions"][group["solution_id"]]["sheet_id"]
            self.sheets.append(sheet_id)
            members = itertools.cycle(group["members"])
            for field in FIELDS:
                writer = by_id[next(members)]
                base = writer.state["sheets"][sheet_id]["fields"][field]["version"]
                text = FIELD_TEXTS[field].format(n=n)
                args = {"sheet_id": sheet_id, "field": field, "text": text, "base_version": base}
                await self._cmd(writer, "sheet.edit", args)

    async def _sharing(self) -> None:
        await self._cmd(self.fac, "phase.set", {"phase": "sharing"})

    async def _presenting(self) -> None:
        fac = self.fac
        await self._cmd(fac, "sharing.present", {"subgroup_id": self.subgroups[0]["id"]})
        sheet = self.sheets[0]
        remarks = (("for", "Très concret, on peut commencer vite"), ("for", "Les mairies rurales suivront"),
                   ("against", "Le coût du véhicule est sous-estimé"), ("suggestion", "S'appuyer sur le bus de la CAF"),
                   ("suggestion", "Annoncer les tournées dans le bulletin municipal"))  # fmt: skip
        for person, (kind, text) in zip(self.people[4:], remarks, strict=False):
            await self._cmd(person, "remark.add", {"sheet_id": sheet, "kind": kind, "text": text})

    async def _closing(self) -> None:
        await self._cmd(self.fac, "phase.set", {"phase": "conclusion"})
        answers = {
            "feeling": ("Motivée par la dynamique du groupe", "Rassuré de voir tant de partenaires",
                        "Fatiguée mais contente"),
            "difficulty": ("Choisir seulement trois solutions", "Parler des coûts sans chiffres",
                           "Le temps trop court"),
            "learning": ("Le réseau est plus riche que je ne pensais", "Ce que fait la CAF sur le terrain",
                         "Le rôle des conseillers numériques"),
            "takeaway": ("Un contact à la CAF pour la tournée", "Une fiche à compléter avec mon service",
                         "L'envie de tester le bus au printemps"),
        }  # fmt: skip
        await asyncio.gather(*(
            self._cmd(p, "closing.answer", {"question": CLOSING[i % 4], "text": answers[CLOSING[i % 4]][i // 4]})
            for i, p in enumerate(self.people)
        ))  # fmt: skip

    async def _next_steps(self) -> None:
        text = (
            "Prochain atelier le 12 janvier à 14 h : « Former les acteurs de la médiation ».\n\n"
            "Les fiches complétées seront envoyées d'ici vendredi."
        )
        await self._cmd(self.fac, "next_steps.set", {"text": text})
