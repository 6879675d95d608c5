"""Tests for kg.articles: one test per archive dialect and per bad file, plus properties.

The fixtures in tests/data/articles are cut-down copies of real files: Jekyll posts of feed
mirrors (CNA, RFI, DW, BBC, RTHK) and Citizen News (hkcnews) Markdown exports, with the
names real archives have (spaces, CJK, '?', quotes), and files that are not articles.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg import articles
from kg.articles import (
    canonical_url,
    discover,
    discover_names,
    normalise_date,
    parse_article,
    read_article,
    url_domain,
)
from kg.errors import ArticleError
from kg.records import Article, Link

DATA = Path(__file__).parent / "data" / "articles"
CNA = "jekyll/2021-01-07-CNA-總統府祝賀拜登 盼台美關係深化.txt"
RFI = "jekyll/2020-09-01-RFI-北京立法 保障「吹哨人」? – rfi.html"
RTHK = "jekyll/2020-09-17-RTHK-本港新增9宗確診\u3000其中3宗源頭未明.md"
DW = 'jekyll/2020-09-03-DW-德語媒體 "西方不會敗給中國模式".htm'
BBC = "jekyll/nested/2020-09-06-BBC-前车之鉴：TikTok之前.markdown"
HKC = "hkcnews/articles/38001-39000/article_38092.md"
HKC_TARGET = "hkcnews/articles/38001-39000/article_38097.md"
HKC_COPY = "duplicates/article_38097 (副本).md"


def read(relative: str) -> Article:
    return read_article(DATA / relative, DATA)


def parts(article: Article) -> list[tuple[str, str]]:
    """(part, text) of every section."""
    return [(s.part, article.text[s.start : s.end]) for s in article.sections]


def assert_well_formed(article: Article) -> None:
    """Sections tile the text: in order, inside it, separated by blank lines, title first."""
    assert article.sections[0].part == "title"
    assert article.text[: article.sections[0].end] == article.title
    pieces = [article.text[s.start : s.end] for s in article.sections]
    assert "\n\n".join(pieces) == article.text
    for before, after in zip(article.sections, article.sections[1:]):
        assert before.end + 2 == after.start
    for piece in pieces[1:]:
        assert piece and piece == " ".join(piece.split())


# --- dialects ------------------------------------------------------------------------------


def test_jekyll_html_post_with_preamble_and_more_article_block():
    article = read(CNA)
    assert article.id == "cna.com.tw/news/firstnews/202101070375.aspx"
    assert article.url == "https://cna.com.tw/news/firstnews/202101070375.aspx"
    assert article.path == str(DATA / CNA)
    assert article.title == "總統府祝賀拜登當選 盼台美關係持續深化"
    assert article.date == "2021-01-07T23:58:36+00:00"
    assert article.author == "(臺)中央社CNA"
    assert article.tags == ("(臺)中央社CNA",)
    assert article.publisher_hints == ("cna.com.tw", "(臺)中央社CNA")
    assert parts(article) == [
        ("title", "總統府祝賀拜登當選 盼台美關係持續深化"),
        ("caption", "總統府發言人張惇涵7日晚間表示，總統蔡英文（左）誠摯祝賀拜登（右）順利當選。（中央社檔案照片）"),
        ("body", "（中央社台北7日電）美國國會正式認證拜登當選新任總統。總統府發言人張惇涵表示，"
                 "總統蔡英文誠摯祝賀拜登&賀錦麗當選，期盼台美關係能夠持續深化。"),
        ("body", "張惇涵表示，美國是台灣重要的盟友，也是共享自由民主價值的堅實夥伴。 （編輯：趙蔚蘭）1100107"),
        ("related", "美國國會認證拜登當選 川普：20日政權將會有秩序轉移"),
        ("related", "蔡英文信心喊話：台灣三大良好基礎 與美聯繫暢通"),
    ]  # fmt: skip
    assert article.links == (
        Link("https://cna.com.tw/news/firstnews/202101070268.aspx", "美國國會認證拜登當選 川普：20日政權將會有秩序轉移"),
        Link("https://cna.com.tw/news/aipl/202011250193.aspx", "蔡英文信心喊話：台灣三大良好基礎 與美聯繫暢通"),
    )  # fmt: skip
    for chrome in ("1610063916000", "------", "延伸閱讀", "dataLayer", "廣告", "&amp;", "&nbsp;"):
        assert chrome not in article.text
    assert_well_formed(article)


def test_jekyll_post_with_nanosecond_date_link_url_and_feed_chrome():
    article = read(RFI)
    assert article.url == (
        "https://rfi.fr/cn/%E4%B8%AD%E5%9B%BD/20200901-%E5%8C%97%E4%BA%AC%E7%AB%8B%E6%B3%95"
    )
    assert article.id == article.url.removeprefix("https://")
    assert article.date == "2020-09-01T14:54:08+00:00"
    # The title loses its ' – 法国国际广播电台 - RFI' site suffix.
    assert article.title == "北京立法 保障「吹哨人」？"
    assert article.tags == ("北京", "李文亮")  # a string of tags is split at spaces, as Jekyll does
    assert article.publisher_hints == ("rfi.fr", "rfi", "北京", "李文亮")
    assert article.author == ""
    assert parts(article)[1:] == [
        ("body", "（法新社北京1日电） 北京市政府将依据新的法律，保障「非恶意」公卫隐患举报者。"
                 "眼科医师李文亮去年底示警，却被依造谣处分。"),
        ("body", "北京市这项新法标榜任何人就公卫隐患举报，若事后经查属实将有奖励。"),
    ]  # fmt: skip
    for chrome in ("01/09/2020", "AFP", "RSS", "feedx", "订阅", "\n\n\n"):
        assert chrome not in article.text
    assert_well_formed(article)


def test_jekyll_markdown_post_without_url_gets_a_path_id():
    article = read(RTHK)
    assert article.url == ""
    assert article.id == "file/jekyll/2020-09-17-RTHK-本港新增9宗確診 其中3宗源頭未明.md"
    assert article.title == "本港新增9宗確診 其中3宗源頭未明"
    assert article.date == "2020-09-17T08:41:19+00:00"
    assert article.publisher_hints == ("rthk", "疫情", "香港")  # categories as a string
    assert article.tags == ("疫情", "香港")  # comma-separated string
    assert article.links == ()
    assert parts(article)[1:] == [
        ("body", "衞生防護中心公布，本港新增9宗新型肺炎確診個案，其中3宗源頭未明。"),
        (
            "body",
            "衞生防護中心傳染病處主任張竹君說，其中一宗個案的患者是在葵涌貨櫃碼頭工作的男子。",
        ),
        ("body", "食物及衞生局局長陳肇始表示，政府會繼續加強檢測。"),
    ]  # a line wrapped inside Chinese text is joined without a space
    assert_well_formed(article)


def test_feed_header_byline_becomes_author_and_footer_chrome_goes():
    article = read(DW)
    assert article.id == 'file/jekyll/2020-09-03-DW-德語媒體 "西方不會敗給中國模式".htm'
    assert article.author == "乐然（摘译）"
    assert article.date == "2020-09-03T15:53:59+00:00"
    assert article.tags == ("德国之声", "中国模式")
    assert article.publisher_hints == ("dw", "德国之声", "中国模式")  # categories as a list
    assert parts(article)[1:] == [
        ("caption", "瑞士《新苏黎世报》总部"),
        ("body", "（德国之声中文网）瑞士记者迈尔（Frank A. Meyer）在客座评论中写道：\"西方会败给中国模式吗？\""),
        ("body", "评论认为，中国的体系缺乏成功的最原始成分：公民的自由。"),
        ("related", "长平观察：香港在抗争"),
    ]  # fmt: skip
    for chrome in ("null", "2020-09-03T15", "版权", "立场", "资深媒体人", "杨威廉", "RSS"):
        assert chrome not in article.text
    assert_well_formed(article)


def test_html_body_in_a_markdown_file_in_a_nested_folder():
    article = read(BBC)
    assert article.id == "file/jekyll/nested/2020-09-06-BBC-前车之鉴：TikTok之前.markdown"
    assert article.publisher_hints == ("bbc",)
    assert parts(article)[1:] == [
        ("caption", "美国总统特朗普宣布要封禁抖音国际版TikTok。"),
        ("body", "2020年过半，在大国博弈场上，剧情发展已经超出人们想象。"),
        ("body", "TikTok并非孤例"),
        ("body", "四年前，中国的复星集团完成收购保险公司 Ironshore 后，遭到美国外资投资委员会（CFIUS）审查。"),
        ("related", "台湾网红节目新玩法"),
        ("related", "蔡英文借势网红助连任"),
        ("body", "这位法律专家认为，撤销禁令的可能性也基本没有。"),
    ]  # fmt: skip
    for chrome in ("2020年 9月 6日", "图片版权", "Reuters", "Image caption", "广告", "不支持"):
        assert chrome not in article.text
    assert article.links == ()  # no URL of its own: links cannot be told to be on the same site
    assert_well_formed(article)


def test_citizen_news_markdown_article():
    article = read(HKC)
    assert article.id == "hkcnews.com/article/38092"
    assert article.url == "https://hkcnews.com/article/38092"
    assert article.title == "【拜登任內首晤】台駐美代表獲邀會晤國務院亞太助卿"
    assert article.date == "2021-02-11"
    assert article.author == "眾新聞中國組"
    assert article.tags == ("臺灣", "美台關係", "眾新聞中國組")
    assert article.publisher_hints == ("hkcnews.com", "眾聞", "臺灣", "美台關係", "眾新聞中國組")
    assert parts(article) == [
        ("title", "【拜登任內首晤】台駐美代表獲邀會晤國務院亞太助卿"),
        ("body", "台灣駐美代表蕭美琴與美國國務院代理亞太助理國務卿金成（Sung Kim）會面，為美國總統拜登上任後首次到訪美國國務院。"),
        ("caption", "蕭美琴（右）與金成會面。 Twitter圖片"),
        ("body", "美國國務院東亞暨太平洋事務局在社交平台Twitter貼出雙方合照，形容台灣是民主領頭羊。"
                 "蕭美琴上月亦獲邀出席 拜登的就職典禮，是台美斷交42年後首度有台灣代表正式獲邀參加。"),
        ("body", "外交部其後發表聲明。"),
        ("body", "日期 事件"),
        ("body", "2021年1月20日 拜登就職"),
        ("related", "美國國務院：對台承諾堅若磐石"),
    ]  # fmt: skip
    assert article.links == (
        Link("https://hkcnews.com/article/38097", "拜登的就職典禮"),
        Link("https://hkcnews.com/article/38050", "美國國務院：對台承諾堅若磐石"),
    )
    for chrome in ("請支持", "訂戶", "每周時事", "博客", "關注兩岸", "{{", "**", "|", "相關報道"):
        assert chrome not in article.text
    assert_well_formed(article)


def test_citizen_news_cross_link_has_the_id_of_the_target_article():
    source, target = read(HKC), read(HKC_TARGET)
    assert target.id == "hkcnews.com/article/38097"
    assert source.links[0].url == target.url
    assert source.links[0].url.split("://", 1)[1] == target.id


def test_citizen_news_blurb_after_a_rule_is_cut_but_a_rule_in_the_text_is_not():
    raw = """---
