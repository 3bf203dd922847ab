"""Fan-out between processes: one interface, an in-memory default and Redis pub/sub for scale-out."""

from .base import ERASED, RESYNC, Broker, Inbox, make_broker

__all__ = ["ERASED", "RESYNC", "Broker", "Inbox", "make_broker"]
