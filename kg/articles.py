"""Read article files: front matter, clean plain text, canonical URL, links.

An article file is any text file that starts with YAML front matter (``---`` lines), with
a Markdown or HTML body, as Jekyll sites and news archives write them. Reading one file is
a pure function of its bytes and its path (:func:`read_article`), so files can be read in
any order, in parallel, and cached.

Two dialects are read, told apart by the body rather than by the extension:

* **HTML bodies** (Jekyll posts of feed mirrors, ``.html``/``.txt``/``.md``): parsed with
  selectolax; scripts, ads, share bars, photo credits and visually hidden labels are
  dropped, ``figcaption``-like elements become ``caption`` sections, lists of links and
  延伸閱讀 blocks become ``related`` sections, a leading feed header (date, byline) is
  dropped and its byline kept as the author.
* **Markdown bodies** (Citizen News exports, RTHK posts): images dropped, links kept as
  their text, inline ``<figure>`` captions kept as ``caption`` sections, lines that are a
  single link become ``related`` sections, tables and lists become one paragraph per row,
  and the trailing site chrome after a horizontal rule (subscription pleas, blogger
  blurbs) is cut.

Both then lose paragraphs that are site chrome by pattern (copyright lines, disclaimers,
"more RSS" trailers, bare URLs, caption placeholders), and are assembled into one plain
text with :class:`~kg.records.Section` spans.

Examples
--------
>>> raw = "---\\ntitle: 蔡英文出訪\\ndate: 2021-01-07\\n---\\n總統蔡英文今天出訪。\\n".encode()
>>> article = parse_article(raw, "a.md")
>>> article.title, article.date, article.text
('蔡英文出訪', '2021-01-07', '蔡英文出訪\\n\\n總統蔡英文今天出訪。')
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import operator
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePath
from typing import NoReturn
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

import yaml

from kg.errors import ArticleError
from kg.records import Article, Link, Part, Section

ARTICLE_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm", ".txt"})
MAX_FILE_BYTES = 20_000_000

# --- patterns: file structure -------------------------------------------------------------

# Whole lines up to the first closing rule: stepping a line at a time, not a character.
_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n((?:[^\n]*\n)*?)(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
_OPENING_RULE = re.compile(r"\A\s*---[ \t]*\n")
# Jekyll feed mirrors start the body with <!--ms timestamp-->, then "[title](url)" and "------".
_JEKYLL_COMMENT = re.compile(r"\A\s*<!--[^>]*?-->[ \t]*\n?")
_JEKYLL_LINK = re.compile(
    r"\A\s*\[([^\]\n]*)\]\(([^)\s]*)\)[ \t]*\n(?:[ \t]*([-=]{3,})[ \t]*(?:\n|\Z))?"
)
_HTML_BLOCK = re.compile(
    r"<(?:p|div|section|article|main|h[1-6]|ul|ol|table|br|blockquote)\b", re.I
)
# A feed header: <div><i>byline<br>date</i></div> (DW, Reuters, BBC) or <div>date</div>.
_FEED_HEADER = re.compile(
    r"\A\s*<div>\s*(?:<i>)?([^<]{0,80}?)(?:<br\s*/?>)?([^<]{0,80}?)(?:</i>)?\s*</div>", re.I
)
_DATELINE = re.compile(
    r"(?:\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?(?:[T ]\s*[\d:.]+\s*(?:Z|[+-]\d\d:?\d\d)?)?"
    r"|\d{1,2}/\d{1,2}/\d{4}(?:\s*-\s*\d{1,2}:\d{2})?"
    r"|(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December) \d{1,2}, \d{4}"
    r"|\d+\s*(?:秒|分鐘|分钟|小時|小时|天|日|週|周)前)?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
)

# --- patterns: text -------------------------------------------------------------------------

_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
# A newline between two CJK characters is a line wrap, not a space (after _INDENT is gone).
_BROKEN_LINE = re.compile(rf"\n(?<=[{_CJK}·]\n)(?=[{_CJK}·])")
_INDENT = re.compile(r"\n[ \t]+")
_SPACES = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Private-use characters that mark caption and related-link paragraphs through extraction.
_OPEN = {"caption": "\ue000", "related": "\ue002"}
_CLOSE = {"caption": "\ue001", "related": "\ue003"}
_MARKERS = re.compile("[\ue000-\ue0ff]")  # reserved for kg: removed from the input
_MARKER_SPLIT = re.compile("([\ue000-\ue003])")
_WORD = re.compile(r"\w")
_SHORT = 200  # chrome paragraphs are short; longer ones are not tested against the patterns
_CLOUDFLARE_EMAIL = re.compile(r"\[?\s*email\s*(?:&#160;|\xa0| )?protected\s*\]?")

# --- patterns: site chrome -------------------------------------------------------------------

# Paragraphs that open the trailing chrome of a page: everything from there on is dropped.
_CHROME_TAIL = re.compile(
    r"(?:請加入成為眾新聞|我們的眾籌活動已結束|眾新聞(?:眾籌)?呼籲[:：]|《眾新聞》(?:在|正在)眾籌|"
    r"各位讀者，讀到這裡|如果你認為我們的內容可讀|請支持我們眾籌|你可透過以下方法支持我們|"
    r"到Fringebacker眾籌平台捐款|获取更多RSS|獲取更多RSS)",
)
# Short paragraphs that are chrome wherever they stand: the whole paragraph matches...
_CHROME_PARAGRAPH = re.compile(
    r"(?:https?://\S+|www\.\S+"
    r"|(?:©|\(c\)|copyright\b|版權所有|版权所有).*"
    r"|請?支持《?眾新聞》?[，,]?.{0,16}訂戶[。.]?"
    r"|(?:作者|筆者|笔者)(?:為|为|是|係).{0,80}"
    r"|請在這輸入\s*Caption.*"
    r"|(?:Facebook|Instagram|Twitter|YouTube|Telegram|WhatsApp|Signal|MeWe|Weibo|微博|微信|面書|Line)"
    r"|(?:追蹤我們|關注我們|关注我们|追踪我们|Follow us|訂閱我們|订阅我们|欢迎订阅|歡迎訂閱|欢迎收听|"
    r"歡迎收聽|欢迎关注|歡迎關注).*"
    r"|(?:電話|电话|Tel|電郵|电邮|E-?mail|傳真|传真|Fax|網址|网址|Website)\s*[:：].*"
    r"|[A-Za-z][\w .-]{0,20}[:：]"
    r"|This article (?:also |first )?appeared? (?:on|in) .{1,80}"
    r"|Tags?|標籤|标签|Image caption|图片说明|圖片說明)",
    re.I | re.S,
)
# ... or contains one of these (copyright notices, disclaimers, "click here", "no video").
_CHROME_PHRASE = re.compile(
    r"版權聲明|版权声明|不支持播放|(?:器材|設備|设备|瀏覽器|浏览器)不支持|请点击|請點擊|請按此|请按此|"
    r"點擊這裡|点击这里|click here|请点选|請點選|本專欄逢|本专栏逢"
    r"|(?:歡迎|欢迎)(?:到|瀏覽|浏览|閱覽|阅览).{0,30}(?:專頁|专页|網站|网站|網頁|网页)"
    r"|(?:本文|文中|本網|本网|本台|本站|內容|内容|文章)[^。]{0,30}(?:不代表|僅代表|仅代表|只代表)[^。]{0,20}"
    r"(?:立場|立场|觀點|观点|意見|意见)",
    re.I,
)
# A literal that every _CHROME_PHRASE match contains: a fast test before the slow one. It is
# case-sensitive, so that the regex engine can skip ahead to the literals' first characters;
# the one literal with letters is tested on its own.
_CHROME_PHRASE_KEY = re.compile(
    "版權|版权|不支持|点击|點擊|按此|点选|點選|專欄逢|专栏逢|歡迎|欢迎|代表"
)
_CLICK_HERE = re.compile("click here", re.I)
# Credit lines and author blurbs, dropped at the end of an article.
_CREDIT_LINE = re.compile(
    r"[^\s，。,:：/、（(]{1,12}(?:\s*[/、]\s*[^\s，。,:：/、（(]{1,12}){0,5}\s*[（(][^）)]{0,24}"
    r"(?:報道|报道|報導|报导|摘編|摘编|摘譯|摘译|編譯|编译|社|網|网|台)[^）)]{0,12}[）)]"
    r"|[^\s，。,]{2,12}(?:是|為|为|係)[^。]{0,30}(?:資深|资深|獨立|独立|自由|時事|时事|政治|專欄|专栏)"
    r"[^。]{0,30}(?:媒體人|媒体人|評論員|评论员|評論人|评论人|作家|學者|学者|記者|记者|研究員|研究员|"
    r"撰稿人)[^。]{0,60}。?"
)
# Labels that introduce a block of related links.
_RELATED_LABEL = re.compile(
    r"(?:延伸閱讀|延伸阅读|相關新聞|相关新闻|相關文章|相关文章|相關報道|相關報導|相关报道|"
    r"更多文章|推薦閱讀|推荐阅读|相關閱讀|相關閲讀|相关阅读|相關評論|相关评论|"
    r"Related(?: articles| stories)?)\s*[:：]?",
    re.I,
)
# A label and a linked title in one paragraph: "相關新聞： <title>".
_RELATED_PREFIX = re.compile(
    r"(?:延伸閱讀|延伸阅读|相關新聞|相关新闻|相關文章|相关文章|相關報道|相關報導|相关报道|相關閱讀|"
    r"相關閲讀|相关阅读|相關評論|相关评论|[^\s：:]{0,4}(?:專題|专题))(?:\s*[:：]\s*|\s+)"
)
# Either of the two, in one test: paragraphs are many, and each test costs a call.
_CHROME_PARAGRAPH_OR_LABEL = re.compile(
    f"{_CHROME_PARAGRAPH.pattern}|{_RELATED_LABEL.pattern}", re.I | re.S
)
# Captions that only credit the picture, and caption placeholders.
_CREDIT_CAPTION = re.compile(
    r"(?:網絡|网络|網上|网上|資料|资料|檔案|档案|作者|筆者|笔者)(?:照片|圖片|图片|相片|圖|图|提供)"
    r"|(?:照片|圖片|图片|相片)(?:由)?(?:作者|筆者|笔者|受訪者|受访者)?提供"
    r"|(?:图片|圖片|图像|圖像)(?:版权|版權|来源|來源)[:：，,]?.{0,40}"
    r"|(?:記者|记者|攝影|摄影|攝|摄)?[:：]?\s*[^\s，。,:：]{1,8}\s*(?:攝|摄|拍攝|拍摄)"
    r"|(?:圖|图|相|照片|圖片|图片|相片|攝影|摄影)\s*[:：／/]\s*[^\s，。]{1,12}"
)
# Markdown: a rule followed by one of these starts the trailing site chrome.
_MD_CHROME_AFTER_RULE = re.compile(
    r"\s*(?:\*\*)?(?:" + _CHROME_TAIL.pattern + r"|!\[[^\]\n]*\]\([^)\n]*/avatars?/"
    r"|!\[(?:博客|主筆|主笔|Blogger|作者|專欄|专栏)\s*\||\*\*(?:博客|主筆|主笔|Blogger)\s*\|)",
)
# Line patterns start with the newline that ends the previous line (the body is wrapped in
# newlines first): a literal first character keeps them fast.
# Three or more of one of -*_ and nothing else but blanks; written without repeated groups,
# which the regex engine sets up slowly at every line.
_MD_RULE = re.compile(
    r"\n[ \t]*(?:-[ \t]*-[ \t]*-[ \t-]*|\*[ \t]*\*[ \t]*\*[ \t*]*|_[ \t]*_[ \t]*_[ \t_]*)(?=\n)"
)
# HTML class or id names of elements that are not the article.
_CHROME_CLASS = re.compile(
    r"(?:^|[-_ ])(?:ads?|adslot\w*|adcontainer\w*|dfp\w*|advert\w*|banner\w*|sponsor\w*|promo\w*|"
    r"self-promo\w*|subscribe\w*|subscription|share\w*|social\w*|follow\w*|newsletter|innity\w*|"
    r"outbrain|mpu|copyright\w*|attribution\w*|trustbadge\w*|off-?screen|visually-?hidden\w*|"
    r"sr-only|skip-?link\w*|tags?|tag-?group|tag-?list|keywords?|author-?bio\w*)"
    r"(?:[-_ ]|$)",
    re.I,
)
_BYLINE_CLASS = re.compile(
    r"(?:^|[-_ ])(?:byline\w*|person|author|author-?name|writer)(?:[-_ ]|$)", re.I
)
_TAG_CLASS = re.compile(r"(?:^|[-_ ])(?:tags?|tag-?group|tag-?list|keywords?)(?:[-_ ]|$)", re.I)
_CAPTION_CLASS = re.compile(r"(?:^|[-_ ])(?:caption|picinfo|image-caption)(?:[-_ ]|$)", re.I)
_FEED_CAPTION = "img + div > small, img + small"  # feed mirrors put captions after the image
_REMOVED_TAGS = (
    "script, style, noscript, iframe, form, svg, button, nav, footer, header, ins, object, "
    "video, audio, template, select, input, textarea, [aria-hidden=true], [hidden]"
)
_BLOCK_NAMES = (
    r"(?:p|div|section|article|main|aside|h[1-6]|li|ul|ol|dl|dd|dt|tr|table|thead|tbody|"
    r"blockquote|figure|figcaption|pre|hr|br|center)\b"
)
_BLOCK_TAG = re.compile(rf"</?{_BLOCK_NAMES}[^>]*>", re.I)
_BLOCK_TAG_START = re.compile(rf"<(?=/?{_BLOCK_NAMES})", re.I)  # paragraph break goes before it

# --- patterns: Markdown ------------------------------------------------------------------------

# Markdown constructs dropped whole, each with a string that must occur for the pass to run.
_MD_DROP = (
    (re.compile(r"<!--.*?-->", re.S), "<!--"),
    (re.compile(r"<(script|style|noscript|iframe)\b.*?</\1\s*>", re.S | re.I), "<"),
    (re.compile(r"\{\{[<%].*?[%>]\}\}", re.S), "{{"),
    (re.compile(r"^[ \t]*```.*$", re.M), "```"),
    (
        re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]*<?(?:https?://|/)\S*>?(?:[ \t]+[\"'(].*)?$", re.M),
        "]:",
    ),
)
_MD_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption\s*>", re.S | re.I)
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\s*\)")
_MD_LINK = re.compile(
    r"\[([^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*)\]"
    r"\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?[^()\n]*\)"
)
_MD_ANCHOR = re.compile(r"<a\s", re.I)
# Markdown links and HTML anchors in one pass. Searching for either of two first characters
# is several times slower than for one, so bodies without anchors use _MD_LINK alone.
_MD_LINK_OR_ANCHOR = re.compile(
    _MD_LINK.pattern + r"|<a\s[^>]*?href\s*=\s*[\"']([^\"']*)[\"'][^>]*>(.*?)</a\s*>",
    re.S | re.I,
)
_MD_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_MD_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_MD_LINE_PREFIX = re.compile(r"[ \t]*(?:>[ \t]?)*[ \t]*(?:[-*+][ \t]+|\d{1,3}[.)][ \t]+)?\Z")
_MD_HEADING = re.compile(r"\n[ \t]*#{1,6}[ \t]+([^\n]*?)[ \t#]*(?=\n)")
_MD_QUOTE = re.compile(r"\n[ \t]*(?:>[ \t]?)+")
_MD_LIST_ITEM = re.compile(r"\n[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+")
_MD_TABLE_RULE = re.compile(
    r"\n[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*(?=\n)"
)
_MD_TABLE_ROW = re.compile(r"\n[ \t]*\|([^\n]*?)\|?[ \t]*(?=\n)")
_MD_HARD_BREAK = re.compile(r"(?:  +|\t|\\)\n")
_MD_STRONG = re.compile(r"(?:\*\*|__)(?=\S)(.+?)(?<=\S)(?:\*\*|__)")
_MD_EMPHASIS = re.compile(r"\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*")
_MD_STRAY_EMPHASIS = re.compile(r"\*\*+|___+")
_MD_ESCAPABLE = "\\`*_{}[]()#+-.!|<>~\"'"
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~\"'])")
_MD_ESCAPED = re.compile("[\ue010-\ue02f]")  # a backslash-escaped character, kept aside
# A replacement for sub(): Python 3.11 expands a template such as r"\1" in Python code.
_FIRST_GROUP = operator.itemgetter(1)

# --- patterns: URLs ------------------------------------------------------------------------------

_TRACKING = re.compile(
    r"^(utm_.*|fbclid|gclid|mc_cid|mc_eid|ref|from|spm|share|igshid|__xts__.*)$", re.I
)
_ARCHIVE = re.compile(
    r"^(?:https?:)?(?://)?(?:web\.)?archive\.org/web/(?:\d+[a-z_]*/|\*/)?(.+)$|^/web/\d+[a-z_]*/(.+)$",
    re.I,
)
_NUMBERED_ARTICLE = re.compile(
    r"^(/(?:article|articles|news|story|stories|post|posts)/\d+)(?:/.*)?$"
)
_SCHEME = re.compile(r"(https?):/*", re.I)
_WWW = re.compile(r"^www\d*\.")
_SLASHES = re.compile(r"//+")
_BARE_HOST = re.compile(
    r"^(?:www\d*\.[^/\s]+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?::\d+)?/)", re.I
)
_NOT_ARTICLE_PATH = re.compile(
    r"^/(?:tags?|categor(?:y|ies)|authors?|bloggers?|columnists?|events?|search|about\w*|"
    r"supportus|subscribe\w*|donate|login|register|uploads|cdn-cgi|static|assets|images?|feed|rss)"
    r"(?:/|$)|\.(?:pdf|jpe?g|png|gif|svg|webp|mp[34]|mov|zip|docx?|xlsx?|pptx?)$",
    re.I,
)
_REPLACEMENT = "\ufffd"
_MANGLED = re.compile("%EF%BF%BD", re.I)  # U+FFFD percent-encoded: characters were lost


# --- finding files ----------------------------------------------------------------------


def discover(inputs: Iterable[str | Path]) -> Iterator[tuple[Path, Path]]:
    """Yield ``(file, root)`` for every file below the inputs, sorted, hidden folders skipped.

    Every file is yielded, articles or not, so that the build report can account for each.

    Parameters
    ----------
    inputs : iterable of str or Path
        Folders to walk, or single files (their root is their folder).

    Raises
    ------
    ArticleError
        When an input does not exist.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("b.md", "a.html", ".git/config", "notes.pdf"):
    ...     (folder / name).parent.mkdir(exist_ok=True)
    ...     _ = (folder / name).write_text("x")
    >>> [(path.name, root == folder) for path, root in discover([folder])]
    [('a.html', True), ('b.md', True), ('notes.pdf', True)]
    """
    for path, root in discover_names(inputs):
        yield Path(path), Path(root)


def discover_names(inputs: Iterable[str | Path]) -> Iterator[tuple[str, str]]:
    """:func:`discover`, with the file and its root as strings, as a build uses them: an
    archive's tens of thousands of :class:`~pathlib.Path` objects would take a tenth of a
    second to make.

    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> _ = Path(folder, "a.md").write_text("x")
    >>> [(os.path.basename(file), root == folder) for file, root in discover_names([folder])]
    [('a.md', True)]
    """
    for item in inputs:
        root = Path(item)
        if root.is_file():
            yield str(root), str(root.parent)
            continue
        if not root.is_dir():
            raise ArticleError(f"input {str(root)!r} does not exist (give a folder or a file)")
        top = str(root)
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            yield from ((os.path.join(dirpath, name), top) for name in sorted(filenames))


# --- reading one file -------------------------------------------------------------------


def read_article(path: str | Path, root: str | Path | None = None) -> Article:
    """Read one article file; raise :class:`ArticleError` saying why it is not an article.

    Parameters
    ----------
    path : str or Path
        The file.
    root : str or Path, optional
        The input folder the file was found in: the article id falls back to the path
        relative to it when the article has no URL.

    Returns
    -------
    Article

    Raises
    ------
    ArticleError
        When the file is not an article: wrong extension, too large, unreadable, binary,
        not UTF-8, no or broken front matter, or no text.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "港聞 1.md").write_text("---\\ntitle: 標題\\n---\\n正文。", encoding="utf-8")
    >>> article = read_article(folder / "港聞 1.md", folder)
    >>> article.id, article.text
    ('file/港聞 1.md', '標題\\n\\n正文。')
    >>> read_article("notes.pdf")
    Traceback (most recent call last):
    ...
    kg.errors.ArticleError: not an article file (extension '.pdf'; kg reads .htm, .html, .markdown, .md, .txt)
    """
    if not isinstance(path, PurePath):
        path = Path(path)
    if path.suffix.lower() not in ARTICLE_SUFFIXES:
        kinds = ", ".join(sorted(ARTICLE_SUFFIXES))
        raise ArticleError(
            f"not an article file (extension {path.suffix or 'none'!r}; kg reads {kinds})"
        )
    try:
        with open(path, "rb", buffering=0) as file:
            size = os.fstat(file.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise ArticleError(
                    f"file too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,}): "
                    "split it into one file per article"
                )
            raw = file.read()
    except OSError as err:
        raise ArticleError(f"cannot read file: {err.strerror or err}") from err
    name = str(path)
    if root is None:
        return parse_article(raw, name, name)
    prefix = os.path.join(str(root), "")
    relative = name[len(prefix) :] if name.startswith(prefix) else os.path.relpath(path, root)
    return parse_article(raw, name, relative)


def parse_article(raw: bytes, path: str, relative: str | None = None) -> Article:
    """Parse the bytes of an article file (see :func:`read_article`).

    Parameters
    ----------
    raw : bytes
        The file's content.
    path : str
        The file's path, kept in `Article.path`; its extension tells HTML from Markdown.
    relative : str, optional
        The path relative to its input folder, for the id of articles without a URL.

    Returns
    -------
    Article

    Raises
    ------
    ArticleError
        When the bytes are not an article (see :func:`read_article`).

    Examples
    --------
    >>> raw = '''---
    ... title: "Tsai &amp; Biden"
    ... date: 2020-09-01 22:54:08.000000000 +08:00
    ... link: https://www.rfi.fr/cn/中国/20200901-abc?utm_source=rss
    ... ---
    ... <p>蔡英文與<b>拜登</b>通話。</p><p class="t-copyright">© 2020 AFP</p>'''.encode()
    >>> a = parse_article(raw, "a.html")
    >>> a.title, a.date, a.url
    ('Tsai & Biden', '2020-09-01T14:54:08+00:00', 'https://rfi.fr/cn/%E4%B8%AD%E5%9B%BD/20200901-abc')
    >>> a.text
    'Tsai & Biden\\n\\n蔡英文與拜登通話。'
    >>> parse_article(b"just text", "b.md")
    Traceback (most recent call last):
    ...
    kg.errors.ArticleError: no YAML front matter: the file must start with a '---' line, then 'key: value' lines, then '---'
    """
    source = _decode(raw)
    meta, body = _split_front_matter(source)
    stem, suffix = _stem_and_suffix(path)
    is_html = suffix.lower() in (".html", ".htm") or bool(_HTML_BLOCK.search(body, 0, 5000))
    title = _title(meta)
    body, preamble_url = _strip_preamble(body, title)
    byline = ""
    if is_html:
        blocks, links, byline, page_tags = _html_blocks(body)
    else:
        blocks, links = _markdown_blocks(body)
        page_tags = []
    title = title or _first_heading(body) or _clean(stem)
    author = _clean(html.unescape(_as_text(meta.get("author")))) or byline
    blocks = _drop_chrome(blocks, title, author)
    if not any(part in ("body", "caption") for part, _ in blocks):
        raise ArticleError(
            "empty body: no article text after the front matter (only markup or site chrome)"
        )
    text, sections = _assemble(title, blocks)
    url = canonical_url(
        _first_text(meta, "from", "link", "original_url", "canonical_url", "url", "source_url")
        or preamble_url
    )
    relative = _SPACES.sub(" ", (relative or path).replace(os.sep, "/")).strip()
    tags = _as_list(meta.get("tags"))
    return Article(
        id=url.split("://", 1)[1] if url else f"file/{relative}",
        path=path,
        title=title,
        text=text,
        sections=sections,
        date=normalise_date(meta.get("date") or meta.get("published")),
        url=url,
        publisher_hints=_publisher_hints(meta, url, tags),
        author=author,
        tags=tags or tuple(dict.fromkeys(page_tags)),
        links=_article_links(links, url),
    )


def _stem_and_suffix(path: str) -> tuple[str, str]:
    """The file name's stem and suffix as pathlib reads them, without building a Path.

    Constructing a Path costs more than reading a short article's front matter.
    """
    name = os.path.basename(path)
    if name in ("", "."):  # a trailing slash or dot: pathlib normalises those away
        name = PurePath(path).name
    dot = name.rfind(".")
    if 0 < dot < len(name) - 1:
        return name[:dot], name[dot:]
    return name, ""


def _decode(raw: bytes) -> str:
    """UTF-8 text of the file with Unix newlines, or an ArticleError saying what it is.

    The private-use characters kg reserves to mark parts are removed. Their UTF-8 encodings
    all start with byte 0xEE, and testing the bytes for it is much faster than searching
    the text.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ArticleError("UTF-16 text; convert the file to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)")
    if b"\x00" in raw:
        raise ArticleError("binary file (contains NUL bytes), not an article")
    try:
        text = raw.decode()  # and the BOM dropped below: utf-8-sig's Python wrapper is slow
    except UnicodeDecodeError:
        _raise_not_utf8(raw)
    if text.startswith("\ufeff"):
        text = text[1:]
    if b"\r" in raw:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if b"\xee" in raw and _MARKERS.search(text):
        text = _MARKERS.sub("", text)
    return text


