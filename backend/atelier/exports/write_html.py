"""The printable HTML writer: a self-contained static page (its stylesheet inside, no script)."""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from html import escape
from pathlib import Path

from .document import Bullets, Document, Fields, Heading, PageBreak, Para, Table, safe

STYLESHEET = Path(__file__).with_name("report.css")


@cache
def stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


@cache
def style_hash() -> str:
    """The CSP source that allows this page's one <style> element and nothing else inline."""
    digest = hashlib.sha256(stylesheet().encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _text(text: str) -> str:
    """Escaped, each newline a <br>: nobody's text ever becomes markup."""
    return "<br>".join(escape(line) for line in safe(text).split("\n"))


def render(doc: Document) -> bytes:
    lang = "en" if doc.lang == "en" else "fr"
    out = [
        "<!doctype html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(safe(doc.title))}</title>",
        # Inside the page: a report saved to disk or mailed prints the same as the one opened here.
        f"<style>{stylesheet()}</style>",
        '<meta name="generator" content="Atelier">',
        f'<meta name="description" content="{escape(safe(doc.header or doc.title))}">',
        "</head>",
        '<body class="report">',
        "<main>",
        f"<h1>{_text(doc.title)}</h1>",
    ]
    for block in doc.blocks:
        match block:
            case Heading(level, text):
                tag = f"h{min(level + 1, 6)}"
                out.append(f"<{tag}>{_text(text)}</{tag}>")
            case Para(text, muted):
                out.append(f'<p class="muted">{_text(text)}</p>' if muted else f"<p>{_text(text)}</p>")
            case Bullets(items):
                out.append("<ul>" + "".join(f"<li>{_text(item)}</li>" for item in items) + "</ul>")
            case Table(header, rows):
                head = "".join(f'<th scope="col">{_text(h)}</th>' for h in header)
                body = "".join("<tr>" + "".join(f"<td>{_text(c)}</td>" for c in row) + "</tr>" for row in rows)
                out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
            case Fields(pairs):
                body = "".join(f'<tr><th scope="row">{_text(k)}</th><td>{_text(v)}</td></tr>' for k, v in pairs)
                out.append(f'<table class="fields"><tbody>{body}</tbody></table>')
            case PageBreak():
                out.append('<div class="page-break" aria-hidden="true"></div>')
    out.append("</main>")
    if doc.footer:
        out.append("<footer>" + "".join(f"<p>{_text(line)}</p>" for line in doc.footer) + "</footer>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out).encode("utf-8")
