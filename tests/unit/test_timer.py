"""Timer maths with an explicit clock: start, pause, resume, add, reset, and the phase's duration."""

from __future__ import annotations

from typing import Any

import pytest

from atelier.domain import DomainError, timer
from atelier.domain.model import Timer
from tests.unit.builders import FAC, MINUTES, NOW, PHASES, act, board, run, timer_changed

SECOND = 1000


def timer_after(state: Any, name: str, args: dict[str, Any] | None = None, *, at: int = NOW) -> dict[str, Any]:
    (event,) = act(state, FAC, name, args or {}, now_ms=at)
    assert event.name == "timer.changed"
    assert event.data["timer"] == state.timer.public()  # what is sent is what is kept
    return event.data["timer"]


# --- the pure functions ---------------------------------------------------------------------


def test_start() -> None:
    assert timer.start(600, NOW) == Timer("running", 600, NOW + 600 * SECOND, 600 * SECOND)


def test_stopped() -> None:
    assert timer.stopped(300) == Timer("stopped", 300, None, 300 * SECOND)


def test_pause_keeps_what_was_left() -> None:
    running = timer.start(600, NOW)
    assert timer.pause(running, NOW + 100 * SECOND) == Timer("paused", 600, None, 500 * SECOND)


def test_pause_after_the_end_leaves_zero() -> None:
    running = timer.start(60, NOW)
    assert timer.pause(running, NOW + 90 * SECOND) == Timer("paused", 60, None, 0)


def test_resume_runs_from_what_was_left() -> None:
    paused = Timer("paused", 600, None, 500 * SECOND)
    later = NOW + 3_600 * SECOND  # however long the pause lasted
    assert timer.resume(paused, later) == Timer("running", 600, later + 500 * SECOND, 500 * SECOND)


@pytest.mark.parametrize(
    ("remaining_ms", "at", "expected"),
    [
        (600 * SECOND, NOW, 600 * SECOND),
        (600 * SECOND, NOW + 1, 600 * SECOND - 1),
        (600 * SECOND, NOW + 600 * SECOND, 0),
        (600 * SECOND, NOW + 601 * SECOND, 0),  # never negative
    ],
)
def test_remaining_of_a_running_timer(remaining_ms: int, at: int, expected: int) -> None:
    running = Timer("running", 600, NOW + remaining_ms, remaining_ms)
    assert timer.remaining_ms(running, at) == expected


def test_remaining_of_a_paused_or_stopped_timer_ignores_the_clock() -> None:
    assert timer.remaining_ms(Timer("paused", 600, None, 42 * SECOND), NOW + 10**9) == 42 * SECOND
    assert timer.remaining_ms(Timer("stopped", 600, None, 600 * SECOND), NOW + 10**9) == 600 * SECOND


def test_add_to_a_running_timer_moves_its_end() -> None:
    running = timer.start(600, NOW)
    at = NOW + 100 * SECOND
    assert timer.add(running, 60, at) == Timer("running", 600, NOW + 660 * SECOND, 560 * SECOND)
    assert timer.add(running, -60, at) == Timer("running", 600, NOW + 540 * SECOND, 440 * SECOND)


@pytest.mark.parametrize("seconds", [-3600, -601, -600, -599, -1, 1, 3600])
@pytest.mark.parametrize("elapsed", [0, 1, 299 * SECOND, 600 * SECOND, 900 * SECOND])
def test_add_to_a_running_timer_never_ends_in_the_past(seconds: int, elapsed: int) -> None:
    running = timer.start(600, NOW)
    at = NOW + elapsed
    added = timer.add(running, seconds, at)
    assert added.status == "running"
    assert added.ends_at_ms is not None
    assert added.ends_at_ms >= at
    assert added.ends_at_ms == max(at, NOW + 600 * SECOND + seconds * SECOND)
    assert added.remaining_ms == added.ends_at_ms - at


