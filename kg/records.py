"""The records that flow through kg: articles in, mentions out.

Everything here is a small frozen dataclass of plain values, so records pickle cheaply
between worker processes, cache to disk, and turn into JSON lines without adapters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

EntityType = Literal["person", "institution", "place"]
Part = Literal["title", "body", "caption", "related"]


class _Positional:
    """Pickles as a call with positional arguments: several times faster, both ways, than
    the generated ``__setstate__`` of a frozen slotted dataclass. Archives move and cache
    millions of records between processes."""

    __slots__ = ()

    def __reduce__(self):
        return (type(self), tuple(getattr(self, name) for name in self.__slots__))


@dataclass(frozen=True, slots=True)
class Section(_Positional):
    """A span of an article's plain text and the part of the article it came from."""

    start: int
    """Offset of the first character in `Article.text`."""
    end: int
    """Offset one past the last character."""
    part: Part
    """`title`, `body`, `caption` (image captions) or `related` (titles of linked articles)."""


@dataclass(frozen=True, slots=True)
class Link(_Positional):
    """A link from an article to another article (a 延伸閱讀 entry or an in-text link)."""

    url: str
    """Canonical URL of the linked article."""
    title: str = ""
    """Link text, usually the linked article's headline."""


@dataclass(frozen=True, slots=True)
class Article(_Positional):
    """One news article as read from a file: metadata and clean plain text.

    Examples
    --------
    >>> a = Article(id="x", path="a.md", title="T", text="T\\n\\nbody")
    >>> a.text[a.sections[0].start:a.sections[0].end] if a.sections else a.title
    'T'
    """

    id: str
    """Stable id: from the canonical URL when there is one, else from the relative path."""
    path: str
    """The input file, as given (relative to the working directory when it was relative)."""
    title: str
    text: str
    """Plain text: the title, then headings, paragraphs and captions, in order."""
    sections: tuple[Section, ...] = ()
    """Which part each span of `text` came from, in order, non-overlapping."""
    date: str = ""
    """ISO 8601: a timezone-aware datetime, or a bare date when the source gives only a date."""
    url: str = ""
    """Canonical URL (web.archive.org unwrapped, https, no www., no tracking parameters)."""
    publisher_hints: tuple[str, ...] = ()
    """Labels that may name the publisher: URL domains first, then author/category/tag labels."""
    author: str = ""
    tags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    """Links to other articles, in order of appearance."""


@dataclass(frozen=True, slots=True)
class Mention(_Positional):
    """One occurrence of a gazetteer entity in an article's text.

    `text[start:end] == surface` always holds for the article's `text`.
    """

    article_id: str
    entity_id: str
    surface: str
    """The name exactly as written in the text."""
    start: int
    end: int
    part: Part


@dataclass(frozen=True, slots=True)
class Skipped(_Positional):
    """An input file that did not become an article, and why."""

    path: str
    reason: str
    """One line a user can act on, e.g. 'no YAML front matter (expected a first line ---)'."""


@dataclass(frozen=True, slots=True)
class ArticleRecord(_Positional):
    """What the map step makes of one file: the article, its mentions and its publisher."""

    article: Article
    mentions: tuple[Mention, ...] = ()
    publisher_id: str = ""
    """Gazetteer id of the outlet that published the article ('' when unknown)."""
    warnings: tuple[str, ...] = field(default=())
