"""The Markdown writer: a Document as CommonMark text, with every piece of user text escaped."""

from __future__ import annotations

import re

from .document import Bullets, Document, Fields, Heading, PageBreak, Para, Table, safe

# Any ASCII punctuation may be backslash-escaped in CommonMark; these are the ones that could turn
# someone's note into a link, an image, raw HTML, emphasis, code or a table cell boundary.
_INLINE = re.compile(r"([\\`*_\[\]<>|~&!])")
# At the start of a line these would make a heading, a quote, a list item or a setext underline.
_LINE_START = re.compile(r"^([#>+\-=])|^(\d+)([.)])")


def escape_line(line: str) -> str:
    line = _INLINE.sub(r"\\\1", line.strip())
    return _LINE_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", line)


def escape(text: str) -> list[str]:
    """The text's lines, escaped; empty lines dropped so a note never splits a list or a paragraph."""
    return [escape_line(line) for line in safe(text).split("\n") if line.strip()] or [""]


def _lines(text: str, indent: str = "") -> str:
    # A backslash at the end of a line is CommonMark's hard line break.
    return ("\\\n" + indent).join(escape(text))


def _cell(text: str) -> str:
    return " ".join(escape(text))


def render(doc: Document) -> bytes:
    out: list[str] = [f"# {_lines(doc.title)}"]
    for block in doc.blocks:
        match block:
            case Heading(level, text):
                out.append(f"{'#' * min(level + 1, 6)} {_cell(text)}")
            case Para(text, muted):
                body = _lines(text)
                out.append(f"*{body}*" if muted and body else body)
            case Bullets(items):
                out.append("\n".join(f"- {_lines(item, '  ')}" for item in items))
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
