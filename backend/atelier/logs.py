"""Log filters for what uvicorn and asyncio write about clients: no address, no room code, and one line
(not a traceback) for a client's broken input."""

from __future__ import annotations

import logging
import re

# uvicorn's lines for a socket's handshake: '%s - "WebSocket %s" [accepted]' (or an HTTP status).
_WEBSOCKET_LINE = '%s - "WebSocket %s"'
_ROOM_PATH = re.compile(r"^/ws/[^/?]*")
# Client input that breaks the transport: uvicorn logs the first, the event loop (uvloop's wording,
# then asyncio's) the others, each with the full traceback of the protocol's exception.
_CLIENT_INPUT = ("Invalid UTF-8", "Fatal error on transport", "Fatal error: protocol.data_received() call failed")


def _one_line(record: logging.LogRecord) -> None:
    """Keep the message and the exception's type, drop the traceback; a warning, not an error."""
    if record.exc_info and record.exc_info[1] is not None:
        record.msg = f"{record.getMessage()} ({type(record.exc_info[1]).__name__})"
        record.args = None
    record.exc_info = None
    record.exc_text = None
    record.stack_info = None
    record.levelno, record.levelname = logging.WARNING, "WARNING"


class ClientInputWithoutTraceback(logging.Filter):
    """Any client can send a frame that is not UTF-8 or that the transport's protocol chokes on: each
    would otherwise write a full traceback, and a client could fill the log with them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith(_CLIENT_INPUT):
            _one_line(record)
        return True


class NoClientInWebSocketLines(logging.Filter):
    """uvicorn's access line for a WebSocket carries the client's address and the path, which holds the
    room code: the line stays (with its outcome), without either."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(record.msg, str) and record.msg.startswith(_WEBSOCKET_LINE) and isinstance(args, tuple) \
                and len(args) >= 2:
            record.args = ("-", _ROOM_PATH.sub("/ws/…", str(args[1])), *args[2:])
        return True


def install() -> None:
    """On uvicorn's logger (handshakes, invalid UTF-8) and the event loop's (transport errors)."""
    uvicorn_error = logging.getLogger("uvicorn.error")
    uvicorn_error.addFilter(ClientInputWithoutTraceback())
    uvicorn_error.addFilter(NoClientInWebSocketLines())
    logging.getLogger("asyncio").addFilter(ClientInputWithoutTraceback())
