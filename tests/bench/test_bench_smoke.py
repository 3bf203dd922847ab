"""Smoke run of the benchmark harness: it completes, times every delivery, and counts no error.

Speed is not asserted here (the machine is shared; figures belong in docs/performance.md): this only
proves that the generator, the ceiling and the CLI work end to end on a small plenary.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[2]


def bench(tmp_path: Path, *args: str) -> tuple[dict, str]:
    """Run the benchmark CLI as a user would; its JSON report and what it printed."""
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, "-m", "tests.bench.run", *args, "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return orjson.loads(out.read_bytes()), proc.stdout


def test_quick_plenary_against_atelier_and_ceiling(tmp_path: Path) -> None:
    report, printed = bench(tmp_path, "--scenario", "plenary")
    assert report["machine"]["nproc"] >= 1
    plenary = report["results"]["plenary"]
    for target in ("atelier", "ceiling"):
        result = plenary[target]
        assert not result.get("failed"), result
        assert result["connected"] == result["participants"] + 1  # and the facilitator
        assert result["sent_stamped"] > 0
        # Every stamped note reached every reader in the room, and each delivery was timed.
        assert result["expected_deliveries"] == result["sent_stamped"] * result["connected"]
        assert result["recorded_deliveries"] == result["expected_deliveries"]
        assert result["latency_ms"]["count"] == result["expected_deliveries"]
        assert result["acks"] == result["sent_stamped"]
        assert result["errors"] == 0, result
    assert "plenary" in printed and "atelier/ceiling" in printed


def test_quick_persistence_in_process(tmp_path: Path) -> None:
    result = bench(tmp_path, "--scenario", "persist")[0]["results"]["persist"]["atelier"]
    assert result["commands"] > 0
    assert result["execute_ms"]["count"] == result["commands"]
    assert result["errors"] == 0, result


def test_quick_saturation_counts_every_frame_at_every_reader(tmp_path: Path) -> None:
    """The saturation shape times a few readers and only counts at the others (woken per 128 KiB):
    both kinds must account for every event of the run, exactly."""
    report, _ = bench(tmp_path, "--scenario", "saturation", "--no-ceiling")
    result = report["results"]["saturation"]["atelier"]
    assert result["errors"] == 0, result
    assert result["sent_stamped"] > 0 and result["acks"] == result["sent_stamped"]
    timed = result["params"]["timed"]
    assert 0 < result["counting_readers"] == result["participants"] - timed
    assert result["expected_counted"] == result["sent_stamped"] * result["counting_readers"]
    assert result["counted_deliveries"] == result["expected_counted"]
    assert result["recorded_deliveries"] == result["expected_deliveries"] > 0


def test_quick_flood_and_storm_report_every_figure(tmp_path: Path) -> None:
    """The abuse scenarios run end to end at tiny scale: the bystander is timed with and without a
    flooder, every storm socket gets its welcome on both servers, and Atelier's RSS is sampled."""
    report, printed = bench(tmp_path, "--scenario", "flood,storm")
    flood = report["results"]["flood"]
    for kind in ("baseline", "flooded"):
        run = flood[kind]
        assert run["errors"] == 0, run
        assert run["sent_stamped"] > 0
        assert run["bystander_latency_ms"]["count"] == run["sent_stamped"]
    assert flood["baseline"]["flood_frames_sent"] == 0 < flood["flooded"]["flood_frames_sent"]
    storm = report["results"]["storm"]
    for target in ("atelier", "ceiling"):
        run = storm[target]
        assert run["errors"] == 0, run
        assert run["welcomed"] == run["params"]["sockets"]
        assert run["storm_s"] > 0 and run["other_latency_ms"]["count"] > 0
    # The ceiling was told to send a welcome as large as Atelier's.
    assert storm["ceiling"]["params"]["pad_bytes"] == storm["atelier"]["welcome_bytes"]
    assert storm["ceiling"]["welcome_bytes"] >= storm["atelier"]["welcome_bytes"]
    rss = storm["atelier"]["rss_kib"]
    assert 0 < rss["before"] <= rss["peak"] and rss["after"] > 0
    assert "== flood" in printed and "== storm" in printed
