"""The page: self-contained, escaped, and really working in headless Chromium."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import networkx as nx
import pytest

from kg.export.html import select_view, to_html, write_html
from kg.graph import PendingEdges

from .conftest import ROOT

SCREENSHOTS = ROOT / "output" / "screenshots"
EVIL_TITLE = "<img src=x onerror=window.__xss=1></script><script>window.__xss=2</script>"


def open_page(browser, path: Path, timeout: float = 10.0) -> float:
    browser.get_log("performance")  # drop what came before this page
    start = time.perf_counter()
    browser.get(path.resolve().as_uri())
    while time.perf_counter() - start < timeout:
        if browser.execute_script("return document.body && document.body.dataset.ready === 'true'"):
            return time.perf_counter() - start
        time.sleep(0.05)
    raise AssertionError(f"{path} did not draw within {timeout}s")


def network_requests(browser) -> list[str]:
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return [u for u in urls if re.match(r"(https?|wss?|ftp)://", u)]


def evil_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node(
        "article:x",
        kind="article",
        type="article",
        label=EVIL_TITLE,
        title=EVIL_TITLE,
        date="2021-01-01",
        url="javascript:alert(1)",
        path="x.md",
        author="",
        publisher="",
        stub=False,
    )
    g.add_node(
        "tw",
        kind="entity",
        type="place",
        label="台灣",
        name="台灣",
        name_hans="台湾",
        name_en="Taiwan",
        aliases="臺灣",
        region="tw",
        description="<b>bold</b>",
        mentions=1,
        articles=1,
    )
    g.add_edge("article:x", "tw", key="mentions", count=1)
    return g


def test_page_has_no_external_resources(seeds_build):
    html = seeds_build.outputs["html"].read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=[\"']?(https?:)?//", html)
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html
    assert "vis.Network" in html


def test_article_text_is_escaped_in_the_markup():
    html = to_html(evil_graph())
    assert "<img src=x" not in html
    assert "</script><script>window.__xss" not in html


def test_select_view_respects_the_budget(seeds_build):
    g = seeds_build.graph
    assert select_view(g, max_nodes=1000).number_of_nodes() == g.number_of_nodes()
    assert select_view(g, max_nodes=10).number_of_nodes() == 10
    assert all(d["kind"] == "entity" for _, d in select_view(g, max_nodes=10).nodes(data=True))
    focus = select_view(g, max_nodes=50, focus="蕭美琴")
    assert "hsiao-bi-khim" in focus and "article:hkcnews.com/article/38092" in focus
    assert "tw-presidential-office" not in focus


@pytest.mark.parametrize(
    "options",
    [{"view": "entities"}, {"view": "articles"}, {"view": "all"}, {"focus": "joe-biden"}],
)
def test_select_view_draws_edges_kept_out_of_the_graph(seeds_build, options):
    """A build hands the page its mention and co-mention edges beside the graph, not in it
    (PendingEdges): the page draws the same nodes and edges either way."""
    full = seeds_build.graph
    pending = PendingEdges()
    for u, v, key, d in full.edges(keys=True, data=True):
        if key == "co_mentioned":
            pending.co_mentions.append((u, v, d["articles"], d["first_date"], d["last_date"]))
        elif key == "mentions":
            stat = (v, d["count"], d["first_offset"], d["in_title"], d["in_lead"])
            pending.mentions.append((u, (stat,)))
    assert pending.co_mentions and pending.mentions
    partial = full.copy()
    partial.remove_edges_from(
        [(u, v, k) for u, v, k in full.edges(keys=True) if k in ("mentions", "co_mentioned")]
    )
    expected = select_view(full, max_nodes=12, **options)
    drawn = select_view(partial, max_nodes=12, pending=pending, **options)
    assert sorted(drawn.nodes) == sorted(expected.nodes)
    assert sorted(drawn.edges(keys=True, data=True)) == sorted(expected.edges(keys=True, data=True))
    assert not any(k in ("mentions", "co_mentioned") for *_, k in partial.edges(keys=True))
    kinds = {key for *_, key in drawn.edges(keys=True)}
    assert "co_mentioned" in kinds if options.get("view") == "entities" else "mentions" in kinds


@pytest.mark.browser
def test_page_renders_nodes_and_search_finds_an_entity(browser, seeds_build):
    seconds = open_page(browser, seeds_build.outputs["html"])
    drawn = browser.execute_script("return window.kgNodes.length")
    assert drawn == seeds_build.graph.number_of_nodes()
    assert browser.execute_script("return window.kgSearch('蕭美琴')") == ["hsiao-bi-khim"]
    assert browser.find_element("id", "search-status").text == "1 found"
    assert browser.execute_script("return window.kgSearch('Tsai Ing-wen')") == ["tsai-ing-wen"]
    assert browser.execute_script("return window.kgSearch('萧美琴')") == ["hsiao-bi-khim"]
    assert "蕭美琴" in browser.find_element("id", "info").text
    assert browser.execute_script("return window.kgSearch('nobody at all')") == []
    assert browser.find_element("id", "search-status").text == "not found"
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    assert network_requests(browser) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / "seeds.png"))
    assert seconds < 10


@pytest.mark.browser
def test_type_filter_hides_nodes(browser, seeds_build):
    open_page(browser, seeds_build.outputs["html"])
    visible = "return window.kgNetwork.body.data.nodes.length"
    before = browser.execute_script(visible)
    browser.find_element("css selector", ".type-filter[value='person']").click()
    people = sum(1 for _, d in seeds_build.graph.nodes(data=True) if d.get("type") == "person")
    assert people >= 10
    assert browser.execute_script(visible) == before - people
    assert "tsai-ing-wen" not in browser.execute_script("return window.kgSearch('蔡英文')")


@pytest.mark.browser
def test_hostile_title_renders_as_text(browser, tmp_path):
    page = write_html(evil_graph(), tmp_path / "evil.html")
    open_page(browser, page)
    assert browser.execute_script("return window.__xss") is None
    browser.execute_script("window.kgSearch('img src')")
    info = browser.find_element("id", "info")
    assert EVIL_TITLE in info.text
    assert info.find_elements("css selector", "img, b, script") == []
    assert info.find_elements("css selector", "a") == []  # javascript: URLs get no link
    assert browser.execute_script("return window.__xss") is None
