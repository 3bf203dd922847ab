"""Smoke run of the browser benchmark of the wall: at tiny scale it completes and reports every figure
for both pages and every size. No timing is asserted (the machine is shared; figures belong in
docs/performance.md)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("ATELIER_CHROMIUM", "/usr/bin/chromium")


def test_quick_browser_wall_reports_every_figure(tmp_path: Path) -> None:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"Chromium is missing at {CHROMIUM} (CI=true requires it)")
        pytest.skip(f"Chromium is missing at {CHROMIUM}: apt-get install chromium")
    out = tmp_path / "wall.json"
    proc = subprocess.run(
        [sys.executable, "-m", "tests.bench.browser_wall", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = orjson.loads(out.read_bytes())
    sizes = report["params"]["sizes"]
    assert sizes and set(report["results"]) == {str(s) for s in sizes}
    for size in sizes:
        result = report["results"][str(size)]
        assert set(result["pages"]) == {"projector", "participant"}
        for name, page in result["pages"].items():
            assert page["page_errors"] == [], (size, name, page["page_errors"])
            assert page["long_tasks_api"], "Chromium reports long tasks"
            # The whole wall was painted (the projector may show only the most recent notes).
            assert 0 < page["cards_at_first_paint"] <= size
            if name == "participant":
                # All the notes, or, as the participant's list turns pages, a full first page of them all.
                assert page["notes_listed_at_first_paint"] == size, page
                if page["paged_at_first_paint"]:
                    assert 0 < page["cards_at_first_paint"] < size, page
                    # It pressed "Plus récentes" once, and the list followed the arrivals from there.
                    assert result["participant_follows"], result
                else:
                    assert page["cards_at_first_paint"] == size, page
            assert page["first_paint_ms"] > 0 and page["first_paint_from_state_ms"] is not None
            assert page["fps"] > 0
            for key in ("long_tasks_after_first_paint", "long_tasks_over_100ms_after_first_paint",
                        "longest_task_after_first_paint_ms", "long_tasks_during_arrivals"):
                assert page[key] >= 0
            # Every note that arrived was seen on this page, and its delay timed.
            assert page["arrived"] > 0 and page["seen"] == page["arrived"], page
            assert page["delay_ms"]["p50"] is not None and page["delay_ms"]["p95"] is not None
    assert "participant" in proc.stdout and "projector" in proc.stdout
