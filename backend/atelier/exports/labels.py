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
        "partners": "Partenaires impliqués",
        "targets": "Cibles",
        "means": "Moyens financiers et humains",
        "indicators": "Indicateurs de réussite",
    },
    "en": {
        "name": "Action name",
        "objectives": "Objectives",
        "description": "Description",
        "lead": "Lead",
        "partners": "Partners involved",
        "targets": "Targets",
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

ANONYMOUS = {"fr": "Anonyme", "en": "Anonymous"}

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
        "votes": {"one": "{count} gommette", "other": "{count} gommettes"},
        "note_count": {"one": "{count} post-it", "other": "{count} post-its"},
        "by": "par {name}",
        "for": "pour {name}",
        "presented": "présentée",
        "groups": "Regroupements",
        "no_groups": "Aucun regroupement.",
        "group": "groupe « {title} »",
        "group_line": "{title} — {votes}, {notes}",
        "yes": "oui",
        "no": "non",
        "solutions": "Solutions retenues",
        "no_solutions": "Aucune solution retenue.",
        "rank": "Rang",
        "solution": "Solution",
        "dots": "Gommettes",
        "sheet": "Fiche action {rank} : {title}",
        "origin_code": "code {code}",
        "page": "page {page} / {pages}",
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
        "participants": {"one": "{count} participant", "other": "{count} participants"},
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
        "votes": {"one": "{count} dot", "other": "{count} dots"},
        "note_count": {"one": "{count} note", "other": "{count} notes"},
        "by": "by {name}",
        "for": "for {name}",
        "presented": "presented",
        "groups": "Groups",
        "no_groups": "No groups.",
        "group": "group “{title}”",
        "group_line": "{title} — {votes}, {notes}",
        "yes": "yes",
        "no": "no",
        "solutions": "Retained solutions",
        "no_solutions": "No solution retained.",
        "rank": "Rank",
        "solution": "Solution",
        "dots": "Dots",
        "sheet": "Action sheet {rank}: {title}",
        "origin_code": "code {code}",
        "page": "page {page} / {pages}",
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
        "participants": {"one": "{count} participant", "other": "{count} participants"},
        "organisation_count": "{name}: {count}",
        "no_sheets": "No action sheets.",
    },
}


def page_parts(lang: str) -> tuple[str, str, str]:
    """« page N / M » cut around its two numbers, for writers that fill them in as fields."""
    before, _, rest = word(lang, "page", page="{page}", pages="{pages}").partition("{page}")
    middle, _, after = rest.partition("{pages}")
    return before, middle, after


def lang_of(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "fr"


def word(lang: str, key: str, **params: object) -> str:
    """A phrase of the catalogue; one that varies with a number takes the plural form `count` asks for
    in that language (babel's CLDR rules: in French 0 and 1 are singular), never "(s)"."""
    entry = WORDS[lang_of(lang)][key]
    if isinstance(entry, dict):
        count = params.get("count", 0)
        entry = entry.get(_locale(lang_of(lang)).plural_form(count if isinstance(count, int | float) else 0))
        entry = entry or WORDS[lang_of(lang)][key]["other"]
    return entry.format(**params)


@cache
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


@cache
def _pattern(lang: str, first: bool, time: bool = True) -> str:
    """The locale's long date (and short time), joined the way one says it: « 28 novembre 2026 à 14:05 ».

    French writes the first day of a month as an ordinal, « 1er décembre »: CLDR's long date has no
    ordinal day, so the rule is added here, for that day only."""
    locale = _locale(lang)
    date = locale.date_formats["long"].pattern
    if first and lang == "fr":
        date = date.replace("d ", "d'er' ", 1)
    if not time:
        return date
    return f"{date} '{_AT[lang]}' {locale.time_formats['short'].pattern}"


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(_LOCALES[lang])


def local_time(ms: int, tz: str = DEFAULT_TIMEZONE) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).astimezone(_zone(tz))


def date_text(ms: int, lang: str, tz: str = DEFAULT_TIMEZONE, *, time: bool = True) -> str:
    lang = lang_of(lang)
    moment = local_time(ms, tz)
    pattern = _pattern(lang, moment.day == 1, time)
    return format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=_locale(lang))


def held_ms(state: BoardState) -> int | None:
    """When the workshop took place: its first phase started, else its first note was written."""
    if state.phase_log:
        return state.phase_log[0]["started_ms"]
    first = min((n.created_ms for n in state.notes.values()), default=None)
    return first


def origin(state: BoardState, lang: str) -> str:
    """One line naming the workshop a sheet or a page comes from: title, date and code."""
    parts = [state.title]
    held = held_ms(state)
    if held is not None:
        parts.append(date_text(held, lang, time=False))
    parts.append(word(lang, "origin_code", code=state.code))
    return " — ".join(parts)


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


def author_name(state: BoardState, item: object, lang: str | None = None) -> str:
    """The author of a note, an answer or a remark as an export may show it: "" (or "Anonyme" when
    `lang` is given) when written anonymously. Every export asks here, so one rule decides it.

    The anonymity promised to participants holds in what facilitators export too: an item keeps its
    author hidden if it was written anonymously (a facilitator's own notes never are)."""
    hidden = bool(getattr(item, "anonymous", False))
    name = "" if hidden else participant_name(state, getattr(item, "author", None))
    if not name and lang is not None:
        return ANONYMOUS[lang_of(lang)]
    return name


def participant_name(state: BoardState, participant_id: str | None) -> str:
    if participant_id is None:
        return ""
    found = state.participants.get(participant_id)
    return found.name if found else ""
