"""The throttle's sizing, on a mocked clock: a room behind one address gets in, a flood does not,
and guessing one of 1,000 live codes from one address takes months (docs/protocol.md)."""

from __future__ import annotations

from atelier.api.throttle import Buckets, Rule, Throttle, address_key, classify
from atelier.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def admitted(throttle: Throttle, clock: Clock, arrivals: int, seconds: float, kind: str = "join") -> int:
    ok = 0
    for i in range(arrivals):
        clock.now = i * seconds / arrivals
        ok += throttle.admit(kind, "203.0.113.7", "ABCDEF") == 0
    return ok


def test_a_room_of_300_behind_one_address_gets_in_within_two_minutes() -> None:
    clock = Clock()
    assert admitted(Throttle(Settings(), clock), clock, 300, 120) == 300
    # Even when they all come in the first 35 seconds.
    clock = Clock()
    assert admitted(Throttle(Settings(), clock), clock, 300, 35) == 300


def test_a_flood_of_5000_joins_in_27_seconds_is_throttled() -> None:
    clock = Clock()
    ok = admitted(Throttle(Settings(), clock), clock, 5000, 27)
    assert ok <= 200 + 3 * 27 + 1  # the burst, then 3 a second
    assert ok < 5000 * 0.06


def test_two_rooms_behind_one_address_join_two_boards_at_once() -> None:
    clock = Clock()
    throttle = Throttle(Settings(), clock)
    for code in ("AAAAAA", "BBBBBB"):
        assert all(throttle.admit("join", "203.0.113.7", code) == 0 for _ in range(200))


def test_guessing_one_of_a_thousand_live_codes_takes_months() -> None:
    settings = Settings()
    codes = 31**6  # ABCDEFGHJKMNPQRSTUVWXYZ23456789, 6 characters
    live = 1000
    expected_guesses = codes / live  # the mean number of misses before the first hit
    hours = (expected_guesses - settings.lookup_failure_burst) / settings.lookup_failures_per_hour
    assert hours / 24 / 30 > 6  # about 6.8 months from one address
    # And the buckets do what that arithmetic says: after the burst, one miss per 20 s.
    clock = Clock()
    throttle = Throttle(settings, clock)
    for _ in range(settings.lookup_failure_burst):
        assert throttle.admit("qr", "198.51.100.9", "ZZZZZZ") == 0
        throttle.failed("198.51.100.9")
    wait = throttle.admit("qr", "198.51.100.9", "ZZZZZZ")
    assert 19 < wait <= 20
    assert throttle.lookup_wait("198.51.100.9") == wait  # the socket hello waits as long


def test_a_bucket_refills_and_forgets() -> None:
    clock = Clock()
    buckets = Buckets(Rule(2, 1), clock)
    assert buckets.take("a") == buckets.take("a") == 0
    assert buckets.take("a") == 1.0
    clock.now = 1.0
    assert buckets.take("a") == 0


def test_routes_and_addresses() -> None:
    assert classify("POST", "/api/boards") == ("create", None)
    assert classify("POST", "/api/boards/import") == ("import", None)
    assert classify("POST", "/api/boards/abc-def/join") == ("join", "ABCDEF")
    assert classify("GET", "/api/boards/ABCDEF/qr.svg") == ("qr", "ABCDEF")
    assert classify("GET", "/api/boards/ABCDEF/export/notes.csv") == ("export", "ABCDEF")
    assert classify("GET", "/healthz") is None
    assert address_key("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert address_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert address_key("192.0.2.1") == "192.0.2.1"
