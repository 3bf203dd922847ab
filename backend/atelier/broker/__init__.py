"""Fan-out between processes: one interface, an in-memory default and Redis pub/sub for scale-out."""

from .base import RESYNC, Broker, Inbox, make_broker

__all__ = ["RESYNC", "Broker", "Inbox", "make_broker"]
