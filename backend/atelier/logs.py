"""Log filters for what uvicorn and asyncio write about clients: one line (not a traceback) for a
client's broken input. Addresses and room codes are taken out of every record (log_filters.py)."""

from __future__ import annotations

import logging

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


def install() -> None:
    """On uvicorn's logger (handshakes, invalid UTF-8) and the event loop's (transport errors)."""
    uvicorn_error = logging.getLogger("uvicorn.error")
    uvicorn_error.addFilter(ClientInputWithoutTraceback())
    logging.getLogger("asyncio").addFilter(ClientInputWithoutTraceback())
