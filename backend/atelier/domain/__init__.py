"""The pure domain: rules, state and events of a workshop board; no I/O, no asyncio, no framework."""

from . import method  # noqa: F401  (registers the method's commands)
from .apply import apply, initial
from .decide import HANDLERS, closes, create_board, decide, import_board
from .errors import DomainError
from .events import Command, Context, Event, Viewer
from .model import BoardState
from .views import HIDDEN, event_for, event_for_others, sees_everything, sees_in_full, sees_restricted, view_state

COMMAND_NAMES = frozenset(HANDLERS)

__all__ = [
    "COMMAND_NAMES",
    "HIDDEN",
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
]
