"""Read article files: front matter, clean plain text, canonical URL, links.

An article file is any text file that starts with YAML front matter (``---`` lines), with
a Markdown or HTML body, as Jekyll sites and news archives write them. Reading one file is
a pure function of its bytes and its path (:func:`read_article`), so files can be read in
any order, in parallel, and cached.

Examples
--------
>>> raw = "---\\ntitle: 蔡英文出訪\\ndate: 2021-01-07\\n---\\n總統蔡英文今天出訪。\\n".encode()
>>> article = parse_article(raw, "a.md")
>>> article.title, article.date, article.text
('蔡英文出訪', '2021-01-07', '蔡英文出訪\\n\\n總統蔡英文今天出訪。')
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import yaml

from kg.errors import ArticleError
from kg.records import Article, Link, Part, Section

ARTICLE_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm", ".txt"})
MAX_FILE_BYTES = 20_000_000

_FRONT_MATTER = re.compile(
    r"\A\ufeff?\s*---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?$\n?", re.S | re.M
)
_JEKYLL_PREAMBLE = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)?(?:\[[^\]\n]*\]\([^)\n]*\)[ \t]*\n(?:[-=]{3,}[ \t]*\n)?)?", re.S
)
_HTML_BLOCK = re.compile(r"<(?:p|div|section|article|h[1-6]|ul|ol|table|br)\b", re.I)
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_BROKEN_LINE = re.compile(rf"(?<=[{_CJK}·])[ \t]*\n[ \t]*(?=[{_CJK}·])")
_SPACES = re.compile(r"\s+")
_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|mc_cid|mc_eid|ref|from|spm|share|igshid)$", re.I)
_ARCHIVE = re.compile(r"^(?:https?://web\.archive\.org)?/web/\d+[a-z_]*/(.+)$", re.I)
_NUMBERED_ARTICLE = re.compile(r"^(/(?:article|articles|news|story)/\d+)(?:/.*)?$")
_MANGLED = "%EF%BF%BD"

# Site chrome: blocks that are not the article (subscription pleas, blogger blurbs, share bars).
_CHROME_TEXT = re.compile(
    r"月費訂戶|成為眾新聞|支持我們的工作|每周時事|^\*\*博客 \||^!\[博客|追蹤我們|關注我們|"
    r"订阅|訂閱我們|Follow us|下載.{0,8}App",
    re.M,
)
_CHROME_CLASS = re.compile(
    r"(?:^|[-_ ])(?:ads?|adslot\w*|dfp\w*|advert\w*|banner\w*|sponsor\w*|promo\w*|subscribe\w*|"
    r"subscription|share\w*|social\w*|follow\w*|newsletter|innity\w*|related-?ads?|outbrain)(?:[-_ ]|$)",
    re.I,
)
_REMOVED_TAGS = (
    "script, style, noscript, iframe, form, svg, button, nav, footer, header, ins, object"
)
_BLOCK_TAGS = (
    "p, div, section, article, h1, h2, h3, h4, h5, h6, li, br, tr, blockquote, figure, "
    "figcaption, pre, dd, dt, hr, table, ul, ol"
)
_CAPTION_SELECTOR = "figcaption, .picinfo, .caption, .wp-caption-text, .image-caption"
_RELATED_SELECTOR = ".moreArticle"
# Private-use characters that mark caption and related-link paragraphs through text extraction.
_OPEN = {"caption": "\ue000", "related": "\ue002"}
_CLOSE = {"caption": "\ue001", "related": "\ue003"}
_MARKERS = re.compile("[\ue000-\ue003]")


# --- finding files ----------------------------------------------------------------------


def discover(inputs: Iterable[str | Path]) -> Iterator[tuple[Path, Path]]:
    """Yield ``(file, root)`` for every file below the inputs, sorted, hidden folders skipped.

    Every file is yielded, articles or not, so that the build report can account for each.
    """
    for item in inputs:
        root = Path(item)
        if root.is_file():
            yield root, root.parent
            continue
        if not root.is_dir():
            raise ArticleError(f"input {str(root)!r} does not exist")
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                yield Path(dirpath) / name, root


# --- reading one file -------------------------------------------------------------------


def read_article(path: str | Path, root: str | Path | None = None) -> Article:
    """Read one article file; raise :class:`ArticleError` saying why it is not an article.

    `root` is the input folder the file was found in: the article id falls back to the path
    relative to it when the article has no URL.
    """
    path = Path(path)
    if path.suffix.lower() not in ARTICLE_SUFFIXES:
        raise ArticleError(f"not an article file (extension {path.suffix or 'none'!r})")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ArticleError(f"file too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")
        raw = path.read_bytes()
    except OSError as err:
        raise ArticleError(f"cannot read file: {err.strerror}") from err
    relative = os.path.relpath(path, root) if root is not None else str(path)
    return parse_article(raw, str(path), relative)


def parse_article(raw: bytes, path: str, relative: str | None = None) -> Article:
    """Parse the bytes of an article file (see :func:`read_article`)."""
    if b"\x00" in raw[:8192]:
        raise ArticleError("binary file (contains NUL bytes), not an article")
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ArticleError(
            f"not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start}); "
            "convert the file to UTF-8"
        ) from None
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    match = _FRONT_MATTER.match(source)
    if not match:
        raise ArticleError("no YAML front matter (the file must start with a '---' line)")
    meta = _load_front_matter(match.group(1))
    body = source[match.end() :]
    is_html = Path(path).suffix.lower() in (".html", ".htm") or _HTML_BLOCK.search(body[:5000])
    body = _JEKYLL_PREAMBLE.sub("", body, count=1)
    blocks, links = _html_blocks(body) if is_html else _markdown_blocks(body)
    title = _clean(str(meta.get("title") or "")) or _first_heading(body) or Path(path).stem
    blocks = _drop_repeated_title(blocks, title)
    if not any(part != "related" for part, _ in blocks):
        raise ArticleError("empty body (front matter but no text)")
    text, sections = _assemble(title, blocks)
    url = canonical_url(_first_text(meta, "from", "link", "original_url", "canonical_url", "url"))
    relative = (relative or path).replace(os.sep, "/")
    return Article(
        id=url.split("://", 1)[1] if url else f"file/{relative}",
        path=path,
        title=title,
        text=text,
        sections=sections,
        date=normalise_date(meta.get("date")),
        url=url,
        publisher_hints=_publisher_hints(meta, url),
        author=_clean(_as_text(meta.get("author"))),
        tags=_as_list(meta.get("tags")),
        links=_article_links(links, url),
    )


def _load_front_matter(text: str) -> dict:
    try:
        meta = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ArticleError(f"broken YAML front matter{where}: {problem}") from None
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise ArticleError(f"front matter is a {type(meta).__name__}, not a mapping of fields")
    return {str(k).lower(): v for k, v in meta.items()}


# --- text extraction --------------------------------------------------------------------


def _clean(text: str) -> str:
    """Unescape entities, join lines broken inside CJK text, collapse whitespace."""
    text = html.unescape(text)
    text = _BROKEN_LINE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def _markdown_blocks(body: str) -> tuple[list[tuple[Part, str]], list[Link]]:
    body = _cut_chrome(body)
    links: list[Link] = []

    def keep_link(match: re.Match) -> str:
        links.append(Link(url=match.group(2).strip(), title=_clean(match.group(1))))
        return match.group(1)

    body = re.sub(
        r"<figcaption[^>]*>(.*?)</figcaption>",
        lambda m: f"\n\n{_OPEN['caption']}{m.group(1)}{_CLOSE['caption']}\n\n",
        body,
        flags=re.S | re.I,
    )
    for anchor in re.finditer(
        r"<a\s[^>]*href=[\"']([^\"']+)[\"'][^>]*>(.*?)</a>", body, re.S | re.I
    ):
        links.append(
            Link(url=anchor.group(1), title=_clean(re.sub(r"<[^>]+>", "", anchor.group(2))))
        )
    body = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", body)  # images
    body = re.sub(r"\[([^\]]*)\]\(([^)\s]*)[^)]*\)", keep_link, body)  # links keep their text
    body = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S | re.I)
    body = re.sub(r"<[^>]+>", "", body)  # remaining inline HTML
    body = re.sub(
        r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d+[.)][ \t]+)", "", body, flags=re.M
    )
    body = re.sub(r"^[ \t]*[-=*_]{3,}[ \t]*$", "", body, flags=re.M)
    body = body.replace("**", "").replace("__", "")
    return _marked_blocks(body), links


def _cut_chrome(body: str) -> str:
    """Drop the trailing site chrome that follows a horizontal rule (subscription, blurbs)."""
    for rule in re.finditer(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$", body, re.M):
        if _CHROME_TEXT.search(body, rule.end()):
            return body[: rule.start()]
    return body


def _html_blocks(body: str) -> tuple[list[tuple[Part, str]], list[Link]]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(f"<html><body>{body}</body></html>")
    root = tree.body
    if root is None:
        return [], []
    links: list[Link] = []
    for node in root.css(_RELATED_SELECTOR):
        for anchor in node.css("a[href]"):
            links.append(Link(url=anchor.attributes.get("href") or "", title=_clean(anchor.text())))
    for node in root.css(_REMOVED_TAGS):
        node.decompose()
    for node in root.css("[class], [id]"):
        names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if _CHROME_CLASS.search(names) and "moreArticle" not in names:
            node.decompose()
    for anchor in root.css("a[href]"):
        links.append(Link(url=anchor.attributes.get("href") or "", title=_clean(anchor.text())))
    for node in root.css(f"{_BLOCK_TAGS}, {_RELATED_SELECTOR} a"):
        node.insert_before("\n\n")
        node.insert_after("\n\n")
    for part, selector in (("related", _RELATED_SELECTOR), ("caption", _CAPTION_SELECTOR)):
        for node in root.css(selector):
            node.insert_before(_OPEN[part])
            node.insert_after(_CLOSE[part])
    return _marked_blocks(root.text(deep=True, separator="")), links


def _marked_blocks(text: str) -> list[tuple[Part, str]]:
    """Split extracted text into clean (part, paragraph) blocks, reading the part markers."""
    blocks: list[tuple[Part, str]] = []
    for piece in re.split(r"(\ue000.*?\ue001|\ue002.*?\ue003)", text, flags=re.S):
        part: Part = "body"
        if piece.startswith("\ue000"):
            part = "caption"
        elif piece.startswith("\ue002"):
            part = "related"
        for paragraph in re.split(r"\n[ \t]*\n", _MARKERS.sub("", piece)):
            paragraph = _clean(paragraph)
            if paragraph:
                blocks.append((part, paragraph))
    return blocks


def _first_heading(body: str) -> str:
    match = re.search(r"^#\s+(.+)$", body, re.M) or re.search(
        r"<h1[^>]*>(.*?)</h1>", body, re.S | re.I
    )
    return _clean(re.sub(r"<[^>]+>", "", match.group(1))) if match else ""


def _drop_repeated_title(blocks: list[tuple[Part, str]], title: str) -> list[tuple[Part, str]]:
    if blocks and blocks[0][1] == title:
        return blocks[1:]
    return blocks


def _assemble(title: str, blocks: list[tuple[Part, str]]) -> tuple[str, tuple[Section, ...]]:
    """Join title and blocks with blank lines; record where each came from."""
    pieces = [title]
    sections = [Section(0, len(title), "title")]
    offset = len(title)
    for part, text in blocks:
        if part == "related" and text in ("延伸閱讀", "延伸阅读", "相關新聞", "相关新闻"):
            continue
        offset += 2
        pieces.append(text)
        sections.append(Section(offset, offset + len(text), part))
        offset += len(text)
    return "\n\n".join(pieces), tuple(sections)


# --- metadata ---------------------------------------------------------------------------


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_as_text(v) for v in value)
    if isinstance(value, dict):
        return _as_text(value.get("name") or "")
    return str(value)


def _as_list(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else str(value).split(",")
    return tuple(dict.fromkeys(t for t in (_clean(_as_text(i)) for i in items) if t))


def _first_text(meta: dict, *keys: str) -> str:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


_NANOSECONDS = re.compile(r"(\.\d{6})\d+")
_SPACE_BEFORE_OFFSET = re.compile(r"\s+([+-]\d{2}:?\d{2})$")


def normalise_date(value: object) -> str:
    """ISO 8601 in UTC for datetimes (naive ones are taken as UTC); dates stay dates.

    >>> normalise_date("2020-09-01 22:54:08.000000000 +08:00")
    '2020-09-01T14:54:08+00:00'
    >>> normalise_date("2021-01-07T23:58:36.000Z"), normalise_date("2021-02-11")
    ('2021-01-07T23:58:36+00:00', '2021-02-11')
    """
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        return value.isoformat()
    else:
        text = _SPACE_BEFORE_OFFSET.sub(r"\1", _NANOSECONDS.sub(r"\1", str(value).strip()))
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return dt.date.fromisoformat(text).isoformat()
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def canonical_url(url: str) -> str:
    """The URL that identifies an article wherever it is linked from.

    Unwraps web.archive.org, uses https, drops ``www.``, fragments and tracking parameters,
    and cuts slugs mangled into U+FFFD escapes or following a numeric article id.

    >>> canonical_url("https://web.archive.org/web/2021/http://www.hkcnews.com/article/38092/%EF%BF%BD-x")
    'https://hkcnews.com/article/38092'
    >>> canonical_url("https://www.zaobao.com/realtime/china/story20210410-1138402?utm_source=x#top")
    'https://zaobao.com/realtime/china/story20210410-1138402'
    """
    url = (url or "").strip()
    for _ in range(3):
        match = _ARCHIVE.match(url)
        if not match:
            break
        url = match.group(1)
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower().removeprefix("www.")
    path = parts.path or "/"
    if _MANGLED in path.upper():
        path = path[: path.upper().index(_MANGLED)].rsplit("/", 1)[0] or "/"
    numbered = _NUMBERED_ARTICLE.match(path)
    if numbered:
        path = numbered.group(1)
    path = quote(unquote(path), safe="/-_.~!$&'()*+,;=:@%")
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)])
    return urlunsplit(("https", host, path, query, ""))


def url_domain(url: str) -> str:
    """The host of a URL without ``www.`` ('' when there is none).

    >>> url_domain("https://www.cna.com.tw/news/a.aspx")
    'cna.com.tw'
    """
    host = urlsplit(url).hostname or ""
    return host.lower().removeprefix("www.")


def _publisher_hints(meta: dict, url: str) -> tuple[str, ...]:
    hints = [url_domain(url)] if url else []
    for key in ("publisher", "source", "categories", "category", "tags", "author"):
        hints.extend(_as_list(meta.get(key)))
    return tuple(dict.fromkeys(h for h in hints if h))


def _article_links(links: list[Link], own_url: str) -> tuple[Link, ...]:
    """Links to other articles on the same site as this one, canonical, first title kept."""
    own_domain = url_domain(own_url)
    seen: dict[str, Link] = {}
    for link in links:
        url = canonical_url(link.url)
        if not url or url == own_url or not own_domain or url_domain(url) != own_domain:
            continue
        if urlsplit(url).path in ("", "/"):
            continue
        if url not in seen:
            seen[url] = Link(url=url, title=link.title)
    return tuple(seen.values())
