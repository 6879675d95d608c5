"""The reduce: nodes, edges and their attributes on the seeds."""

from __future__ import annotations

import itertools
import json
import pickle

import networkx as nx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kg.export.tables import write_graphml
from kg.gazetteer import Entity, Gazetteer
from kg.graph import GraphBuilder, article_node, co_mention_graph, entity_nodes
from kg.records import Article, ArticleRecord

from .conftest import GROWING_ARCHIVES, fold_articles, places_gazetteer, resumed_builder

CNA = article_node("cna.com.tw/news/firstnews/202101070375.aspx")
HKCNEWS = article_node("hkcnews.com/article/38092")


def test_every_node_is_an_article_or_an_entity(seeds_build):
    kinds = {d["kind"] for _, d in seeds_build.graph.nodes(data=True)}
    assert kinds == {"article", "entity"}


def test_mentions_edges_carry_counts_title_and_lead(seeds_build):
    g = seeds_build.graph
    edge = g.edges[CNA, "joe-biden", "mentions"]
    assert edge["count"] >= 5 and edge["in_title"] is True
    assert g.edges[CNA, "tw-taipei", "mentions"]["in_lead"] is True
    assert g.edges[CNA, "tw-taipei", "mentions"]["in_title"] is False


def test_publishers_are_the_outlet_entities(seeds_build):
    g = seeds_build.graph
    assert g.has_edge(CNA, "cna", "published_by")
    assert g.has_edge(HKCNEWS, "hkcnews", "published_by")
    assert g.nodes["cna"]["type"] == "institution"
    # the CNA article also names 中央社 in its dateline: same node, two relations
    assert g.has_edge(CNA, "cna", "mentions")


def test_related_links_become_stub_articles(seeds_build):
    g = seeds_build.graph
    related = [v for _, v, k in g.out_edges(CNA, keys=True) if k == "related"]
    assert len(related) == 8
    assert all(g.nodes[v]["stub"] for v in related)
    assert "彭斯違逆川普確認拜登勝選 賭上自身政治前途" in {g.nodes[v]["title"] for v in related}


def test_co_mentions_count_articles_and_dates(seeds_build):
    g = seeds_build.graph
    a, b = sorted(["joe-biden", "country-tw"])
    edge = g.edges[a, b, "co_mentioned"]
    assert edge["articles"] == 2
    assert edge["first_date"] == "2021-01-07T23:58:36+00:00" and edge["last_date"] == "2021-02-11"
    assert co_mention_graph(g).has_edge("joe-biden", "country-tw")


def test_places_are_located_in_their_container(seeds_build):
    assert seeds_build.graph.has_edge("tw-taipei", "country-tw", "located_in")


def test_entity_nodes_sorted_by_mentions(seeds_build):
    g = seeds_build.graph
    top = entity_nodes(g)
    assert g.nodes[top[0]]["mentions"] >= g.nodes[top[-1]]["mentions"]
    assert set(entity_nodes(g, "person")) >= {"tsai-ing-wen", "joe-biden", "sung-kim", "ned-price"}


def test_attributes_are_plain_values(seeds_build):
    for _, data in seeds_build.graph.nodes(data=True):
        assert all(isinstance(v, str | int | float | bool) for v in data.values())
    for *_, data in seeds_build.graph.edges(keys=True, data=True):
        assert all(isinstance(v, str | int | float | bool) for v in data.values())


def test_graphml_round_trip_keeps_counts(seeds_build, tmp_path):
    g = seeds_build.graph
    back = nx.read_graphml(write_graphml(g, tmp_path / "graph.graphml"), force_multigraph=True)
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()
    assert back.nodes["tsai-ing-wen"]["name"] == "蔡英文"


def test_the_builds_node_link_json_is_the_same_graph_for_networkx(seeds_build):
    g = seeds_build.graph
    data = json.loads(seeds_build.outputs["graph"].read_text(encoding="utf-8"))
    back = nx.node_link_graph(data, edges="edges")
    assert dict(back.nodes(data=True)) == dict(g.nodes(data=True))
    assert sorted(back.edges(keys=True, data=True), key=repr) == sorted(
        g.edges(keys=True, data=True), key=repr
    )


_ENTITIES = [f"e{i}" for i in range(6)]


