"""Workshop templates (agenda, example axes, personas, closing round) read from the JSON files beside this module."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, is_dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

# Kept here rather than imported from atelier.domain: the domain receives template data as plain
# values from the service and must not know this package exists (and vice versa).
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
QUESTION_STYLES = ("open", "how_might_we", "persona", "precedent")


class TemplateError(ValueError):
    """A template file is missing a field or holds a value of the wrong shape."""


@dataclass(frozen=True, slots=True)
class Text:
    """One piece of user-facing text in every supported language."""

    fr: str
    en: str

    def get(self, lang: str | None = None) -> str:
        # Unknown languages fall back to French, the product's default, as messages.py does.
        return self.en if lang == "en" else self.fr


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    minutes: int | None  # None: the guide gives no split, the facilitator paces it
    name: Text
    hint: Text


@dataclass(frozen=True, slots=True)
class Remark:
    id: str
    label: Text


@dataclass(frozen=True, slots=True)
class PhaseTemplate:
    id: str
    minutes: int
    name: Text
    hint: Text
    steps: tuple[Step, ...] = ()
    group_minutes: int | None = None  # speaking time per sub-group (sharing)
    remarks: tuple[Remark, ...] = ()  # kinds of remark participants may leave (sharing)


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    style: str  # one of QUESTION_STYLES
    text: Text


@dataclass(frozen=True, slots=True)
class AxisTemplate:
    id: str
    title: Text
    goal: Text
    questions: tuple[Question, ...]
    proposals: tuple[Text, ...]
    source: Text


@dataclass(frozen=True, slots=True)
class Persona:
    id: str
    name: Text
    description: Text


@dataclass(frozen=True, slots=True)
class ClosingQuestion:
    id: str
    label: Text
    text: Text


@dataclass(frozen=True, slots=True)
class Catalogue:
    agenda: tuple[PhaseTemplate, ...]
    axes: tuple[AxisTemplate, ...]
    personas: tuple[Persona, ...]
    closing: tuple[ClosingQuestion, ...]
    source: Text


# --- reading -----------------------------------------------------------------------------------
# The files ship inside the package, so a malformed one is a bug: fail loudly, naming the place.


def _field(raw: Any, key: str, where: str) -> Any:
    if not isinstance(raw, dict) or key not in raw:
        raise TemplateError(f"{where}: missing '{key}'")
    return raw[key]


def _str(raw: Any, key: str, where: str) -> str:
    value = _field(raw, key, where)
    if not isinstance(value, str) or not value.strip():
        raise TemplateError(f"{where}.{key}: expected a non-empty string")
    return value


def _int(raw: Any, key: str, where: str) -> int:
    value = _field(raw, key, where)
    # bool is an int in Python; a `true` in the JSON is a typo, not a duration.
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise TemplateError(f"{where}.{key}: expected a positive integer")
    return value


def _opt_int(raw: Any, key: str, where: str) -> int | None:
    return None if isinstance(raw, dict) and raw.get(key) is None else _int(raw, key, where)


def _list(raw: Any, key: str, where: str, *, optional: bool = False) -> list[Any]:
    value = raw.get(key, []) if optional and isinstance(raw, dict) else _field(raw, key, where)
    if not isinstance(value, list):
        raise TemplateError(f"{where}.{key}: expected a list")
    return value


def _text(raw: Any, where: str) -> Text:
    # Exactly the supported languages: an extra key is most likely a misspelt one.
    if not isinstance(raw, dict) or set(raw) != set(LANGUAGES):
        raise TemplateError(f"{where}: expected exactly the languages {LANGUAGES}")
    return Text(**{lang: _str(raw, lang, where) for lang in LANGUAGES})


def _unique(items: tuple[Any, ...], where: str) -> None:
    ids = [item.id for item in items]
    if len(ids) != len(set(ids)):
        raise TemplateError(f"{where}: duplicate ids")


def _at(raw: Any, where: str) -> str:
    """`where[id]`, so an error names the item even before its id is validated."""
    return f"{where}[{raw.get('id') if isinstance(raw, dict) else '?'}]"


def _read_json(path: Traversable) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _step(raw: Any, where: str) -> Step:
    where = _at(raw, where)
    return Step(
        id=_str(raw, "id", where),
        minutes=_opt_int(raw, "minutes", where),
        name=_text(_field(raw, "name", where), f"{where}.name"),
        hint=_text(_field(raw, "hint", where), f"{where}.hint"),
    )


def _remark(raw: Any, where: str) -> Remark:
    where = _at(raw, where)
    return Remark(id=_str(raw, "id", where), label=_text(_field(raw, "label", where), f"{where}.label"))


def _phase(raw: Any, where: str) -> PhaseTemplate:
    where = _at(raw, where)
    steps = tuple(_step(s, f"{where}.steps") for s in _list(raw, "steps", where, optional=True))
    remarks = tuple(_remark(r, f"{where}.remarks") for r in _list(raw, "remarks", where, optional=True))
    _unique(steps, f"{where}.steps")
    _unique(remarks, f"{where}.remarks")
    return PhaseTemplate(
        id=_str(raw, "id", where),
        minutes=_int(raw, "minutes", where),
        name=_text(_field(raw, "name", where), f"{where}.name"),
        hint=_text(_field(raw, "hint", where), f"{where}.hint"),
        steps=steps,
        group_minutes=_opt_int(raw, "group_minutes", where),
        remarks=remarks,
    )


def _question(raw: Any, where: str) -> Question:
    where = _at(raw, where)
    style = _str(raw, "style", where)
    if style not in QUESTION_STYLES:
        raise TemplateError(f"{where}.style: expected one of {QUESTION_STYLES}")
    return Question(id=_str(raw, "id", where), style=style, text=_text(_field(raw, "text", where), f"{where}.text"))


def _axis(raw: Any, where: str) -> AxisTemplate:
    questions = tuple(_question(q, f"{where}.questions") for q in _list(raw, "questions", where))
    _unique(questions, f"{where}.questions")
    return AxisTemplate(
        id=_str(raw, "id", where),
        title=_text(_field(raw, "title", where), f"{where}.title"),
        goal=_text(_field(raw, "goal", where), f"{where}.goal"),
        questions=questions,
        proposals=tuple(
            _text(p, f"{where}.proposals[{i}]") for i, p in enumerate(_list(raw, "proposals", where, optional=True))
        ),
        source=_text(_field(raw, "source", where), f"{where}.source"),
    )


def _axes(root: Traversable) -> tuple[AxisTemplate, ...]:
    loaded: list[tuple[int, AxisTemplate]] = []
    for path in sorted((p for p in (root / "axes").iterdir() if p.name.endswith(".json")), key=lambda p: p.name):
        where = f"axes/{path.name}"
        raw = _read_json(path)
        axis = _axis(raw, where)
        # The file name is how people find an axis in the tree: keep it equal to the id.
        if path.name != f"{axis.id}.json":
            raise TemplateError(f"{where}: id '{axis.id}' does not match the file name")
        loaded.append((_int(raw, "order", where), axis))
    # The guide lists the axes in a meaningful order; file names are alphabetical, so sort by `order`.
    return tuple(axis for _, axis in sorted(loaded, key=lambda pair: (pair[0], pair[1].id)))


def _persona(raw: Any, where: str) -> Persona:
    where = _at(raw, where)
    return Persona(
        id=_str(raw, "id", where),
        name=_text(_field(raw, "name", where), f"{where}.name"),
        description=_text(_field(raw, "description", where), f"{where}.description"),
    )


def _closing(raw: Any, where: str) -> ClosingQuestion:
    where = _at(raw, where)
    return ClosingQuestion(
        id=_str(raw, "id", where),
        label=_text(_field(raw, "label", where), f"{where}.label"),
        text=_text(_field(raw, "text", where), f"{where}.text"),
    )


def load(root: Traversable) -> Catalogue:
    """Read every template under `root` (a directory, or a folder inside a zip archive)."""
    agenda_raw = _read_json(root / "agenda.json")
    personas_raw = _read_json(root / "personas.json")
    closing_raw = _read_json(root / "closing.json")
    result = Catalogue(
        agenda=tuple(_phase(p, "agenda.json") for p in _list(agenda_raw, "phases", "agenda.json")),
        axes=_axes(root),
        personas=tuple(_persona(p, "personas.json") for p in _list(personas_raw, "personas", "personas.json")),
        closing=tuple(_closing(q, "closing.json") for q in _list(closing_raw, "questions", "closing.json")),
        source=_text(_field(agenda_raw, "source", "agenda.json"), "agenda.json.source"),
    )
    # Ids are how the service and the wire refer to templates: a duplicate would be ambiguous.
    _unique(result.agenda, "agenda.json")
    _unique(result.axes, "axes/")
    _unique(result.personas, "personas.json")
    _unique(result.closing, "closing.json")
    return result


@cache
def catalogue() -> Catalogue:
    """The templates shipped with the package, read once per process."""
    # importlib.resources rather than Path(__file__): it also works when the package is imported
    # from a zip or any other loader that has no real directory on disk.
    return load(files(__name__))


# --- public accessors --------------------------------------------------------------------------
# Lists are fresh copies over immutable items, so a caller cannot alter the cached catalogue.


def agenda() -> list[PhaseTemplate]:
    return list(catalogue().agenda)


def axes() -> list[AxisTemplate]:
    return list(catalogue().axes)


def axis(axis_id: str) -> AxisTemplate | None:
    return next((a for a in catalogue().axes if a.id == axis_id), None)


def personas() -> list[Persona]:
    return list(catalogue().personas)


def persona(persona_id: str) -> Persona | None:
    return next((p for p in catalogue().personas if p.id == persona_id), None)


def closing_questions() -> list[ClosingQuestion]:
    return list(catalogue().closing)


def source() -> Text:
    """The credit line for the guide the templates are adapted from."""
    return catalogue().source


def localized(template_obj: Any, lang: str | None = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """A template as a plain JSON-ready dict in one language (French unless `lang` is "en")."""
    if not is_dataclass(template_obj) or isinstance(template_obj, type | Text):
        raise TypeError(f"expected a template object, got {type(template_obj).__name__}")
    return {f.name: _flatten(getattr(template_obj, f.name), lang) for f in fields(template_obj)}


def _flatten(value: Any, lang: str | None) -> Any:
    if isinstance(value, Text):
        return value.get(lang)
    if isinstance(value, tuple):
        return [_flatten(item, lang) for item in value]
    if is_dataclass(value) and not isinstance(value, type):
        return localized(value, lang)
    return value
