"""Debian's Chromium as every browser test and the browser bench launch it (never a downloaded browser)."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("ATELIER_CHROMIUM", "/usr/bin/chromium")
# Headless as root on a closed network: no sandbox, no GPU, and none of the background calls home.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
