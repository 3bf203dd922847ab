"""Words and dates of the exported documents, in French (the default) and English."""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_datetime

from .. import templates
from ..domain.model import BoardState

LANGUAGES = ("fr", "en")
# The workshops are run by French local authorities: their clocks are Paris time whatever the
# language of the board. A server without the tz database falls back to UTC rather than failing.
DEFAULT_TIMEZONE = "Europe/Paris"

_LOCALES = {"fr": "fr_FR", "en": "en"}
_AT = {"fr": "à", "en": "at"}

SHEET_LABELS = {
    "fr": {
        "name": "Nom de l'action",
        "objectives": "Objectifs",
        "description": "Description",
        "lead": "Pilote",
        "partners": "Partenaires",
        "targets": "Publics cibles",
        "means": "Moyens financiers et humains",
        "indicators": "Indicateurs de réussite",
    },
    "en": {
        "name": "Action name",
        "objectives": "Objectives",
        "description": "Description",
        "lead": "Lead",
        "partners": "Partners",
        "targets": "Target audiences",
        "means": "Financial and human means",
        "indicators": "Success indicators",
    },
}

COLOURS = {
    "fr": {"yellow": "jaune", "pink": "rose", "blue": "bleu", "green": "vert", "orange": "orange", "purple": "violet"},
    "en": {colour: colour for colour in ("yellow", "pink", "blue", "green", "orange", "purple")},
}

# The same wording as the web app's catalogues (frontend/i18n), so a report says what the join form said.
ORGANISATIONS = {
    "fr": {
        "commune": "Commune ou intercommunalité",
        "departement": "Département ou région",
        "ccas": "CCAS ou CIAS",
        "social": "Service social",
        "library": "Bibliothèque ou médiathèque",
        "training": "Organisme de formation",
        "association": "Association",
        "mediation": "Réseau de médiation numérique",
        "telecom": "Opérateur de télécommunications",
        "public_service": "Opérateur de service public (emploi, allocations, retraite, poste…)",
        "france_services": "France Services, tiers-lieu ou hub d'inclusion",
        "other": "Autre",
    },
    "en": {
        "commune": "Town hall or inter-municipality",
        "departement": "Département or region",
        "ccas": "Municipal social action centre (CCAS, CIAS)",
        "social": "Social services",
        "library": "Library or media library",
        "training": "Training body",
        "association": "Association",
        "mediation": "Digital mediation network",
        "telecom": "Telecom operator",
        "public_service": "Public-service operator (employment, benefits, pensions, post…)",
        "france_services": "France Services, third place or inclusion hub",
        "other": "Other",
    },
}

REMARK_KINDS = {
    "fr": {"for": "Pour", "against": "Contre", "suggestion": "Suggestions d'amélioration"},
    "en": {"for": "For", "against": "Against", "suggestion": "Suggestions for improvement"},
}