@pytest.mark.parametrize(
    ("status", "seconds", "left"), [("paused", 60, 560), ("paused", -600, 0), ("stopped", 30, 530)]
)
def test_add_to_a_timer_that_is_not_running(status: str, seconds: int, left: int) -> None:
    before = Timer(status, 600, None, 500 * SECOND)
    assert timer.add(before, seconds, NOW) == Timer(status, 600, None, left * SECOND)


# --- through decide(), as a facilitator uses it -----------------------------------------------


def test_a_session_with_the_timer() -> None:
    state = board("divergence")
    assert state.timer.public() == {"status": "stopped", "duration": 1800, "ends_at_ms": None, "remaining_ms": 1800_000}
    assert timer_after(state, "timer.start", {"seconds": 600}, at=NOW) == {
        "status": "running",
        "duration": 600,
        "ends_at_ms": NOW + 600 * SECOND,
        "remaining_ms": 600 * SECOND,
    }
    assert timer_after(state, "timer.pause", at=NOW + 120 * SECOND) == {
        "status": "paused",
        "duration": 600,
        "ends_at_ms": None,
        "remaining_ms": 480 * SECOND,
    }
    assert timer_after(state, "timer.add", {"seconds": 60}, at=NOW + 200 * SECOND) == {
        "status": "paused",
        "duration": 600,
        "ends_at_ms": None,
        "remaining_ms": 540 * SECOND,
    }
    assert timer_after(state, "timer.resume", at=NOW + 300 * SECOND) == {
        "status": "running",
        "duration": 600,
        "ends_at_ms": NOW + 840 * SECOND,
        "remaining_ms": 540 * SECOND,
    }
    assert timer_after(state, "timer.add", {"seconds": -3600}, at=NOW + 400 * SECOND) == {
        "status": "running",
        "duration": 600,
        "ends_at_ms": NOW + 400 * SECOND,
        "remaining_ms": 0,
    }
    assert timer_after(state, "timer.reset", at=NOW + 500 * SECOND) == {
        "status": "stopped",
        "duration": 1800,
        "ends_at_ms": None,
        "remaining_ms": 1800 * SECOND,
    }


@pytest.mark.parametrize("phase", PHASES)
def test_start_without_seconds_uses_the_phases_duration(phase: str) -> None:
    state = board(phase)
    started = timer_after(state, "timer.start", {"seconds": None})
    assert started["duration"] == MINUTES[phase] * 60
    assert started["ends_at_ms"] == NOW + MINUTES[phase] * 60 * SECOND


@pytest.mark.parametrize("target", PHASES)
def test_a_phase_change_resets_the_timer_to_the_phases_duration(target: str) -> None:
    state = board("convergence", timer_changed("running", 900, NOW + 300 * SECOND, 900 * SECOND))
    (event,) = act(state, FAC, "phase.set", {"phase": target}, now_ms=NOW + 10 * SECOND)
    assert event.name == "phase.changed"
    assert event.data["phase"] == target
    expected = {"status": "stopped", "duration": MINUTES[target] * 60, "ends_at_ms": None,
                "remaining_ms": MINUTES[target] * 60 * SECOND}  # fmt: skip
    assert event.data["timer"] == expected
    assert state.timer.public() == expected
    assert state.phase == target


def test_reset_follows_the_current_phase() -> None:
    state = board("intro")
    act(state, FAC, "phase.set", {"phase": "convergence"})
    timer_after(state, "timer.start", {"seconds": 30})
    assert timer_after(state, "timer.reset")["duration"] == MINUTES["convergence"] * 60


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("timer.pause", "stopped"),
        ("timer.pause", "paused"),
        ("timer.resume", "stopped"),
        ("timer.resume", "running"),
    ],
)
def test_pause_and_resume_out_of_turn_are_conflicts(name: str, status: str) -> None:
    ends = NOW + 60 * SECOND if status == "running" else None
    state = board("divergence", timer_changed(status, 600, ends, 60 * SECOND))
    with pytest.raises(DomainError) as caught:
        run(state, FAC, name)
    assert (caught.value.code, caught.value.field) == ("conflict", "timer")