def _raise_not_utf8(raw: bytes) -> NoReturn:
    """Say which byte is not UTF-8 (its offset as utf-8-sig counts it, after a BOM)."""
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        guess = _legacy_encoding(raw)
        hint = f" (it looks like {guess})" if guess else ""
        raise ArticleError(
            f"not UTF-8 text{hint}: byte 0x{raw[err.start]:02x} at offset {err.start}; "
            f"convert the file to UTF-8 (e.g. iconv -f {guess or 'BIG5'} -t UTF-8)"
        ) from None
    raise AssertionError("the bytes decode as UTF-8 with a BOM but not without one")


def _legacy_encoding(raw: bytes) -> str:
    """'BIG5' or 'GBK' when the bytes decode as exactly one of them, else ''."""
    fits = []
    for name, codec in (("BIG5", "big5hkscs"), ("GBK", "gbk")):
        try:
            raw.decode(codec)
        except UnicodeDecodeError:
            continue
        fits.append(name)
    return fits[0] if len(fits) == 1 else ""


def _split_front_matter(source: str) -> tuple[dict, str]:
    """The front matter as a dict with lower-case keys, and the body after it."""
    match = _FRONT_MATTER.match(source)
    if not match:
        if _OPENING_RULE.match(source):
            raise ArticleError(
                "front matter is not closed: add a '---' line after the 'key: value' lines"
            )
        raise ArticleError(
            "no YAML front matter: the file must start with a '---' line, "
            "then 'key: value' lines, then '---'"
        )
    text = match.group(1)
    meta = _simple_yaml(text)
    if meta is None:
        meta = _load_yaml(text)
    return {str(k).lower(): v for k, v in meta.items()}, source[match.end() :]


