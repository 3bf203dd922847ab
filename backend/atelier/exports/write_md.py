"""The Markdown writer: a Document as CommonMark text that reads well raw, user text never markup.

Only what CommonMark would otherwise read as markup is escaped (a note "- portage" at the start of a
line, "*", a backtick, "<b>"), not every punctuation mark: the file is read raw as often as rendered.
Paragraphs stay paragraphs (a blank line) and line breaks stay line breaks (two trailing spaces,
CommonMark's hard break that shows nothing when read raw)."""

from __future__ import annotations

import re

from .document import Bullets, Document, Fields, Heading, PageBreak, Para, Table, safe

HARD_BREAK = "  \n"
_PUNCTUATION = r"""!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"""
_INLINE = re.compile(
    # a backslash that would escape what follows it (or end the line as a hard break)
    rf"\\(?=[{_PUNCTUATION}]|$)"
    # emphasis, code spans and link openers, wherever they are
    r"|[*`\[]"
    # "_" makes emphasis only at a word's edge ("a_b" is plain)
    r"|(?<![0-9A-Za-zÀ-ɏ])_|_(?![0-9A-Za-zÀ-ɏ])"
    # raw HTML and autolinks start "<" then a letter, "/", "!" or "?"
    r"|<(?=[A-Za-z/!?])"
    # an entity or a numeric character reference
    r"|&(?=#?[0-9A-Za-z]+;)"
)
# At the start of a line these make a heading, a quote, a list item, a setext underline, a thematic
# break or a code fence; escaping the first character is enough.
_LINE_START = re.compile(r"^(?:#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|=+\s*$|-+\s*$|(?:`{3}|~{3}))")
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
# Four spaces or a tab at the start make a code block: leading blanks are dropped.
_CELL_PIPE = re.compile(r"\|")


def escape_line(line: str) -> str:
    line = _INLINE.sub(lambda m: "\\" + m.group(), line.strip())
    line = _LINE_START.sub(lambda m: "\\" + m.group(), line)
    return _ORDERED.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", line)


def _paragraphs(text: str) -> list[list[str]]:
    """The text's paragraphs (split at blank lines), each a list of escaped lines."""
    out: list[list[str]] = []
    current: list[str] = []
    for line in safe(text).split("\n"):
        if line.strip():
            current.append(escape_line(line))
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out or [[""]]


def _lines(text: str, indent: str = "") -> str:
    """Line breaks as hard breaks, paragraphs apart; continuation lines indented under a list item."""
    paragraphs = [(HARD_BREAK + indent).join(lines) for lines in _paragraphs(text)]
    return ("\n\n" + indent).join(paragraphs)


def _cell(text: str) -> str:
    # A table row holds one line: lines are joined by a space, "|" would end the cell.
    flat = " ".join(line for lines in _paragraphs(text) for line in lines)
    return _CELL_PIPE.sub(r"\\|", flat)


def render(doc: Document) -> bytes:
    out: list[str] = [f"# {_cell(doc.title)}"]
    for block in doc.blocks:
        match block:
            case Heading(level, text):
                out.append(f"{'#' * min(level + 1, 6)} {_cell(text)}")
            case Para(text, muted):
                body = _lines(text)
                # Emphasis cannot span a blank line: each paragraph of a muted text is emphasised.
                out.append("\n\n".join(f"*{p}*" for p in body.split("\n\n")) if muted and body else body)
            case Bullets(items):
                # A blank line inside an item would loosen the whole list: only then are items apart.
                loose = any(len(_paragraphs(item)) > 1 for item in items)
                out.append(("\n\n" if loose else "\n").join(f"- {_lines(item, '  ')}" for item in items))
            case Table(header, rows):
                lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + " --- |" * len(header)]
                lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
                out.append("\n".join(lines))
            case Fields(pairs):
                for label, text in pairs:
                    out.append(f"**{_cell(label)}**")
                    out.append(_lines(text))
            case PageBreak():
                out.append("---")
    if doc.footer:
        out.append("---")
        out.extend(f"*{_cell(line)}*" for line in doc.footer)
    return ("\n\n".join(out) + "\n").encode("utf-8")
