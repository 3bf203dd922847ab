"""The ASGI application object for uvicorn (`atelier.main:app`); migrations already ran in the CLI."""

from . import logs
from .app import create_app
from .log_filters import install_log_redaction

# Here rather than in the CLI: uvicorn imports this module in every worker, after configuring logging.
# uvicorn closes a socket that sends invalid UTF-8 (1007), as it should, but logs a full traceback for
# it, and the event loop one for a transport whose protocol failed on a client's bytes: one warning line
# each instead. Every record is created without room codes and without the address on WebSocket lines.
logs.install()
install_log_redaction()
app = create_app(run_migrations=False)