def _load_yaml(text: str) -> dict:
    """Front matter read by PyYAML, or an ArticleError saying what is wrong with it."""
    try:
        meta = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ArticleError(
            f"broken YAML front matter{where}: {problem} (quote values that contain ': ' or '#')"
        ) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as err:
        raise ArticleError(f"broken YAML front matter: {err}") from None
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise ArticleError(f"front matter is a {type(meta).__name__}, not 'key: value' lines")
    return meta


# A list item (indentation, value) or a field (key, value).
_YAML_LINE = re.compile(r"( *)- +(.+)|([A-Za-z_][\w-]{0,100}):(?:[ \t]+(.*))?")
_YAML_QUOTED = re.compile(r"\"([^\"\\\\]*)\"|'([^']*)'")
# Characters PyYAML rejects or reads as line breaks: leave such text to PyYAML.
_YAML_SPECIAL = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_YAML_KEYWORD = re.compile(r"(?:y|yes|n|no|true|false|on|off|null|~)", re.I)
_YAML_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`<=~.+")
_YAML_TIMESTAMP = next(
    regexp
    for tag, regexp in yaml.resolver.Resolver.yaml_implicit_resolvers["2"]
    if tag.endswith(":timestamp")
)
_YAML_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_NOT_SIMPLE = object()


def _yaml_scalar(text: str) -> object:
    """A quoted or plain scalar read as PyYAML reads it, or _NOT_SIMPLE."""
    text = text.rstrip(" \t")
    quoted = _YAML_QUOTED.fullmatch(text)
    if quoted:
        double, single = quoted.groups()
        return single if double is None else double
    first = text[:1]
    if not first or first in _YAML_INDICATORS or ": " in text or text.endswith(":") or " #" in text:
        return _NOT_SIMPLE
    if "\t" in text or _YAML_KEYWORD.fullmatch(text):
        return _NOT_SIMPLE
    if first.isdigit():
        if not _YAML_TIMESTAMP.match(text):
            return _NOT_SIMPLE
        node = yaml.ScalarNode("tag:yaml.org,2002:timestamp", text)
        try:
            return _YAML_CONSTRUCTOR.construct_yaml_timestamp(node)
        except ValueError:  # no such date: PyYAML will say so
            return _NOT_SIMPLE
    return text


def _simple_yaml(text: str) -> dict | None:
    """Front matter of one-line ``key: value`` fields and list items, or None.

    A fast path for what archives write, read as PyYAML reads it; anything else (flow
    lists, comments, escapes, multi-line values, odd characters) returns None for PyYAML.
    """
    if _YAML_SPECIAL.search(text):
        return None
    meta: dict[str, object] = {}
    key, indent = None, None  # the key whose list items may follow, and their indentation
    items: list[object] | None = None  # the list of that key, once it has an item
    for line in text.split("\n"):
        parsed = _yaml_line(line)
        if parsed is None:
            return None
        kind, name, value = parsed
        if kind == "item":
            if key is None or indent not in (None, name):
                return None
            indent = name
            if items is None:
                items = meta[key] = []
            items.append(value)
        elif kind == "field":
            meta[name] = value
            key, indent, items = (name if value is None else None), None, None
    return meta


@functools.lru_cache(maxsize=65536)
def _yaml_line(line: str) -> tuple[str, str, object] | None:
    """One front-matter line read: ``("item", indentation, value)`` of a list item,
    ``("field", key, value)``, ``("blank", "", None)``, or None when it is not that simple.

    Remembered, because the lines of tags, authors and categories recur across a corpus.
    """
    fields = _YAML_LINE.fullmatch(line)
    if fields is None:
        # Not a field, or a blank line with tabs PyYAML may reject.
        return None if line.strip(" ") else ("blank", "", None)
    item_indent, item, name, rest = fields.groups()
    if item is not None:
        value = _yaml_scalar(item)
        return None if value is _NOT_SIMPLE else ("item", item_indent, value)
    if _YAML_KEYWORD.fullmatch(name):
        return None
    rest = (rest or "").strip(" \t")
    value = _yaml_scalar(rest) if rest else None
    return None if value is _NOT_SIMPLE else ("field", name, value)


def _strip_preamble(body: str, title: str) -> tuple[str, str]:
    """Drop a Jekyll feed preamble (timestamp comment, title link, underline); its URL."""
    body = _JEKYLL_COMMENT.sub("", body, count=1)
    match = _JEKYLL_LINK.match(body)
    if match and (match.group(3) or _same_text(_clean(match.group(1)), title)):
        return body[match.end() :], match.group(2)
    return body, ""


# --- text extraction --------------------------------------------------------------------


def _clean(text: str) -> str:
    """Drop invisible characters, join lines broken inside CJK text, collapse whitespace."""
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    if "\n" in text:
        text = _BROKEN_LINE.sub("", _INDENT.sub("\n", text))
    return " ".join(text.split())


def _same_text(a: str, b: str) -> bool:
    """Equal once all whitespace is ignored."""
    return "".join(a.split()) == "".join(b.split())


def _markdown_blocks(body: str) -> tuple[list[tuple[Part, str]], list[Link]]:
    """Paragraphs and links of a Markdown body."""
    body = _cut_markdown_chrome(f"\n{body}\n")
    escaped = "\\" in body and bool(_MD_ESCAPE.search(body))
    if escaped:  # set escaped characters aside until the syntax is gone
        body = _MD_ESCAPE.sub(lambda m: chr(0xE010 + _MD_ESCAPABLE.index(m.group(1))), body)
    for pattern, needle in _MD_DROP:
        if needle in body:
            body = pattern.sub("", body)
    has_tags = "<" in body
    if has_tags:
        body = _MD_FIGCAPTION.sub(
            lambda m: f"\n\n{_OPEN['caption']}{m.group(1)}{_CLOSE['caption']}\n\n", body
        )
    if "![" in body:
        body = _MD_IMAGE.sub("", body)
    links: list[Link] = []

    def link(match: re.Match) -> str:
        if match[1] is None:  # <a href="...">text</a>
            url, label = match[3], _MD_TAG.sub("", match[4])
        else:
            url, label = match[2], match[1]
        label = _clean(label)
        title = _unescape(label) if escaped else label
        url = _unescape(url) if escaped else url
        links.append(Link(url=html.unescape(url.strip()), title=html.unescape(title)))
        start, end = match.span()
        line_start = match.string.rfind("\n", 0, start) + 1
        line_end = match.string.find("\n", end)
        rest = match.string[end : None if line_end < 0 else line_end]
        if rest.strip() or not _MD_LINE_PREFIX.match(match.string, line_start, start):
            return label
        # The link is the whole line: a related article (or a chrome link, dropped later).
        return f"\n\n{_OPEN['related']}{label}{_CLOSE['related']}\n\n"

    if has_tags and _MD_ANCHOR.search(body):
        body = _MD_LINK_OR_ANCHOR.sub(link, body)
    elif "](" in body:
        body = _MD_LINK.sub(link, body)
    if has_tags:
        body = _MD_AUTOLINK.sub(_FIRST_GROUP, body)
        body = _BLOCK_TAG.sub("\n\n", body)
        body = _MD_TAG.sub("", body)
    if "&" in body:
        body = html.unescape(body)
    if "|" in body:
        body = _MD_TABLE_RULE.sub("\n", body)
        body = _MD_TABLE_ROW.sub(lambda m: "\n\n" + " ".join(m.group(1).split("|")) + "\n", body)
    if "#" in body:
        body = _MD_HEADING.sub(lambda m: f"\n\n{m[1]}\n", body)
    if ">" in body:
        body = _MD_QUOTE.sub("\n", body)
    body = _MD_LIST_ITEM.sub("\n\n", body)
    body = _MD_RULE.sub("\n\n", body)
    if "\t" in body or "\\" in body or " \n" in body:
        body = _MD_HARD_BREAK.sub("\n\n", body)
    if "*" in body or "__" in body:
        body = _MD_STRONG.sub(_FIRST_GROUP, body)
        body = _MD_EMPHASIS.sub(_FIRST_GROUP, body)
        if "**" in body or "___" in body:  # seldom left once the pairs are gone
            body = _MD_STRAY_EMPHASIS.sub("", body)
    if escaped:
        body = _unescape(body)
    return _marked_blocks(body), links


def _unescape(text: str) -> str:
    """Put back the characters that backslashes escaped."""
    return _MD_ESCAPED.sub(lambda m: _MD_ESCAPABLE[ord(m.group()) - 0xE010], text)


def _cut_markdown_chrome(body: str) -> str:
    """Cut the trailing site chrome that follows a horizontal rule (subscription, blurbs)."""
    for rule in _MD_RULE.finditer(body):
        if _MD_CHROME_AFTER_RULE.match(body, rule.end()):
            return body[: rule.start() + 1]
    return body


def _html_blocks(body: str) -> tuple[list[tuple[Part, str]], list[Link], str, list[str]]:
    """Paragraphs, links, feed byline and page tags of an HTML body."""
    from selectolax.lexbor import LexborHTMLParser

    byline = ""
    header = _FEED_HEADER.match(body)
    if header and _DATELINE.fullmatch(header.group(2).strip()):
        byline = _clean(re.sub(r"^\s*null\b", "", html.unescape(header.group(1))))
        body = body[header.end() :]
    body = _BLOCK_TAG_START.sub("\n\n<", body)
    tree = LexborHTMLParser(f"<html><body>{body}</body></html>")
    root = tree.body
    if root is None:
        return [], [], byline, []
    links: list[Link] = []
    tags: list[str] = []
    doomed = list(root.css(_REMOVED_TAGS))
    captions = []
    for node in root.css("[class], [id]"):
        names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if "moreArticle" in names:
            continue
        if _BYLINE_CLASS.search(names):
            if not byline:
                first = node.css_first("li") or node
                byline = _clean(first.text())[:80]
            doomed.append(node)
        elif _CHROME_CLASS.search(names):
            if _TAG_CLASS.search(names):
                tags.extend(a.text(strip=True).lstrip("#＃") for a in node.css("a"))
            doomed.append(node)
        elif _CAPTION_CLASS.search(names):
            captions.append(node)
    doomed_ids = {node.mem_id for node in doomed}
    for node in doomed:  # only the outermost: a node inside one removed is freed with it
        if not _has_marked_ancestor(node.parent, doomed_ids):
            node.decompose()
    related = list(root.css(".moreArticle"))
    related.extend(node for node in root.css("p, li") if _is_link_item(node))
    for anchor in root.css("a[href]"):
        links.append(Link(url=anchor.attributes.get("href") or "", title=_clean(anchor.text())))
    for node in root.css(".moreArticle a"):
        node.insert_before("\n\n")
        node.insert_after("\n\n")
    marked: set[int] = set()
    captions[:0] = root.css(f"figcaption, {_FEED_CAPTION}")
    for part, nodes in (("related", related), ("caption", captions)):
        for node in nodes:
            if _has_marked_ancestor(node, marked):
                continue
            marked.add(node.mem_id)
            node.insert_before(_OPEN[part])
            node.insert_after(_CLOSE[part])
    text = root.text(deep=True, separator="")
    return _marked_blocks(text), links, byline, [t for t in tags if t]


def _is_link_item(item) -> bool:
    """A paragraph or list item that is a single link (a related article)."""
    anchors = item.css("a[href]")
    return len(anchors) == 1 and _same_text(anchors[0].text(), item.text())


def _has_marked_ancestor(node, marked: set[int]) -> bool:
    """Whether a node or one of its ancestors is in `marked` (by ``mem_id``)."""
    while node is not None:
        if node.mem_id in marked:
            return True
        node = node.parent
    return False


def _marked_blocks(text: str) -> list[tuple[Part, str]]:
    """Split extracted text into clean (part, paragraph) blocks, reading the part markers.

    Markers may nest; the outermost decides the part. Unbalanced markers are ignored.
    """
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    text = _BROKEN_LINE.sub("", _INDENT.sub("\n", text))
    blocks: list[tuple[Part, str]] = []
    stack: list[Part] = []
    for piece in _MARKER_SPLIT.split(text):
        if piece in ("\ue000", "\ue002"):
            stack.append("caption" if piece == "\ue000" else "related")
            continue
        if piece in ("\ue001", "\ue003"):
            if stack:
                stack.pop()
            continue
        part: Part = stack[0] if stack else "body"
        for paragraph in piece.split("\n\n"):  # no blank line holds blanks after _INDENT
            paragraph = " ".join(paragraph.split())
            if paragraph:
                blocks.append((part, paragraph))
    return blocks


def _drop_chrome(
    blocks: list[tuple[Part, str]], title: str, author: str = ""
) -> list[tuple[Part, str]]:
    """Drop chrome paragraphs, a leading dateline or title, trailing credits and signature."""
    kept: list[tuple[Part, str]] = []
    for part, text in blocks:
        if "protected" in text:
            text = _CLOUDFLARE_EMAIL.sub("", text).strip()
        if not (text[:1].isalnum() or _WORD.search(text)):  # the first is mostly a word's
            continue
        if _CHROME_TAIL.match(text):
            break
        if len(text) <= _SHORT:
            if _CHROME_PARAGRAPH_OR_LABEL.fullmatch(text):
                continue
            if _has_chrome_phrase(text):
                continue
            if part == "caption" and _CREDIT_CAPTION.fullmatch(text):
                continue
            if not kept and (_DATELINE.fullmatch(text) or _same_text(text, title)):
                continue
        if part == "related":
            text = _RELATED_LABEL.sub("", text, count=1).strip() or text
        elif part == "body" and len(text) <= 120:
            label = _RELATED_PREFIX.match(text)
            if label and label.end() < len(text):
                part, text = "related", text[label.end() :]
        kept.append((part, text))
    while kept and kept[-1][0] == "body" and len(kept[-1][1]) <= _SHORT:
        last = kept[-1][1]
        if not (_CREDIT_LINE.fullmatch(last) or (author and _same_text(last, author))):
            break
        kept.pop()
    return kept


def _has_chrome_phrase(text: str) -> bool:
    """Whether `text` contains a _CHROME_PHRASE, testing first for a literal it needs."""
    if _CHROME_PHRASE_KEY.search(text) or (
        ("c" in text or "C" in text) and _CLICK_HERE.search(text)
    ):
        return bool(_CHROME_PHRASE.search(text))
    return False


def _first_heading(body: str) -> str:
    match = re.search(r"^#\s+(.+)$", body, re.M) or re.search(
        r"<h1[^>]*>(.*?)</h1>", body, re.S | re.I
    )
    return _clean(html.unescape(_MD_TAG.sub("", match.group(1)))) if match else ""


def _assemble(title: str, blocks: list[tuple[Part, str]]) -> tuple[str, tuple[Section, ...]]:
    """Join title and blocks with blank lines; record where each came from."""
    pieces = [title]
    sections = [Section(0, len(title), "title")]
    offset = len(title)
    for part, text in blocks:
        offset += 2
        pieces.append(text)
        sections.append(Section(offset, offset + len(text), part))
        offset += len(text)
    return "\n\n".join(pieces), tuple(sections)


# --- metadata ---------------------------------------------------------------------------

_SITE_SUFFIX = re.compile(r"\s+(?:\|\s*[^|\s]{1,8}|[–—]\s+[^–—|]{1,20}?\s+-\s+[A-Za-z]{2,12})\s*$")


def _title(meta: dict) -> str:
    """The front-matter title, cleaned, without a trailing ' | Site' suffix."""
    title = _clean(html.unescape(_as_text(meta.get("title"))))
    stripped = _SITE_SUFFIX.sub("", title)
    return stripped or title


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_as_text(v) for v in value)
    if isinstance(value, dict):
        return _as_text(value.get("name") or "")
    return str(value)


_LIST_SEPARATOR = re.compile(r"[,，、]")


def _as_list(value: object) -> tuple[str, ...]:
    """Labels of a list, or of a string split at commas (else at spaces, as Jekyll does)."""
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(dict.fromkeys(t for t in (_label(_as_text(i)) for i in value) if t))
    return _labels(_as_text(value))


@functools.lru_cache(maxsize=4096)
def _labels(text: str) -> tuple[str, ...]:
    """The labels of a comma- or space-separated string: authors and categories repeat."""
    items = _LIST_SEPARATOR.split(text) if _LIST_SEPARATOR.search(text) else text.split()
    return tuple(dict.fromkeys(t for t in map(_label, items) if t))


@functools.lru_cache(maxsize=65536)
def _label(text: str) -> str:
    """One tag, category or author, clean: the same few thousand recur across a corpus."""
    return _clean(html.unescape(text))


def _first_text(meta: dict, *keys: str) -> str:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


_NANOSECONDS = re.compile(r"(\.\d{6})\d+")
_SPACE_BEFORE_OFFSET = re.compile(r"\s+([+-]\d{2}:?\d{2})$")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CJK_DATE = re.compile(r"(\d{4})\s*[/.年]\s*(\d{1,2})\s*[/.月]\s*(\d{1,2})\s*日?")


def normalise_date(value: object) -> str:
    """ISO 8601 in UTC for datetimes (naive ones are taken as UTC); dates stay dates.

    Parameters
    ----------
    value : str, datetime.date, datetime.datetime or None
        A front-matter date as YAML loaded it.

    Returns
    -------
    str
        ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SS+00:00``; '' when `value` is not a date.

    Examples
    --------
    >>> normalise_date("2020-09-01 22:54:08.000000000 +08:00")
    '2020-09-01T14:54:08+00:00'
    >>> normalise_date("2021-01-07T23:58:36.000Z"), normalise_date("2021-02-11")
    ('2021-01-07T23:58:36+00:00', '2021-02-11')
    >>> normalise_date("2021年2月1日"), normalise_date("soon")
    ('2021-02-01', '')
    """
    if not isinstance(value, str | dt.date) or not value:
        return ""
    try:
        if isinstance(value, dt.datetime):
            moment = value
        elif isinstance(value, dt.date):
            return value.isoformat()
        else:
            text = _NANOSECONDS.sub(_FIRST_GROUP, str(value).strip())
            text = _SPACE_BEFORE_OFFSET.sub(_FIRST_GROUP, text)
            cjk = _CJK_DATE.fullmatch(text)
            if cjk:
                return dt.date(*map(int, cjk.groups())).isoformat()
            if _ISO_DATE.fullmatch(text):
                return dt.date.fromisoformat(text).isoformat()
            moment = dt.datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()
    except (ValueError, OverflowError):
        return ""


def canonical_url(url: str) -> str:
    """The URL that identifies an article wherever it is linked from.

    Unwraps web.archive.org (also its site-relative ``/web/<time>/`` links), uses https,
    drops ``www.``, default ports, fragments and tracking parameters, sorts the remaining
    parameters, and cuts slugs mangled into U+FFFD escapes or following a numeric article
    id (with the query, which can only be paging there). The result is '' when `url` is not
    a web address, and canonical_url(canonical_url(u)) == canonical_url(u).

    Parameters
    ----------
    url : str

    Returns
    -------
    str

    Examples
    --------
    >>> canonical_url("https://web.archive.org/web/2021/http://www.hkcnews.com/article/38092/%EF%BF%BD-x")
    'https://hkcnews.com/article/38092'
    >>> canonical_url("/web/20210707062620/https://www.hkcnews.com/article/8001/slug-8001/x?page=2")
    'https://hkcnews.com/article/8001'
    >>> canonical_url("https://www.zaobao.com/realtime/china/story20210410-1138402?utm_source=x#top")
    'https://zaobao.com/realtime/china/story20210410-1138402'
    >>> canonical_url("mailto:info@hkcnews.com")
    ''
    """
    return _canonical_url((url or "").strip())


@functools.lru_cache(maxsize=16384)
def _canonical_url(url: str) -> str:
    """canonical_url() of a stripped URL: links to a site's own pages recur in every article."""
    for _ in range(3):
        match = _ARCHIVE.match(url)
        if not match:
            break
        url = match.group(1) or match.group(2)
    scheme = _SCHEME.match(url)
    if scheme:
        url = f"{scheme[1]}://{url[scheme.end() :]}"
    if url.startswith("//"):
        url = "https:" + url
    elif "://" not in url and _BARE_HOST.match(url):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not host or "%" in host:
        return ""
    host = _WWW.sub("", host.lower())
    if ":" in host:
        host = f"[{host}]"
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path, query = _SLASHES.sub("/", parts.path or "/"), parts.query
    numbered = _NUMBERED_ARTICLE.match(path)
    if not numbered:
        mangled = _MANGLED.search(path)
        if mangled:  # cut before unquoting: mangled slugs are long
            path = path[: mangled.start()]
        path = unquote(path, errors="replace")
        lost = path.find(_REPLACEMENT)
        if lost >= 0:
            path = path[:lost]
        if mangled or lost >= 0:  # drop the segment whose characters were lost
            path = path.rsplit("/", 1)[0] or "/"
        numbered = _NUMBERED_ARTICLE.match(path)
    if numbered:
        path, query = numbered.group(1), ""
    path = _SLASHES.sub("/", quote(path, safe="/-_.~!$&'()*+,;=:@"))
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    if query:
        query = urlencode(sorted((k, v) for k, v in parse_qsl(query) if not _TRACKING.match(k)))
    return urlunsplit(("https", host, path, query, ""))


def url_domain(url: str) -> str:
    """The host of a URL without ``www.`` ('' when there is none).

    Parameters
    ----------
    url : str

    Returns
    -------
    str

    Examples
    --------
    >>> url_domain("https://www.cna.com.tw/news/a.aspx"), url_domain("https://www1.hkcnews.com/x")
    ('cna.com.tw', 'hkcnews.com')
    >>> url_domain("not a url")
    ''
    """
    return _url_domain(url)


@functools.lru_cache(maxsize=16384)
def _url_domain(url: str) -> str:
    """url_domain(), remembered: an article asks for its own URL's domain more than once."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return _WWW.sub("", host.lower().rstrip("."))


def _publisher_hints(meta: dict, url: str, tags: tuple[str, ...]) -> tuple[str, ...]:
    hints = [url_domain(url)] if url else []
    for key in ("publisher", "source", "categories", "category", "tags", "author"):
        hints.extend(tags if key == "tags" else _as_list(meta.get(key)))
    return tuple(dict.fromkeys(h for h in hints if h))


def _article_links(links: list[Link], own_url: str) -> tuple[Link, ...]:
    """Links to other articles on the same site as this one, canonical, first title kept."""
    own_domain = url_domain(own_url)
    if not own_domain:
        return ()
    seen: dict[str, Link] = {}
    for link in links:
        href = link.url
        if href.startswith("/") and not href.startswith(("//", "/web/")):
            href = urljoin(own_url, href)
        elif own_domain not in href.lower():
            continue  # another site: its canonical host could not be this one
        url = canonical_url(href)
        if not url or url == own_url or url_domain(url) != own_domain:
            continue
        path = urlsplit(url).path
        if path in ("", "/") or _NOT_ARTICLE_PATH.search(path):
            continue
        if url not in seen:
            seen[url] = Link(url=url, title=link.title)
    return tuple(seen.values())
