"""The ASGI application object for uvicorn (`atelier.main:app`); migrations already ran in the CLI."""

from .app import create_app

app = create_app(run_migrations=False)