title: "修改《議事規則》關你事"
author: "楊健興"
url: "https://web.archive.org/web/20210707062620/https://www.hkcnews.com/article/8001/x"
---

# 修改《議事規則》關你事

新一屆政府和立法會上任只幾個月。

---

朱凱迪以一條從未運用的條文提出動議。

---

![主筆 | 楊健興](https://web.archive.org/web/2021im_/https://www.hkcnews.com/uploads/avatars/1c.png?16)

**主筆 | 楊健興**

資深新聞工作者、浸會傳理人。
"""
    article = parse_article(raw.encode(), "article_8001.md")
    assert parts(article)[1:] == [
        ("body", "新一屆政府和立法會上任只幾個月。"),
        ("body", "朱凱迪以一條從未運用的條文提出動議。"),
    ]


def test_two_files_of_the_same_article_share_id_and_url():
    # The reader is per file; the build drops the second file as a duplicate by this URL.
    original, copy = read(HKC_TARGET), read(HKC_COPY)
    assert (copy.id, copy.url) == (original.id, original.url)
    assert copy.text == original.text


def test_file_name_with_newline_is_read_and_its_id_is_one_line(tmp_path):
    name = "2020-09-23-DW-任志强案尚存的疑点和变数\n.html"  # as in a real feed archive
    shutil.copy(DATA / DW, tmp_path / name)
    article = read_article(tmp_path / name, tmp_path)
    assert article.id == "file/2020-09-23-DW-任志强案尚存的疑点和变数 .html"
    assert article.path == str(tmp_path / name)


def test_read_article_without_root_uses_the_path():
    article = read_article(DATA / RTHK)
    assert article.id == "file/" + str(DATA / RTHK).replace(os.sep, "/").replace("\u3000", " ")


# --- bad files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad/no front matter.md", r"^no YAML front matter: the file must start with a '---' line"),
        ("bad/unclosed front matter.md", r"^front matter is not closed: add a '---' line"),
        ("bad/broken yaml.md", r"^broken YAML front matter at line 5: .*quote values"),
        ("bad/front matter list.md", r"^front matter is a list, not 'key: value' lines$"),
        ("bad/big5 舊稿.txt", r"^not UTF-8 text \(it looks like BIG5\): byte 0xa5 at offset 11; "
                              r"convert the file to UTF-8 \(e\.g\. iconv -f BIG5 -t UTF-8\)$"),
        ("bad/gbk 旧稿.md", r"^not UTF-8 text \(it looks like GBK\): .*iconv -f GBK -t UTF-8"),
        ("bad/utf16.txt", r"^UTF-16 text; convert the file to UTF-8"),
        ("bad/empty body.md", r"^empty body: no article text after the front matter \(only markup or site chrome\)$"),
        ("bad/binary.md", r"^binary file \(contains NUL bytes\), not an article$"),
        ("bad/notes.pdf", r"^not an article file \(extension '\.pdf'; kg reads \.htm, \.html, "
                          r"\.markdown, \.md, \.txt\)$"),
        ("bad/photo.jpg", r"^not an article file \(extension '\.jpg'"),
    ],
    ids=lambda value: value if value.startswith("bad/") else "",
)  # fmt: skip
def test_bad_file_raises_article_error_saying_why(name, message):
    with pytest.raises(ArticleError, match=message):
        read(name)


def test_file_without_extension_is_not_an_article(tmp_path):
    (tmp_path / "README").write_text("---\ntitle: x\n---\ntext\n", encoding="utf-8")
    with pytest.raises(ArticleError, match=r"extension 'none'"):
        read_article(tmp_path / "README", tmp_path)


def test_too_large_file(monkeypatch):
    monkeypatch.setattr(articles, "MAX_FILE_BYTES", 100)
    with pytest.raises(ArticleError, match=r"^file too large \(2,\d{3} bytes; the limit is 100\)"):
        read(CNA)


def test_unreadable_file(tmp_path):
    (tmp_path / "folder.md").mkdir()
    with pytest.raises(ArticleError, match=r"^cannot read file: Is a directory"):
        read_article(tmp_path / "folder.md", tmp_path)


def test_body_that_is_only_site_chrome_is_empty():
    raw = "---\ntitle: t\n---\n<div><i>2020-09-08T04:55:09Z</i></div><br><hr><div>获取更多RSS：<br>"
    raw += '<a href="https://feedx.net">https://feedx.net</a></div>'
    with pytest.raises(ArticleError, match=r"^empty body"):
        parse_article(raw.encode(), "x.html")


# --- finding files ------------------------------------------------------------------------------


def test_discover_yields_every_file_sorted_with_its_root():
    found = [(path.relative_to(DATA).as_posix(), root) for path, root in discover([DATA])]
    assert all(root == DATA for _, root in found)
    names = [name for name, _ in found]
    assert names[:3] == ["bad/big5 舊稿.txt", "bad/binary.md", "bad/broken yaml.md"]
    assert {"bad/notes.pdf", "bad/photo.jpg", CNA, RFI, RTHK, DW, BBC, HKC, HKC_COPY} <= set(names)
    assert len(names) == 19 and names == sorted(names, key=lambda n: n.split("/"))


def test_discover_skips_hidden_folders_and_takes_single_files(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.md").write_text("---\n---\nx", encoding="utf-8")
    (tmp_path / "a.md").write_text("---\n---\nx", encoding="utf-8")
    assert list(discover([tmp_path])) == [(tmp_path / "a.md", tmp_path)]
    assert list(discover([tmp_path / "a.md"])) == [(tmp_path / "a.md", tmp_path)]


def test_discover_names_are_the_paths_as_strings(tmp_path):
    (tmp_path / "nested" / "deeper").mkdir(parents=True)
    for name in ("b.md", "nested/a b.html", "nested/deeper/c.md", "nested/.hidden.md"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    inputs = [DATA, tmp_path, f"{tmp_path}/", tmp_path / "b.md"]
    names = list(discover_names(inputs))
    assert names == [(str(path), str(root)) for path, root in discover(inputs)]
    assert (str(tmp_path / "nested" / "a b.html"), str(tmp_path)) in names


def test_discover_missing_input(tmp_path):
    with pytest.raises(ArticleError, match=r"^input '.*nowhere' does not exist"):
        list(discover([tmp_path / "nowhere"]))


# --- text details -------------------------------------------------------------------------------


def test_entities_decoded_once_and_whitespace_normalised():
    raw = (
        "---\ntitle: '  A &amp; B\u3000標題  '\n---\n"
        "<p>K&amp;N said &amp;lt;上午&amp;gt;\u200b and\u00a0more</p>\n<p>  line\n   wrapped  </p>"
    )
    article = parse_article(raw.encode(), "x.html")
    assert parts(article) == [("title", "A & B 標題"), ("body", "K&N said &lt;上午&gt; and more"),
                              ("body", "line wrapped")]  # fmt: skip


def test_markdown_lists_quotes_headings_and_emphasis():
    raw = (
        "---\ntitle: 標題\n---\n# 標題\n\n## 小標題\n\n> **引述**一段\n\n"
        "- 第一項\n- 第二項 *強調*\n\n1. [連結](https://example.com/a)\n\n"
        "<!-- 註解 -->\n\\*星號\\*\n"
    )
    article = parse_article(raw.encode(), "x.md")
    assert parts(article)[1:] == [
        ("body", "小標題"), ("body", "引述一段"), ("body", "第一項"), ("body", "第二項 強調"),
        ("related", "連結"), ("body", "*星號*"),
    ]  # fmt: skip


def test_front_matter_keys_are_case_insensitive():
    raw = "---\nTitle: 標題\nDATE: 2021-02-11\nTags:\n  - 香港\n---\n正文。".encode()
    article = parse_article(raw, "x.md")
    assert (article.title, article.date, article.tags) == ("標題", "2021-02-11", ("香港",))


def test_private_use_markers_in_the_input_cannot_fake_parts():
    raw = "---\ntitle: t\n---\n\ue000不是圖說\ue001\n\n\ue002也不是\n".encode()
    assert parts(parse_article(raw, "x.md"))[1:] == [("body", "不是圖說"), ("body", "也不是")]


# --- dates and URLs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-09-01 22:54:08.000000000 +08:00", "2020-09-01T14:54:08+00:00"),
        ("2021-01-07T23:58:36.000Z", "2021-01-07T23:58:36+00:00"),
        ("2021-02-11", "2021-02-11"),
        ("2021-02-11 12:46:29", "2021-02-11T12:46:29+00:00"),
        ("2021年2月1日", "2021-02-01"),
        (dt.date(2021, 2, 11), "2021-02-11"),
        (dt.datetime(2021, 1, 8, 7, 58, 36, tzinfo=dt.timezone(dt.timedelta(hours=8))),
         "2021-01-07T23:58:36+00:00"),
        ("", ""), (None, ""), ("soon", ""), ("2021-02-30", ""), (20210211, ""), (True, ""),
        ("0001-01-01T00:00:00+08:00", ""),
    ],
)  # fmt: skip
def test_normalise_date(value, expected):
    assert normalise_date(value) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://web.archive.org/web/20210805040329/https://www.hkcnews.com/article/38092/%EF%BF%BD-x",
         "https://hkcnews.com/article/38092"),
        ("/web/20210707062620/https://www.hkcnews.com/article/8001/%E7%AB%8B-8001/hong-kong",
         "https://hkcnews.com/article/8001"),
        ("https://web.archive.org/web/20210629213346/https://www.hkcnews.com/article/15771/x?page=2",
         "https://hkcnews.com/article/15771"),
        ("web.archive.org/web/2021im_/http://hkcnews.com/article/1/", "https://hkcnews.com/article/1"),
        ("https://www.hkcnews.com/article/38097?page=3", "https://hkcnews.com/article/38097"),
        ("https://web.archive.org/web/20220809112056/https://www1.hkcnews.com/legalcasedb/",
         "https://hkcnews.com/legalcasedb"),
        ("HTTP://WWW.CNA.COM.TW:80/news/a.aspx?utm_source=x&b=2&a=1#top",
         "https://cna.com.tw/news/a.aspx?a=1&b=2"),
        ("//www.bbc.com/zhongwen/simp/chinese-news-49648059", "https://bbc.com/zhongwen/simp/chinese-news-49648059"),
        ("https://www.rfi.fr/cn/中国/x?fbclid=IwAR0", "https://rfi.fr/cn/%E4%B8%AD%E5%9B%BD/x"),
        ("https://example.com/news/%E4%B8%AD%EF%BF%BD%EF%BF%BD", "https://example.com/news"),
        ("https://example.com:8080/a/", "https://example.com:8080/a"),
        ("mailto:info@hkcnews.com", ""), ("", ""), ("javascript:void(0)", ""), ("http://[::1", ""),
        ("https://web.archive.org/web/2017/mailto:subscribe@hkcnews.com", ""),
    ],
)  # fmt: skip
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_url_domain():
    assert url_domain("https://www.cna.com.tw/news/a.aspx") == "cna.com.tw"
    assert url_domain("https://www1.hkcnews.com/legalcasedb/") == "hkcnews.com"
    assert url_domain("http://[::1") == ""
    assert url_domain("") == ""


def test_links_are_same_site_articles_only():
    raw = """---
title: t
url: https://www.hkcnews.com/article/1/slug
---
[a](https://www.hkcnews.com/article/2/x) [b](/web/2021/https://hkcnews.com/article/3)
[c](/aboutus/#subscribe) [d](https://hkcnews.com/blogger/x-1) [e](https://other.com/article/4)
[f](https://hkcnews.com/uploads/a.pdf) [g](/article/5/y) [h](https://hkcnews.com/article/1/z)
[a again](https://hkcnews.com/article/2)
"""
    article = parse_article(raw.encode(), "x.md")
    assert article.links == (
        Link("https://hkcnews.com/article/2", "a"),
        Link("https://hkcnews.com/article/3", "b"),
        Link("https://hkcnews.com/article/5", "g"),
    )


# --- properties ----------------------------------------------------------------------------------

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=30)
    | st.dates()
    | st.datetimes(timezones=st.none() | st.just(dt.UTC))
)
_META = st.dictionaries(
    st.sampled_from(["title", "date", "author", "tags", "categories", "url", "link", "from", "x"]),
    _SCALARS | st.lists(_SCALARS, max_size=3),
    max_size=6,
)
_HTML_PIECES = st.sampled_from(
    [
        "<p>", "</p>", "<div class='moreArticle'>", "<div class='ad'>", "</div>", "<figcaption>",
        "</figcaption>", "<ul><li><a href='/a/1'>相關</a></li></ul>", "<br>", "<script>x</script>",
        "<a href='https://web.archive.org/web/1/http://x.com/article/2'>", "</a>", "&amp;", "&#0;",
        "<div><i>2020-09-01T00:00:00Z</i></div>", "<img src=x>", "<div><small>圖</small></div>",
        "\ue000", "\ue003", "\n\n", "------", "[標題](http://x.com/y)\n", "<!--1-->", "<p class='Caption'>",
    ]
)  # fmt: skip
_MARKDOWN_PIECES = st.sampled_from(
    [
        "# ", "\n", "\n\n", "---\n", "**", "*", "- ", "1. ", "> ", "| a | b |\n", "| --- |\n",
        "[連結](https://hkcnews.com/article/1/x)", "![圖](x.jpg)", "<figure><figcaption>說明</figcaption>",
        "{{< video src=\"x\" >}}", "請加入成為眾新聞的月費訂戶", "  \n", "\\", "[", "](", ")",
        "![博客 | 某](https://hkcnews.com/uploads/avatars/a.png)", "<a href='/article/2'>x</a>",
    ]
)  # fmt: skip
_BODIES = st.lists(st.text(max_size=20) | _HTML_PIECES | _MARKDOWN_PIECES, max_size=25).map("".join)


def _check(raw: bytes, path: str) -> None:
    """parse_article only ever returns a well-formed Article or raises ArticleError."""
    try:
        article = parse_article(raw, path, "rel/" + path)
    except ArticleError as err:
        assert str(err) and "\n" not in str(err)
        return
    assert isinstance(article, Article)
    assert article.id
    assert_well_formed(article)
    for link in article.links:
        assert canonical_url(link.url) == link.url


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(meta=_META, body=_BODIES, suffix=st.sampled_from([".md", ".html", ".txt"]))
def test_any_front_matter_and_body_gives_an_article_or_an_article_error(meta, body, suffix):
    front = yaml.safe_dump(meta, allow_unicode=True)
    _check(f"---\n{front}---\n{body}".encode(), "a" + suffix)


@settings(max_examples=300, deadline=None)
@given(
    head=st.text(max_size=80),
    body=st.binary(max_size=200),
    suffix=st.sampled_from([".md", ".html"]),
)
@example(head="title: x", body=b"\xa5x\xa5x", suffix=".md")
@example(head="a: [", body=b"", suffix=".md")
@example(head="- 1\n- 2", body=b"x", suffix=".md")
@example(head="date: 2021-02-30", body=b"x", suffix=".md")
@example(head="date: 0001-01-01 00:00:00 +08:00", body=b"x", suffix=".md")
@example(head="a: &x [*x]", body=b"x", suffix=".md")
def test_any_bytes_give_an_article_or_an_article_error(head, body, suffix):
    _check(b"---\n" + head.encode() + b"\n---\n" + body, "a" + suffix)
    _check(head.encode() + body, "b" + suffix)


_HOSTS = st.sampled_from(
    ["www.hkcnews.com", "hkcnews.com", "www1.x.com", "X.COM:8080", "中文.com", "a"]
)
_PATHS = st.lists(
    st.sampled_from(["/article", "/12345", "/%EF%BF%BD", "/%E4%B8%AD", "/中", "/", "//", "/a b",
                     "/%25", "/%2541", "/..", "/x.html", "/web/2021/"]),
    max_size=5,
).map("".join)  # fmt: skip
_QUERIES = st.sampled_from(
    ["", "?", "?utm_source=x", "?b=1&a=2", "?page=2", "?a=%20+b", "?q=中文&ref=x"]
)
_WEB_URLS = st.builds(
    "{}{}{}".format, st.sampled_from(["https://", "http://", "HTTP://", "//"]), _HOSTS, _PATHS
)
_URLS = st.one_of(
    st.text(max_size=60),
    st.builds(
        "{}{}{}{}{}".format,
        st.sampled_from(["https://", "http://", "HTTP://", "//", "", "https:/", "ftp://"]),
        _HOSTS,
        _PATHS,
        _QUERIES,
        st.sampled_from(["", "#top", "#"]),
    ),
)


@settings(max_examples=500, deadline=None)
@given(url=_URLS)
def test_canonical_url_is_idempotent(url):
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert once == "" or once.startswith("https://")
    assert "#" not in once and "utm_" not in once


@settings(max_examples=300, deadline=None)
@given(
    url=st.builds("{}{}".format, _WEB_URLS, _QUERIES),
    stamp=st.from_regex(r"\d{4,14}(?:im_|if_|id_)?", fullmatch=True),
)
def test_canonical_url_unwraps_web_archive(url, stamp):
    assert canonical_url(url)
    assert canonical_url(f"https://web.archive.org/web/{stamp}/{url}") == canonical_url(url)
    assert canonical_url(f"/web/{stamp}/{url}") == canonical_url(url)


@settings(max_examples=300, deadline=None)
@given(
    url=_WEB_URLS,
    tracking=st.lists(
        st.sampled_from(["utm_source=rss", "utm_medium=x", "fbclid=IwAR0", "gclid=1", "from=feed"]),
        min_size=1,
        max_size=3,
    ),
)
def test_canonical_url_drops_tracking_parameters(url, tracking):
    assert canonical_url(url + "?" + "&".join(tracking)) == canonical_url(url)


_YAML_LINES = st.lists(
    st.one_of(
        st.builds("{}: {}".format, st.from_regex(r"[A-Za-z_][a-z_-]{0,8}", fullmatch=True),
                  st.text(max_size=12).map(lambda t: t.replace("\n", " "))),
        st.builds('{}: "{}"'.format, st.sampled_from(["title", "url", "on", "date"]), st.text(max_size=12)),
        st.builds("{}:".format, st.sampled_from(["tags", "categories"])),
        st.builds("{}- {}".format, st.sampled_from(["", "  ", "    "]), st.text(max_size=12)),
        st.sampled_from(["date: 2020-09-01 22:54:08.000000000 +08:00", "date: 2021-02-11",
                         "x: 2021-02-30", "# comment", "", "  ", "y: yes", "n: ~", "a: 1:30"]),
    ),
    max_size=8,
).map("\n".join)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(text=_YAML_LINES)
def test_front_matter_fast_path_reads_as_pyyaml_does(text):
    fast = articles._simple_yaml(text)
    if fast is None:
        return
    slow = yaml.load(text, Loader=yaml.CSafeLoader) or {}
    assert fast == slow
    assert [type(v) for v in fast.values()] == [type(v) for v in slow.values()]


# --- fast paths agree with the plain patterns they replace ----------------------------------

_MARKUP = st.lists(
    st.sampled_from([
        "-", "*", "_", "|", "#", ">", "[", "]", "(", ")", "!", "\\", " ", "\t", "\n", ":", "：",
        "<a href='x'>", "</a>", "click here", "CLICK HERE", "Click", "請按此", "點擊", "歡迎瀏覽",
        "網站", "版權", "本文", "不代表", "立場", "延伸閱讀", "Tags", "www.x", "©", "作者為", "正文",
    ]),
    max_size=20,
).map("".join)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    lines=st.lists(
        st.sampled_from(["---", "...", "--- ", " ---", "-- -", "a: b", "", " \t"]), max_size=6
    )
)
def test_front_matter_pattern_steps_by_lines_as_the_plain_pattern_does(lines):
    text = "\n".join(lines)
    plain = re.compile(r"\A\s*---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*$\n?", re.S | re.M)
    fast, slow = articles._FRONT_MATTER.match(text), plain.match(text)
    assert (fast and (fast.group(1), fast.end())) == (slow and (slow.group(1), slow.end()))


_RULE_LINES = st.lists(
    st.one_of(
        st.builds(lambda mark, count, gap: gap.join(mark * count),
                  st.sampled_from("-*_x"), st.integers(0, 5), st.sampled_from(["", " ", "\t", " \t"])),
        st.text(alphabet="-*_ \tx", max_size=7),
    ),
    max_size=6,
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(lines=_RULE_LINES)
def test_rule_pattern_matches_as_the_repeated_group_pattern_does(lines):
    plain = re.compile(r"\n[ \t]*(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})(?=\n)")
    text = "\n" + "\n".join(lines) + "\n"
    assert articles._MD_RULE.sub("<>", text) == plain.sub("<>", text)


_LINK_MARKUP = st.lists(
    st.sampled_from(["[", "]", "(", ")", "](", "<", ">", " ", "\n", "x", "/", '"', "<a href='x'>", "<A\thref=y>"]),
    max_size=16,
).map("".join)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(text=_LINK_MARKUP)
@example(text='[x](y\nz) [[a]](b(c)) [d](<e> "t")')
def test_link_pattern_without_anchors_matches_as_the_combined_pattern_does(text):
    if articles._MD_ANCHOR.search(text):
        return
    spans = [(m.span(), m[1], m[2]) for m in articles._MD_LINK.finditer(text)]
    assert spans == [(m.span(), m[1], m[2]) for m in articles._MD_LINK_OR_ANCHOR.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(text=_MARKUP)
def test_chrome_tests_agree_with_the_patterns_they_stand_for(text):
    assert articles._has_chrome_phrase(text) == bool(articles._CHROME_PHRASE.search(text))
    either = bool(
        articles._CHROME_PARAGRAPH.fullmatch(text) or articles._RELATED_LABEL.fullmatch(text)
    )
    assert bool(articles._CHROME_PARAGRAPH_OR_LABEL.fullmatch(text)) == either
