"""Long texts as per-locale content files that staff edit without touching code.

A page is `locales/<locale>/content/<section>/<NN-slug>.md`: a title line (`# Title`), an
empty line, then a body in the Markdown subset of `dialogs.text`. Pages are ordered by file
name and re-read when a file changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from dialogs.text import MarkupError, RichText
from storage.clock import Clock

# The project's own name stays German in every language (locales/README.md).
PROJECT_NAME = "Diversität in Institutionen der Migrationsgesellschaft"
MAX_TITLE_CHARS = 48
RECHECK_AFTER = timedelta(seconds=2)


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    body: RichText


class ContentLibrary:
    def __init__(self, root: Path, *, clock: Clock) -> None:
        self._root = root
        self._clock = clock
        self._cache: dict[Path, tuple[float, Page]] = {}
        self._folders: dict[Path, tuple[datetime, tuple[Page, ...]]] = {}

    def pages(self, locale: str, section: str) -> tuple[Page, ...]:
        """Every page of `section` in `locale`, in file-name order; no other locale mixed in.

        Files are looked at again at most every few seconds, so that staff edits show up
        without a restart and a busy bot does not read the folder for every message."""
        folder = self._root / locale / "content" / section
        now = self._clock.now()
        checked = self._folders.get(folder)
        if checked and now - checked[0] < RECHECK_AFTER:
            return checked[1]
        pages = tuple(self._read(path) for path in sorted(folder.glob("*.md")))
        self._folders[folder] = (now, pages)
        return pages

    def page(self, locale: str, section: str, slug: str) -> Page | None:
        return next((p for p in self.pages(locale, section) if p.slug == slug), None)

    def _read(self, path: Path) -> Page:
        mtime = path.stat().st_mtime
        cached = self._cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
        page = parse_page(path.stem, path.read_text(encoding="utf-8"))
        self._cache[path] = (mtime, page)
        return page


def parse_page(slug: str, source: str) -> Page:
    """Read a content file; raises `MarkupError` naming what is wrong."""
    title_line, _, body = source.partition("\n")
    if not title_line.startswith("# ") or not title_line[2:].strip():
        raise MarkupError(f"{slug}: the first line must be '# Title'")
    title = title_line[2:].strip()
    if len(title) > MAX_TITLE_CHARS:
        raise MarkupError(f"{slug}: title longer than {MAX_TITLE_CHARS} characters")
    if body and not body.startswith("\n"):
        raise MarkupError(f"{slug}: an empty line must follow the title")
    return Page(slug=slug, title=title, body=RichText.from_markdown(body))
