"""The ASGI application object for uvicorn (`atelier.main:app`); migrations already ran in the CLI."""

from . import logs
from .app import create_app
from .log_filters import install_log_redaction

# Here rather than in the CLI: uvicorn imports this module in every worker, after configuring logging.
# uvicorn closes a socket that sends invalid UTF-8 (1007), as it should, but logs a full traceback for
# it, and the event loop one for a transport whose protocol failed on a client's bytes: one warning line
# each instead. Its WebSocket handshake lines lose the client's address and the room code.
logs.install()

install_log_redaction()
app = create_app(run_migrations=False)
