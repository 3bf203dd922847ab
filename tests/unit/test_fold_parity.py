"""The web app's fold (frontend/js/store.js) and the reference fold agree, event by event, on random
workshops: a client never invents state the server would not show."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from atelier.domain import Event, event_for
from tests.support.fold import apply_event
from tests.unit import test_fold_invariant as invariant

ROOT = Path(__file__).resolve().parents[2]
NODE_FOLD = """
import { applyEvent } from '%s';
import { readFileSync } from 'node:fs';
const segments = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = segments.map(({ start, you, events }) => events.reduce((s, e) => applyEvent(s, you, e), start));
process.stdout.write(JSON.stringify(out));
"""


def _record(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[dict[str, Any]]]:
    """Capture, per connection, runs of delivered events with the view each run starts from."""
    segments: dict[str, list[dict[str, Any]]] = {}
    original = invariant.Room._deliver

    def deliver(self: Any, label: str, watcher: Any, event: Event, secrets: Any) -> None:
        before_view, before_role = watcher.view, watcher.viewer.role
        original(self, label, watcher, event, secrets)
        runs = segments.setdefault(label, [])
        if watcher.viewer.role != before_role or not runs:
            runs.append({"start": watcher.view if watcher.viewer.role != before_role else before_view,
                         "you": watcher.you, "events": [], "end": watcher.view})  # fmt: skip
            if watcher.viewer.role != before_role:
                return
        name, data = event_for(event, watcher.viewer)
        runs[-1]["events"].append({"type": "event", "name": name, "data": data})
        runs[-1]["end"] = watcher.view

    monkeypatch.setattr(invariant.Room, "_deliver", deliver)
    return segments


@pytest.mark.parametrize("seed", [3, 11])
def test_store_js_folds_like_the_reference(seed: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("node is missing (CI=true requires it)")
        pytest.skip("node is not installed")
    segments = _record(monkeypatch)
    invariant.run_random_workshop(seed, 300)
    runs = [run for label in sorted(segments) for run in segments[label]]
    assert sum(len(run["events"]) for run in runs) > 300
    for run in runs:  # the reference fold itself reproduces each run's end (checked against the server)
        state = run["start"]
        for event in run["events"]:
            state = apply_event(state, run["you"], event)
        assert state == run["end"]
    (tmp_path / "segments.json").write_text(json.dumps(runs, ensure_ascii=False))
    script = tmp_path / "fold.mjs"
    script.write_text(NODE_FOLD % (ROOT / "frontend" / "js" / "store.js").as_uri())
    result = subprocess.run([node, str(script), str(tmp_path / "segments.json")], capture_output=True,
                            text=True, timeout=120, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    folded = json.loads(result.stdout)
    for run, js_state in zip(runs, folded, strict=True):
        assert js_state == run["end"], f"store.js differs for {run['you']}"
