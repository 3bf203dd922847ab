"""What the e2e tests share for looking at a screen: screenshots to a git-ignored folder, axe-core."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

# Screenshots are for a person to open and look at; they are never committed.
SHOTS = Path(os.environ.get("ATELIER_SCREENSHOTS", Path(__file__).parent / "screenshots"))

# The RGAA is WCAG 2.1 AA in French law; axe tags both.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "RGAAv4"]


async def screenshot(page: Any, *parts: str) -> Path:
    """Write a full-page PNG named after its parts (screen, phase, size) and return its path."""
    name = "-".join(re.sub(r"[^A-Za-z0-9_.]+", "_", p) for p in parts if p) + ".png"
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    await page.screenshot(path=str(path), full_page=True)
    return path


async def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.1 A/AA and RGAAv4 violations on the page, one readable line each."""
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(
        page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    )
    out = []
    for v in results.response.get("violations", []):
        targets = [",".join(n.get("target", [])) for n in v.get("nodes", [])][:5]
        out.append(f"{v['id']}: {v.get('help', '')} — {targets}")
    return out
