"""The one exception the domain raises: a refusal with a stable code."""

from __future__ import annotations


class DomainError(Exception):
    """A command was refused. `code` is stable (see docs/protocol.md); `field` names the culprit."""

    def __init__(self, code: str, field: str | None = None, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params
