"""The pure domain: rules, state and events of a workshop board; no I/O, no asyncio, no framework."""

from . import links, method  # noqa: F401  (registers the method's and the links' commands)
from .apply import apply, initial
from .decide import HANDLERS, HTTP_ONLY, create_board, decide, import_board
from .errors import DomainError
from .events import Command, Context, Event, Viewer
from .links import closes, viewer_for
from .model import BoardState
from .views import HIDDEN, event_for, event_for_others, sees_everything, sees_in_full, sees_restricted, view_state

COMMAND_NAMES = frozenset(HANDLERS)

__all__ = [
    "COMMAND_NAMES",
    "HIDDEN",
    "HTTP_ONLY",
    "BoardState",
    "Command",
    "Context",
    "DomainError",
    "Event",
    "Viewer",
    "apply",
    "closes",
    "create_board",
    "decide",
    "event_for",
    "event_for_others",
    "import_board",
    "initial",
    "sees_everything",
    "sees_in_full",
    "sees_restricted",
    "view_state",
    "viewer_for",
]
