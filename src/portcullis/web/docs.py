"""The product's own documentation (docs/*.md), rendered for the pages: a reader follows a
mention of "the profile language" to the page itself, inside the product, offline.

Markdown is rendered by markdown-it in CommonMark mode with raw HTML off, so nothing in a
document is ever interpreted as markup; links between documents become links to their
pages. A French translation, where one is written (docs/fr/NAME.md), is served to French
readers; otherwise the English page, marked as English."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.urls import reverse
from markdown_it import MarkdownIt

import portcullis

# The documents a reader may open, by name; nothing else under docs/ is served.
DOCUMENTS = ("profiles", "api", "formats", "operations")
_LOCAL_LINK = re.compile(r"^(?P<name>[a-z]+)\.md(?P<anchor>#[\w-]*)?$")


def docs_folder() -> Path | None:
    """docs/ inside the installed package (a wheel), else beside the source tree."""
    package = Path(portcullis.__file__).resolve().parent
    for folder in (package / "docs", package.parents[1] / "docs"):
        if (folder / "profiles.md").is_file():
            return folder
    return None


@dataclass(frozen=True)
class Document:
    name: str
    title: str
    html: str
    language: str  # what it is written in: "en", or the reader's language where translated


def _rewrite_links(md: MarkdownIt) -> None:
    """``profiles.md#x`` → the page of that document; other relative links (files the
    pages do not serve) are left as text."""

    def link_open(renderer: Any, tokens: list[Any], index: int, options: Any, env: Any) -> str:
        token = tokens[index]
        href = str(token.attrGet("href") or "")
        if (local := _LOCAL_LINK.match(href)) and local["name"] in DOCUMENTS:
            token.attrSet("href", reverse("doc", args=[local["name"]]) + (local["anchor"] or ""))
        elif not href.startswith(("http://", "https://", "#")):
            token.attrSet("href", "#")
            token.attrSet("aria-disabled", "true")
        return str(renderer.renderToken(tokens, index, options, env))

    md.add_render_rule("link_open", link_open)


@cache
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    _rewrite_links(md)
    return md


def read_document(name: str, language: str) -> Document | None:
    """The document ``name`` for a reader of ``language``; None where there is none."""
    folder = docs_folder()
    if name not in DOCUMENTS or folder is None:
        return None
    translated = folder / language / f"{name}.md"
    path, written_in = (
        (translated, language) if translated.is_file() else (folder / f"{name}.md", "en")
    )
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), name)
    return Document(name=name, title=title, html=_renderer().render(text), language=written_in)
