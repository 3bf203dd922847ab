"""Credentials remembered by a process that is alone with its database.

A reconnect storm (a server restart, a room's Wi-Fi coming back) presents a thousand known tokens at
once, and each lookup through the async pool costs about a millisecond of this process's time. A
credential row never changes once written (a token names one board and one person or link for
ever); what ends a token (removal, revocation) lives in the board's state, which the socket checks
after the lookup. So a process that writes every credential of its database itself can answer from
memory: what it committed it adds here, what it erases it drops, and a miss still asks the database.
With several processes another one may create or erase a credential: they do not use this.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable

MAX_CREDENTIALS = 100_000  # about 20 MB at most; the oldest boards' entries go first
MAX_ERASED = 10_000

Credential = tuple[str, str]  # (board id, participant or link id)


class CredentialCache:
    def __init__(self, limit: int = MAX_CREDENTIALS) -> None:
        self.limit = limit
        # board id -> {token hash: credential id}, least recently used board first.
        self._boards: OrderedDict[str, dict[str, str]] = OrderedDict()
        self._board_of: dict[str, str] = {}  # token hash -> board id
        self._complete: set[str] = set()  # boards whose every credential was read at once
        self._loading: dict[str, asyncio.Lock] = {}
        # Boards erased by this process: a commit that raced the erasure must not bring them back.
        self._erased: OrderedDict[str, None] = OrderedDict()

    @property
    def size(self) -> int:
        return len(self._board_of)

    def get(self, token_hash: str) -> Credential | None:
        board_id = self._board_of.get(token_hash)
        if board_id is None:
            return None
        self._boards.move_to_end(board_id)
        return board_id, self._boards[board_id][token_hash]

    def put(self, token_hash: str, board_id: str, credential_id: str) -> None:
        if board_id in self._erased or token_hash in self._board_of:
            return
        self._boards.setdefault(board_id, {})[token_hash] = credential_id
        self._board_of[token_hash] = board_id
        self._evict()

    async def load_board(self, board_id: str, read: Callable[[], Awaitable[Iterable[tuple[str, str]]]]) -> None:
        """Read a board's credentials once, in one query (the first hello of a storm on this board),
        rather than one query per socket; concurrent callers wait for the one read."""
        if board_id in self._complete or board_id in self._erased:
            return
        lock = self._loading.setdefault(board_id, asyncio.Lock())
        try:
            async with lock:
                if board_id in self._complete or board_id in self._erased:
                    return
                rows = await read()
                if board_id in self._erased:
                    return
                for token_hash, credential_id in rows:
                    self.put(token_hash, board_id, credential_id)
                self._complete.add(board_id)
        finally:
            if not lock.locked():
                self._loading.pop(board_id, None)

    def forget_board(self, board_id: str) -> None:
        """The board was erased: its token hashes leave memory too."""
        self._drop(board_id)
        self._erased[board_id] = None
        while len(self._erased) > MAX_ERASED:
            self._erased.popitem(last=False)

    def forget(self, board_id: str, credential_id: str) -> None:
        """A person's tokens were deleted (their erasure)."""
        tokens = self._boards.get(board_id)
        if not tokens:
            return
        for token_hash in [h for h, c in tokens.items() if c == credential_id]:
            del tokens[token_hash]
            del self._board_of[token_hash]

    def _drop(self, board_id: str) -> None:
        tokens = self._boards.pop(board_id, None) or {}
        for token_hash in tokens:
            del self._board_of[token_hash]
        self._complete.discard(board_id)

    def _evict(self) -> None:
        while self.size > self.limit and len(self._boards) > 1:
            self._drop(next(iter(self._boards)))