@given(
    articles=st.lists(
        st.tuples(
            st.sampled_from(["", "2020-01-02", "2021-05-06", "2019-12-31T08:00:00+08:00"]),
            st.lists(st.sampled_from(_ENTITIES), min_size=0, max_size=6, unique=True),
        ),
        max_size=12,
    ),
    threshold=st.integers(1, 3),
)
def test_co_mentions_match_a_count_of_every_pair(articles, threshold):
    """The numpy count equals the plain one: every pair of every article, whatever the
    number of entities per article and with dates missing."""
    gazetteer = Gazetteer([Entity(id=e, type="person", name=f"人{e}", en=e) for e in _ENTITIES])
    builder = GraphBuilder(gazetteer, min_co_mentions=threshold)
    expected: dict[tuple[str, str], list[str]] = {}
    for number, (date, entities) in enumerate(articles):
        article = Article(id=f"a{number}", path=f"a{number}.md", title="", text="", date=date)
        stats = tuple((e, 1, i, False, False) for i, e in enumerate(entities))
        builder.add(ArticleRecord(article), stats)
        for a, b in itertools.combinations(sorted(entities), 2):
            expected.setdefault((a, b), []).append(date)
    graph = builder.finish()
    found = {
        (u, v): (d["articles"], d["first_date"], d["last_date"])
        for u, v, k, d in graph.edges(keys=True, data=True)
        if k == "co_mentioned"
    }
    assert found == {
        pair: (len(dates), min(filter(None, dates), default=""), max(dates))
        for pair, dates in expected.items()
        if len(dates) >= threshold
    }


@given(GROWING_ARCHIVES)
@example(([("2021-05-06", ["p2", "p3"], "", []), ("2020-01-02", ["p2", "p5"], "", [])], 1))
def test_a_reopened_builder_finishes_as_one_that_saw_every_record_at_once(archive):
    """What a build resumes from its checkpoint (:func:`resumed_builder`)."""
    articles, cut = archive
    at_once = GraphBuilder(places_gazetteer(), min_co_mentions=1)
    fold_articles(at_once, articles, range(len(articles)))
    expected = at_once.finish(complete=False)
    _, _, resumed, _ = resumed_builder(articles, cut)
    graph = resumed.finish(complete=False)
    assert list(graph.nodes(data=True)) == list(expected.nodes(data=True))
    assert [(u, list(nbrs.items())) for u, nbrs in graph.adjacency()] == [
        (u, list(nbrs.items())) for u, nbrs in expected.adjacency()
    ]
    assert resumed.pending.mentions == at_once.pending.mentions
    assert resumed.count_co_mentions() == at_once.count_co_mentions()


@given(GROWING_ARCHIVES, st.integers(0, 8))
def test_a_kept_state_with_the_articles_since_replayed_reopens_as_the_later_state(archive, since):
    """A checkpoint can be an earlier build's state plus the files folded since, which the
    next build replays (reopen, fold, finish: pipeline._resume) before it reopens the graph
    for its own files: it must get what the later build's own state gives."""
    articles, cut = archive
    later = min(len(articles), cut + since)
    gazetteer = places_gazetteer()

    def kept_state(count: int) -> GraphBuilder:
        builder = GraphBuilder(gazetteer, min_co_mentions=1)
        fold_articles(builder, articles, range(min(count, len(articles))))
        builder.finish(complete=False)
        builder.count_co_mentions()
        kept = pickle.loads(pickle.dumps(builder))
        kept.gazetteer = gazetteer
        return kept

    direct = kept_state(later)
    replayed = kept_state(cut)
    with replayed.reopened():
        fold_articles(replayed, articles, range(min(cut, len(articles)), later))
    assert replayed.reopen() == direct.reopen()
    for builder in (direct, replayed):
        fold_articles(builder, articles, range(later, len(articles)))
    graph, expected = replayed.finish(complete=False), direct.finish(complete=False)
    assert list(graph.nodes(data=True)) == list(expected.nodes(data=True))
    assert [(u, list(nbrs.items())) for u, nbrs in graph.adjacency()] == [
        (u, list(nbrs.items())) for u, nbrs in expected.adjacency()
    ]
    assert replayed.pending.mentions == direct.pending.mentions
    assert replayed.count_co_mentions() == direct.count_co_mentions()


def test_a_completed_graph_cannot_be_reopened():
    builder = GraphBuilder(Gazetteer([]))
    builder.finish()
    with pytest.raises(ValueError, match="complete=True"):
        builder.reopen()
