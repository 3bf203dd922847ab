"""The workshop templates: every file loads, every text exists in French and English, and they match the domain."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import fields, is_dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import pytest

import atelier.templates as templates
from atelier.domain.model import MAX_TEXT
from atelier.domain.phases import DEFAULT_MINUTES, ORDER
from atelier.templates import QUESTION_STYLES, TemplateError, Text

PACKAGE = "atelier.templates"
AXIS_IDS = (
    "coordinate-network",
    "support-authorities",
    "train-mediators",
    "equipment-access",
    "reach-out",
    "user-journeys",
)
# Template ids travel on the wire (a note's `persona`, a prompt's axis): same shape as protocol.NoteAdd.persona.
ID_PATTERN = re.compile(r"^[a-z0-9-]{1,40}$")
BOARD_TITLE_MAX = 120  # protocol.BoardCreate.title: an axis title must fit as a board title


def texts_in(value: Any, path: str = "") -> list[tuple[str, Text]]:
    """Every Text reachable from a template object, with where it was found."""
    if isinstance(value, Text):
        return [(path, value)]
    if isinstance(value, tuple | list):
        return [found for i, item in enumerate(value) for found in texts_in(item, f"{path}[{i}]")]
    if is_dataclass(value) and not isinstance(value, type):
        return [found for f in fields(value) for found in texts_in(getattr(value, f.name), f"{path}.{f.name}")]
    return []


def json_files(root: Traversable, prefix: str = "") -> set[str]:
    found: set[str] = set()
    for entry in root.iterdir():
        if entry.is_dir():
            found |= json_files(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith(".json"):
            found.add(f"{prefix}{entry.name}")
    return found


# --- loading ----------------------------------------------------------------------------------


def test_every_json_file_parses_and_is_read_by_the_loader() -> None:
    root = files(PACKAGE)
    names = json_files(root)
    for name in names:
        json.loads((root / name).read_text(encoding="utf-8"))
    # No stray file that the loader would silently ignore, and none it expects that is missing.
    expected = {"agenda.json", "personas.json", "closing.json"} | {f"axes/{axis_id}.json" for axis_id in AXIS_IDS}
    assert names == expected


def test_catalogue_is_read_once_and_accessors_return_copies() -> None:
    assert templates.catalogue() is templates.catalogue()
    first = templates.agenda()
    first.clear()
    assert len(templates.agenda()) == len(ORDER)


def test_templates_do_not_import_the_domain() -> None:
    # A fresh interpreter: in this one the test itself has imported the domain already.
    code = "import sys, atelier.templates as t; t.catalogue(); print(sorted(m for m in sys.modules if 'domain' in m))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- texts ------------------------------------------------------------------------------------


def test_every_text_exists_in_french_and_english() -> None:
    found = texts_in(templates.catalogue())
    assert len(found) > 100  # the walk really reaches the nested texts
    for where, text in found:
        assert text.fr.strip() and text.en.strip(), where
        assert text.fr == text.fr.strip() and text.en == text.en.strip(), where
        # A sentence left identical in both languages was not translated.
        if len(text.fr) > 40:
            assert text.fr != text.en, where


def test_raw_files_hold_only_french_and_english_texts() -> None:
    # The loader rejects other keys; this checks the files themselves so a failure names the JSON.
    root = files(PACKAGE)

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            if "fr" in value or "en" in value:
                assert set(value) == {"fr", "en"}, where
                assert all(isinstance(v, str) and v.strip() for v in value.values()), where
            for key, item in value.items():
                walk(item, f"{where}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{where}[{i}]")

    for name in json_files(root):
        walk(json.loads((root / name).read_text(encoding="utf-8")), name)


def test_ids_are_unique_and_wire_safe() -> None:
    cat = templates.catalogue()
    collections: list[tuple[str, list[str]]] = [
        ("agenda", [p.id for p in cat.agenda]),
        ("axes", [a.id for a in cat.axes]),
        ("personas", [p.id for p in cat.personas]),
        ("closing", [q.id for q in cat.closing]),
    ]
    collections += [(f"{a.id}.questions", [q.id for q in a.questions]) for a in cat.axes]
    collections += [(f"{p.id}.steps", [s.id for s in p.steps]) for p in cat.agenda]
    collections += [(f"{p.id}.remarks", [r.id for r in p.remarks]) for p in cat.agenda]
    for where, ids in collections:
        assert len(ids) == len(set(ids)), where
        for item_id in ids:
            assert ID_PATTERN.match(item_id), f"{where}: {item_id!r}"


# --- agenda -----------------------------------------------------------------------------------


def test_agenda_matches_the_domain_phases() -> None:
    agenda = templates.agenda()
    assert [p.id for p in agenda] == [phase.value for phase in ORDER]
    assert {p.id: p.minutes for p in agenda} == {phase.value: minutes for phase, minutes in DEFAULT_MINUTES.items()}
    assert sum(p.minutes for p in agenda) == 120


def test_agenda_details_of_inspiration_convergence_and_sharing() -> None:
    phases = {p.id: p for p in templates.agenda()}
    inspiration = phases["inspiration"]
    assert [(s.id, s.minutes) for s in inspiration.steps] == [("observations", 5), ("role-play", 10)]
    assert sum(s.minutes or 0 for s in inspiration.steps) == inspiration.minutes
    assert [s.id for s in phases["convergence"].steps] == ["present", "vote", "retain", "draft"]
    sharing = phases["sharing"]
    assert sharing.group_minutes == 3
    assert [r.id for r in sharing.remarks] == ["for", "against", "suggestion"]
    for phase in phases.values():
        if phase.id != "sharing":
            assert phase.group_minutes is None and phase.remarks == (), phase.id


# --- axes -------------------------------------------------------------------------------------


def test_six_axes_in_the_guide_order() -> None:
    assert [a.id for a in templates.axes()] == list(AXIS_IDS)
    for axis_id in AXIS_IDS:
        found = templates.axis(axis_id)
        assert found is not None and found.id == axis_id
    assert templates.axis("no-such-axis") is None


@pytest.mark.parametrize("axis_id", AXIS_IDS)
def test_axis_questions_and_proposals(axis_id: str) -> None:
    axis = templates.axis(axis_id)
    assert axis is not None
    assert 5 <= len(axis.questions) <= 8
    assert 2 <= len(axis.proposals) <= 4
    assert len(axis.title.fr) <= BOARD_TITLE_MAX and len(axis.title.en) <= BOARD_TITLE_MAX
    styles = {q.style for q in axis.questions}
    assert styles <= set(QUESTION_STYLES)
    # The three kinds of divergence question the method relies on are all there.
    assert {"how_might_we", "persona", "precedent"} <= styles
    for q in axis.questions:
        if q.style == "how_might_we":
            assert q.text.fr.startswith("Comment") and q.text.en.startswith("How might we"), q.id
        if q.style == "persona":
            assert q.text.fr.startswith("Si vous") and q.text.en.startswith("If you"), q.id
        for text in (q.text.fr, q.text.en):
            assert text.rstrip().endswith("?"), q.id
    # Questions are shown as prompts and proposals pre-seeded as notes: both must fit a note.
    for text in [*(q.text for q in axis.questions), *axis.proposals]:
        assert len(text.fr) <= MAX_TEXT and len(text.en) <= MAX_TEXT


@pytest.mark.parametrize("axis_id", AXIS_IDS)
def test_axis_credits_the_guide(axis_id: str) -> None:
    axis = templates.axis(axis_id)
    assert axis is not None
    for text, month in ((axis.source.fr, "mars 2024"), (axis.source.en, "March 2024")):
        assert "France Numérique Ensemble" in text
        assert "Ateliers de co-construction" in text
        assert "ANCT" in text and month in text
    assert axis.source == templates.source()


# --- personas and closing round ----------------------------------------------------------------


def test_personas_for_the_role_play() -> None:
    personas = templates.personas()
    assert 10 <= len(personas) <= 12
    for p in personas:
        assert templates.persona(p.id) == p
        # A role to read aloud, and a situation long enough to play it.
        assert len(p.name.fr) <= 80 and len(p.name.en) <= 80, p.id
        assert len(p.description.fr) >= 80 and len(p.description.en) >= 80, p.id
    assert templates.persona("nobody") is None


def test_four_closing_questions() -> None:
    questions = templates.closing_questions()
    assert [q.id for q in questions] == ["feeling", "difficulty", "learning", "takeaway"]
    for q in questions:
        assert q.text.fr.endswith("?") and q.text.en.endswith("?"), q.id


# --- localized view ---------------------------------------------------------------------------


def test_localized_gives_a_flat_dict_in_one_language() -> None:
    axis = templates.axis("reach-out")
    assert axis is not None
    fr = templates.localized(axis)
    en = templates.localized(axis, "en")
    assert fr["id"] == en["id"] == "reach-out"
    assert fr["title"] == axis.title.fr and en["title"] == axis.title.en
    assert en["questions"][0] == {
        "id": axis.questions[0].id,
        "style": axis.questions[0].style,
        "text": axis.questions[0].text.en,
    }
    assert en["proposals"] == [p.en for p in axis.proposals]
    assert templates.localized(axis, "de") == fr  # unsupported language: French, the default
    # Plain data only: the API can serialise it as is.
    assert json.loads(json.dumps(en)) == en

    sharing = templates.localized(templates.agenda()[5], "en")
    assert sharing["id"] == "sharing" and sharing["group_minutes"] == 3
    assert sharing["remarks"] == [
        {"id": "for", "label": "For"},
        {"id": "against", "label": "Against"},
        {"id": "suggestion", "label": "Suggestion"},
    ]
    assert templates.localized(templates.personas()[0], "fr").keys() == {"id", "name", "description"}


@pytest.mark.parametrize("bad", [Text(fr="a", en="b"), {"id": "x"}, "text", templates.Persona])
def test_localized_refuses_what_is_not_a_template(bad: object) -> None:
    with pytest.raises(TypeError):
        templates.localized(bad)


# --- resources: the path that works from an installed wheel -------------------------------------


def test_templates_resolve_through_importlib_resources() -> None:
    root = files(PACKAGE)
    assert (root / "agenda.json").is_file()
    assert (root / "axes").is_dir()
    assert templates.load(root) == templates.catalogue()


def test_loader_reads_templates_from_a_zip_archive(tmp_path: Path) -> None:
    # A zip has no real directory on disk: if the loader used Path(__file__) tricks, this would fail.
    root = files(PACKAGE)
    archive = tmp_path / "templates.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in sorted(json_files(root)):
            zf.writestr(f"atelier/templates/{name}", (root / name).read_text(encoding="utf-8"))
    with zipfile.ZipFile(archive) as zf:
        assert templates.load(zipfile.Path(zf, "atelier/templates/")) == templates.catalogue()


# --- the loader fails loudly on a broken file --------------------------------------------------


@pytest.fixture
def copy_dir(tmp_path: Path) -> Path:
    source = files(PACKAGE)
    target = tmp_path / "templates"
    for name in json_files(source):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_text((source / name).read_text(encoding="utf-8"), encoding="utf-8")
    assert templates.load(target) == templates.catalogue()
    return target


def edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_loader_rejects_a_missing_translation(copy_dir: Path) -> None:
    edit(copy_dir / "axes" / "reach-out.json", lambda d: d["questions"][0]["text"].pop("en"))
    with pytest.raises(TemplateError, match=r"axes/reach-out\.json\.questions\[missed-publics\]\.text"):
        templates.load(copy_dir)


def test_loader_rejects_an_empty_text(copy_dir: Path) -> None:
    edit(copy_dir / "personas.json", lambda d: d["personas"][1]["description"].update(fr="  "))
    with pytest.raises(TemplateError, match=r"personas\.json\[ccas-social-worker\]\.description"):
        templates.load(copy_dir)


def test_loader_rejects_duplicate_ids(copy_dir: Path) -> None:
    edit(copy_dir / "closing.json", lambda d: d["questions"][1].update(id="feeling"))
    with pytest.raises(TemplateError, match=r"closing\.json: duplicate ids"):
        templates.load(copy_dir)


def test_loader_rejects_an_axis_whose_id_is_not_its_file_name(copy_dir: Path) -> None:
    shutil.move(copy_dir / "axes" / "reach-out.json", copy_dir / "axes" / "outreach.json")
    with pytest.raises(TemplateError, match=r"axes/outreach\.json: id 'reach-out'"):
        templates.load(copy_dir)


def test_loader_rejects_a_non_integer_duration(copy_dir: Path) -> None:
    edit(copy_dir / "agenda.json", lambda d: d["phases"][0].update(minutes=True))
    with pytest.raises(TemplateError, match=r"agenda\.json\[intro\]\.minutes"):
        templates.load(copy_dir)
