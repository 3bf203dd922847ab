"""Timer maths: every function returns a new Timer computed from the server's clock."""

from __future__ import annotations

from .model import Timer


def stopped(seconds: int) -> Timer:
    return Timer(status="stopped", duration=seconds, ends_at_ms=None, remaining_ms=seconds * 1000)


def start(seconds: int, now_ms: int) -> Timer:
    return Timer(status="running", duration=seconds, ends_at_ms=now_ms + seconds * 1000, remaining_ms=seconds * 1000)


def remaining_ms(timer: Timer, now_ms: int) -> int:
    if timer.status == "running" and timer.ends_at_ms is not None:
        return max(0, timer.ends_at_ms - now_ms)
    return timer.remaining_ms


def pause(timer: Timer, now_ms: int) -> Timer:
    left = remaining_ms(timer, now_ms)
    return Timer(status="paused", duration=timer.duration, ends_at_ms=None, remaining_ms=left)


def resume(timer: Timer, now_ms: int) -> Timer:
    return Timer(
        status="running",
        duration=timer.duration,
        ends_at_ms=now_ms + timer.remaining_ms,
        remaining_ms=timer.remaining_ms,
    )


def add(timer: Timer, seconds: int, now_ms: int) -> Timer:
    delta = seconds * 1000
    if timer.status == "running" and timer.ends_at_ms is not None:
        # Never move the end into the past: a running timer with negative time makes no sense.
        ends = max(now_ms, timer.ends_at_ms + delta)
        return Timer(status="running", duration=timer.duration, ends_at_ms=ends, remaining_ms=ends - now_ms)
    return Timer(
        status=timer.status,
        duration=timer.duration,
        ends_at_ms=None,
        remaining_ms=max(0, timer.remaining_ms + delta),
    )
