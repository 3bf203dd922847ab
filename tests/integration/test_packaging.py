"""`pip install .` (not only editable) gives a working server with the web app, templates and migrations."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx

from tests.support.server import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_serves_the_board(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, timeout=600)  # fmt: skip
    (wheel,) = wheels.glob("atelier-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("atelier/frontend/index.html", "atelier/frontend/js/store.js", "atelier/frontend/i18n/fr.json",
                   "atelier/locales/en.json", "atelier/templates/agenda.json",
                   "atelier/store/migrations/versions/0001_initial.py"):  # fmt: skip
        assert needed in names, needed
    # A venv that sees this environment's dependencies but not the checkout: the wheel alone.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
                   check=True, timeout=300)  # fmt: skip
    located = subprocess.run([str(python), "-c", "import atelier; print(atelier.__file__)"], cwd=tmp_path,
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert str(venv) in located
    port = free_port()
    proc = subprocess.Popen([str(venv / "bin" / "atelier"), "serve", "--port", str(port)], cwd=tmp_path,
                            env={"PATH": "/usr/bin:/bin", "ATELIER_DATA_DIR": str(tmp_path / "data")},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert httpx.get(f"{base}/", timeout=5).status_code == 200
        assert "applyEvent" in httpx.get(f"{base}/static/js/store.js", timeout=5).text
        created = httpx.post(f"{base}/api/boards", json={"title": "Paquet", "axis": "reach-out"}, timeout=10)
        assert created.status_code == 201
    finally:
        proc.terminate()
        proc.wait(20)
