"""The web app's own tests (store fold, socket client, panel helpers) run under Node's test runner."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

FRONTEND_JS = Path(__file__).resolve().parents[2] / "frontend" / "js"


def test_frontend_unit_tests_pass_under_node() -> None:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("node is missing (CI=true requires it to run frontend/js tests)")
        pytest.skip("node is not installed: the frontend's pure tests need it (apt-get install nodejs)")
    result = subprocess.run(
        [node, "--test", str(FRONTEND_JS)], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
    passed = [line for line in result.stdout.splitlines() if line.startswith("# pass ")]
    assert passed and int(passed[0].split()[-1]) > 0
