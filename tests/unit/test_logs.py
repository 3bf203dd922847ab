"""The log filters: a client's broken input is one warning line, never a traceback; uvicorn's WebSocket
lines keep their outcome without the client's address or the room code."""

from __future__ import annotations

import logging
import sys

from atelier.logs import ClientInputWithoutTraceback


def _record(name: str, msg: str, args: tuple[object, ...] | None = None, error: bool = True) -> logging.LogRecord:
    exc_info = None
    if error:
        try:
            raise AssertionError("the protocol choked")
        except AssertionError:
            exc_info = sys.exc_info()
    return logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args, exc_info)


def test_transport_errors_from_client_input_lose_their_traceback() -> None:
    keep = ClientInputWithoutTraceback()
    for message in (
        "Fatal error on transport TCPTransport\nprotocol: <…>\ntransport: <…>",
        "Fatal error: protocol.data_received() call failed.",
        "Invalid UTF-8 sequence received from client.",
    ):
        record = _record("asyncio", message)
        assert keep.filter(record)
        assert record.exc_info is None and record.levelname == "WARNING"
        assert record.getMessage().startswith(message.split("\n")[0]) and "AssertionError" in record.getMessage()
        assert "Traceback" not in logging.Formatter().format(record)
    other = _record("asyncio", "Task exception was never retrieved")
    keep.filter(other)
    assert other.exc_info is not None and other.levelname == "ERROR"  # a bug of ours stays loud
