"""A small document model (headings, paragraphs, lists, tables) that every format writer renders."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Characters XML 1.0 cannot hold (ODT and DOCX are XML): a group title may carry one, since only
# note-like texts are cleaned on input. Dropping them beats failing the whole export.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def safe(text: str) -> str:
    return _NOT_XML.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Heading:
    level: int  # 1 is a section of the document; the document's own title is above it
    text: str


@dataclass(frozen=True)
class Para:
    text: str  # may hold newlines: each becomes a line break
    muted: bool = False  # a hint or an empty-section notice, shown less prominently


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def column_shares(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...] | list[tuple[str, ...]]) -> list[float]:
    """Each column's share of a table's width, in proportion to its longest text but capped, so one long
    note does not take it all and a rank or a number of minutes gets a narrow column. Shares add to 1."""
    longest = [max(len(v) for v in column) for column in zip(header, *rows, strict=True)]
    weights = [min(max(n, 6), 40) for n in longest]
    return [w / sum(weights) for w in weights]


@dataclass(frozen=True)
class Fields:
    """Labelled texts, such as the eight fields of an action sheet."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Para | Bullets | Table | Fields | PageBreak


@dataclass
class Document:
    title: str
    lang: str
    blocks: list[Block] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    # Repeated at the top of every page of the paged formats: what the document is and where from.
    header: str = ""
    # The metadata every format writes: when it was made (the request's time, not a template's).
    created_ms: int = 0
    subject: str = ""

    def add(self, *blocks: Block) -> Document:
        self.blocks.extend(blocks)
        return self
