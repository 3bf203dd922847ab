"""`pip install .` (not only editable) gives a working server with the web app, templates and migrations."""

from __future__ import annotations

import site
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx

from tests.support.server import free_port

ROOT = Path(__file__).resolve().parents[2]
CLEAN_ENV = {"PATH": "/usr/bin:/bin"}  # no PYTHONPATH: the checkout must not be importable


def _dependency_paths() -> list[str]:
    """Where this environment's packages live (a virtual environment's, or the system's).

    `python -m venv --system-site-packages` run from inside a virtual environment links the new one to
    the *base* interpreter, whose packages a fresh virtual environment does not have: the installed
    wheel then died at once on a missing import. The new environment is given these paths instead."""
    paths = [*site.getsitepackages(), site.getusersitepackages()]
    return [p for p in dict.fromkeys(paths) if Path(p).is_dir()]


def test_the_wheel_serves_the_board(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, timeout=600)  # fmt: skip
    (wheel,) = wheels.glob("atelier-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("atelier/frontend/index.html", "atelier/frontend/js/store.js", "atelier/frontend/i18n/fr.json",
                   "atelier/locales/en.json", "atelier/templates/agenda.json",
                   "atelier/store/migrations/versions/0001_initial.py", "atelier/exports/report.css",
                   "atelier/exports/fonts/DejaVuSans.ttf", "atelier/exports/fonts/LICENSE"):  # fmt: skip
        assert needed in names, needed
    # A venv that sees this environment's dependencies but not the checkout: the wheel alone.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    own_site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              env=CLEAN_ENV, capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    # Added after the venv's own site-packages (their own .pth files processed too, as site dirs), so the
    # installed wheel wins over any editable install of the checkout.
    lines = [f"import site; site.addsitedir({path!r})" for path in _dependency_paths()]
    (Path(own_site) / "outer-environment.pth").write_text("\n".join(lines) + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
                   env=CLEAN_ENV, check=True, timeout=300)  # fmt: skip
    located = subprocess.run([str(python), "-c", "import atelier; print(atelier.__file__)"], cwd=tmp_path,
                             env=CLEAN_ENV, capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert str(venv) in located
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(venv / "bin" / "atelier"), "serve", "--port", str(port)], cwd=tmp_path,
                                env={**CLEAN_ENV, "ATELIER_DATA_DIR": str(tmp_path / "data")},
                                stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            # A server that died (a missing module, a port taken) is reported at once, with its output.
            assert proc.poll() is None, f"the server exited with {proc.returncode}:\n{log.read_text()}"
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"the server never answered:\n{log.read_text()}"
            time.sleep(0.2)
        assert httpx.get(f"{base}/", timeout=5).status_code == 200
        assert "applyEvent" in httpx.get(f"{base}/static/js/store.js", timeout=5).text
        created = httpx.post(f"{base}/api/boards", json={"title": "Paquet", "axis": "reach-out"}, timeout=10)
        assert created.status_code == 201
        # The PDF export works from the wheel: its fonts were packaged.
        token = created.json()["facilitator_token"]
        pdf = httpx.get(f"{base}/api/boards/{created.json()['code']}/export/report.pdf",
                        headers={"Authorization": f"Bearer {token}"}, timeout=60)  # fmt: skip
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    finally:
        proc.terminate()
        proc.wait(20)
