"""Log records never carry a room code: uvicorn's WebSocket lines and any path with a code in it."""

from __future__ import annotations

import logging

from atelier.log_filters import install_log_redaction, redact_room_codes


def test_room_codes_are_taken_out_of_paths() -> None:
    line = '127.0.0.1:5000 - "WebSocket /ws/ABC234" [accepted]'
    assert redact_room_codes(line) == '- - "WebSocket /ws/…" [accepted]'  # nor the client's address
    assert redact_room_codes('[::1]:5000 - "WebSocket /ws/abc-def?x=1" 403') == '- - "WebSocket /ws/…?x=1" 403'
    assert redact_room_codes("GET /b/ABC234/facilitate and /api/boards/abc-234/export/x") == (
        "GET /b/…/facilitate and /api/boards/…/export/x"
    )
    assert redact_room_codes("nothing here") == "nothing here"


def test_every_record_is_created_redacted(caplog) -> None:  # type: ignore[no-untyped-def]
    install_log_redaction()
    install_log_redaction()  # idempotent
    # The factory makes every logger's records; a logger of the test's own, since uvicorn's may have been
    # configured not to propagate by a server started earlier in this process.
    with caplog.at_level(logging.INFO, logger="atelier.test_redaction"):
        line = '%s - "WebSocket %s" [accepted]'
        logging.getLogger("atelier.test_redaction").info(line, "127.0.0.1:5000", "/ws/QWE789")
    assert "QWE789" not in caplog.text and '"WebSocket /ws/…" [accepted]' in caplog.text
