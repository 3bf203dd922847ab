"""The ASGI application object for uvicorn (`atelier.main:app`); migrations already ran in the CLI."""

import logging

from .app import create_app
from .log_filters import install_log_redaction


class _NoTracebackForClientUtf8(logging.Filter):
    """uvicorn closes a socket that sends invalid UTF-8 (1007), as it should, but logs a full traceback
    for it: any client could fill the log with those. Client input gets one warning line, no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.getMessage().startswith("Invalid UTF-8"):
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


# Here rather than in the CLI: uvicorn imports this module in every worker, after configuring logging.
logging.getLogger("uvicorn.error").addFilter(_NoTracebackForClientUtf8())

install_log_redaction()
app = create_app(run_migrations=False)
