"""Readers: a file (plain text, Markdown, HTML, PDF) -> cleaned text with offset map and metadata.

Each reader raises ExtractionError with a clear message for what it cannot read (a PDF
without a text layer, binary junk, an empty file); nothing is written before reading succeeds.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from actorgraph.graph.errors import ExtractionError
from actorgraph.graph.ingest.cleanup import clean_pdf_text
from actorgraph.graph.ingest.text import MappedText

FORMATS = ("text", "markdown", "html", "pdf")
SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}
MIN_CHARACTERS = 20  # less than this is not a document (an empty page, a stray title)


@dataclass
class ReadResult:
    """What a reader found: the text to store (with its map) and any metadata in the file."""

    text: MappedText
    format: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    pages: list[int] = field(default_factory=list)  # clean-text offset where each PDF page starts


def detect_format(path: Path, data: bytes) -> str:
    """The format from the file's first bytes, else from its suffix."""
    head = data[:1024].lstrip().lower()
    if data.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    if path.suffix.lower() in SUFFIXES:
        return SUFFIXES[path.suffix.lower()]
    return "text"


def read_file(path: Path, fmt: str | None = None) -> ReadResult:
    """Read any supported file. Raises ExtractionError when it is unreadable, binary or empty."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractionError(f"cannot read {path}: {exc.strerror}") from exc
    if not data.strip():
        raise ExtractionError(f"{path} is empty")
    fmt = fmt or detect_format(path, data)
    if fmt not in FORMATS:
        raise ExtractionError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    readers = {"text": read_text, "markdown": read_markdown, "html": read_html, "pdf": read_pdf}
    result = readers[fmt](data, path.name)
    if len(result.text.text.strip()) < MIN_CHARACTERS:
        raise ExtractionError(f"{path} has no text to extract ({len(result.text.text.strip())} characters)")
    return result


def _decode(data: bytes, name: str) -> str:
    """UTF-8 text, or a clear error for binary junk."""
    if b"\x00" in data[:8192]:
        raise ExtractionError(f"{name} is binary, not text (NUL bytes); give --format pdf for a PDF")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExtractionError(f"{name} is not UTF-8 text (byte {exc.start}); convert it first") from exc
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.01 * min(len(text), 8192):
        raise ExtractionError(f"{name} looks binary ({controls} control characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _first_line_title(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= 200 else None
    return None


def read_text(data: bytes, name: str) -> ReadResult:
    """Plain text, stored as it is (line ends normalised)."""
    text = _decode(data, name)
    return ReadResult(MappedText.identity(text).strip(), "text", title=_first_line_title(text))


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def read_markdown(data: bytes, name: str) -> ReadResult:
    """Markdown with its markup removed (headings, emphasis, links, images, code fences)."""
    raw = _decode(data, name)
    meta: dict[str, str] = {}
    text = MappedText.identity(raw)
    front = _FRONT_MATTER.match(raw)
    if front:
        for line in front.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip().strip("\"'")
        text = text.delete_spans([front.span()])
    title = meta.get("title")
    heading = re.search(r"^#\s+(.+)$", text.text, re.MULTILINE)
    if not title and heading:
        title = heading.group(1).strip()
    text = text.sub(r"^```[^\n]*\n|^```\s*$", "", re.MULTILINE)
    text = text.sub(r"!\[[^\]]*\]\([^)]*\)", "")  # images carry no claim
    text = _keep_group(text, r"\[([^\]]+)\]\([^)]*\)")
    text = text.sub(r"^#{1,6}\s+", "", re.MULTILINE)
    text = text.sub(r"^\s{0,3}>\s?", "", re.MULTILINE)
    text = text.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", re.MULTILINE)
    text = text.sub(r"(\*\*|__)(?=\S)|(?<=\S)(\*\*|__)", "")
    text = text.sub(r"(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])", "")
    text = text.sub(r"`", "")
    text = text.sub(r"^\s*(?:[-*_]\s*){3,}$", "", re.MULTILINE)
    text = text.sub(r"\n{3,}", "\n\n")
    return ReadResult(text.strip(), "markdown", title=title, author=meta.get("author"), date=meta.get("date"))


def _keep_group(text: MappedText, pattern: str) -> MappedText:
    """Deletion-only rewrite of a pattern to its first group, so the kept characters keep their map."""
    spans: list[tuple[int, int]] = []
    for match in re.finditer(pattern, text.text):
        spans.append((match.start(), match.start(1)))
        spans.append((match.end(1), match.end()))
    return text.delete_spans(spans) if spans else text


BOILERPLATE_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
)
BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "td", "dd", "dt")
_BOILERPLATE_CLASS = re.compile(
    r"nav|menu|footer|header|sidebar|cookie|share|social|comment|related|advert|promo", re.I
)


def read_html(data: bytes, name: str) -> ReadResult:
    """The main text of a web page: <article> or <main> if present, boilerplate dropped."""
    from bs4 import BeautifulSoup, Tag  # start-up cost: BeautifulSoup loads only for HTML input

    html = _decode(data, name) if b"\x00" not in data[:8192] else ""
    if not html:
        raise ExtractionError(f"{name} is binary, not HTML")
    soup = BeautifulSoup(html, "html.parser")
    meta = _html_meta(soup)
    for tag in soup.find_all(BOILERPLATE_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if not isinstance(tag, Tag) or tag.decomposed:
            continue
        attrs = " ".join([*(tag.get("class") or []), str(tag.get("id") or ""), str(tag.get("role") or "")])
        if attrs.strip() and _BOILERPLATE_CLASS.search(attrs) and tag.name not in ("article", "main", "body"):
            tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    blocks: list[str] = []
    for block in root.find_all(BLOCK_TAGS):
        if block.find_parent(BLOCK_TAGS):
            continue  # a nested block is part of its parent's text
        text = re.sub(r"\s+", " ", block.get_text(" ")).strip()
        text = re.sub(r" (?=[.,;:!?)])", "", text)
        if text:
            blocks.append(text)
    if not blocks:
        blocks = [re.sub(r"\s+", " ", root.get_text(" ")).strip()]
    body = "\n\n".join(blocks)
    title = meta.get("title") or (blocks[0] if blocks and len(blocks[0]) <= 200 else None)
    # The extracted main text is what we store: offsets point into it (the HTML is not kept).
    return ReadResult(MappedText.identity(body), "html", title=title, author=meta.get("author"), date=meta.get("date"))


def _html_meta(soup: object) -> dict[str, str]:
    from bs4 import BeautifulSoup  # start-up cost, as in read_html

    assert isinstance(soup, BeautifulSoup)
    meta: dict[str, str] = {}
    names = {
        "author": "author",
        "article:author": "author",
        "dc.creator": "author",
        "date": "date",
        "dc.date": "date",
        "article:published_time": "date",
        "citation_publication_date": "date",
        "og:title": "title",
        "citation_title": "title",
    }
    for tag in soup.find_all("meta"):
        key = str(tag.get("name") or tag.get("property") or "").lower()
        if key in names and tag.get("content") and names[key] not in meta:
            meta[names[key]] = str(tag["content"]).strip()
    if "title" not in meta and soup.title and soup.title.string:
        meta["title"] = soup.title.string.strip()
    if "date" not in meta:
        time = soup.find("time")
        if time is not None and time.get("datetime"):
            meta["date"] = str(time["datetime"])
    return meta


def read_pdf(data: bytes, name: str) -> ReadResult:
    """The text layer of a PDF, cleaned (running heads, footnote markers, hyphenation, line breaks)."""
    from pypdf import PdfReader  # start-up cost: pypdf loads only for PDF input
    from pypdf.errors import PyPdfError  # start-up cost, as above

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ExtractionError(f"{name} is not a readable PDF: {exc}") from exc
    if not "".join(pages).strip():
        raise ExtractionError(f"{name} has no text layer (a scanned PDF needs OCR first)")
    text = clean_pdf_text([p.replace("\r\n", "\n") for p in pages])
    title = str(info.title).strip() if info is not None and info.title else None
    author = str(info.author).strip() if info is not None and info.author else None
    date = None
    if info is not None and info.creation_date is not None:
        date = info.creation_date.date().isoformat()
    starts = _page_starts(text, pages)
    return ReadResult(text, "pdf", title=title or _first_line_title(text.text), author=author, date=date, pages=starts)


def _page_starts(text: MappedText, pages: list[str]) -> list[int]:
    """The clean-text offset where each page begins (via the offset map)."""
    bounds, offset = [], 0
    for page in pages:
        bounds.append(offset)
        offset += len(page) + 1
    return [text.origin.first_at_or_after(bound) for bound in bounds]
