"""Network analysis of a built graph: top entities, centrality, communities.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> for n, m in (("a", 3), ("b", 2), ("c", 1)):
...     G.add_node(n, kind="entity", type="person", name=n, mentions=m, articles=m)
>>> _ = G.add_edge("a", "b", key="co_mentioned", articles=2)
>>> graph_stats(G, top=2)["top_mentioned"][0]["id"]
'a'
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

from kg.graph import co_mention_graph, entity_nodes


def _row(graph: nx.MultiDiGraph, node: str, **extra) -> dict:
    d = graph.nodes[node]
    return {
        "id": node,
        "name": d.get("name", ""),
        "type": d.get("type", ""),
        "mentions": d.get("mentions", 0),
        **extra,
    }


def graph_stats(graph: nx.MultiDiGraph, top: int = 10) -> dict:
    """Counts by type, the top entities by mentions, PageRank and betweenness on the
    co-mention graph, and Louvain communities (of two entities or more) with their
    most-mentioned members."""
    kinds = Counter(d.get("type", "?") for _, d in graph.nodes(data=True))
    relations = Counter(k for _, _, k in graph.edges(keys=True))
    co = co_mention_graph(graph)
    summary: dict = {
        "nodes": dict(sorted(kinds.items())),
        "edges": dict(sorted(relations.items())),
        "top_mentioned": [_row(graph, n) for n in entity_nodes(graph)[:top]],
    }
    if co.number_of_edges():
        rank, between, communities = co_mention_measures(co)
        summary["top_pagerank"] = [
            _row(graph, n, score=round(s, 5))
            for n, s in sorted(rank.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        ]
        summary["top_betweenness"] = [
            _row(graph, n, score=round(s, 5))
            for n, s in sorted(between.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        ]
        groups = (c for c in communities if len(c) > 1)  # an entity never co-mentioned is alone
        ranked = sorted(groups, key=lambda c: (-len(c), min(c)))
        summary["communities"] = [
            {
                "size": len(c),
                "members": [
                    graph.nodes[n].get("name", n) for n in entity_nodes(graph.subgraph(c))[:top]
                ],
            }
            for c in ranked[:top]
        ]
    return summary


SAMPLED_ABOVE = 1000
"""Co-mention graphs with more entities than this get betweenness estimated from sampled
sources (as networkx's ``k``); smaller ones get it exactly."""
SAMPLES = 300


def co_mention_measures(
    co: nx.Graph,
) -> tuple[dict[str, float], dict[str, float], list[set[str]]]:
    """PageRank (weighted by shared articles), betweenness (normalised, unweighted) and
    Louvain communities of a co-mention graph, as networkx's ``pagerank``,
    ``betweenness_centrality`` and ``louvain_communities`` define them.

    Computed by NetworKit, in C++: an archive's co-mention graph (a few thousand entities, a
    quarter of a million edges) takes networkx 20 s for a betweenness sampled from 300
    sources and 3 s for Louvain; NetworKit takes about 1.5 s for all three. Betweenness is
    exact up to :data:`SAMPLED_ABOVE` entities, estimated from :data:`SAMPLES` sources
    above. One thread and a fixed seed make every result the same on every run.

    >>> co = nx.Graph([("a", "b", {"weight": 1}), ("b", "c", {"weight": 1})])
    >>> rank, between, communities = co_mention_measures(co)
    >>> between
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    import networkit as nk

    nodes = list(co)
    index = {node: i for i, node in enumerate(nodes)}
    weighted, plain = nk.Graph(len(nodes), weighted=True), nk.Graph(len(nodes))
    for u, v, d in co.edges(data=True):
        weighted.addEdge(index[u], index[v], d.get("weight", 1))
        plain.addEdge(index[u], index[v])
    threads = nk.getMaxNumberOfThreads()
    nk.setNumberOfThreads(1)
    nk.setSeed(7, False)
    try:
        rank = nk.centrality.PageRank(weighted, damp=0.85, tol=1e-12).run().scores()
        if len(nodes) < 3:
            between = [0.0] * len(nodes)
        elif len(nodes) > SAMPLED_ABOVE:
            between = nk.centrality.EstimateBetweenness(plain, SAMPLES, True).run().scores()
        else:
            between = nk.centrality.Betweenness(plain, normalized=True).run().scores()
        partition = nk.community.PLM(weighted, refine=True).run().getPartition()
    finally:
        nk.setNumberOfThreads(threads)
    total = sum(rank)
    communities = [{nodes[i] for i in partition.getMembers(s)} for s in partition.getSubsetIds()]
    return (
        {node: score / total for node, score in zip(nodes, rank)},
        dict(zip(nodes, between)),
        communities,
    )


def stats_text(summary: dict) -> str:
    """A plain-text rendering of :func:`graph_stats`."""
    lines = ["nodes: " + ", ".join(f"{k} {v}" for k, v in summary["nodes"].items())]
    lines.append("edges: " + ", ".join(f"{k} {v}" for k, v in summary["edges"].items()))
    for key, title in (("top_mentioned", "most mentioned"), ("top_pagerank", "PageRank (co-mentions)"),
                       ("top_betweenness", "betweenness (co-mentions)")):  # fmt: skip
        if key in summary:
            lines.append(f"\n{title}:")
            for i, row in enumerate(summary[key], 1):
                score = f"  {row['score']}" if "score" in row else ""
                lines.append(
                    f"{i:3}. {row['name']} ({row['type']}, {row['mentions']} mentions){score}"
                )
    if "communities" in summary:
        lines.append("\ncommunities (Louvain):")
        for i, community in enumerate(summary["communities"], 1):
            lines.append(f"{i:3}. {community['size']} entities: {', '.join(community['members'])}")
    return "\n".join(lines)
