"""Document intake: a plain-text file, a saved HTML page or an address read
into a Document, with its metadata where the page gives it.

The main text of a page is extracted by trafilatura (maintained, offline);
title, date, site name and language come from the page's metadata where
present. Where the language is not given or found, py3langid (its model
ships in the package) detects it. Kept apart from ``records.py`` for now.
"""

from __future__ import annotations

import datetime as dt
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from registry.choices import DatePrecision, DocumentKind
from registry.models import Document, Source, text_hash

FETCH_TIMEOUT = 20
MAX_BYTES = 10 * 1024 * 1024


class IntakeError(ValueError):
    """A document that cannot be read; the message says why."""


@dataclass
class ReadDocument:
    text: str
    title: str = ""
    language: str = ""
    published_on: dt.date | None = None
    publisher_name: str = ""
    url: str = ""
    retrieved_at: dt.datetime | None = None


def detect_language(text: str) -> str:
    import py3langid

    language, _score = py3langid.classify(text[:5000])
    return language


def _looks_like_html(raw: str, name: str) -> bool:
    head = raw.lstrip()[:500].lower()
    return name.lower().endswith((".html", ".htm")) or head.startswith(("<!doctype", "<html"))


def read_html(html: str, url: str = "") -> ReadDocument:
    import trafilatura

    text = trafilatura.extract(html, url=url or None, include_comments=False, favor_precision=True)
    if not text:
        raise IntakeError("no main text found in the page")
    meta = trafilatura.extract_metadata(html, default_url=url or None)
    published = None
    if meta is not None and meta.date:
        try:
            published = dt.date.fromisoformat(meta.date[:10])
        except ValueError:
            published = None
    language = ""
    if meta is not None:
        language = (getattr(meta, "language", None) or "").split("-")[0].lower()
    return ReadDocument(
        text=text,
        title=(meta.title if meta is not None and meta.title else "") or "",
        language=language,
        published_on=published,
        publisher_name=(meta.sitename if meta is not None and meta.sitename else "") or "",
        url=url,
    )


def read_file(path: Path) -> ReadDocument:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IntakeError(f"{path}: {exc.strerror}") from exc
    text = raw.decode("utf-8", errors="replace")
    if _looks_like_html(text, path.name):
        return read_html(text)
    lines = [line for line in text.splitlines() if line.strip()]
    return ReadDocument(text=text.replace("\r\n", "\n"), title=lines[0].strip()[:500] if lines else "")


def read_url(url: str) -> ReadDocument:
    if not url.startswith(("http://", "https://")):
        raise IntakeError(f"{url}: only http and https addresses are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": "factcheck-registry intake"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            raw = response.read(MAX_BYTES + 1)
            charset = response.headers.get_content_charset() or "utf-8"
            content_type = response.headers.get_content_type()
    except OSError as exc:
        raise IntakeError(f"{url}: {exc}") from exc
    if len(raw) > MAX_BYTES:
        raise IntakeError(f"{url}: larger than {MAX_BYTES} bytes")
    body = raw.decode(charset, errors="replace")
    if content_type == "text/plain":
        doc = ReadDocument(text=body, title=body.strip().splitlines()[0][:500] if body.strip() else "")
    else:
        doc = read_html(body, url)
    doc.url = url
    doc.retrieved_at = timezone.now()
    return doc


@transaction.atomic
def document_create(
    *,
    read: ReadDocument,
    actor=None,
    title: str | None = None,
    language: str | None = None,
    published_on: dt.date | None = None,
    publisher: Source | None = None,
    kind: str = DocumentKind.ARTICLE,
) -> tuple[Document, bool]:
    """Store a read document; returns (document, created). A document whose
    text (content hash, computed as the model computes it) is already stored
    is returned as it is, not stored twice."""
    text = read.text.strip("\n")
    if not text.strip():
        raise IntakeError("the document has no text")
    existing = Document.objects.filter(content_hash=text_hash(text)).first()
    if existing is not None:
        return existing, False
    published = published_on or read.published_on
    document = Document(
        kind=kind,
        title=(title or read.title or "Untitled document")[:500],
        publisher=publisher,
        url=read.url,
        retrieved_at=read.retrieved_at,
        published_on=published,
        published_precision=DatePrecision.DAY,
        language=language or read.language or detect_language(text),
        text=text,
    )
    document._history_user = actor
    document.full_clean()
    document.save()
    return document, True
