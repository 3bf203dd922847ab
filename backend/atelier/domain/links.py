"""Access links: secrets that open a board's projector or cockpit on another device, until revoked.

A link's secret is stored like any token (its hash, in the credential table) under the link's id; the
board's state says which link ids are live and what each grants, so every process refuses a revoked
link the moment it folds the revocation, and the hub closes the sockets it opened."""

from __future__ import annotations

from .decide import command
from .errors import DomainError
from .events import Context, Event, Viewer
from .model import BoardState

KINDS = ("projector", "facilitator")
PREFIX = "l_"  # link ids, never a participant's
MAX_LINKS = 50  # live links of a board, all kinds


def _facilitators_only(name: str, data: dict) -> Event:
    # Only facilitators hear of links; everyone else gets `hidden`, so their seq stays contiguous.
    return Event(name, data, restricted=True, public=None)


@command("link.create", facilitators_only=True)
def _link_create(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    kind, link_id = args["kind"], args["id"]
    if kind not in KINDS:
        raise DomainError("bad_request", "kind")
    if not link_id.startswith(PREFIX) or link_id in state.access_links:
        raise DomainError("conflict", "id")
    if len(state.access_links) >= MAX_LINKS:
        raise DomainError("too_large", "links")
    return [_facilitators_only("link.created", {"id": link_id, "kind": kind, "by": actor_id, "at_ms": ctx.now_ms})]


@command("links.revoke", facilitators_only=True)
def _links_revoke(state: BoardState, actor_id: str, args: dict, ctx: Context) -> list[Event]:
    kind = args["kind"]
    if kind not in KINDS:
        raise DomainError("bad_request", "kind")
    ids = sorted(i for i, link in state.access_links.items() if link["kind"] == kind)
    return [_facilitators_only("links.revoked", {"kind": kind, "ids": ids})]


def viewer_for(state: BoardState, credential_id: str) -> Viewer | None:
    """Who a stored credential lets in now: a participant as themselves, a projector link as the
    public, a facilitator link as the facilitator who made it; None once revoked or gone."""
    link = state.access_links.get(credential_id)
    if link is not None:
        if link["kind"] == "projector":
            return Viewer(credential_id, None, projector=True)
        role = state.role_of(link["by"])
        return Viewer(link["by"], role) if role is not None else None
    if credential_id.startswith(PREFIX):
        return None
    role = state.role_of(credential_id)
    return Viewer(credential_id, role) if role is not None else None


def closes(event: Event) -> frozenset[str]:
    """The credential or participant ids whose open sockets must close once `event` is delivered:
    every process's hub applies it to its own sockets, so access ends everywhere at one seq."""
    if event.name == "links.revoked":
        return frozenset(event.data["ids"])
    return frozenset()
