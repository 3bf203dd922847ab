"""What the server's log may not hold: room codes in the paths uvicorn logs, and the client's address
on its WebSocket lines."""

from __future__ import annotations

import logging
import re

# A board's room code in a path: /ws/CODE, /b/CODE/…, /api/boards/CODE/…
_CODE_IN_PATH = re.compile(r"(/ws/|/b/|/api/boards/)[^/\s\"'?#]+")
# uvicorn's handshake line: '<client address> - "WebSocket <path>" [accepted]' (or an HTTP status).
_CLIENT_OF_WEBSOCKET_LINE = re.compile(r'^\S+ - (?="WebSocket )')
_installed = False


def redact_room_codes(text: str) -> str:
    """`text` without room codes in paths nor the client's address on a WebSocket handshake line."""
    return _CLIENT_OF_WEBSOCKET_LINE.sub("- - ", _CODE_IN_PATH.sub(r"\1…", text))


def install_log_redaction() -> None:
    """Every log record of this process is created with room codes already taken out of its message.
    At record creation rather than in a handler's filter: uvicorn's WebSocket lines ("… "WebSocket
    /ws/ABC234" [accepted]") come from its own loggers and handlers, and a deployer's logging
    configuration may add others; a record factory covers them all. Names and note text are never
    logged by the server in the first place."""
    global _installed
    if _installed:
        return
    _installed = True
    make = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:
            return record  # a broken format is the logging module's to report, as it would
        redacted = redact_room_codes(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return record

    logging.setLogRecordFactory(factory)
