"""Network measures: NetworKit's numbers are networkx's, and a build's summary has them all."""

from __future__ import annotations

import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg import analysis
from kg.analysis import co_mention_measures, graph_stats, stats_text


@st.composite
def co_mention_graphs(draw) -> nx.Graph:
    size = draw(st.integers(3, 12))
    pairs = [(u, v) for u in range(size) for v in range(u + 1, size)]
    edges = draw(st.lists(st.sampled_from(pairs), min_size=1, unique=True))
    graph = nx.Graph()
    graph.add_nodes_from(f"e{n}" for n in range(size))  # some stay isolated
    for u, v in edges:
        graph.add_edge(f"e{u}", f"e{v}", weight=draw(st.integers(1, 9)))
    return graph


@settings(max_examples=60)
@given(co_mention_graphs())
def test_pagerank_and_betweenness_are_networkx_s(graph):
    rank, between, communities = co_mention_measures(graph)
    expected_rank = nx.pagerank(graph, weight="weight", tol=1e-13, max_iter=10_000)
    expected_between = nx.betweenness_centrality(graph, weight=None)
    assert rank == pytest.approx(expected_rank, abs=1e-9)
    assert between == pytest.approx(expected_between, abs=1e-12)
    assert sorted(n for c in communities for n in c) == sorted(graph)  # a partition


def test_two_cliques_joined_by_one_edge_are_two_communities():
    graph = nx.Graph()
    for clique in ("abcde", "vwxyz"):
        graph.add_edges_from(((u, v) for u in clique for v in clique if u < v), weight=3)
    graph.add_edge("e", "v", weight=1)
    state = random.getstate()
    first = co_mention_measures(graph)[2]
    assert random.getstate() == state  # the seeded generator is NetworKit's own
    assert sorted(map(sorted, first)) == [list("abcde"), list("vwxyz")]
    assert co_mention_measures(graph)[2] == first


def test_betweenness_of_a_large_graph_is_estimated_the_same_way_each_time(monkeypatch):
    monkeypatch.setattr(analysis, "SAMPLED_ABOVE", 20)
    graph = nx.relabel_nodes(nx.star_graph(40), str)  # "0" in the middle
    graph.add_edges_from((str(i), str(i + 1)) for i in range(1, 40, 2))
    nx.set_edge_attributes(graph, 1, "weight")
    estimated = co_mention_measures(graph)[1]
    exact = nx.betweenness_centrality(graph)
    assert co_mention_measures(graph)[1] == estimated
    assert max(estimated, key=estimated.get) == max(exact, key=exact.get) == "0"
    assert estimated["0"] == pytest.approx(exact["0"], rel=0.1)
    assert estimated != pytest.approx(exact, abs=1e-12)  # sampled, not exact


def test_a_build_s_summary(seeds_build):
    summary = graph_stats(seeds_build.graph, top=3)
    assert summary["top_mentioned"][0]["mentions"] >= summary["top_mentioned"][1]["mentions"]
    assert {"top_pagerank", "top_betweenness", "communities"} <= summary.keys()
    assert sum(c["size"] for c in summary["communities"]) <= summary["nodes"]["person"] + (
        summary["nodes"]["institution"] + summary["nodes"]["place"]
    )
    assert "communities (Louvain):" in stats_text(summary)


def test_entities_never_co_mentioned_are_no_community():
    graph = nx.MultiDiGraph()
    for n in "abcz":
        graph.add_node(n, kind="entity", type="person", name=n, mentions=1, articles=1)
    graph.add_edge("a", "b", key="co_mentioned", articles=2)
    graph.add_edge("b", "c", key="co_mentioned", articles=2)
    communities = graph_stats(graph)["communities"]
    assert communities == [{"size": 3, "members": ["a", "b", "c"]}]