WORDS = {
    "fr": {
        "report": "Compte rendu d'atelier",
        "sheets": "Fiches action",
        "workshop": "Atelier",
        "code": "Code de l'atelier : {code}",
        "held": "Atelier du {date}",
        "generated": "Document généré le {date}",
        "generated_by": "Généré par Atelier",
        "axis": "Axe de travail",
        "axis_line": "Axe de travail : {axis}",
        "goal": "Objectif",
        "context": "Contexte",
        "links": "Ressources",
        "agenda": "Déroulé",
        "phase": "Phase",
        "planned": "Prévu (min)",
        "actual": "Réel (min)",
        "status": "Remarque",
        "skipped": "phase sautée",
        "in_progress": "en cours",
        "questions": "Questions posées",
        "notes": "Post-its",
        "no_notes": "Aucun post-it.",
        "votes": "{count} gommette(s)",
        "by": "par {name}",
        "for": "pour {name}",
        "presented": "présentée",
        "groups": "Regroupements",
        "no_groups": "Aucun regroupement.",
        "group": "groupe « {title} »",
        "group_line": "{title} — {votes} gommette(s), {count} post-it(s)",
        "yes": "oui",
        "no": "non",
        "solutions": "Solutions retenues",
        "no_solutions": "Aucune solution retenue.",
        "solution_line": "{rank}. {title} — {count} gommette(s)",
        "sheet": "Fiche action {rank} : {title}",
        "to_complete": "(à compléter)",
        "sources": "Post-its d'origine",
        "remarks": "Remarques du partage",
        "no_remarks": "Aucune remarque.",
        "closing": "Tour de clôture",
        "no_closing": "Aucune réponse.",
        "next_steps": "Prochaines étapes",
        "no_next_steps": "Non renseignées.",
        "organisations": "Structures représentées",
        "no_organisations": "Aucune structure indiquée.",
        "participants": "{count} participant(s)",
        "organisation_count": "{name} : {count}",
        "no_sheets": "Aucune fiche action.",
    },
    "en": {
        "report": "Workshop report",
        "sheets": "Action sheets",
        "workshop": "Workshop",
        "code": "Workshop code: {code}",
        "held": "Workshop of {date}",
        "generated": "Document generated on {date}",
        "generated_by": "Generated by Atelier",
        "axis": "Axis",
        "axis_line": "Axis: {axis}",
        "goal": "Goal",
        "context": "Context",
        "links": "Resources",
        "agenda": "Agenda as run",
        "phase": "Phase",
        "planned": "Planned (min)",
        "actual": "Actual (min)",
        "status": "Note",
        "skipped": "phase skipped",
        "in_progress": "in progress",
        "questions": "Questions asked",
        "notes": "Notes",
        "no_notes": "No notes.",
        "votes": "{count} dot(s)",
        "by": "by {name}",
        "for": "for {name}",
        "presented": "presented",
        "groups": "Groups",
        "no_groups": "No groups.",
        "group": "group “{title}”",
        "group_line": "{title} — {votes} dot(s), {count} note(s)",
        "yes": "yes",
        "no": "no",
        "solutions": "Retained solutions",
        "no_solutions": "No solution retained.",
        "solution_line": "{rank}. {title} — {count} dot(s)",
        "sheet": "Action sheet {rank}: {title}",
        "to_complete": "(to be completed)",
        "sources": "Source notes",
        "remarks": "Remarks from the sharing",
        "no_remarks": "No remarks.",
        "closing": "Closing round",
        "no_closing": "No answers.",
        "next_steps": "Next steps",
        "no_next_steps": "Not given.",
        "organisations": "Organisations represented",
        "no_organisations": "No organisation given.",
        "participants": "{count} participant(s)",
        "organisation_count": "{name}: {count}",
        "no_sheets": "No action sheets.",
    },
}


def lang_of(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "fr"


def word(lang: str, key: str, **params: object) -> str:
    return WORDS[lang_of(lang)][key].format(**params)


@cache
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


@cache
def _pattern(lang: str) -> str:
    """The locale's long date and short time, joined the way one says it: « 28 novembre 2026 à 14:05 »."""
    locale = _locale(lang)
    date = locale.date_formats["long"].pattern
    time = locale.time_formats["short"].pattern
    return f"{date} '{_AT[lang]}' {time}"


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(_LOCALES[lang])


def date_text(ms: int, lang: str, tz: str = DEFAULT_TIMEZONE) -> str:
    lang = lang_of(lang)
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return format_datetime(moment, _pattern(lang), tzinfo=_zone(tz), locale=_locale(lang))


def phase_name(phase: str, lang: str) -> str:
    found = next((p for p in templates.agenda() if p.id == phase), None)
    return found.name.get(lang_of(lang)) if found else phase


def axis_title(state: BoardState, lang: str) -> str | None:
    if not state.axis:
        return None
    found = templates.axis(state.axis)
    return found.title.get(lang_of(lang)) if found else state.axis


def closing_label(question: str, lang: str) -> tuple[str, str]:
    """(label, full question) of a closing-round question."""
    found = next((q for q in templates.closing_questions() if q.id == question), None)
    if found is None:
        return question, ""
    return found.label.get(lang_of(lang)), found.text.get(lang_of(lang))


_EMPHASIS = re.compile(r"\*")


def credits(state: BoardState, lang: str) -> list[str]:
    """Footer lines: the tool, then the guide the method comes from when the board follows an axis."""
    lines = [word(lang, "generated_by")]
    if state.axis:
        found = templates.axis(state.axis)
        source = found.source if found else templates.source()
        # The templates write the guide's title in Markdown italics; documents show it plain.
        lines.append(_EMPHASIS.sub("", source.get(lang_of(lang))))
    return lines


def participant_name(state: BoardState, participant_id: str | None) -> str:
    if participant_id is None:
        return ""
    found = state.participants.get(participant_id)
    return found.name if found else ""
